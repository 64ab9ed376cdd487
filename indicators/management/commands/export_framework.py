"""Write a stored framework to an Excel workbook."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from indicators.excel import write_framework_workbook
from indicators.models import Framework
from indicators.services import framework_data


class Command(BaseCommand):
    help = "Export a framework as .xlsx (sheets: Bộ chỉ số, Chỉ số, Chỉ số tổng hợp, Cấu trúc công bố, Phần bị thiếu)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code")
        parser.add_argument("--output", type=Path, help="Where to write; default <code>.xlsx here.")

    def handle(self, *args: Any, **options: Any) -> None:
        framework = Framework.objects.filter(code=options["code"]).first()
        if framework is None:
            raise CommandError(f"No framework {options['code']!r}.")
        output: Path = options["output"] or Path(f"{framework.code}.xlsx")
        output.write_bytes(write_framework_workbook(framework_data(framework)))
        self.stdout.write(f"Wrote {output}")
