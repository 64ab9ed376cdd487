"""Every role × action × own or other unit, through the API, with the status each must get.

Đà Nẵng's submission is the one acted on. Đà Nẵng's four accounts are "own"; Huế's four are
"other" and must get 404 for everything (another unit's objects do not exist for them).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from accounts.models import Organisation, Role, User
from submissions.models import Event, Submission
from submissions.services.appraisal import accept_undecided
from submissions.services.approval import transition_submission
from tests.factories import UserFactory
from tests.pdfs import pdf
from tests.submissions.conftest import fill_in

pytestmark = pytest.mark.django_db

UNIT_ROLES = [Role.REPORTER, Role.IT_LEAD, Role.OFFICE, Role.LEADER]
PEOPLE = [
    *[f"own {role}" for role in UNIT_ROLES],
    *[f"other {role}" for role in UNIT_ROLES],
    "appraiser",
    "admin",
    "anonymous",
]

# action → the state it is tried in, and the expected status for each person.
MATRIX: dict[str, dict[str, int]] = {
    "view": {
        "own reporter": 200, "own it_lead": 200, "own office": 200, "own leader": 200,
        "appraiser": 200, "admin": 200,
    },
    "save_answer": {
        "own reporter": 200, "own it_lead": 403, "own office": 403, "own leader": 403,
        "appraiser": 403, "admin": 403,
    },
    "upload_evidence": {
        "own reporter": 201, "own it_lead": 403, "own office": 403, "own leader": 403,
        "appraiser": 403, "admin": 403,
    },
    "submit": {
        "own reporter": 200, "own it_lead": 403, "own office": 403, "own leader": 403,
        "appraiser": 403, "admin": 403,
    },
    # The leader may approve, but not while the IT lead has it: that is a conflict with the state.
    "approve": {
        "own reporter": 403, "own it_lead": 200, "own office": 403, "own leader": 409,
        "appraiser": 403, "admin": 403,
    },
    "return": {
        "own reporter": 403, "own it_lead": 200, "own office": 403, "own leader": 409,
        "appraiser": 403, "admin": 403,
    },
    # The appraisal: only appraisers decide and move it on; only the unit explains; the administrator reopens.
    "appraise": {
        "own reporter": 403, "own it_lead": 403, "own office": 403, "own leader": 403,
        "appraiser": 200, "admin": 403,
    },
    "finish_appraisal": {
        "own reporter": 403, "own it_lead": 403, "own office": 403, "own leader": 403,
        "appraiser": 200, "admin": 403,
    },
    "submit_explanation": {
        "own reporter": 200, "own it_lead": 403, "own office": 403, "own leader": 403,
        "appraiser": 403, "admin": 403,
    },
    "approve_explanation": {
        "own reporter": 403, "own it_lead": 403, "own office": 403, "own leader": 200,
        "appraiser": 403, "admin": 403,
    },
    "finalise": {
        "own reporter": 403, "own it_lead": 403, "own office": 403, "own leader": 403,
        "appraiser": 200, "admin": 403,
    },
    "reopen": {
        "own reporter": 403, "own it_lead": 403, "own office": 403, "own leader": 403,
        "appraiser": 403, "admin": 200,
    },
}  # fmt: skip
for expected in MATRIX.values():
    expected.update({f"other {role}": 404 for role in UNIT_ROLES}, anonymous=401)


@pytest.fixture
def people(organisations: dict[str, Organisation], appraiser: User, administrator: User) -> dict[str, User | None]:
    found: dict[str, User | None] = {"appraiser": appraiser, "admin": administrator, "anonymous": None}
    for side, code in (("own", "48"), ("other", "46")):
        for role in UNIT_ROLES:
            found[f"{side} {role}"] = UserFactory.create(username=f"{code}.{role}", organisation=organisations[code],
                                                         roles=[role])  # fmt: skip
    return found


# The steps that bring the submission to the state each action is tried in, in order.
CHAIN = [
    ("own reporter", "submit"),
    ("own it_lead", "approve"),
    ("own leader", "approve"),
    ("appraiser", "accept_all"),
    ("appraiser", "finish_appraisal"),
    ("own reporter", "submit_explanation"),
    ("own leader", "approve"),
    ("appraiser", "finalise"),
]
STEPS_BEFORE = {"submit": 0, "approve": 1, "return": 1, "appraise": 3, "finish_appraisal": 4,
                "submit_explanation": 5, "approve_explanation": 6, "finalise": 7, "reopen": 8}  # fmt: skip


def prepare(action: str, submission: Submission, people: dict[str, User | None]) -> None:
    """Bring the submission to the state the action is tried in."""
    reporter = people["own reporter"]
    assert reporter is not None
    if action not in STEPS_BEFORE:
        return
    fill_in(submission, reporter)
    for person, step in CHAIN[: STEPS_BEFORE[action]]:
        user = people[person]
        assert user is not None
        if step == "accept_all":
            accept_undecided(submission_id=submission.pk, user=user)
        else:
            transition_submission(submission_id=submission.pk, user=user, action=step)


def attempt(action: str, client: APIClient, submission: Submission) -> int:
    base = f"/api/v1/submissions/{submission.pk}"
    seen = Submission.objects.get(pk=submission.pk).state  # every step names the state it acts on
    requests: dict[str, Callable[[], object]] = {
        "view": lambda: client.get(f"{base}/"),
        "save_answer": lambda: client.put(f"{base}/answers/1.1.1/", {"value": 1, "version": 0}, format="json"),
        "upload_evidence": lambda: client.post(
            f"{base}/answers/1.1.1/evidence/",
            {"file": SimpleUploadedFile("qd.pdf", pdf(), "application/pdf"), "title": "Quyết định"},
            format="multipart",
        ),
        "submit": lambda: client.post(f"{base}/transitions/", {"from_state": seen, "action": "submit"}),
        "approve": lambda: client.post(f"{base}/transitions/", {"from_state": seen, "action": "approve"}),
        "return": lambda: client.post(
            f"{base}/transitions/", {"from_state": seen, "action": "return", "comment": "Bổ sung tài liệu"}
        ),
        "appraise": lambda: client.post(
            f"{base}/answers/1.1.1/appraisal/", {"decision": "accept", "review_version": 0}, format="json"
        ),
        "finish_appraisal": lambda: client.post(
            f"{base}/transitions/", {"from_state": seen, "action": "finish_appraisal"}
        ),
        "submit_explanation": lambda: client.post(
            f"{base}/transitions/", {"from_state": seen, "action": "submit_explanation"}
        ),
        "approve_explanation": lambda: client.post(f"{base}/transitions/", {"from_state": seen, "action": "approve"}),
        "finalise": lambda: client.post(f"{base}/transitions/", {"from_state": seen, "action": "finalise"}),
        "reopen": lambda: client.post(
            f"{base}/transitions/", {"from_state": seen, "action": "reopen", "comment": "Đính chính"}
        ),
    }
    return requests[action]().status_code  # type: ignore[attr-defined]


@pytest.mark.parametrize("person", PEOPLE)
@pytest.mark.parametrize("action", list(MATRIX))
def test_each_role_gets_exactly_its_status_for_each_action(
    danang_submission: Submission, people: dict[str, User | None], action: str, person: str
) -> None:
    prepare(action, danang_submission, people)
    state_before = Submission.objects.get(pk=danang_submission.pk).state
    events_before = Event.objects.filter(submission=danang_submission).count()
    client = APIClient()
    user = people[person]
    if user is not None:
        client.force_authenticate(user)

    status = attempt(action, client, danang_submission)

    assert status == MATRIX[action][person]
    if status >= 400:
        # A refused request changes nothing and leaves no trace in the history.
        assert Submission.objects.get(pk=danang_submission.pk).state == state_before
        assert Event.objects.filter(submission=danang_submission).count() == events_before


@pytest.mark.parametrize("person", [f"other {role}" for role in UNIT_ROLES])
def test_another_units_people_do_not_see_the_submission_in_lists(
    danang_submission: Submission, hue_submission: Submission, people: dict[str, User | None], person: str
) -> None:
    client = APIClient()
    client.force_authenticate(people[person])

    listed = [row["id"] for row in client.get("/api/v1/submissions/").json()["results"]]

    assert listed == [hue_submission.pk]


@pytest.mark.parametrize("person", [f"other {role}" for role in UNIT_ROLES])
def test_another_units_people_get_404_on_the_pages_too(
    danang_submission: Submission, people: dict[str, User | None], person: str
) -> None:
    from django.test import Client

    client = Client()
    client.force_login(people[person])  # type: ignore[arg-type]

    assert client.get(f"/submissions/{danang_submission.pk}/").status_code == 404
    assert client.post(f"/submissions/{danang_submission.pk}/answers/1.1.1/", {}).status_code == 404
    assert client.post(f"/submissions/{danang_submission.pk}/transition/", {"action": "submit"}).status_code == 404
