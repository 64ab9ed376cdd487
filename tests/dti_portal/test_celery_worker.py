"""A real Celery worker, started against the real broker, runs a queued task to completion."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import pytest
from celery.result import allow_join_result

from dti_portal.tasks import ping
from tests.conftest import celery_worker_process, require_broker

pytestmark = pytest.mark.integration


@pytest.fixture
def worker_queue(celery_config: Callable[..., None]) -> Iterator[str]:
    """Start a solo worker on a queue of its own, so no other worker on the machine takes the task."""
    require_broker()
    queue = f"test-{uuid.uuid4().hex[:12]}"
    celery_config(task_always_eager=False)
    with celery_worker_process("-Q", queue, f"--hostname={queue}@%h"):
        yield queue


def test_a_real_worker_runs_a_queued_task(worker_queue: str) -> None:
    result = ping.apply_async(queue=worker_queue)

    # Eager tasks run by other tests' threads toggle Celery's process-wide "inside a task" flag
    # without a lock and can leave it set; this test runs in no task, so waiting is allowed.
    with allow_join_result():
        assert result.get(timeout=60) == "pong"
    assert result.state == "SUCCESS"


@pytest.mark.django_db
def test_tasks_are_queued_only_when_the_transaction_commits(
    django_capture_on_commit_callbacks: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[str] = []
    monkeypatch.setattr(ping, "delay", lambda: sent.append("queued"))

    with django_capture_on_commit_callbacks(execute=True) as callbacks:  # type: ignore[operator]
        ping.delay_on_commit()
        assert sent == []

    assert len(callbacks) == 1
    assert sent == ["queued"]
