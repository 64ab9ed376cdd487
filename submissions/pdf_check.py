"""The evidence check's parsing, in a process of its own whose CPU time and memory are bounded.

pypdf reads hostile input in pure Python: a crafted file can make it loop or allocate for as long
as it is let. So the parse runs here, in a child started as `python -m submissions.pdf_check`
(by `submissions.pdf_sandbox`), never in a web or Celery worker. Each request sets the child's
bounds before the file is read: `RLIMIT_AS` for memory, and for CPU time an `ITIMER_PROF` timer
(fine-grained) backed by `RLIMIT_CPU` (whole seconds), both of which the kernel enforces by
killing the process; no cooperation from the parser is needed. A memory error is answered as
`exceeded`; a kill is seen by the parent as a child that died without a verdict.

The protocol, on the child's standard input and output: a request is a 4-byte big-endian length,
that many bytes of JSON (`cpu_seconds`, `memory_bytes`, `size`), then `size` bytes of the file; a
verdict is a 4-byte length and JSON (`outcome`, `pages`, `findings`, `address_space`). Nothing
else is ever written to the protocol's pipe: the child's own stdin and stdout are /dev/null.

Pure: no Django, so the child starts quickly and holds none of the portal's secrets.
"""

from __future__ import annotations

import enum
import io
import json
import logging
import math
import os
import resource
import signal
import struct
import sys
import warnings
from dataclasses import dataclass, field, replace
from typing import Any

from pypdf import PdfReader
from pypdf.errors import LimitReachedError

from .pdf_active import Finding, raw_findings, tree_findings

_LENGTH = struct.Struct(">I")
# A verdict is a few hundred bytes and a request header less: anything longer is not ours.
MAX_MESSAGE = 64 * 1024


class Outcome(enum.StrEnum):
    READABLE = "readable"
    DAMAGED = "damaged"
    ENCRYPTED = "encrypted"
    EXCEEDED = "exceeded"  # the file needed more memory than the bound allows


@dataclass(frozen=True)
class Request:
    cpu_seconds: float
    memory_bytes: int
    size: int

    def header(self) -> bytes:
        body = json.dumps({"cpu_seconds": self.cpu_seconds, "memory_bytes": self.memory_bytes, "size": self.size})
        return _framed(body.encode())

    @classmethod
    def from_json(cls, data: bytes) -> Request:
        body = json.loads(data)
        cpu, memory, size = body["cpu_seconds"], body["memory_bytes"], body["size"]
        if not (
            isinstance(cpu, int | float)
            and cpu > 0
            and isinstance(memory, int)
            and memory > 0
            and isinstance(size, int)
        ):
            raise ValueError("malformed request")
        return cls(cpu_seconds=float(cpu), memory_bytes=memory, size=size)


@dataclass(frozen=True)
class Verdict:
    outcome: Outcome
    pages: int = 0
    findings: frozenset[Finding] = field(default_factory=frozenset)
    # The child's address space after the check, in bytes: a child grown by a large file is
    # replaced, so the next file is not checked with less room than the bound promises.
    address_space: int = 0

    def encoded(self) -> bytes:
        body = {
            "outcome": self.outcome.value,
            "pages": self.pages,
            "findings": [finding.value for finding in sorted(self.findings)],
            "address_space": self.address_space,
        }
        return _framed(json.dumps(body).encode())

    @classmethod
    def from_json(cls, data: bytes) -> Verdict:
        """The verdict a child sent; ValueError (or KeyError, TypeError) for anything malformed."""
        body: dict[str, Any] = json.loads(data)
        pages, address_space = body["pages"], body["address_space"]
        if not (isinstance(pages, int) and pages >= 0 and isinstance(address_space, int)):
            raise ValueError("malformed verdict")
        return cls(
            outcome=Outcome(body["outcome"]),
            pages=pages,
            findings=frozenset(Finding(value) for value in body["findings"]),
            address_space=address_space,
        )


def _framed(body: bytes) -> bytes:
    return _LENGTH.pack(len(body)) + body


