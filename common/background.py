"""The in-process background worker: where work that must not hold a request runs when there is no broker.

With a Celery broker, slow work goes to Celery. Without one (the embedded default, or a production
run without `CELERY_BROKER_URL`), it runs here: one daemon thread per process that takes jobs one
at a time, after the response has gone. Jobs are coalesced by key: submitting a key that is already
waiting does nothing, and submitting it while it runs queues exactly one more run, so any burst of
requests during a run gives one more run, never one per request.

A job waits `delay` seconds before it starts, so that the saves of one burst (a person tabbing
through a section) land in one run rather than the first save's run and one more.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connections

logger = logging.getLogger(__name__)


@dataclass
class _Job:
    key: Hashable
    run: Callable[[], object]
    due: float


@dataclass
class CoalescingWorker:
    """One thread, one job at a time, one waiting run per key."""

    _jobs: list[_Job] = field(default_factory=list)
    _running: Hashable | None = None
    _held: int = 0
    _thread: threading.Thread | None = None
    _condition: threading.Condition = field(default_factory=threading.Condition)
    runs: int = 0

    def submit(self, key: Hashable, run: Callable[[], object], *, delay: float = 0.0) -> bool:
        """Queue `run` under `key` unless a run of that key is already waiting; True when queued."""
        with self._condition:
            if any(job.key == key for job in self._jobs):
                return False
            self._jobs.append(_Job(key=key, run=run, due=time.monotonic() + delay))
            self._start()
            self._condition.notify_all()
            return True

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Wait until nothing waits or runs (including jobs not yet due); True if it became idle in time."""
        deadline = time.monotonic() + timeout
        with self._condition:
            for job in self._jobs:
                job.due = min(job.due, time.monotonic())
            self._condition.notify_all()
            while self._jobs or self._running is not None:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._condition.wait(remaining)
            return True

    def is_busy(self, key: Hashable) -> bool:
        with self._condition:
            return self._running == key or any(job.key == key for job in self._jobs)

    @contextmanager
    def held(self) -> Iterator[None]:
        """Start no job while inside (tests use it to submit a burst before anything runs)."""
        with self._condition:
            self._held += 1
        try:
            yield
        finally:
            with self._condition:
                self._held -= 1
                self._condition.notify_all()

    def _start(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            # A forked process (gunicorn) inherits no thread: one is started on the first job it gets.
            self._thread = threading.Thread(target=self._loop, name="dti-background", daemon=True)
            self._thread.start()

    def _loop(self) -> None:
        while True:
            with self._condition:
                job = self._next_due()
                self._running = job.key
            try:
                job.run()
            except Exception:
                logger.exception("Background job %r failed", job.key)
            finally:
                # The job ran on this thread's own connections: close them, as a request's end would.
                connections.close_all()
                with self._condition:
                    self._running = None
                    self.runs += 1
                    self._condition.notify_all()

    def _next_due(self) -> _Job:
        """Wait (holding the condition) for the first job that is due and not held back; take it."""
        while True:
            if self._jobs and not self._held:
                job = min(self._jobs, key=lambda item: item.due)
                wait = job.due - time.monotonic()
                if wait <= 0:
                    self._jobs.remove(job)
                    return job
                self._condition.wait(wait)
            else:
                self._condition.wait()


worker = CoalescingWorker()
