"""The small campaign and Đà Nẵng's people of the submissions tests, for the security tests."""

from tests.submissions.conftest import (  # noqa: F401
    campaign,
    danang_it_lead,
    danang_leader,
    danang_submission,
    hue_submission,
    submitted_danang,
)
