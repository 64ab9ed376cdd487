"""After `make load-public`: the publication-day pass criteria, printed and written as JSON.

- the stack has the published results the readers asked for (the 2021 tables of both levels), so
  a run against an empty portal cannot pass on fast 404s;
- no failed request: no 5xx, no 4xx, no dropped connection, and no reader's task that raised;
- the p95 target for every request type, all of them published pages or API answers that are
  served from the cache (≤ 200 ms).
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from ops.stack import LOAD
from rankings.models import Publication

P95_MS = 200
YEAR = 2021
LEVELS = ("province", "ministry")


class Command(BaseCommand):
    help = "Check a publication-day load run: published results, errors, p95 of every request type."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--prefix", type=Path, default=LOAD / "public", help="locust's --csv prefix")
        parser.add_argument("--out", type=Path, default=LOAD / "public.json")

    def handle(self, *args: Any, **options: Any) -> None:
        prefix: Path = options["prefix"]
        stats = {row["Name"]: row for row in csv.DictReader(Path(f"{prefix}_stats.csv").open(encoding="utf-8"))}
        failures = list(csv.DictReader(Path(f"{prefix}_failures.csv").open(encoding="utf-8")))
        # A reader's task that raised (a broken locustfile, an answer it could not read) asked nothing.
        exceptions = list(csv.DictReader(Path(f"{prefix}_exceptions.csv").open(encoding="utf-8")))
        total = stats.pop("Aggregated", {})
        published = {
            level: Publication.objects.official().filter(campaign__year=YEAR, campaign__level=level).exists()
            for level in LEVELS
        }
        p95_ms = {name: _number(row["95%"]) for name, row in stats.items()}
        slowest = max(p95_ms.values(), default=0.0)
        result: dict[str, Any] = {
            "at": timezone.now().isoformat(timespec="seconds"),
            "published_2021": published,
            "requests": int(total.get("Request Count", 0)),
            "requests_per_second": round(float(total.get("Requests/s", 0)), 1),
            "failures": int(total.get("Failure Count", 0)),
            "server_errors": sum(int(row["Occurrences"]) for row in failures if re.search(r"\b5\d\d\b", row["Error"])),
            "failures_by_error": {row["Error"]: int(row["Occurrences"]) for row in failures},
            "task_exceptions": sum(int(row["Count"]) for row in exceptions),
            "p95_ms": p95_ms,
            "p50_ms": {name: _number(row["50%"]) for name, row in stats.items()},
            "p95_ms_all_requests": _number(total.get("95%", "0")),
        }
        checks = {
            f"the {YEAR} results of both levels are published": all(published.values()),
            "no failed request": result["requests"] > 0 and result["failures"] == 0,
            "no reader's task raised": result["task_exceptions"] == 0,
            f"p95 of every request type ≤ {P95_MS} ms": bool(p95_ms) and slowest <= P95_MS,
        }
        result["checks"] = checks
        result["passed"] = all(checks.values())
        options["out"].parent.mkdir(parents=True, exist_ok=True)
        options["out"].write_text(json.dumps(result, indent=1, ensure_ascii=False))
        self.stdout.write(json.dumps(result, indent=1, ensure_ascii=False))
        if not result["passed"]:
            failed = ", ".join(name for name, ok in checks.items() if not ok)
            raise CommandError(f"Publication-day run failed: {failed}")


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return 0.0
