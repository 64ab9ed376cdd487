"""Time the scoring engine and a whole-campaign recompute on a synthetic campaign, in a scratch database.

    python manage.py bench_scoring [--sizes 63x300,700x300,2000x300] [--repeat 5]

The real data is never touched: the command creates a throw-away test database (on the same
server as DATABASE_URL), builds a framework of M leaves (a mix of every rule) and N units with
answers, and prints one JSON object keyed by size. Each figure is the median of `--repeat` runs:
the engine alone (one stage, every unit), the load, the write, the whole recompute in the steady
state (results already stored, as a real recompute finds them), the rows it wrote, its SQL
queries and its peak memory; and the same figures under `one_change`: one answer changed, then
a recompute.
"""

from __future__ import annotations

import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from common.vocabulary import Stage
from ops.synthetic import MINIMUM_LEAVES, build_campaign
from scoring.engine import score_stage
from scoring.services import load_campaign, recompute_campaign, score_stages, write_results
from submissions.models import Answer, Campaign


class Command(BaseCommand):
    help = "Benchmark the scoring engine and the campaign recompute on synthetic data in a scratch database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--sizes", default="63x300,700x300,2000x300", help="Comma-separated UNITSxLEAVES sizes.")
        parser.add_argument("--repeat", type=int, default=5, help="Runs per figure; the median is printed.")
        parser.add_argument("--seed", type=int, default=2021)

    def handle(self, *args: Any, **options: Any) -> None:
        sizes = [_size(text) for text in options["sizes"].split(",")]
        if any(leaves < MINIMUM_LEAVES for _units, leaves in sizes):
            raise CommandError(f"A synthetic framework has at least {MINIMUM_LEAVES} leaves (one per component).")
        old_name = connection.settings_dict["NAME"]
        scratch = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
        figures: dict[str, Any] = {"database": connection.vendor, "scratch": scratch}
        try:
            for units, leaves in sizes:
                rng = random.Random(options["seed"])  # noqa: S311 - synthetic data
                figures[f"{units}x{leaves}"] = self.measure(units, leaves, rng, max(1, options["repeat"]))
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=False)
        self.stdout.write(json.dumps(figures, indent=2))

    def measure(self, unit_count: int, leaf_count: int, rng: random.Random, repeat: int) -> dict[str, Any]:
        campaign = build_campaign(unit_count, leaf_count, rng)
        recompute_campaign(campaign_id=campaign.pk)  # the first run stores every row
        loaded = load_campaign(campaign)
        scored = score_stages(loaded)
        engine = _median(repeat, lambda: score_stage(loaded.plan, loaded.stages[Stage.SELF]))
        load = _median(repeat, lambda: load_campaign(campaign))
        write = _median(repeat, lambda: write_results(loaded, scored))
        steady = self.recompute(campaign, repeat)
        answers = list(
            Answer.objects.filter(submission__campaign=campaign, value__isnull=False, node__rule="percentage")
            .order_by("pk")
            .values_list("pk", flat=True)[: repeat]
        )  # fmt: skip
        one_change = self.recompute(campaign, repeat, before=lambda n: _change(answers[n % len(answers)]))
        return {
            "units": unit_count,
            "leaves": leaf_count,
            "engine_seconds": engine,
            "load_seconds": load,
            "write_seconds": write,
            **steady,
            "one_change": one_change,
            "recompute_process_max_rss_mb": _recompute_process_rss(campaign),
            "process_max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        }

    def recompute(self, campaign: Campaign, repeat: int, before: Callable[[int], None] | None = None) -> dict[str, Any]:
        seconds, written, queries = [], [], []
        for n in range(repeat):
            if before:
                before(n)
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                run = recompute_campaign(campaign_id=campaign.pk)
                seconds.append(time.perf_counter() - started)
            written.append(run.rows_written)
            queries.append(len(captured.captured_queries))
        # Memory is measured on a run apart: tracing allocations slows Python down several times.
        if before:
            before(repeat)
        tracemalloc.start()
        recompute_campaign(campaign_id=campaign.pk)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return {
            "recompute_seconds": round(statistics.median(seconds), 3),
            "rows_written": int(statistics.median(written)),
            "queries": int(statistics.median(queries)),
            "recompute_peak_memory_mb": round(peak / 2**20, 1),
        }


def _recompute_process_rss(campaign: Campaign) -> float | None:
    """The peak resident memory of a fresh process that does one recompute, as a worker would (this
    process also holds what building the campaign took). PostgreSQL only: the scratch database of
    SQLite lives in this process."""
    if connection.vendor != "postgresql":
        return None
    settings = connection.settings_dict
    url = (
        f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}"
    )
    # VmHWM, not getrusage: Linux carries a parent's peak over into the process it starts.
    code = (
        "from scoring.services import recompute_campaign; "
        f"recompute_campaign(campaign_id={campaign.pk}); "
        "print(next(line.split()[1] for line in open('/proc/self/status') if line.startswith('VmHWM:')))"
    )
    done = subprocess.run(  # noqa: S603 - this interpreter, this project's manage.py
        [sys.executable, "manage.py", "shell", "-c", code],
        env={**os.environ, "DATABASE_URL": url}, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return round(int(done.stdout.split()[-1]) / 1024, 1)


def _median(repeat: int, work: Callable[[], object]) -> float:
    seconds = []
    for _n in range(repeat):
        started = time.perf_counter()
        work()
        seconds.append(time.perf_counter() - started)
    return round(statistics.median(seconds), 3)


def _change(answer_id: int) -> None:
    """One answer changed, as a save would change it (without the save's own recompute)."""
    Answer.objects.filter(pk=answer_id).update(value=F("value") + 1, version=F("version") + 1)


def _size(text: str) -> tuple[int, int]:
    """`63x300` as (63 units, 300 leaves)."""
    units, _x, leaves = text.strip().partition("x")
    try:
        return int(units), int(leaves)
    except ValueError:
        raise CommandError(f"A size looks like 63x300 (units x leaves); got {text!r}.") from None
