"""Create the demo accounts and demo campaigns for a local run, idempotently, and print the accounts.

The demo campaigns assess year 2020, the year the 2020 framework was used: one on each 2020
framework (ministry and province), both opened as trials because their source texts lose or leave
unprinted some cells the frameworks need (the fixtures mark them as missing or inferred).
Published results of later years are separate campaigns.

Demo data exists only for trying the portal on a developer's machine: the command refuses to
run when DEBUG is off, so a production database never receives known passwords.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from accounts.models import Organisation, Role, User
from accounts.services import save_account
from indicators.models import Framework
from submissions.models import Campaign
from submissions.services.campaigns import open_campaign

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


DEMO_YEAR = 2020
# (name, level, framework code, peer groups, opened as a trial)
DEMO_CAMPAIGNS: list[tuple[str, str, str, list[str], bool]] = [
    ("DTI 2020 cấp bộ (dùng thử)", "ministry", "dti-2020-ministry", ["public_services", "no_public_services"], True),
    ("DTI 2020 cấp tỉnh (chạy thử)", "province", "dti-2020-province", ["province"], True),
]


class Command(BaseCommand):
    help = "Create the demo accounts and campaigns (local runs only) and optionally print the accounts."

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
        administrator = User.objects.get(username="quantri")
        for name, level, framework_code, groups, trial in DEMO_CAMPAIGNS:
            self.create_campaign(name, level, framework_code, groups, trial, administrator)

    def create_campaign(
        self, name: str, level: str, framework_code: str, groups: list[str], trial: bool, administrator: User
    ) -> None:
        framework = Framework.objects.filter(code=framework_code).first()
        if framework is None:
            raise CommandError(f"Framework {framework_code} is missing: run `manage.py load_reference_data` first.")
        today = timezone.localdate()
        campaign, created = Campaign.objects.get_or_create(
            name=name,
            defaults={
                "year": DEMO_YEAR,
                "level": level,
                "framework": framework,
                "groups": groups,
                "is_trial": trial,
                # Entry is open for a month from today, so the demo accounts can try every step.
                "entry_opens": today - datetime.timedelta(days=1),
                "entry_closes": today + datetime.timedelta(days=30),
                "appraisal_closes": today + datetime.timedelta(days=45),
                "explanation_closes": today + datetime.timedelta(days=55),
                "final_appraisal_closes": today + datetime.timedelta(days=65),
                "publication_date": today + datetime.timedelta(days=75),
                "created_by": administrator,
            },
        )
        if campaign.state == Campaign.State.DRAFT:
            count = open_campaign(campaign=campaign, by=administrator)
            self.stdout.write(f"Opened demo campaign {name}: {count} submissions")
        elif not created:
            self.stdout.write(f"Demo campaign {name}: already open")

    def print_accounts(self) -> None:
        self.stdout.write(
            self.style.SUCCESS(f"Tài khoản dùng thử / demo accounts (mật khẩu / password: {DEMO_PASSWORD}):")
        )
        for username, _code, _roles, description in DEMO_ACCOUNTS:
            self.stdout.write(f"  {username:<18} {description}")
