"""Liveness facts for `/healthz`: the database must answer; the broker may be down.

Data entry never depends on Redis, so a down broker is reported but does not fail the check.
"""

from __future__ import annotations

from typing import Literal

from django.conf import settings
from django.db import connection
from kombu import Connection

from .tasks import ping

BrokerStatus = Literal["ok", "in-process", "down"]


def database_answers() -> bool:
    """Return True when the default database answers a trivial query."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # noqa: BLE001 - any failure means "not answering"
        return False


def broker_status() -> BrokerStatus:
    """Without a broker, run a task in-process and say "in-process"; else say whether the broker answers."""
    if not settings.CELERY_BROKER_URL:
        return "in-process" if ping.apply().get() == "pong" else "down"
    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as broker:
            broker.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
    except Exception:  # noqa: BLE001 - kombu raises several families of errors for a down broker
        return "down"
    return "ok"
