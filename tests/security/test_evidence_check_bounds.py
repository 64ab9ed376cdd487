"""A hostile PDF cannot hold a worker: the evidence check parses in a child process bounded in CPU time
and memory, with a wall-clock backstop. Breaking a bound, or a checker that dies, hangs, answers
nonsense or cannot start, refuses the file as too complex to check: a message, never a server error.

The bounds are proven by setting them far below what an ordinary file needs, not by timing."""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pytest_django.fixtures import Settings

from accounts.models import User
from submissions import pdf_sandbox
from submissions.evidence import EvidenceRejected, check_pdf
from submissions.models import Evidence, Submission
from tests.pdfs import pdf
from tests.submissions.test_api import client_for

TOO_COMPLEX = "Tệp PDF quá phức tạp để kiểm tra."
# The largest ordinary file the portal takes: parsing its 2 000 pages needs about 0,1 s of CPU and
# tens of MB, far above the bounds the tests set.
LARGE = pdf(pages=2000)


@pytest.fixture(autouse=True)
def _fresh_checkers() -> Iterator[None]:
    """Each test starts its own checking process (with its own command, if it changes it)."""
    pdf_sandbox.close_idle_children()
    yield
    pdf_sandbox.close_idle_children()


def refusal(content: bytes) -> str:
    with pytest.raises(EvidenceRejected) as raised:
        check_pdf(content)
    return str(raised.value)


def logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.name == "submissions.evidence"]


