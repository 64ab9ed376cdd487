"""Concurrent saves and approvals on a real PostgreSQL: nothing lost, nothing done twice.

Threads share one database through their own connections, so these tests commit for real
(`transaction=True`) and run only where row locks are real: PostgreSQL.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from accounts.models import User
from common.errors import WorkflowError
from submissions.errors import StaleAnswerError
from submissions.models import Answer, Event, Submission
from submissions.services.approval import transition_submission
from submissions.services.entry import AnswerInput, save_answer
from tests.submissions.conftest import fill_in

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are exercised on PostgreSQL only"),
]


def run_together(count: int, work: Callable[[int], Any]) -> list[Any]:
    """Run `work(i)` in `count` threads released at the same moment; return results or exceptions."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(position: int) -> None:
        try:
            barrier.wait()
            results[position] = work(position)
        except Exception as error:  # noqa: BLE001 - the test inspects every outcome
            results[position] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(position,)) for position in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_sixteen_people_saving_one_answer_lose_no_update(danang_submission: Submission, danang_reporter: User) -> None:
    answer = danang_submission.answers.get(node__key="1.1.2")

    def save_until_accepted(position: int) -> int:
        """Each writer reloads and retries after a stale answer, as the page asks a person to."""
        for _attempt in range(500):
            current = Answer.objects.get(pk=answer.pk)
            try:
                save_answer(
                    answer_id=answer.pk,
                    user=danang_reporter,
                    given=AnswerInput(value=Decimal(position + 1)),
                    expected_version=current.version,
                )
            except StaleAnswerError:
                continue
            return position + 1
        raise AssertionError("never saved")

    results = run_together(16, save_until_accepted)

    assert sorted(results) == list(range(1, 17))
    answer.refresh_from_db()
    events = list(Event.objects.filter(answer=answer).order_by("id").values_list("old", "new"))
    assert answer.version == 16
    assert len(events) == 16
    # Each save started from the value the one before it left: no write was silently overwritten.
    assert [old["value"] for old, _new in events[1:]] == [new["value"] for _old, new in events[:-1]]
    assert sorted(Decimal(new["value"]) for _old, new in events) == [Decimal(n) for n in range(1, 17)]
    assert answer.value == Decimal(events[-1][1]["value"])


def test_sixteen_saves_from_one_version_give_exactly_one_success(
    danang_submission: Submission, danang_reporter: User
) -> None:
    answer = danang_submission.answers.get(node__key="1.1.2")

    results = run_together(
        16,
        lambda position: save_answer(answer_id=answer.pk, user=danang_reporter,
                                     given=AnswerInput(value=Decimal(position + 1)), expected_version=0),
    )  # fmt: skip

    saved = [result for result in results if isinstance(result, Answer)]
    assert len(saved) == 1
    assert sum(isinstance(result, StaleAnswerError) for result in results) == 15
    answer.refresh_from_db()
    assert (answer.version, answer.value) == (1, saved[0].value)
    assert Event.objects.filter(answer=answer).count() == 1


def test_ten_concurrent_approvals_give_exactly_one_success(
    danang_submission: Submission, danang_reporter: User, danang_it_lead: User
) -> None:
    fill_in(danang_submission, danang_reporter)
    transition_submission(submission_id=danang_submission.pk, user=danang_reporter, action="submit")

    results = run_together(
        10, lambda _position: transition_submission(submission_id=danang_submission.pk, user=danang_it_lead,
                                                    action="approve")
    )  # fmt: skip

    assert sum(isinstance(result, Submission) for result in results) == 1
    assert sum(isinstance(result, WorkflowError) for result in results) == 9
    assert not any(isinstance(result, PermissionDenied) for result in results)
    danang_submission.refresh_from_db()
    assert danang_submission.state == "awaiting_leader"
    assert danang_submission.events.filter(kind="transition", to_state="awaiting_leader").count() == 1
