"""Create the demo accounts and demo campaigns for a local run, idempotently, and print the accounts.

Two demo campaigns assess year 2020, the year the 2020 framework was used: one on each 2020
framework (ministry and province), both opened as trials because their source texts lose or leave
unprinted some cells the frameworks need (the fixtures mark them as missing or inferred). A third
assesses 2022 on the 2022 province framework (which applies to 2021–2023), also a trial: every unit
but Đà Nẵng is simulated to its final result, so one person can take Đà Nẵng through the year and
publish it. A trial's publication is never an official result (only signed-in users see it, marked
as a trial), so it stands beside the published results of the same years without replacing them.

Demo data exists only for trying the portal on a developer's machine: the command refuses to
run when DEBUG is off, so a production database never receives known passwords.
"""

from __future__ import annotations

import datetime
import textwrap
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from accounts.departments import DepartmentInput, DepartmentSheet, SheetRow, import_departments
from accounts.models import Organisation, Role, User
from accounts.services import save_account
from indicators.models import Framework
from submissions.models import Campaign
from submissions.services.campaigns import open_campaign
from submissions.services.simulation import simulate_campaign

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


# (name, year, level, framework code, peer groups, opened as a trial, simulated)
DEMO_CAMPAIGNS: list[tuple[str, int, str, str, list[str], bool, bool]] = [
    ("DTI 2020 cấp bộ (dùng thử)", 2020, "ministry", "dti-2020-ministry", ["public_services", "no_public_services"],
     True, False),
    ("DTI 2020 cấp tỉnh (chạy thử)", 2020, "province", "dti-2020-province", ["province"], True, False),
    ("DTI 2022 cấp tỉnh (chạy thử)", 2022, "province", "dti-2022-province", ["province"], True, True),
]  # fmt: skip
# The units of a simulated campaign left for a person to take through the year: Đà Nẵng, whose demo
# accounts the printed path follows. Huế is simulated too, so that publishing waits for Đà Nẵng alone.
DEMO_UNITS_BY_HAND = ["48"]

# The departments of the demo province (Đà Nẵng) that its improvement plans can make responsible for an
# index: (name, short name, contact). Imported as a sheet would be, so a second run changes nothing.
DEMO_DEPARTMENTS_UNIT = "48"
DEMO_DEPARTMENTS_KEEPER = "danang.vanphong"
DEMO_DEPARTMENTS: list[tuple[str, str, str]] = [
    ("Sở Thông tin và Truyền thông", "Sở TT&TT", "Phòng Công nghệ thông tin — 0236 3822 222"),
    ("Sở Nội vụ", "SNV", "Phòng Cải cách hành chính — 0236 3821 111"),
    ("Sở Kế hoạch và Đầu tư", "Sở KH&ĐT", "Văn phòng Sở — 0236 3822 333"),
    ("Văn phòng UBND thành phố", "VP UBND", "Phòng Kiểm soát thủ tục hành chính — 0236 3822 444"),
    ("Sở Tài chính", "STC", "Phòng Ngân sách — 0236 3822 555"),
    ("Sở Giáo dục và Đào tạo", "Sở GD&ĐT", "Phòng Kế hoạch — Tài chính — 0236 3822 666"),
    ("Sở Y tế", "SYT", "Phòng Nghiệp vụ Y — 0236 3822 777"),
    ("UBND quận Hải Châu", "UBND Hải Châu", "Văn phòng HĐND và UBND quận — 0236 3822 888"),
    ("Trung tâm Phục vụ hành chính công", "TT PVHCC", "Bộ phận tiếp nhận — 0236 3822 999"),
]  # fmt: skip

