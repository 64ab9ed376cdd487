# ruff: noqa: S603, S607 - the fault tests start and stop the local stack's own processes
"""The stack started by `scripts/stack.sh` as the ops commands see it: its state, its address, its processes.

Everything that talks to the stack over HTTP or starts and stops its services lives here, so the
commands only describe their scenarios and checks.
"""

from __future__ import annotations

import json
import os
import subprocess
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError

# Relative to the project root, where scripts/stack.sh runs manage.py.
STACK = Path("var/stack")
LOAD = Path("var/load")
BASE_URL = "http://127.0.0.1:" + os.environ.get("STACK_PORT", "8800")


def require_the_stack(advice: str) -> None:
    """Refuse to go on unless DTI_LOAD_TEST is on: the stack's accounts share one known password."""
    if not settings.DTI_LOAD_TEST:
        raise CommandError(advice)


def accounts() -> dict[str, Any]:
    """The accounts `prepare_load` wrote for the stack."""
    data: dict[str, Any] = json.loads((STACK / "accounts.json").read_text())
    return data


def request_json(method: str, path: str, token: str, body: dict[str, Any]) -> tuple[int, Any]:
    """The status and the decoded JSON answer (None when there is none); status 0 for a dropped connection."""
    request = urllib.request.Request(  # noqa: S310 - the loopback stack
        BASE_URL + path, data=json.dumps(body).encode(), method=method,
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
    )  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return int(response.status), json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return int(error.code), None
    except (urllib.error.URLError, TimeoutError, ConnectionError):
        return 0, None


def kill_worker() -> None:
    """Kill the Celery worker and its children at once (SIGKILL), as a crash would."""
    subprocess.run(["pkill", "-9", "-f", "celery -A dti_portal worker"], check=False)


def start_worker() -> None:
    """Start the worker again as scripts/stack.sh does."""
    subprocess.run(
        [".venv/bin/celery", "-A", "dti_portal", "worker", "--concurrency", "2", "--detach", "-n", "stack@%h",
         "--pidfile", str(STACK / "run/worker.pid"), "--logfile", str(STACK / "log/worker.log"),
         "--loglevel", "WARNING"],
        check=True,
    )  # fmt: skip


def stop_redis() -> None:
    subprocess.run(["redis-cli", "-h", "127.0.0.1", "-p", "6379", "shutdown", "nosave"], check=False)


def start_redis() -> None:
    subprocess.run(["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "--port", "6379", "--save", "",
                    "--appendonly", "no"], check=True)  # fmt: skip


def restart_postgresql() -> None:
    """Restart the newest local PostgreSQL cluster (the one scripts/stack.sh starts)."""
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"], check=True)
