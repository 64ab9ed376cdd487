"""The small open campaign of the submissions tests, for the recompute tests."""

from tests.submissions.conftest import campaign, danang_submission, hue_submission  # noqa: F401
