"""Create the demo accounts for a local run, idempotently, and print them.

Demo data exists only for trying the portal on a developer's machine: the command refuses to
run when DEBUG is off, so a production database never receives known passwords.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import Organisation, Role
from accounts.services import save_account

DEMO_PASSWORD = "Demo-DTI-2026"  # noqa: S105 - demo accounts exist only with DEBUG on

# (username, organisation code, roles, description)
DEMO_ACCOUNTS: list[tuple[str, str, list[str], str]] = [
    ("quantri", "authority", [Role.ADMIN], "Quản trị hệ thống (cả trang /admin/)"),
    ("thamdinh", "authority", [Role.APPRAISER], "Cán bộ thẩm định"),
    ("danang.baocao", "48", [Role.REPORTER], "Đà Nẵng — chuyên viên báo cáo"),
    ("danang.cntt", "48", [Role.IT_LEAD], "Đà Nẵng — lãnh đạo cơ quan chuyên trách CNTT"),
    ("danang.vanphong", "48", [Role.OFFICE], "Đà Nẵng — Văn phòng UBND"),
    ("danang.lanhdao", "48", [Role.LEADER], "Đà Nẵng — lãnh đạo tỉnh"),
    ("hue.baocao", "46", [Role.REPORTER], "Huế — chuyên viên báo cáo"),
    ("hue.cntt", "46", [Role.IT_LEAD], "Huế — lãnh đạo cơ quan chuyên trách CNTT"),
    ("hue.vanphong", "46", [Role.OFFICE], "Huế — Văn phòng UBND"),
    ("hue.lanhdao", "46", [Role.LEADER], "Huế — lãnh đạo tỉnh"),
    ("btc.baocao", "BTC", [Role.REPORTER], "Bộ Tài chính — chuyên viên báo cáo"),
    ("btc.cntt", "BTC", [Role.IT_LEAD], "Bộ Tài chính — lãnh đạo đơn vị CNTT"),
    ("btc.vanphong", "BTC", [Role.OFFICE], "Bộ Tài chính — Văn phòng Bộ"),
    ("btc.lanhdao", "BTC", [Role.LEADER], "Bộ Tài chính — lãnh đạo Bộ"),
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
        organisations = Organisation.objects.in_bulk([code for _u, code, _r, _d in DEMO_ACCOUNTS], field_name="code")
        for username, code, roles, description in DEMO_ACCOUNTS:
            if code not in organisations:
                raise CommandError(f"Organisation {code} is missing: run `manage.py load_reference_data` first.")
            user, created = save_account(
                username=username,
                password=DEMO_PASSWORD,
                organisation=organisations[code],
                roles=list(roles),
                full_name=description,
            )
            if username == "quantri" and not user.is_superuser:
                user.is_superuser = True
                user.save(update_fields=["is_superuser"])
            self.stdout.write(f"{'Created' if created else 'Updated'} demo account {username}")

    def print_accounts(self) -> None:
        self.stdout.write(
            self.style.SUCCESS(f"Tài khoản dùng thử / demo accounts (mật khẩu / password: {DEMO_PASSWORD}):")
        )
        for username, _code, _roles, description in DEMO_ACCOUNTS:
            self.stdout.write(f"  {username:<18} {description}")
