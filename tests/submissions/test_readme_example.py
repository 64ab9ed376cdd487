"""The integrator's example in README.md, run as it is printed against a live portal."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import requests

from accounts.models import User
from submissions.models import Submission, SubmissionState
from tests.pdfs import pdf

README = Path(__file__).resolve().parents[2] / "README.md"
MARKER = "<!-- integrator-example"
PASSWORD = "Mat-khau-thu-2026"


def readme_example() -> str:
    """The Python block that follows the integrator-example marker."""
    text = README.read_text(encoding="utf-8")
    after = text[text.index(MARKER) :]
    return after.split("```python\n", 1)[1].split("\n```", 1)[0]


@pytest.mark.django_db(transaction=True)
def test_the_readme_example_files_a_provinces_year_and_releases_its_appraisal_in_twelve_requests(
    live_server: Any,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    danang_2022: Submission,
    danang_reporter: User,
    danang_it_lead: User,
    danang_leader: User,
    appraiser: User,
) -> None:
    evidence = tmp_path / "quyet-dinh.pdf"
    evidence.write_bytes(pdf())
    monkeypatch.setenv("DTI_URL", live_server.url)
    monkeypatch.setenv("DTI_SUBMISSION", str(danang_2022.pk))
    monkeypatch.setenv("DTI_EVIDENCE_PDF", str(evidence))
    for role, user in [("reporter", danang_reporter), ("it_lead", danang_it_lead), ("leader", danang_leader),
                       ("appraiser", appraiser)]:  # fmt: skip
        monkeypatch.setenv(f"DTI_{role.upper()}", f"{user.username}:{PASSWORD}")
    sent: list[str] = []
    send = requests.Session.request

    def counted(self: requests.Session, method: str, url: str, *args: Any, **kwargs: Any) -> requests.Response:
        sent.append(f"{method} {url}")
        return send(self, method, url, *args, **kwargs)

    monkeypatch.setattr(requests.Session, "request", counted)

    exec(compile(readme_example(), str(README), "exec"), {"__name__": "readme_example"})  # noqa: S102

    assert len(sent) == 12
    assert capsys.readouterr().out == "explanation\n"
    danang_2022.refresh_from_db()
    assert danang_2022.state == SubmissionState.EXPLANATION
    assert danang_2022.answers.filter(node__source="self_report", appraisal_decision="accept").count() == 39
    assert danang_2022.answers.filter(evidence__isnull=False).count() == 1
