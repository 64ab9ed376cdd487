"""The demo data of a local run: accounts, and the 2020 campaigns opened on the shipped frameworks."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from pytest_django.fixtures import Settings

from accounts.models import User
from submissions.models import Campaign, Submission

pytestmark = pytest.mark.django_db


@pytest.fixture
def local(settings: Settings) -> None:
    settings.DEBUG = True
    call_command("load_reference_data")


def test_demo_data_opens_the_2020_campaigns_once(local: None, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("demo_data")
    call_command("demo_data")

    campaigns = {campaign.framework.code: campaign for campaign in Campaign.objects.select_related("framework")}
    assert sorted(campaigns) == ["dti-2020-ministry", "dti-2020-province"]
    assert {code: (c.year, c.state, c.is_trial) for code, c in campaigns.items()} == {
        "dti-2020-ministry": (2020, "open", True),
        "dti-2020-province": (2020, "open", True),
    }
    assert Submission.objects.filter(campaign=campaigns["dti-2020-province"]).count() == 63
    assert Submission.objects.filter(campaign=campaigns["dti-2020-ministry"]).count() == 26
    assert "Demo campaign DTI 2020 cấp tỉnh (chạy thử): already open" in capsys.readouterr().out


def test_every_demo_unit_account_reaches_its_own_submission(local: None) -> None:
    call_command("demo_data")

    for username in ("danang.baocao", "hue.baocao", "btc.baocao"):
        user = User.objects.get(username=username)
        visible = Submission.objects.visible_to(user)
        assert visible.count() == 1
        assert visible.get().organisation == user.organisation


def test_demo_data_refuses_to_run_without_debug(settings: Settings) -> None:
    settings.DEBUG = False

    with pytest.raises(CommandError, match="only created with DEBUG on"):
        call_command("demo_data")
