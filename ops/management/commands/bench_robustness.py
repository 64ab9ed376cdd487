"""Time the rank bands' analysis (`scoring.robustness`) on a synthetic ranking table; no database.

    python manage.py bench_robustness [--units 63] [--indices 8] [--draws 1000] [--repeat 5]

Prints one JSON object: the table's size, the scenarios ranked and the median seconds of `--repeat`
analyses of the whole table (weights drawn, both alternatives, every rank and percentile).
"""

from __future__ import annotations

import json
import statistics
import time
from typing import Any

import numpy as np
from django.core.management.base import BaseCommand, CommandError, CommandParser

from scoring.robustness import SPREAD, rank_bands


class Command(BaseCommand):
    help = "Benchmark the rank bands' analysis on a synthetic ranking table (no database)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--units", type=int, default=63, help="Units in the table (63 provinces until 2024).")
        parser.add_argument("--indices", type=int, default=8, help="Main indices (8 weighted in DTI 2021).")
        parser.add_argument("--draws", type=int, default=1000)
        parser.add_argument("--repeat", type=int, default=5, help="Runs; the median is printed.")
        parser.add_argument("--seed", type=int, default=2021)

    def handle(self, *args: Any, **options: Any) -> None:
        units, indices, draws, repeat = options["units"], options["indices"], options["draws"], options["repeat"]
        if min(units, indices, draws, repeat) < 1:
            raise CommandError("--units, --indices, --draws and --repeat are at least 1.")
        rng = np.random.default_rng(options["seed"])
        values = rng.random((units, indices))
        weights = rng.integers(50, 200, indices).astype(np.float64)
        seconds = []
        for run in range(repeat):
            started = time.perf_counter()
            rank_bands(values, weights, seed=options["seed"] + run, draws=draws, spread=SPREAD)
            seconds.append(time.perf_counter() - started)
        figures = {"units": units, "indices": indices, "draws": draws, "scenarios": draws + 2, "repeat": repeat,
                   "seconds": round(statistics.median(seconds), 4),
                   "slowest_seconds": round(max(seconds), 4)}  # fmt: skip
        self.stdout.write(json.dumps(figures, indent=2))