def test_a_file_needing_more_cpu_time_than_the_bound_is_refused_as_too_complex(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    assert check_pdf(LARGE).pages == 2000
    settings.EVIDENCE_CHECK_CPU_SECONDS = 0.001

    assert refusal(LARGE) == TOO_COMPLEX
    assert logged(caplog) == [
        f"Evidence check of a {len(LARGE)}-byte file refused it as too complex: "
        "the checker was killed by SIGPROF (its CPU time bound) without a verdict"
    ]


def test_a_file_needing_more_memory_than_the_bound_is_refused_as_too_complex(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    assert check_pdf(LARGE).pages == 2000
    settings.EVIDENCE_CHECK_MEMORY_MB = 8  # less than the interpreter itself has mapped

    assert refusal(LARGE) == TOO_COMPLEX
    assert logged(caplog) == [
        f"Evidence check of a {len(LARGE)}-byte file refused it as too complex: "
        "the file needed more memory than the bound"
    ]


def test_after_a_refusal_the_next_file_is_checked_by_a_new_process_within_the_bounds(settings: Settings) -> None:
    settings.EVIDENCE_CHECK_MEMORY_MB = 8
    refusal(LARGE)
    settings.EVIDENCE_CHECK_MEMORY_MB = 512

    assert check_pdf(pdf(pages=3)).pages == 3


def checker(monkeypatch: pytest.MonkeyPatch, program: str, *arguments: str) -> None:
    """Replace the checking process with a Python program."""
    monkeypatch.setattr(pdf_sandbox, "COMMAND", (sys.executable, "-c", program, *arguments))


def test_a_checker_killed_before_it_answers_refuses_the_file_as_too_complex(monkeypatch: pytest.MonkeyPatch) -> None:
    checker(monkeypatch, "import os, signal; os.kill(os.getpid(), signal.SIGKILL)")

    assert refusal(pdf()) == TOO_COMPLEX


def test_a_checker_that_crashes_refuses_the_file_as_too_complex(monkeypatch: pytest.MonkeyPatch) -> None:
    checker(monkeypatch, "import sys; sys.stdin.buffer.read(4); raise RuntimeError('checker bug')")

    assert refusal(pdf()) == TOO_COMPLEX


def test_a_checker_answering_nonsense_refuses_the_file_as_too_complex(monkeypatch: pytest.MonkeyPatch) -> None:
    checker(monkeypatch, "import sys; sys.stdout.buffer.write(b'\\0\\0\\0\\5hello'); sys.stdout.flush(); input()")

    assert refusal(pdf()) == TOO_COMPLEX


def test_a_checker_that_cannot_start_refuses_the_file_as_too_complex(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_sandbox, "COMMAND", ("/nonexistent/python3",))

    assert refusal(pdf()) == TOO_COMPLEX


def test_a_checker_that_never_answers_is_killed_at_the_wall_clock_backstop(
    monkeypatch: pytest.MonkeyPatch, settings: Settings, tmp_path: Path
) -> None:
    pid_file = tmp_path / "pid"
    checker(monkeypatch, "import os, sys, time; open(sys.argv[1], 'w').write(str(os.getpid())); time.sleep(600)",
            str(pid_file))  # fmt: skip
    settings.EVIDENCE_CHECK_CPU_SECONDS = 0.01
    monkeypatch.setattr(pdf_sandbox, "WALL_SECONDS_BEYOND_CPU", 1.0)

    assert refusal(pdf()) == TOO_COMPLEX
    with pytest.raises(ProcessLookupError):
        os.kill(int(pid_file.read_text()), 0)  # killed and reaped


@pytest.mark.django_db
def test_a_failed_check_through_the_upload_page_answers_with_the_message(
    monkeypatch: pytest.MonkeyPatch, client: Client, danang_submission: Submission, danang_reporter: User
) -> None:
    checker(monkeypatch, "import os, signal; os.kill(os.getpid(), signal.SIGKILL)")
    client.force_login(danang_reporter)

    response = client.post(
        f"/submissions/{danang_submission.pk}/answers/1.1.1/evidence/",
        {"file": SimpleUploadedFile("quyet-dinh.pdf", pdf()), "title": "Quyết định"},
        follow=True,
    )

    assert response.status_code == 400
    assert [str(message) for message in response.context["messages"]] == [
        f"Tệp “quyet-dinh.pdf” bị từ chối: {TOO_COMPLEX}"
    ]
    assert not Evidence.objects.exists()


@pytest.mark.django_db
def test_a_failed_check_through_the_api_answers_400_with_the_message(
    monkeypatch: pytest.MonkeyPatch, danang_submission: Submission, danang_reporter: User
) -> None:
    checker(monkeypatch, "import os, signal; os.kill(os.getpid(), signal.SIGKILL)")

    response = client_for(danang_reporter).post(
        f"/api/v1/submissions/{danang_submission.pk}/answers/1.1.1/evidence/",
        {"file": SimpleUploadedFile("quyet-dinh.pdf", pdf(), "application/pdf"), "title": "Quyết định"},
        format="multipart",
    )

    assert response.status_code == 400
    assert response.json() == {"file": [TOO_COMPLEX]}


def serving_pid() -> int:
    (child,) = pdf_sandbox._idle
    return child.process.pid


def test_one_checking_process_serves_check_after_check() -> None:
    check_pdf(pdf())
    first = serving_pid()

    check_pdf(pdf(pages=2))

    assert serving_pid() == first


def check_in_forked_process(results: multiprocessing.Queue[tuple[int, int, int]]) -> None:
    inherited = len(pdf_sandbox._idle)
    results.put((inherited, check_pdf(pdf(pages=4)).pages, serving_pid()))


def test_a_forked_worker_checks_with_its_own_process_and_leaves_the_parents_alone() -> None:
    """As in Celery's prefork pool and gunicorn with --preload: a daemon process forked from one that
    already has a checking process."""
    check_pdf(pdf())
    parents = serving_pid()
    context = multiprocessing.get_context("fork")
    results: multiprocessing.Queue[tuple[int, int, int]] = context.Queue()
    forked = context.Process(target=check_in_forked_process, args=(results,), daemon=True)

    forked.start()
    inherited, pages, forked_checker = results.get(timeout=60)
    forked.join(timeout=60)

    assert inherited == 0  # the fork forgot the parent's checking process
    assert pages == 4
    assert forked_checker != parents
    assert check_pdf(pdf(pages=2)).pages == 2
    assert serving_pid() == parents


def test_the_checking_process_gets_no_secrets_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECRET_KEY", "khoa-bi-mat")
    monkeypatch.setenv("DATABASE_URL", "postgres://dti:mat-khau@db/dti")

    environment = pdf_sandbox._environment()

    assert "SECRET_KEY" not in environment
    assert "DATABASE_URL" not in environment
    assert environment["PYTHONPATH"].split(os.pathsep)[0] == str(pdf_sandbox.PROJECT_ROOT)
