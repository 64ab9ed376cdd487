"""A finalised small campaign for the leaf-level what-if, and the full recompute it must agree with."""

from __future__ import annotations

from decimal import Decimal

import pytest

from accounts.models import User
from common.vocabulary import Stage
from scoring.engine import LeafValue, UnitInput, score_exact
from scoring.services import load_campaign, recompute_campaign
from submissions.models import Campaign, Submission, SubmissionState
from tests.submissions.conftest import fill_in


@pytest.fixture
def finalised(
    campaign: Campaign, danang_reporter: User, hue_reporter: User, danang_submission: Submission,
    hue_submission: Submission,
) -> Submission:  # fmt: skip
    """Đà Nẵng's and Huế's figures as `fill_in` enters them, every unit's result settled, scored."""
    fill_in(danang_submission, danang_reporter)
    fill_in(hue_submission, hue_reporter)
    # Test set-up, not the workflow under test: the units' results are taken as settled.
    Submission.objects.filter(campaign=campaign).update(state=SubmissionState.FINALISED)
    recompute_campaign(campaign_id=campaign.pk)
    danang_submission.refresh_from_db()
    return danang_submission


def full_recompute(campaign: Campaign, code: str, key: str, answer: LeafValue) -> Decimal | None:
    """The unit's final DTI as the engine scores the whole campaign with one answer replaced, every unit's
    answers read afresh from the database."""
    units = []
    for submission in Submission.objects.filter(campaign=campaign).select_related("organisation"):
        values = {}
        for found in submission.answers.select_related("node"):
            fields = found.stage_values(Stage.FINAL)
            values[found.node.key] = LeafValue(fields["value"], fields["numerator"], fields["denominator"],
                                               fields["choice"])  # fmt: skip
        if submission.organisation.code == code:
            values[key] = answer
        units.append(UnitInput(submission.organisation.code, submission.organisation.group, values))
    return score_exact(load_campaign(campaign).framework, units)[code]["DTI"].value
