"""A real Celery worker, started against the real broker, runs a queued task to completion."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from celery.result import allow_join_result
from django.conf import settings

from dti_portal.tasks import ping

PROJECT_ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.integration


@pytest.fixture
def worker_queue(celery_config: Callable[..., None]) -> Iterator[str]:
    """Start a solo worker on a queue of its own, so no other worker on the machine takes the task."""
    if not settings.CELERY_BROKER_URL:
        if os.environ.get("DTI_REQUIRE_CELERY_WORKER"):
            pytest.fail("DTI_REQUIRE_CELERY_WORKER is set but CELERY_BROKER_URL is not.")
        pytest.skip("No CELERY_BROKER_URL: the real-worker test needs a broker (CI sets Redis).")
    queue = f"test-{uuid.uuid4().hex[:12]}"
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "dti_portal",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-Q",
            queue,
            "--loglevel=WARNING",
            f"--hostname={queue}@%h",
        ],
        cwd=PROJECT_ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "dti_portal.settings.test"},
    )
    celery_config(task_always_eager=False)
    try:
        yield queue
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()


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
