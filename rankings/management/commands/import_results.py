"""Import a year's published results (main-index values, optionally the official figures)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from common.errors import Rejected
from rankings.models import Publication
from rankings.services import import_results


class Command(BaseCommand):
    help = (
        "Create a published campaign holding results only, from FILE (.csv or .xlsx): a column `organisation` "
        "and one per main-index code, optional published_value/published_rank; all or nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--level", choices=["province", "ministry"], required=True)
        parser.add_argument("--framework", help="Framework code; by default the one applying to the year.")
        parser.add_argument("--revision-note", default="", help="Publish again as a new version, with this note.")

    def handle(self, *args: Any, **options: Any) -> None:
        year, level = options["year"], options["level"]
        existing = Publication.objects.latest_for(year=year, level=level)
        if existing is not None and not options["revision_note"]:
            self.stdout.write(f"DTI {year} {level}: already published (version {existing.version}); "
                              "give --revision-note to publish a correction.")  # fmt: skip
            return
        path: Path = options["file"]
        if not path.exists():
            raise CommandError(f"Không có tệp {path}.")
        try:
            imported = import_results(
                content=path.read_bytes(),
                filename=path.name,
                year=year,
                level=level,
                framework_code=options["framework"],
                revision_note=options["revision_note"],
            )
        except Rejected as error:
            raise CommandError("Không nhập được, không có gì được lưu:\n" + "\n".join(error.problems)) from error
        publication = imported.publication
        self.stdout.write(f"DTI {year} {level}: {imported.units} units published as version {publication.version} "
                          f"({publication.campaign.framework.code}).")  # fmt: skip
        differences = [line for line in imported.reconciliation if "≠" in line]
        self.stdout.write(f"Reconciliation: {len(differences)} difference(s) between computed and published figures.")
        for line in imported.reconciliation:
            self.stdout.write(f"  {line}")
