"""Create the demo accounts for a local run, idempotently, and print them.

Demo data exists only for trying the portal on a developer's machine: the command refuses to
run when DEBUG is off, so a production database never receives known passwords.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

DEMO_ACCOUNTS: list[dict[str, str]] = [
    {
        "username": "quantri",
        "password": "QuanTri-DTI-2026",
        "description": "Quản trị viên (trang quản trị /admin/)",
    },
]


class Command(BaseCommand):
    help = "Create the demo accounts (local runs only) and optionally print them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--print-accounts", action="store_true", help="Only print the demo accounts.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("Demo data is only created with DEBUG on (local settings).")
        if options["print_accounts"]:
            self.print_accounts()
            return
        user_model = get_user_model()
        for account in DEMO_ACCOUNTS:
            user, created = user_model.objects.get_or_create(username=account["username"])
            user.is_staff = True
            user.is_superuser = True
            user.set_password(account["password"])
            user.save()
            self.stdout.write(f"{'Created' if created else 'Updated'} demo account {user.username}")

    def print_accounts(self) -> None:
        self.stdout.write(self.style.SUCCESS("Tài khoản dùng thử / demo accounts:"))
        for account in DEMO_ACCOUNTS:
            self.stdout.write(f"  {account['username']:<20} {account['password']:<24} {account['description']}")
