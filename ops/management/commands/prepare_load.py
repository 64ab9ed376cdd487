"""Prepare a deadline day for the load test: open campaigns for every province and ministry, give each
unit a reporter, an IT lead and a leader (API tokens), and ten appraisers (passwords). Idempotent.

Refuses to run unless DTI_LOAD_TEST=1: the accounts share one known password, which only a loopback
stack started by `make stack` may have. Writes the accounts to `--accounts FILE` for locust.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from knox.models import AuthToken

from accounts.models import Organisation, Role, User
from accounts.services import save_account
from indicators.models import Framework
from ops.stack import require_the_stack
from submissions.models import Campaign, Submission
from submissions.services.campaigns import open_campaign

LOAD_PASSWORD = "Tai-thu-DTI-2026"  # noqa: S105 - only with DTI_LOAD_TEST=1, on the loopback stack
YEAR = 2023
CAMPAIGNS = [
    ("DTI 2023 cấp tỉnh (tải thử)", "province", "dti-2022-province", ["province"]),
    ("DTI 2023 cấp bộ (tải thử)", "ministry", "dti-2022-ministry", ["public_services", "no_public_services"]),
]


class Command(BaseCommand):
    help = "Open the load test's campaigns and create its accounts (DTI_LOAD_TEST=1 only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--accounts", type=Path, required=True, help="Where to write the accounts (JSON).")

    def handle(self, *args: Any, **options: Any) -> None:
        require_the_stack("Only for the load test's stack: set DTI_LOAD_TEST=1.")
        authority = Organisation.objects.get(level=Organisation.Level.AUTHORITY)
        admin, _created = save_account(username="tai.quantri", password=LOAD_PASSWORD, organisation=authority,
                                       roles=[Role.ADMIN], full_name="Quản trị (tải thử)")  # fmt: skip
        today = timezone.localdate()
        for name, level, framework_code, groups in CAMPAIGNS:
            framework = Framework.objects.get(code=framework_code)
            campaign, _created = Campaign.objects.get_or_create(
                name=name, year=YEAR, level=level, framework=framework,
                defaults={"groups": groups, "is_trial": not framework.complete,
                          "entry_opens": today - datetime.timedelta(days=20),
                          "entry_closes": today + datetime.timedelta(days=1),
                          "appraisal_closes": today + datetime.timedelta(days=20),
                          "explanation_closes": today + datetime.timedelta(days=30),
                          "final_appraisal_closes": today + datetime.timedelta(days=40),
                          "publication_date": today + datetime.timedelta(days=50), "created_by": admin},
            )  # fmt: skip
            if campaign.state == Campaign.State.DRAFT:
                open_campaign(campaign=campaign, by=admin)
        units = []
        # Units' systems work through the API with tokens (no password, so no hashing storm).
        for submission in Submission.objects.filter(
            campaign__year=YEAR, campaign__name__contains="tải thử"
        ).select_related("organisation"):
            unit: dict[str, Any] = {"code": submission.organisation.code, "submission": submission.pk}
            for suffix, role in (("baocao", Role.REPORTER), ("cntt", Role.IT_LEAD), ("lanhdao", Role.LEADER)):
                user, created = User.objects.get_or_create(
                    username=f"tai.{unit['code']}.{suffix}",
                    defaults={"organisation": submission.organisation, "roles": [role]},
                )
                if created:
                    user.set_unusable_password()
                    user.save(update_fields=["password"])
                # Knox keeps only digests: a fresh token each run (the previous run's end), valid API_TOKEN_HOURS.
                user.revoke_api_tokens()
                unit[suffix] = AuthToken.objects.create(user=user)[1]
            units.append(unit)
        appraisers = []
        for number in range(1, 11):
            save_account(username=f"tai.thamdinh{number}", password=LOAD_PASSWORD, organisation=authority,
                         roles=[Role.APPRAISER], full_name=f"Thẩm định {number}")  # fmt: skip
            appraisers.append(f"tai.thamdinh{number}")
        options["accounts"].parent.mkdir(parents=True, exist_ok=True)
        options["accounts"].write_text(json.dumps({"password": LOAD_PASSWORD, "units": units,
                                                   "appraisers": appraisers}, indent=1))  # fmt: skip
        self.stdout.write(f"{len(units)} units with 3 accounts each, {len(appraisers)} appraisers.")
