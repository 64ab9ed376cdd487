"""Import a year's published results (main-index values, optionally the official figures)."""

from __future__ import annotations

import argparse
import datetime
import re
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from accounts.models import Organisation
from common.errors import Rejected
from rankings.models import Publication
from rankings.services import import_results


def publication_day(text: str) -> datetime.date:
    """A day as the report prints it (08/08/2022) or in ISO form (2022-08-08)."""
    printed = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text.strip())
    try:
        if printed:
            day, month, year = (int(part) for part in printed.groups())
            return datetime.date(year, month, day)
        return datetime.date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}” không phải là ngày dd/mm/yyyy.") from None


# The levels a table is published for: the ranked tables, and the national DTI (the country's one row).
IMPORTED_LEVELS = (Organisation.Level.PROVINCE, Organisation.Level.MINISTRY, Organisation.Level.NATIONAL)


class Command(BaseCommand):
    help = (
        "Create a published campaign holding results only, from FILE (.csv or .xlsx): a column `organisation` "
        "and one per main-index code, optional published_value/published_rank; all or nothing. The table must "
        "hold every unit of the year and level, unless --partial publishes it marked as partial."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--level", choices=[level.value for level in IMPORTED_LEVELS], required=True)
        parser.add_argument("--framework", help="Framework code; by default the one applying to the year.")
        parser.add_argument("--revision-note", default="", help="Publish again as a new version, with this note.")
        parser.add_argument(
            "--published-on",
            type=publication_day,
            help="The day the table was published (dd/mm/yyyy or yyyy-mm-dd), shown as its publication date; "
            "required for a year's first publication, a correction defaults to now.",
        )
        parser.add_argument("--source", default="", help="Where the table's figures are printed, shown with them.")
        parser.add_argument(
            "--partial",
            action="store_true",
            help="Publish a table lacking some of the year's units, marked everywhere as a partial publication.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        year, level = options["year"], options["level"]
        existing = Publication.objects.official().latest_for(year=year, level=level)
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
                published_on=options["published_on"],
                partial=options["partial"],
                source=options["source"],
            )
        except Rejected as error:
            raise CommandError("Không nhập được, không có gì được lưu:\n" + "\n".join(error.problems)) from error
        publication = imported.publication
        self.stdout.write(f"DTI {year} {level}: {imported.units} units published as version {publication.version} "
                          f"({publication.campaign.framework.code}), dated "
                          f"{timezone.localdate(publication.published_at).strftime('%d/%m/%Y')}.")  # fmt: skip
        if publication.is_partial:
            self.stdout.write(self.style.WARNING(
                f"Partial publication: {publication.covered_units} of the {publication.expected_units} units of "
                f"{year}; every page and the API mark it “Công bố một phần”."
            ))  # fmt: skip
        differences = [line for line in imported.reconciliation if "≠" in line]
        self.stdout.write(f"Reconciliation: {len(differences)} difference(s) between computed and published figures.")
        for line in imported.reconciliation:
            self.stdout.write(f"  {line}")
