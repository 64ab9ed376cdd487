"""With a broker, the recomputes run in a real Celery worker: a burst of saves and an Excel import of
300 rows each give exactly one run."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from decimal import Decimal

import pytest
from django.db import connection

from accounts.models import User
from dti_portal import celery_app
from scoring.models import Recompute
from submissions.models import Submission
from submissions.services.entry import AnswerInput, save_answer
from tests.conftest import celery_worker_process, require_broker
from tests.scoring.test_background_recompute import import_three_hundred_rows

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def celery_worker(celery_config: Callable[..., None]) -> Iterator[None]:
    """A real worker on the default queue, reading the test database; tasks are sent, not run in-process."""
    require_broker()
    if connection.vendor != "postgresql":
        pytest.skip("The worker process reads the test database over the network: PostgreSQL only.")
    database = connection.settings_dict
    host, port = database["HOST"] or "127.0.0.1", database["PORT"] or 5432
    celery_app.control.purge()
    celery_config(task_always_eager=False)
    with celery_worker_process(env={"DATABASE_URL": f"postgres://{database['USER']}@{host}:{port}/{database['NAME']}"}):
        yield


def settled(submission: Submission, timeout: float = 90) -> Recompute:
    """The campaign's recompute once nothing is pending and a run has finished."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = Recompute.objects.filter(campaign=submission.campaign).first()
        if run is not None and not run.pending and run.state == "done":
            return run
        time.sleep(0.2)
    raise AssertionError(f"No finished recompute within {timeout} s: {run and (run.pending, run.state)}")


def test_a_burst_of_twenty_saves_with_a_broker_gives_one_recompute(
    celery_worker: None, danang_submission: Submission, danang_reporter: User
) -> None:
    leaf = danang_submission.answers.get(node__key="1.1.2")
    for version in range(20):
        save_answer(answer_id=leaf.pk, user=danang_reporter, given=AnswerInput(value=Decimal(version + 1)),
                    expected_version=version)  # fmt: skip

    run = settled(danang_submission)

    assert run.runs == 1


def test_an_excel_import_of_three_hundred_rows_with_a_broker_gives_one_recompute(celery_worker: None) -> None:
    submission = import_three_hundred_rows()

    run = settled(submission, timeout=180)

    assert run.runs == 1