ACCOUNTS_TEXT = {
    "vi": (
        "Bắt đầu từ đợt “DTI 2022 cấp tỉnh (chạy thử)”: mọi đơn vị khác (cả Huế) đã được mô phỏng đến khi "
        "chốt kết quả, chỉ còn Đà Nẵng. Đăng nhập danang.baocao để nhập số liệu (điểm tự chấm, tỷ lệ %, tử "
        "số/mẫu số, theo mức) và trình duyệt; danang.cntt rồi danang.lanhdao phê duyệt; thamdinh thẩm định, "
        "kết thúc thẩm định; danang.baocao giải trình và danang.lanhdao duyệt giải trình; thamdinh chốt kết "
        "quả; cuối cùng quantri công bố tại /admin/rankings/publication/publish/. Bản công bố chạy thử chỉ "
        "hiện khi đã đăng nhập, có dòng “Chạy thử — không phải kết quả chính thức”."
    ),
    "en": (
        "Start with the “DTI 2022 cấp tỉnh (chạy thử)” campaign: every other unit (Huế too) is simulated up to "
        "its final result; only Đà Nẵng is left. Sign in as danang.baocao to enter the figures (points, "
        "percentages, numerator/denominator, levels) and submit; danang.cntt then danang.lanhdao approve; "
        "thamdinh appraises and finishes the appraisal; danang.baocao explains and danang.lanhdao approves the "
        "explanation; thamdinh finalises; finally quantri publishes at /admin/rankings/publication/publish/. "
        "A trial publication shows only to signed-in users, marked “Chạy thử — không phải kết quả chính thức”."
    ),
}


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
        started = time.monotonic()
        self.save_accounts()
        self.save_departments()
        administrator = User.objects.get(username="quantri")
        for name, year, level, framework_code, groups, trial, simulated in DEMO_CAMPAIGNS:
            self.create_campaign(name, year, level, framework_code, groups, trial, simulated, administrator)
        self.stdout.write(f"Demo data ready in {time.monotonic() - started:.1f} s")

    def save_accounts(self) -> None:
        """Create the demo accounts that are missing or differ. An account as it should be is left alone:
        its password is not set again (hashing costs most of a second each, and a new password would end
        the API tokens a newcomer made)."""
        organisations = Organisation.objects.in_bulk([code for _u, code, _r, _d in DEMO_ACCOUNTS], field_name="code")
        existing = User.objects.select_related("organisation").in_bulk(
            [username for username, *_rest in DEMO_ACCOUNTS], field_name="username"
        )
        for username, code, roles, description in DEMO_ACCOUNTS:
            if code not in organisations:
                raise CommandError(f"Organisation {code} is missing: run `manage.py load_reference_data` first.")
            user = existing.get(username)
            superuser = username == "quantri"
            if user is not None and (
                user.organisation == organisations[code]
                and user.roles == list(roles)
                and user.first_name == description
                and user.is_active
                and user.is_superuser == superuser
            ):
                continue
            user, created = save_account(
                username=username,
                password=DEMO_PASSWORD if user is None else None,
                organisation=organisations[code],
                roles=list(roles),
                full_name=description,
            )
            if superuser and not user.is_superuser:
                user.is_superuser = True
                user.save(update_fields=["is_superuser"])
            self.stdout.write(f"{'Created' if created else 'Updated'} demo account {username}")

    def save_departments(self) -> None:
        """Give the demo province its departments, as its office would import them."""
        office = User.objects.get(username=DEMO_DEPARTMENTS_KEEPER)
        unit = Organisation.objects.get(code=DEMO_DEPARTMENTS_UNIT)
        rows = [
            SheetRow(number, DepartmentInput(name=name, short_name=short_name, contact=contact))
            for number, (name, short_name, contact) in enumerate(DEMO_DEPARTMENTS, start=2)
        ]
        summary = import_departments(user=office, organisation_id=unit.pk, sheet=DepartmentSheet(rows=rows))
        if summary.added or summary.updated:
            self.stdout.write(
                f"Demo departments of {unit.short_name}: {summary.added} added, {summary.updated} updated"
            )

    def create_campaign(
        self,
        name: str,
        year: int,
        level: str,
        framework_code: str,
        groups: list[str],
        trial: bool,
        simulated: bool,
        administrator: User,
    ) -> None:
        framework = Framework.objects.filter(code=framework_code).first()
        if framework is None:
            raise CommandError(f"Framework {framework_code} is missing: run `manage.py load_reference_data` first.")
        today = timezone.localdate()
        with transaction.atomic():
            campaign, created = Campaign.objects.get_or_create(
                name=name,
                defaults={
                    "year": year,
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
                campaign.refresh_from_db()
                self.stdout.write(f"Opened demo campaign {name}: {count} submissions")
            elif not created:
                self.stdout.write(f"Demo campaign {name}: already open")
            if simulated and campaign.state == Campaign.State.OPEN:
                self.simulate(campaign)

    def simulate(self, campaign: Campaign) -> None:
        if not campaign.entry_is_open():
            self.stdout.write(f"Demo campaign {campaign.name}: entry has closed, no unit simulated")
            return
        started = time.monotonic()
        count = simulate_campaign(campaign=campaign, spare=DEMO_UNITS_BY_HAND)
        if count:
            self.stdout.write(
                f"Demo campaign {campaign.name}: {count} units simulated to their final results "
                f"in {time.monotonic() - started:.1f} s"
            )

    def print_accounts(self) -> None:
        self.stdout.write(
            self.style.SUCCESS(f"Tài khoản dùng thử / demo accounts (mật khẩu / password: {DEMO_PASSWORD}):")
        )
        for username, _code, _roles, description in DEMO_ACCOUNTS:
            self.stdout.write(f"  {username:<18} {description}")
        for language in ("vi", "en"):
            self.stdout.write("")
            self.stdout.write(textwrap.fill(ACCOUNTS_TEXT[language], width=100))
