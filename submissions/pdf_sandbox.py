"""Running the PDF inspection in a bounded child process (`submissions.pdf_check`), and reusing it.

Starting Python and importing pypdf costs about 0.15 s of CPU, while checking an ordinary file
costs milliseconds; so a child serves one check after another. Idle children wait in a small pool
of this process (at most `MAX_IDLE_CHILDREN`); a check that finds none idle starts one, so
concurrent checks (threads of a gunicorn worker) never wait for each other. Reuse is safe because:
- the bounds are set anew in the child for each check, before the file is read;
- a child is discarded after any failure (no verdict, a malformed one, the wall-clock backstop),
  after a memory error, when its address space has grown past half the memory bound, and after
  `MAX_CHECKS_PER_CHILD` checks;
- a child is never shared across a fork (Celery's prefork pool, gunicorn's --preload): the forked
  process forgets the children it inherited and starts its own.

The child is started as a module with the interpreter running the portal, from the project root,
so nothing depends on how the calling process was started (no `__main__` guard, no
multiprocessing bootstrap). It gets only the environment variables Python needs, not the portal's
secrets.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import selectors
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from .pdf_check import MAX_MESSAGE, Outcome, Request, Verdict

COMMAND: tuple[str, ...] = (sys.executable, "-m", "submissions.pdf_check")
PROJECT_ROOT = Path(__file__).resolve().parent.parent
MAX_CHECKS_PER_CHILD = 500
MAX_IDLE_CHILDREN = 2
# The wall-clock backstop, for a child that neither answers nor is killed by its CPU bound (blocked,
# or starved of CPU on a loaded machine): twice the CPU bound plus this, which covers start-up.
WALL_SECONDS_BEYOND_CPU = 10.0
_PASSED_ENVIRONMENT = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "PYTHONHOME", "PYTHONUSERBASE", "VIRTUAL_ENV")
_CHUNK = 1024 * 1024
_SIGNAL_MEANING: dict[int, str] = {
    signal.SIGPROF: " (its CPU time bound)",
    signal.SIGXCPU: " (its CPU time limit, the backstop)",
}


class CheckFailed(Exception):
    """The check did not finish within its bounds, or the checking process failed. The message says
    how, for the log; the user is only told the file is too complex to check."""


@dataclass(frozen=True)
class Bounds:
    cpu_seconds: float
    memory_bytes: int

    @property
    def wall_seconds(self) -> float:
        return 2 * self.cpu_seconds + WALL_SECONDS_BEYOND_CPU


def _environment() -> dict[str, str]:
    passed = {name: os.environ[name] for name in _PASSED_ENVIRONMENT if name in os.environ}
    path = [str(PROJECT_ROOT), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    return {**passed, "PYTHONPATH": os.pathsep.join(path)}


class _Child:
    def __init__(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and module, no shell
            COMMAND,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=PROJECT_ROOT,
            env=_environment(),
        )
        self.checks = 0
        assert self.process.stdin is not None  # PIPE was asked for
        assert self.process.stdout is not None
        self._requests = self.process.stdin.fileno()
        self._verdicts = self.process.stdout.fileno()
        os.set_blocking(self._requests, False)

    def is_alive(self) -> bool:
        return self.process.poll() is None

    def check(self, content: bytes, bounds: Bounds, *, deadline: float) -> Verdict:
        request = Request(cpu_seconds=bounds.cpu_seconds, memory_bytes=bounds.memory_bytes, size=len(content))
        reply = self._exchange([request.header(), content], deadline=deadline)
        try:
            return Verdict.from_json(reply)
        except (ValueError, KeyError, TypeError) as error:
            raise CheckFailed(f"the checker sent a malformed verdict ({error})") from None

    def _exchange(self, outgoing: list[bytes], *, deadline: float) -> bytes:
        """Send the request while reading the verdict, both within the deadline; the child may answer
        (or die) before it has read the whole file."""
        pending = [memoryview(part) for part in outgoing if part]
        received = bytearray()
        with selectors.DefaultSelector() as selector:
            selector.register(self._verdicts, selectors.EVENT_READ)
            if pending:
                selector.register(self._requests, selectors.EVENT_WRITE)
            while not _is_complete(received):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise CheckFailed("the checker did not answer in time")
                for key, _events in selector.select(remaining):
                    if key.fd == self._verdicts:
                        chunk = os.read(self._verdicts, 65536)
                        if not chunk:
                            raise CheckFailed(f"the checker {self._ending()} without a verdict")
                        received += chunk
                        if len(received) > 4 + MAX_MESSAGE:
                            raise CheckFailed("the checker sent an overlong verdict")
                    elif pending:
                        try:
                            written = os.write(self._requests, pending[0][:_CHUNK])
                        except BlockingIOError:
                            continue
                        except BrokenPipeError:
                            written, pending = 0, []  # the child is gone; its end of the verdict pipe tells how
                        if pending:
                            pending[0] = pending[0][written:]
                            if not pending[0]:
                                pending.pop(0)
                        if not pending:
                            selector.unregister(self._requests)
        return bytes(received[4:])

    def _ending(self) -> str:
        try:
            status = self.process.wait(timeout=1)
        except subprocess.TimeoutExpired:
            return "closed its pipe"
        if status >= 0:
            return f"exited with status {status}"
        name = signal.Signals(-status).name if -status in signal.valid_signals() else str(-status)
        return f"was killed by {name}{_SIGNAL_MEANING.get(-status, '')}"

    def close(self) -> None:
        self.process.kill()
        self.process.wait()
        self.abandon()

    def abandon(self) -> None:
        """Close this process's ends of the pipes, leaving the child itself alone."""
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None:
                with contextlib.suppress(OSError):
                    pipe.close()


def _is_complete(received: bytearray) -> bool:
    return len(received) >= 4 and len(received) - 4 >= int.from_bytes(received[:4], "big")


_idle: list[_Child] = []
_idle_lock = threading.Lock()


def _take() -> _Child:
    with _idle_lock:
        while _idle:
            child = _idle.pop()
            if child.is_alive():
                return child
            child.close()
    return _Child()


def _give_back(child: _Child) -> None:
    with _idle_lock:
        if len(_idle) < MAX_IDLE_CHILDREN:
            _idle.append(child)
            return
    child.close()


def close_idle_children() -> None:
    with _idle_lock:
        children = list(_idle)
        _idle.clear()
    for child in children:
        child.close()


def _forget_children_after_fork() -> None:
    global _idle_lock
    _idle_lock = threading.Lock()
    for child in _idle:
        child.abandon()
    _idle.clear()


os.register_at_fork(after_in_child=_forget_children_after_fork)
atexit.register(close_idle_children)


def inspect_bounded(content: bytes, bounds: Bounds) -> Verdict:
    """The child's verdict on the file, or CheckFailed if the check broke a bound or the child failed."""
    deadline = time.monotonic() + bounds.wall_seconds
    try:
        child = _take()
    except OSError as error:
        raise CheckFailed(f"the checker could not start ({error})") from None
    try:
        verdict = child.check(content, bounds, deadline=deadline)
    except BaseException:
        child.close()
        raise
    child.checks += 1
    if (
        verdict.outcome is Outcome.EXCEEDED
        or child.checks >= MAX_CHECKS_PER_CHILD
        or verdict.address_space > bounds.memory_bytes // 2
    ):
        child.close()
    else:
        _give_back(child)
    if verdict.outcome is Outcome.EXCEEDED:
        raise CheckFailed("the file needed more memory than the bound")
    return verdict
