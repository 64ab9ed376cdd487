"""Time the scoring engine and a whole-campaign recompute on a synthetic campaign, in a scratch database.

    python manage.py bench_scoring [--units N] [--leaves M] [--sizes 63x300,700x300]

The real data is never touched: the command creates a throw-away test database (on the same
server as DATABASE_URL), builds a framework of M leaves (a mix of every rule) and N units with
answers, and prints one JSON object per size: engine-only seconds, end-to-end recompute seconds
(load + compute + write), SQL queries of the recompute, and peak memory.
"""

from __future__ import annotations

import datetime
import json
import random
import resource
import time
import tracemalloc
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection
from django.test.utils import CaptureQueriesContext

RULES: list[tuple[str, dict[str, Any]]] = [
    ("boolean", {}),
    ("percentage", {}),
    ("percentage", {"inverted": True, "target": "20"}),
    ("ratio", {}),
    ("count", {"cap": "50"}),
    ("levels", {"levels": [{"label": "Hằng tuần", "fraction": "1"}, {"label": "Hằng tháng", "fraction": "0.5"}]}),
    ("relative_to_best", {}),
    ("minmax", {}),
    ("zscore", {"bound": "3"}),
    ("manual", {}),
]


class Command(BaseCommand):
    help = "Benchmark the scoring engine and the campaign recompute on synthetic data in a scratch database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--units", type=int, help="Units of one size (with --leaves).")
        parser.add_argument("--leaves", type=int, default=300)
        parser.add_argument("--sizes", default="63x300,700x300", help="Comma-separated UNITSxLEAVES sizes.")
        parser.add_argument("--seed", type=int, default=2021)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["units"]:
            sizes = [(options["units"], options["leaves"])]
        else:
            sizes = [tuple(int(part) for part in size.split("x")) for size in options["sizes"].split(",")]
        old_name = connection.settings_dict["NAME"]
        scratch = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
        try:
            for units, leaves in sizes:
                figures = self.measure(units, leaves, random.Random(options["seed"]))  # noqa: S311 - synthetic data
                self.stdout.write(json.dumps({"database": connection.vendor, "scratch": scratch, **figures}))
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=False)

    def measure(self, unit_count: int, leaf_count: int, rng: random.Random) -> dict[str, Any]:
        from scoring import services
        from scoring.engine import score_campaign

        campaign = build_campaign(unit_count, leaf_count, rng)
        framework, stages = services.load_campaign(campaign)
        started = time.perf_counter()
        score_campaign(framework, stages["self"])
        engine_seconds = time.perf_counter() - started
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            run = services.recompute_campaign(campaign_id=campaign.pk)
            end_to_end = time.perf_counter() - started
        # Memory is measured on a second run, apart: tracing allocations slows Python down several times.
        tracemalloc.start()
        services.recompute_campaign(campaign_id=campaign.pk)
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


def build_campaign(unit_count: int, leaf_count: int, rng: random.Random) -> Any:
    """A framework of `leaf_count` leaves in 10 main indices × 5 components, and `unit_count` units with answers."""
    from accounts.models import Organisation
    from indicators.framework.parse import AggregateData, FrameworkData, NodeData
    from indicators.services import import_framework
    from submissions.models import Answer, Campaign, Submission

    code = f"bench-{unit_count}x{leaf_count}"
    mains, components = 10, 5
    per_component = max(1, leaf_count // (mains * components))
    nodes: list[NodeData] = []
    total = Decimal(0)
    made = 0
    for m in range(1, mains + 1):
        nodes.append(NodeData(key=f"{m}", code=f"{m}", parent=None, kind="main", name=f"Chỉ số chính {m}"))
        main_points = Decimal(0)
        for c in range(1, components + 1):
            key = f"{m}.{c}"
            nodes.append(NodeData(key=key, code=key, parent=f"{m}", kind="component", name=f"Chỉ số thành phần {key}"))
            component_points = Decimal(0)
            count = per_component if (m, c) != (mains, components) else leaf_count - made
            for leaf in range(1, count + 1):
                rule, parameters = RULES[made % len(RULES)]
                points = Decimal(rng.choice([1, 2, 3, 4]))
                nodes.append(NodeData(key=f"{key}.{leaf}", code=f"{key}.{leaf}", parent=key, kind="criterion",
                                      name=f"Tiêu chí {key}.{leaf}", max_points=points, source="self_report",
                                      rule=rule, parameters=parameters))  # fmt: skip
                component_points += points
                made += 1
            next(node for node in nodes if node.key == key).max_points = component_points
            main_points += component_points
        next(node for node in nodes if node.key == f"{m}").max_points = main_points
        total += main_points
    data = FrameworkData(
        code=code, level="province", name=code, decision_number="0/BENCH", decision_date=datetime.date(2024, 1, 1),
        first_year=2000, last_year=None, max_points=total, nodes=nodes,
        aggregates=[AggregateData(code="DTI", name="DTI", main_indices=[str(m) for m in range(1, mains + 1)])],
    )  # fmt: skip
    framework = import_framework(data=data)
    organisations = Organisation.objects.bulk_create(
        Organisation(code=f"B{unit_count}-{n:04d}", level="province", name=f"Đơn vị {n}", short_name=f"Đơn vị {n}",
                     group="province") for n in range(unit_count)
    )  # fmt: skip
    today = datetime.date.today()  # noqa: DTZ011 - dates of a synthetic campaign
    campaign = Campaign.objects.create(
        name=code, year=2000, level="province", framework=framework, groups=["province"], is_trial=True,
        entry_opens=today, entry_closes=today, appraisal_closes=today, explanation_closes=today,
        final_appraisal_closes=today, publication_date=today, state=Campaign.State.OPEN,
    )  # fmt: skip
    submissions = Submission.objects.bulk_create(Submission(campaign=campaign, organisation=o) for o in organisations)
    leaves = list(framework.nodes.filter(kind="criterion"))
    answers = []
    for submission in submissions:
        for leaf in leaves:
            answer = Answer(submission=submission, node=leaf)
            if rng.random() < 0.9:
                if leaf.rule == "ratio":
                    answer.denominator = Decimal(rng.randint(1, 1000))
                    answer.numerator = Decimal(rng.randint(0, int(answer.denominator)))
                elif leaf.rule == "levels":
                    answer.choice = rng.choice(["Hằng tuần", "Hằng tháng", ""])
                elif leaf.rule == "boolean":
                    answer.value = Decimal(rng.randint(0, 1))
                else:
                    answer.value = Decimal(rng.randint(0, 10000)) / 100
            answers.append(answer)
        if len(answers) >= 20000:
            Answer.objects.bulk_create(answers, batch_size=5000)
            answers = []
    Answer.objects.bulk_create(answers, batch_size=5000)
    return campaign
