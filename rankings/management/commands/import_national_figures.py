"""Publish the national DTI of each year as its source prints it, with what else the source prints."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from common.errors import Rejected
from rankings.services import import_national_figures

from .import_results import publication_day


class Command(BaseCommand):
    help = (
        "Publish the national DTI of every year FILE (.csv or .xlsx) gives: columns year, figure (dti, indices, "
        "indices_above_half or group_average), group, value, source; one row per printed figure, each with where "
        "it is printed. Years already published are left as they are (idempotent) unless --revision-note "
        "publishes them again as a correction. All or nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--published-on",
            type=publication_day,
            help="The day the source was published (dd/mm/yyyy or yyyy-mm-dd), shown as the publication date; "
            "required for a year's first publication, a correction defaults to now.",
        )
        parser.add_argument("--revision-note", default="", help="Publish every year again, with this public note.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.exists():
            raise CommandError(f"Không có tệp {path}.")
        try:
            imported = import_national_figures(
                content=path.read_bytes(),
                filename=path.name,
                published_on=options["published_on"],
                revision_note=options["revision_note"],
            )
        except Rejected as error:
            raise CommandError("Không nhập được, không có gì được lưu:\n" + "\n".join(error.problems)) from error
        for publication in imported.kept:
            self.stdout.write(f"DTI {publication.campaign.year} national: already published (version "
                              f"{publication.version}); give --revision-note to publish a correction.")  # fmt: skip
        for result in imported.published:
            publication = result.publication
            figures = publication.printed_figures.count()
            self.stdout.write(f"DTI {publication.campaign.year} national: published as version "
                              f"{publication.version} ({publication.campaign.framework.code}), dated "
                              f"{timezone.localdate(publication.published_at).strftime('%d/%m/%Y')}, with "
                              f"{figures} printed figure(s).")  # fmt: skip
