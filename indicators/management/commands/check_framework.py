"""Print a framework's integrity report; exit non-zero when it has errors.

Lines: THIẾU for what the source lost, SUY RA for rows with a cell the source does not print
(inferred from weights, sums or the table's structure), LỖI for contradictions.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from indicators.models import Framework
from indicators.services import refresh_integrity


class Command(BaseCommand):
    help = "Check a stored framework: points, totals, aggregates, structure counts and rules."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="The framework's code, e.g. dti-2020-ministry.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            framework = Framework.objects.get(code=options["code"])
        except Framework.DoesNotExist:
            codes = ", ".join(Framework.objects.values_list("code", flat=True))
            raise CommandError(f"No framework {options['code']!r}. Known: {codes}") from None
        report = refresh_integrity(framework=framework)
        summary = report.summary
        self.stdout.write(f"{framework.code} — {framework.name}")
        self.stdout.write(
            "Nodes: "
            + ", ".join(f"{kind} {count}" for kind, count in summary["nodes"].items())
            + f"; leaves {summary['leaves']} worth {summary['leaf_points']} of {summary['max_points']} points"
        )
        for line in report.incomplete:
            self.stdout.write(f"  THIẾU  {line}")
        for line in report.inferred:
            self.stdout.write(f"  SUY RA {line}")
        for line in report.errors:
            self.stdout.write(self.style.ERROR(f"  LỖI    {line}"))
        # A framework with an inferred cell is incomplete however well its sums hold.
        verdict = "complete" if report.complete else ("INCOMPLETE" if not report.errors else "ERRORS")
        self.stdout.write(
            f"Result: {verdict} ({len(report.errors)} errors, {len(report.incomplete)} missing items, "
            f"{len(report.inferred)} rows with inferred cells)"
        )
        if report.errors:
            raise CommandError(f"{framework.code}: {len(report.errors)} integrity errors")
