"""Shared fixtures: the database guard, the reference organisations and the named personas.

Personas: a Đà Nẵng reporter; a Huế reporter, who must never see Đà Nẵng's draft; an appraiser
and an administrator of the national authority.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from pytest_django.fixtures import Settings

from accounts.models import Organisation, Role, User
from accounts.services import load_organisations
from dti_portal import celery_app
from tests.factories import TEST_ORGANISATIONS, UserFactory

if TYPE_CHECKING:
    from playwright.sync_api import ConsoleMessage


def pytest_report_header(config: pytest.Config) -> list[str]:
    broker = settings.CELERY_BROKER_URL or "none (tasks in-process)"
    return [f"database: {connection.vendor} ({connection.settings_dict['NAME']})", f"celery broker: {broker}"]


@pytest.fixture(scope="session", autouse=True)
def _database_is_the_expected_one() -> None:
    """CI sets DTI_EXPECT_DATABASE=postgresql: a run on any other database must not pass."""
    expected = os.environ.get("DTI_EXPECT_DATABASE")
    if expected and connection.vendor != expected:
        pytest.exit(f"The suite must run on {expected}, but DATABASE_URL gives {connection.vendor}.", returncode=3)


@pytest.fixture(autouse=True)
def _private_media_root(settings: Settings, tmp_path: Path) -> None:
    """Evidence written by a test goes to its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "evidence"


@pytest.fixture(autouse=True)
def _no_published_answer_of_another_test() -> None:
    """Each test starts with an empty cache of published answers: a rolled-back test's publication
    leaves no answer behind, since no signal says that its rows went away."""
    caches["published"].clear()


@pytest.fixture
def organisations(db: None) -> dict[str, Organisation]:
    """The test slice of the reference organisations, by code."""
    load_organisations(data=TEST_ORGANISATIONS)
    return Organisation.objects.in_bulk(field_name="code")


@pytest.fixture
def danang_reporter(organisations: dict[str, Organisation]) -> User:
    return UserFactory.create(username="danang.baocao", organisation=organisations["48"], roles=[Role.REPORTER])


@pytest.fixture
def hue_reporter(organisations: dict[str, Organisation]) -> User:
    """Reports for Huế; must never see Đà Nẵng's unpublished data."""
    return UserFactory.create(username="hue.baocao", organisation=organisations["46"], roles=[Role.REPORTER])


@pytest.fixture
def appraiser(organisations: dict[str, Organisation]) -> User:
    return UserFactory.create(username="thamdinh", organisation=organisations["authority"], roles=[Role.APPRAISER])


@pytest.fixture
def administrator(organisations: dict[str, Organisation]) -> User:
    return UserFactory.create(
        username="quantri", organisation=organisations["authority"], roles=[Role.ADMIN], is_staff=True
    )


@pytest.fixture
def celery_config() -> Iterator[Callable[..., None]]:
    """Change Celery's configuration for one test: `celery_config(task_always_eager=False)`."""
    saved: dict[str, Any] = {}

    def change(**values: Any) -> None:
        for key, value in values.items():
            saved.setdefault(key, celery_app.conf[key])
            celery_app.conf[key] = value

    yield change
    for key, value in saved.items():
        celery_app.conf[key] = value


CHROMIUM = Path(os.environ.get("DTI_CHROMIUM", "/usr/bin/chromium"))


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright; never a downloaded browser.

    Skipped, visibly, where Chromium is not installed, unless DTI_REQUIRE_BROWSER=1 (CI) makes
    that a failure.
    """
    if not CHROMIUM.exists():
        if os.environ.get("DTI_REQUIRE_BROWSER") == "1":
            pytest.fail(f"DTI_REQUIRE_BROWSER=1 but {CHROMIUM} is missing (apt-get install chromium).")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the ORM calls of the test itself
    # are still plain synchronous calls.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"],
        )  # fmt: skip
        yield browser
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


class PageProblems(list[str]):
    """Console errors, page errors and CSP violations seen while a test drove a page."""


@pytest.fixture
def open_page(browser: Any) -> Iterator[Callable[..., tuple[Any, PageProblems]]]:
    """`page, problems = open_page()`: a fresh browser context (its own cookies) per person."""
    contexts = []

    def make(viewport: dict[str, int] | None = None) -> tuple[Any, PageProblems]:
        """`viewport={"width": 390, "height": 844}` for a phone; the default is a desktop's 1280 × 720."""
        options: dict[str, Any] = {"viewport": viewport, "is_mobile": True, "has_touch": True} if viewport else {}
        context = browser.new_context(locale="vi-VN", accept_downloads=True, **options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        problems = PageProblems()

        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                problems.append(message.text)

        page.on("console", on_console)
        page.on("pageerror", lambda error: problems.append(str(error)))
        return page, problems

    yield make
    for context in contexts:
        context.close()


AXE = Path(__file__).resolve().parents[1] / "node_modules" / "axe-core" / "axe.min.js"


def serious_accessibility_violations(page: Any) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now, one line each.

    axe-core comes from npm (`make install`); it is evaluated through the browser's debugging
    protocol, which the pages' Content-Security-Policy does not block.
    """
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make install` (npm ci installs axe-core).")
    page.evaluate(AXE.read_text(encoding="utf-8"))
    violations = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
        ".map(v => v.id + ': ' + v.help + ' — ' + v.nodes.map(n => n.target.join(' ')).join(', '))"
    )
    return list(violations)


def scrolls_sideways(page: Any) -> bool:
    """Whether the page is wider than its viewport (a phone user would have to scroll sideways)."""
    return bool(page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth"))


def require_broker() -> None:
    """Skip, visibly, without a broker, unless DTI_REQUIRE_CELERY_WORKER=1 (CI) makes that a failure."""
    if not settings.CELERY_BROKER_URL:
        if os.environ.get("DTI_REQUIRE_CELERY_WORKER"):
            pytest.fail("DTI_REQUIRE_CELERY_WORKER is set but CELERY_BROKER_URL is not.")
        pytest.skip("No CELERY_BROKER_URL: the real-worker test needs a broker (CI sets Redis).")


@contextmanager
def celery_worker_process(*options: str, env: dict[str, str] | None = None) -> Iterator[None]:
    """A real solo Celery worker of the portal for the block, stopped after it."""
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "dti_portal", "worker", "--pool=solo", "--concurrency=1",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=WARNING", *options],
        cwd=Path(__file__).resolve().parents[1],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "dti_portal.settings.test", **(env or {})},
    )  # fmt: skip
    try:
        yield
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
