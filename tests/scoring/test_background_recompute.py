"""Recomputes never on the request path: without a broker they run after the response in the process's
background worker, coalesced per campaign; a burst of saves gives one run, with or without a broker."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from accounts.models import User
from common.background import CoalescingWorker, worker
from scoring.models import Recompute, Result
from submissions.models import Submission


@pytest.fixture
def in_process(settings: Settings) -> Iterator[None]:
    """The embedded default: no broker, recomputes in the background worker."""
    settings.RECOMPUTE_IN_PROCESS = True
    settings.RECOMPUTE_COALESCE_SECONDS = 0
    yield
    assert worker.wait_idle(timeout=60)


def test_a_key_submitted_while_it_waits_is_not_queued_twice() -> None:
    queue = CoalescingWorker()
    ran: list[str] = []

    with queue.held():
        first = queue.submit("campaign", lambda: ran.append("run"))
        again = [queue.submit("campaign", lambda: ran.append("run")) for _ in range(19)]
    assert queue.wait_idle(timeout=10)

    assert (first, set(again), ran) == (True, {False}, ["run"])


def test_any_number_of_requests_during_a_run_cause_exactly_one_more_run() -> None:
    queue = CoalescingWorker()
    started, release = threading.Event(), threading.Event()
    ran: list[int] = []

    def slow() -> None:
        ran.append(len(ran))
        started.set()
        release.wait(timeout=10)

    queue.submit("campaign", slow)
    assert started.wait(timeout=10)
    during = [queue.submit("campaign", slow) for _ in range(10)]
    release.set()
    assert queue.wait_idle(timeout=10)

    assert during == [True] + [False] * 9
    assert ran == [0, 1]


def test_a_failing_job_is_logged_and_the_worker_goes_on(caplog: pytest.LogCaptureFixture) -> None:
    queue = CoalescingWorker()
    ran: list[str] = []

    def fails() -> None:
        raise ArithmeticError("division impossible")

    queue.submit("broken", fails)
    queue.submit("fine", lambda: ran.append("fine"))
    assert queue.wait_idle(timeout=10)

    assert ran == ["fine"]
    assert "Background job 'broken' failed" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_a_burst_of_twenty_saves_without_a_broker_gives_one_recompute_after_the_responses(
    in_process: None, danang_submission: Submission, danang_reporter: User
) -> None:
    client = Client()
    client.force_login(danang_reporter)
    url = f"/submissions/{danang_submission.pk}/answers/1.1.2/"

    with worker.held():
        statuses = [
            client.post(
                url, {"node-1-1-2-version": str(n), "node-1-1-2-value": str(n + 1)}, HTTP_HX_REQUEST="true"
            ).status_code
            for n in range(20)
        ]
        # Every response has gone and no run has started: the requests did not wait for one.
        waiting = Recompute.objects.get(campaign=danang_submission.campaign)
    assert worker.wait_idle(timeout=60)

    run = Recompute.objects.get(campaign=danang_submission.campaign)
    assert statuses == [200] * 20
    assert (waiting.pending, waiting.runs) == (True, 0)
    assert (run.pending, run.state, run.runs) == (False, "done", 1)
    fresh = Result.objects.get(campaign=danang_submission.campaign, organisation__code="48", key="1.1.2")
    assert fresh.self_score == Decimal(6)


@pytest.mark.django_db(transaction=True)
def test_a_save_during_a_run_gives_exactly_one_more_run_with_its_value(
    in_process: None, danang_submission: Submission, danang_reporter: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scoring import services

    started, release = threading.Event(), threading.Event()
    real_load = services.load_campaign

    def slow_load(campaign: object) -> object:
        started.set()
        release.wait(timeout=30)
        return real_load(campaign)  # type: ignore[arg-type]

    monkeypatch.setattr(services, "load_campaign", slow_load)
    client = Client()
    client.force_login(danang_reporter)
    url = f"/submissions/{danang_submission.pk}/answers/1.1.2/"
    client.post(url, {"node-1-1-2-version": "0", "node-1-1-2-value": "10"}, HTTP_HX_REQUEST="true")
    assert started.wait(timeout=30)
    for version in range(1, 6):
        client.post(url, {"node-1-1-2-version": str(version), "node-1-1-2-value": "50"}, HTTP_HX_REQUEST="true")
    release.set()
    assert worker.wait_idle(timeout=60)

    run = Recompute.objects.get(campaign=danang_submission.campaign)
    assert (run.pending, run.runs) == (False, 2)
    fresh = Result.objects.get(campaign=danang_submission.campaign, organisation__code="48", key="1.1.2")
    assert fresh.self_score == Decimal(15)


@pytest.mark.django_db(transaction=True)
def test_a_request_left_pending_by_a_process_that_died_is_asked_again_by_the_next_save(
    in_process: None, danang_submission: Submission, danang_reporter: User
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    Recompute.objects.create(campaign=danang_submission.campaign, pending=True, state="queued",
                             requested_at=timezone.now() - timedelta(minutes=5))  # fmt: skip
    client = Client()
    client.force_login(danang_reporter)

    client.post(f"/submissions/{danang_submission.pk}/answers/1.1.2/",
                {"node-1-1-2-version": "0", "node-1-1-2-value": "50"}, HTTP_HX_REQUEST="true")  # fmt: skip
    assert worker.wait_idle(timeout=60)

    run = Recompute.objects.get(campaign=danang_submission.campaign)
    assert (run.pending, run.state, run.runs) == (False, "done", 1)


def changed_workbook(submission: Submission, rows: int) -> bytes:
    """The submission's template with a new explanation on each of its first `rows` leaves."""
    import io

    from openpyxl import load_workbook

    from submissions.excel import COLUMNS, write_submission_workbook

    workbook = load_workbook(io.BytesIO(write_submission_workbook(submission)))
    column = COLUMNS.index("explanation") + 1
    for row in range(3, rows + 3):  # a row of headings, a row of column codes, then the leaves
        workbook.active.cell(row=row, column=column, value=f"Theo báo cáo năm, dòng {row}.")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def import_three_hundred_rows() -> Submission:
    """A synthetic unit of 300 leaves whose reporter applies an Excel import changing all of them."""
    import random

    from accounts.models import Role
    from ops.synthetic import build_campaign
    from submissions.services.entry import apply_held_import, preview_import

    campaign = build_campaign(2, 300, random.Random(7))
    submission = Submission.objects.filter(campaign=campaign).select_related("organisation").first()
    assert submission is not None
    reporter = User.objects.create(username="tong.hop", organisation=submission.organisation, roles=[Role.REPORTER])
    preview = preview_import(submission_id=submission.pk, user=reporter, content=changed_workbook(submission, 300),
                             original_name="so-lieu.xlsx")  # fmt: skip
    assert preview.held is not None
    assert len(apply_held_import(token=str(preview.held.token), submission_id=submission.pk, user=reporter)) == 300
    return submission


@pytest.mark.django_db(transaction=True)
def test_an_excel_import_of_three_hundred_rows_without_a_broker_gives_one_recompute(in_process: None) -> None:
    submission = import_three_hundred_rows()
    assert worker.wait_idle(timeout=120)

    run = Recompute.objects.get(campaign=submission.campaign)
    assert (run.pending, run.state, run.runs) == (False, "done", 1)
