"""Time the scoring engine and a whole-campaign recompute on a synthetic campaign, in a scratch database.

    python manage.py bench_scoring [--units N] [--leaves M] [--sizes 63x300,700x300]

The real data is never touched: the command creates a throw-away test database (on the same
server as DATABASE_URL), builds a framework of M leaves (a mix of every rule) and N units with
answers, and prints one JSON object per size: engine-only seconds, end-to-end recompute seconds
(load + compute + write), SQL queries of the recompute, and peak memory.
"""

from __future__ import annotations

import json
import random
import resource
import time
import tracemalloc
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from common.vocabulary import Stage
from ops.synthetic import MINIMUM_LEAVES, build_campaign
from scoring.engine import score_campaign
from scoring.services import load_campaign, recompute_campaign


class Command(BaseCommand):
    help = "Benchmark the scoring engine and the campaign recompute on synthetic data in a scratch database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--units", type=int, help="Units of one size (with --leaves).")
        parser.add_argument("--leaves", type=int, default=300)
        parser.add_argument("--sizes", default="63x300,700x300", help="Comma-separated UNITSxLEAVES sizes.")
        parser.add_argument("--seed", type=int, default=2021)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["units"]:
            sizes = [(int(options["units"]), int(options["leaves"]))]
        else:
            sizes = [_size(text) for text in options["sizes"].split(",")]
        if any(leaves < MINIMUM_LEAVES for _units, leaves in sizes):
            raise CommandError(f"A synthetic framework has at least {MINIMUM_LEAVES} leaves (one per component).")
        old_name = connection.settings_dict["NAME"]
        scratch = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
        try:
            for units, leaves in sizes:
                figures = self.measure(units, leaves, random.Random(options["seed"]))  # noqa: S311 - synthetic data
                self.stdout.write(json.dumps({"database": connection.vendor, "scratch": scratch, **figures}))
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=False)

    def measure(self, unit_count: int, leaf_count: int, rng: random.Random) -> dict[str, Any]:
        campaign = build_campaign(unit_count, leaf_count, rng)
        framework, stages = load_campaign(campaign)
        started = time.perf_counter()
        score_campaign(framework, stages[Stage.SELF])
        engine_seconds = time.perf_counter() - started
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            run = recompute_campaign(campaign_id=campaign.pk)
            end_to_end = time.perf_counter() - started
        # Memory is measured on a second run, apart: tracing allocations slows Python down several times.
        tracemalloc.start()
        recompute_campaign(campaign_id=campaign.pk)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return {
            "units": unit_count,
            "leaves": leaf_count,
            "engine_seconds": round(engine_seconds, 3),
            "recompute_seconds": round(end_to_end, 3),
            "queries": len(queries.captured_queries),
            "results_written": run.results,
            "recompute_peak_memory_mb": round(peak / 2**20, 1),
            "process_max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        }


def _size(text: str) -> tuple[int, int]:
    """`63x300` as (63 units, 300 leaves)."""
    units, _x, leaves = text.strip().partition("x")
    try:
        return int(units), int(leaves)
    except ValueError:
        raise CommandError(f"A size looks like 63x300 (units x leaves); got {text!r}.") from None
