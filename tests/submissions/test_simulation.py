"""The simulated year of the demo, on the small campaign: untouched units reach their final result through
the services, with figures their rules accept; a unit someone has worked on, and the spared ones, are left."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from accounts.models import User
from indicators.models import Node
from submissions.models import Campaign, Event, Submission
from submissions.services.entry import AnswerInput, save_answer, validate_answer
from submissions.services.simulation import SIMULATED, simulate_campaign, simulated_input
from tests.submissions.conftest import answer_of

pytestmark = pytest.mark.django_db


def states(campaign: Campaign) -> dict[str, str]:
    return dict(Submission.objects.filter(campaign=campaign).values_list("organisation__code", "state"))


def test_only_untouched_units_outside_the_spared_ones_are_simulated_to_their_final_result(
    campaign: Campaign, hue_submission: Submission, hue_reporter: User
) -> None:
    leaf = answer_of(hue_submission, "1.1.1")
    save_answer(answer_id=leaf.pk, user=hue_reporter, given=AnswerInput(value=Decimal(1)), expected_version=0)

    assert simulate_campaign(campaign=campaign, spare=["48"]) == 1
    assert simulate_campaign(campaign=campaign, spare=["48"]) == 0

    assert states(campaign) == {"46": "draft", "48": "draft", "49": "finalised"}
    quang_nam = Submission.objects.get(campaign=campaign, organisation__code="49")
    for answer in quang_nam.answers.select_related("node"):
        assert answer.explanation == SIMULATED
        assert answer.is_answered()
        validate_answer(answer.node, AnswerInput(value=answer.value, choice=answer.choice or None))
    kinds = dict(quang_nam.events.filter(answer__isnull=False, kind__in=[Event.Kind.ANSWER,
                 Event.Kind.AUTHORITY_VALUE]).values_list("answer__node__key", "actor__username"))  # fmt: skip
    # The unit's reporter reports its leaves; the appraiser supplies the expert panel's.
    assert kinds == {"1.1.1": "mophong.49.baocao", "1.1.2": "mophong.49.baocao", "1.2.1": "mophong.49.baocao",
                     "2.1.1": "mophong.49.baocao", "2.1.2": "mophong.thamdinh"}  # fmt: skip


EVERY_RULE = [
    ("boolean", {}, "1"),
    ("percentage", {}, "10"),
    ("percentage", {"target": "20", "inverted": True}, "10"),
    ("ratio", {}, "5"),
    ("ratio", {"inverted": True}, "5"),
    ("count", {"cap": "50"}, "10"),
    ("levels", {"levels": [{"label": "Hằng tuần", "fraction": 1}, {"label": "Hằng tháng", "fraction": 0.5}]}, "10"),
    ("relative_to_best", {}, "10"),
    ("minmax", {"inverted": True}, "10"),
    ("zscore", {"bound": "3"}, "10"),
    ("manual", {}, "15"),
    ("manual", {}, "0"),  # a leaf worth nothing yet (the 2022 framework's index 6)
]


@pytest.mark.parametrize(("rule", "parameters", "points"), EVERY_RULE)
def test_a_simulated_figure_is_one_its_rule_accepts_and_the_same_for_the_same_seed(
    rule: str, parameters: dict[str, object], points: str
) -> None:
    node = Node(rule=rule, parameters=parameters, max_points=Decimal(points))

    for seed in range(200):
        strength = seed / 200
        given = simulated_input(node, random.Random(seed), strength)
        assert validate_answer(node, given)  # raises on a figure the rule refuses
        assert given == simulated_input(node, random.Random(seed), strength)
        assert given.explanation == SIMULATED
