"""Create or update many accounts from a CSV or Excel list (four per unit, as seed 004 describes)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.services import import_accounts, read_account_rows
from common.errors import Rejected


class Command(BaseCommand):
    help = (
        "Import accounts from FILE (.csv or .xlsx; columns username, organisation, roles, full_name, email, "
        "password), all or nothing. Generated passwords are printed once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Check the list and store nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.exists():
            raise CommandError(f"Không có tệp {path}.")
        try:
            rows = read_account_rows(path.read_bytes(), path.name)
            imported = import_accounts(rows=rows, dry_run=options["dry_run"])
        except Rejected as error:
            raise CommandError(
                "Không nhập được danh sách, không có gì được lưu:\n" + "\n".join(error.problems)
            ) from error
        for account in imported:
            action = "created" if account.created else "updated"
            password = f"  password: {account.password}" if account.password else ""
            self.stdout.write(f"{account.username:<24} {account.organisation:<10} {','.join(account.roles):<24} "
                              f"{action}{password}")  # fmt: skip
        verb = "would be imported (dry run)" if options["dry_run"] else "imported"
        self.stdout.write(self.style.SUCCESS(f"{len(imported)} accounts {verb}."))
