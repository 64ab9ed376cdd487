"""Import a framework version from an Excel workbook: a dry run lists the changes, else all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from indicators.excel import read_framework_workbook
from indicators.framework.compare import compare_frameworks
from indicators.framework.integrity import check_framework_data
from indicators.framework.parse import FrameworkDataError
from indicators.models import Framework
from indicators.services import framework_data, import_framework


class Command(BaseCommand):
    help = "Import a framework from .xlsx as a new version."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--code", help="Store under this new code instead of the file's.")
        parser.add_argument("--based-on", help="The earlier version to compare with and link to.")
        parser.add_argument("--dry-run", action="store_true", help="Check and list the changes; store nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            data = read_framework_workbook(options["file"].read_bytes(), code=options["code"])
        except FrameworkDataError as error:
            raise CommandError("Tệp bị từ chối, không có gì được lưu:\n" + "\n".join(error.problems)) from error
        based_on = None
        if options["based_on"]:
            based_on = Framework.objects.filter(code=options["based_on"]).first()
            if based_on is None:
                raise CommandError(f"No framework {options['based_on']!r} to compare with.")
        if based_on is not None:
            changes = compare_frameworks(framework_data(based_on), data)
            self.stdout.write(f"So với {based_on.code}: {len(changes)} thay đổi")
            for change in changes:
                self.stdout.write(
                    f"  {change.kind:<8} {change.key:<16} {change.name[:60]}  {'; '.join(change.details)}"
                )
        report = check_framework_data(data)
        self.stdout.write(f"{data.code}: {'đầy đủ' if report.complete else 'chưa đầy đủ'}, {len(data.nodes)} chỉ số")
        if options["dry_run"]:
            self.stdout.write("Chạy thử: không lưu gì.")
            return
        try:
            framework = import_framework(data=data, based_on=based_on)
        except FrameworkDataError as error:
            raise CommandError("Tệp bị từ chối, không có gì được lưu:\n" + "\n".join(error.problems)) from error
        self.stdout.write(self.style.SUCCESS(f"Đã nhập {framework.code}."))
