"""Time the published pages and API against `/healthz`, in-process, in a scratch database.

    python manage.py bench_public [--repeat 201]

The real data is never touched: like `bench_scoring`, the command creates a throw-away test database (on
the same server as DATABASE_URL), loads the reference data and publishes both DTI 2021 tables as the
tests do, then drives Django's WSGI handler itself (every middleware, the settings module's caches: Redis
when CACHE_URL says so) with DEBUG off. Run it with the production settings (`make bench-public`) for
production's middleware, static files and cookies; with a manifest static storage it collects the static
files into a temporary folder first.

For each of the ranking page, the ranking API, a profile and the home page it prints, as JSON: the median
over paired, alternating requests of (its latency / the latency of `/healthz`) with the cache warm, the
database queries of one request with the cache cold (a new publication, or the first reader of the day)
and with it warm, and the medians in milliseconds.
"""

from __future__ import annotations

import io
import json
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from tempfile import TemporaryDirectory
from typing import Any

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core.cache import caches
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from dti_portal import celery_app
from rankings import caching

RESULTS = settings.BASE_DIR / "fixtures" / "results"
PAGES = {
    "ranking_page": "/results/2021/province/",
    "ranking_api": "/api/v1/rankings/?year=2021&level=province",
    "profile": "/results/units/48/",
    "home": "/",
}
HEALTHZ = "/healthz"
WARM_UP = 5


class Command(BaseCommand):
    help = "Benchmark the published pages and API against /healthz, with their queries, in a scratch database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--repeat", type=int, default=201, help="Request pairs per page.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["repeat"] < 1:
            raise CommandError("--repeat is at least 1.")
        old_name = connection.settings_dict["NAME"]
        scratch = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
        try:
            # Every request comes from one address: its API rate is raised, as `make stack` does, but the
            # throttle still counts each request.
            rates = {"anon": "100000/minute", "user": "100000/minute"}
            with _static_files(), override_settings(DEBUG=False, ALLOWED_HOSTS=["testserver"],
                                                    REST_FRAMEWORK={**settings.REST_FRAMEWORK,
                                                                    "DEFAULT_THROTTLE_RATES": rates}):  # fmt: skip
                _publish_2021()
                figures = self.measure(options["repeat"])
            self.stdout.write(json.dumps({
                "settings": settings.SETTINGS_MODULE, "database": connection.vendor, "scratch": scratch,
                "cache": caches[caching.ALIAS].__class__.__name__, "repeat": options["repeat"], **figures,
            }))  # fmt: skip
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=False)

    def measure(self, repeat: int) -> dict[str, Any]:
        client = _Client()
        figures: dict[str, Any] = {}
        healthz_seconds: list[float] = []
        for name, url in PAGES.items():
            caching.renew()
            queries = []
            for _cold_then_warm in range(2):
                with CaptureQueriesContext(connection) as captured:
                    client.get(url)
                # Read now: the next request empties the connection's query log.
                queries.append(len(captured.captured_queries))
            for _ in range(WARM_UP):
                client.get(url)
                client.get(HEALTHZ)
            ratios, page_seconds = [], []
            for number in range(repeat):
                # Alternating which goes first, so that neither always finds the other's leftovers.
                order = (url, HEALTHZ) if number % 2 == 0 else (HEALTHZ, url)
                seconds = dict(zip(order, (client.get(order[0]), client.get(order[1])), strict=True))
                ratios.append(seconds[url] / seconds[HEALTHZ])
                page_seconds.append(seconds[url])
                healthz_seconds.append(seconds[HEALTHZ])
            figures[name] = {
                "ratio": round(statistics.median(ratios), 2),
                "queries": queries[0],
                "queries_warm": queries[1],
                "median_ms": round(statistics.median(page_seconds) * 1000, 2),
            }
        return {"healthz_median_ms": round(statistics.median(healthz_seconds) * 1000, 2), **figures}


class _Client:
    """Requests straight into Django's WSGI handler, as gunicorn sends them (HTTPS behind the proxy)."""

    def __init__(self) -> None:
        self.handler = WSGIHandler()

    def get(self, address: str) -> float:
        """The seconds one anonymous GET takes, its body read; a failed request stops the benchmark."""
        path, _, query = address.partition("?")
        environ = {
            "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query, "SCRIPT_NAME": "",
            "SERVER_NAME": "testserver", "SERVER_PORT": "443", "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "testserver", "HTTP_X_FORWARDED_PROTO": "https", "REMOTE_ADDR": "127.0.0.1",
            "wsgi.url_scheme": "https", "wsgi.input": io.BytesIO(b""), "wsgi.errors": sys.stderr,
            "wsgi.version": (1, 0), "wsgi.multithread": True, "wsgi.multiprocess": True, "wsgi.run_once": False,
        }  # fmt: skip
        statuses: list[str] = []
        started = time.perf_counter()
        body = b"".join(self.handler(environ, lambda status, headers, *_: statuses.append(status)))  # type: ignore[arg-type]
        seconds = time.perf_counter() - started
        if not statuses[0].startswith("200"):
            raise CommandError(f"{address} answered {statuses[0]}: {body[:300]!r}")
        return seconds


def _publish_2021() -> None:
    """The reference data and both DTI 2021 tables, as the tests' `published_2021` loads them."""
    # The national reports the imports queue are built here, never sent to a broker's workers (which
    # serve another database).
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        call_command("load_reference_data", stdout=io.StringIO())
        for level in ("province", "ministry"):
            call_command("import_results", str(RESULTS / f"dti-2021-{level}.csv"), "--year", "2021",
                         "--level", level, "--published-on", "08/08/2022", stdout=io.StringIO())  # fmt: skip
    finally:
        celery_app.conf.task_always_eager = eager


@contextmanager
def _static_files() -> Iterator[None]:
    """A manifest static storage (production's) names files from its manifest: collect them first."""
    if not isinstance(staticfiles_storage, ManifestFilesMixin):
        yield
        return
    with TemporaryDirectory() as folder, override_settings(STATIC_ROOT=folder):
        call_command("collectstatic", interactive=False, verbosity=0)
        yield