def inspect(content: bytes) -> Verdict:
    """What the file is: damaged, encrypted, or readable with its page count and active content."""
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted:
            return Verdict(Outcome.ENCRYPTED)
        pages = len(reader.pages)
        if pages:
            reader.pages[0]
        findings = raw_findings(content) | tree_findings(reader)
    except MemoryError:
        raise
    except LimitReachedError:
        # A stream that decodes past the parser's limits: too much to check, whatever it holds.
        return Verdict(Outcome.EXCEEDED)
    except Exception:  # noqa: BLE001 - pypdf raises many kinds of errors for a damaged file
        return Verdict(Outcome.DAMAGED)
    return Verdict(Outcome.READABLE, pages=pages, findings=frozenset(findings))


# THE CHILD
# -----------------------------------------------------------------------------


def _address_space() -> int:
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _bound(request: Request) -> None:
    """Limit this process for one check. Only soft limits change, so the next request can lift them."""
    used = resource.getrusage(resource.RUSAGE_SELF)
    _, cpu_hard = resource.getrlimit(resource.RLIMIT_CPU)
    cpu_soft = math.ceil(used.ru_utime + used.ru_stime + request.cpu_seconds)
    resource.setrlimit(resource.RLIMIT_CPU, (_within(cpu_soft, cpu_hard), cpu_hard))
    _, memory_hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (_within(request.memory_bytes, memory_hard), memory_hard))
    # SIGPROF's default action ends the process when the CPU time (user and system) is spent.
    signal.setitimer(signal.ITIMER_PROF, request.cpu_seconds)


def _unbound() -> None:
    signal.setitimer(signal.ITIMER_PROF, 0)
    for limit in (resource.RLIMIT_AS, resource.RLIMIT_CPU):
        _, hard = resource.getrlimit(limit)
        resource.setrlimit(limit, (hard, hard))


def _within(value: int, hard: int) -> int:
    return value if hard == resource.RLIM_INFINITY else min(value, hard)


def _read_exactly(fd: int, size: int) -> bytes | None:
    """`size` bytes from the pipe, or None if it closes first (the parent is gone or gave up)."""
    chunks, remaining = [], size
    while remaining:
        chunk = os.read(fd, min(remaining, 1024 * 1024))
        if not chunk:
            return None
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _serve(requests: int, verdicts: int) -> None:
    while True:
        length = _read_exactly(requests, _LENGTH.size)
        if length is None:
            return
        (size,) = _LENGTH.unpack(length)
        header = _read_exactly(requests, size) if size <= MAX_MESSAGE else None
        if header is None:
            return
        request = Request.from_json(header)
        try:
            _bound(request)
            content = _read_exactly(requests, request.size)
            if content is None:
                return
            verdict = inspect(content)
            del content
        except MemoryError:
            verdict = Verdict(Outcome.EXCEEDED)
        finally:
            _unbound()
        _write_all(verdicts, replace(verdict, address_space=_address_space()).encoded())
        if verdict.outcome is Outcome.EXCEEDED:
            return  # after a memory error nothing in this process is to be trusted


def main() -> None:
    # The protocol keeps its own copies of the pipes; the standard streams become /dev/null, so a
    # stray print or a library's warning can never corrupt a verdict.
    requests, verdicts = os.dup(0), os.dup(1)
    null = os.open(os.devnull, os.O_RDWR)
    for standard in (0, 1):
        os.dup2(null, standard)
    # A killed checker leaves no core dump holding someone's evidence, and writes no files (a write
    # fails instead of ending the process, and no bytecode cache is attempted).
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    sys.dont_write_bytecode = True
    for bound in (signal.SIGPROF, signal.SIGXCPU):
        signal.signal(bound, signal.SIG_DFL)
    # pypdf logs a warning for each flaw it repairs; nobody reads them here, and they cost time.
    logging.disable(logging.CRITICAL)
    warnings.simplefilter("ignore")
    try:
        _serve(requests, verdicts)
    except (OSError, ValueError, KeyError, TypeError):
        sys.exit(1)  # a broken pipe or a malformed request: the parent sees a child without a verdict


if __name__ == "__main__":
    main()
