# ruff: noqa: S603, S607 - the fault tests start and stop the local stack's own processes
"""The fault tests against `make stack` (run by `make faults`), each with its pass criteria:

1. A worker killed mid-recompute: the stored results stay the previous complete set; after a
   restart the sweep queues the run again, it completes, and the results equal a from-scratch
   computation.
2. Redis stopped: saving answers and taking a step still succeed; once Redis is back the pending
   recompute runs (nothing lost) and no two runs of a campaign overlapped.
3. PostgreSQL restarted during a burst of saves: failed requests fail cleanly (an error status with
   a message, never a hang), later ones succeed, and no save is half-written (every answer's
   version equals its saves in the history).

Writes the figures to var/load/faults.json. Only for the stack (DTI_LOAD_TEST=1).
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, close_old_connections, connection, transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from scoring.management.commands.bench_scoring import build_campaign
from scoring.models import Recompute, Result
from scoring.services import load_campaign, score_stages
from submissions.models import Answer, Campaign, Event

STACK = Path("var/stack")
BASE = "http://127.0.0.1:" + os.environ.get("STACK_PORT", "8800")


class Command(BaseCommand):
    help = "Kill the worker mid-recompute, stop Redis, restart PostgreSQL; check nothing is lost (stack only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", type=Path, default=Path("var/load/faults.json"))
        parser.add_argument("--only", choices=["worker", "redis", "postgresql"], action="append",
                            help="Run only these scenarios (repeatable); all three by default.")  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        if os.environ.get("DTI_LOAD_TEST") != "1":
            raise CommandError("Only for the stack: run `make faults`.")
        accounts = json.loads((STACK / "accounts.json").read_text())
        provinces = [unit for unit in accounts["units"] if unit["code"].isdigit()]
        results = {}
        for short, name, scenario in (
            ("worker", "worker_killed_mid_recompute", self.worker_killed),
            ("redis", "redis_stopped", lambda: self.redis_stopped(provinces)),
            ("postgresql", "postgresql_restarted", lambda: self.postgresql_restarted(provinces)),
        ):
            if options["only"] and short not in options["only"]:
                continue
            results[name] = scenario()
            self.stdout.write(f"{name}: {json.dumps(results[name], ensure_ascii=False)}")
        passed = all(result["passed"] for result in results.values())
        report = {"at": timezone.now().isoformat(timespec="seconds"), "passed": passed, **results}
        options["out"].parent.mkdir(parents=True, exist_ok=True)
        options["out"].write_text(json.dumps(report, indent=1, ensure_ascii=False))
        self.stdout.write(json.dumps(report, indent=1, ensure_ascii=False))
        if not passed:
            raise CommandError("A fault test failed.")

    # 1. The worker killed mid-recompute.

    def worker_killed(self) -> dict[str, Any]:
        campaign = Campaign.objects.filter(name__startswith="bench-").first() or build_campaign(
            700,
            300,
            random.Random(7),  # noqa: S311 - synthetic data
        )
        _run_task(campaign.pk)
        _wait(lambda: _settled(campaign.pk), 300)
        before = _fingerprint(campaign.pk)
        changed = Answer.objects.filter(submission__campaign=campaign, value__isnull=False).order_by("pk")[:500]
        Answer.objects.filter(pk__in=list(changed.values_list("pk", flat=True))).update(value=Decimal(0))
        Recompute.objects.filter(campaign=campaign).update(pending=True, requested_at=timezone.now())
        _run_task(campaign.pk)
        started = _wait(lambda: _locked_by_a_run(campaign.pk), 120)
        subprocess.run(["pkill", "-9", "-f", "celery -A dti_portal worker"], check=False)
        time.sleep(3)
        during = _fingerprint(campaign.pk)
        _start_worker()
        # The sweep (Celery beat, every minute) queues the pending run again.
        completed = _wait(lambda: _settled(campaign.pk), 300)
        after = _fingerprint(campaign.pk)
        expected = _from_scratch(campaign)
        return {
            "run_was_killed_while_running": started,
            "results_kept_the_previous_set": during == before,
            "retry_completed": completed,
            "results_equal_a_from_scratch_computation": after == expected,
            "passed": started and during == before and completed and after == expected,
        }

    # 2. Redis stopped.

    def redis_stopped(self, units: list[dict[str, Any]]) -> dict[str, Any]:
        unit = units[0]
        campaign_id = Answer.objects.get(pk=_answer_ids(unit["submission"])[0]).submission.campaign_id
        runs_before = Recompute.objects.get_or_create(campaign_id=campaign_id)[0].runs
        subprocess.run(["redis-cli", "-h", "127.0.0.1", "-p", "6379", "shutdown", "nosave"], check=False)
        time.sleep(1)
        statuses = [_save(unit, answer_id) for answer_id in _answer_ids(unit["submission"])[:5]]
        step_status, _body = _request_json("POST", f"/api/v1/submissions/{unit['submission']}/transitions/",
                                       unit["baocao"], {"action": "return"})  # fmt: skip
        pending_while_down = Recompute.objects.get(campaign_id=campaign_id).pending
        subprocess.run(["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "--port", "6379", "--save", "",
                        "--appendonly", "no"], check=True)  # fmt: skip
        completed = _wait(lambda: _settled(campaign_id) and _runs(campaign_id) > runs_before, 300)
        campaign = Campaign.objects.get(pk=campaign_id)
        matches = _fingerprint(campaign_id) == _from_scratch(campaign)
        saved = all(status == 200 for status in statuses)
        return {
            "save_statuses_while_redis_was_down": statuses,
            "refused_step_answered_cleanly": step_status in (403, 409),
            "recompute_pending_while_down": pending_while_down,
            "recompute_ran_when_redis_was_back": completed,
            "results_equal_a_from_scratch_computation": matches,
            "passed": saved and step_status in (403, 409) and pending_while_down and completed and matches,
        }

    # 3. PostgreSQL restarted during a burst of saves.

    def postgresql_restarted(self, provinces: list[dict[str, Any]]) -> dict[str, Any]:
        units = provinces[1:9]
        statuses: Counter[int] = Counter()
        slowest = 0.0
        # Planned before the restart: the leaves to save and their versions, kept up to date from the answers.
        plans = {
            unit["submission"]: [
                [answer.node.key, answer.version,
                 100.0 if answer.node.rule == "percentage" else float(answer.node.max_points or 0)]
                for answer in Answer.objects.filter(pk__in=_answer_ids(unit["submission"])[:30]).select_related("node")
            ]
            for unit in units
        }  # fmt: skip

        def burst(unit: dict[str, Any]) -> None:
            nonlocal slowest
            for leaf in plans[unit["submission"]] * 2:
                started = time.monotonic()
                body = {"value": round(random.uniform(0, leaf[2]), 2), "version": leaf[1]}  # noqa: S311
                status, answer = _request_json("PUT", f"/api/v1/submissions/{unit['submission']}/answers/{leaf[0]}/",
                                               unit["baocao"], body)  # fmt: skip
                if status == 200:
                    leaf[1] = answer["version"]
                statuses[status] += 1
                slowest = max(slowest, time.monotonic() - started)

        close_old_connections()
        threads = [threading.Thread(target=burst, args=(unit,)) for unit in units]
        for thread in threads:
            thread.start()
        time.sleep(1.5)
        version = sorted(os.listdir("/etc/postgresql"))[-1]
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"], check=True)
        for thread in threads:
            thread.join()
        connection.close()
        after = [_save(unit, _answer_ids(unit["submission"])[0]) for unit in units]
        half_written = (
            Answer.objects.filter(submission_id__in=[unit["submission"] for unit in units])
            .annotate(saves=Count("events", filter=Q(events__kind=Event.Kind.ANSWER)))
            .exclude(version=F("saves"))
            .count()
        )
        # A refused save is an error status with a message (500 with the portal's JSON, 503 from the
        # health of the pool); 409 when the version moved on. Never a dropped connection (status 0).
        clean = set(statuses) <= {200, 409, 500, 503}
        return {
            "statuses_during_the_burst": dict(statuses),
            "slowest_request_seconds": round(slowest, 2),
            "later_saves_succeeded": after == [200] * len(units),
            "answers_half_written": half_written,
            "passed": clean and after == [200] * len(units) and half_written == 0 and slowest < 60,
        }


def _answer_ids(submission_id: int) -> list[int]:
    """The unit's leaves that take a number: percentages and scores worth points."""
    return list(
        Answer.objects.filter(submission_id=submission_id, node__source="self_report",
                              node__rule__in=["percentage", "manual"], node__max_points__gt=0)
        .order_by("pk")
        .values_list("pk", flat=True)
    )  # fmt: skip


def _save(unit: dict[str, Any], answer_id: int) -> int:
    """Save one answer through the API at its current version; the HTTP status."""
    answer = Answer.objects.select_related("node").filter(pk=answer_id).first() if _database_up() else None
    if answer is None:
        version, key, top = 0, "", 100.0
    else:
        version, key = answer.version, answer.node.key
        top = 100.0 if answer.node.rule == "percentage" else float(answer.node.max_points or 0)
    body = {"value": round(random.uniform(0, top), 2), "version": version}  # noqa: S311
    return _request_json("PUT", f"/api/v1/submissions/{unit['submission']}/answers/{key or '1'}/", unit["baocao"],
                         body)[0]  # fmt: skip


def _database_up() -> bool:
    try:
        close_old_connections()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:  # noqa: BLE001 - any failure means "not now"
        connection.close()
        return False


def _request_json(method: str, path: str, token: str, body: dict[str, Any]) -> tuple[int, Any]:
    """The status and the decoded JSON answer (None when there is none)."""
    request = urllib.request.Request(  # noqa: S310 - the loopback stack
        BASE + path, data=json.dumps(body).encode(), method=method,
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
    )  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return int(response.status), json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return int(error.code), None
    except (urllib.error.URLError, TimeoutError, ConnectionError):
        return 0, None


def _run_task(campaign_id: int) -> None:
    from scoring.tasks import recompute_campaign_task

    Recompute.objects.get_or_create(campaign_id=campaign_id)
    Recompute.objects.filter(campaign_id=campaign_id).update(pending=True, requested_at=timezone.now())
    recompute_campaign_task.apply_async(kwargs={"campaign_id": campaign_id})


def _locked_by_a_run(campaign_id: int) -> bool:
    """Whether a run holds the campaign's recompute row (its state is only written when it ends)."""
    try:
        with transaction.atomic():
            Recompute.objects.select_for_update(nowait=True).get(campaign_id=campaign_id)
    except DatabaseError:
        return True
    return False


def _runs(campaign_id: int) -> int:
    return Recompute.objects.get(campaign_id=campaign_id).runs


def _settled(campaign_id: int) -> bool:
    run = Recompute.objects.get(campaign_id=campaign_id)
    return not run.pending and run.state == Recompute.State.DONE


def _wait(condition: Any, seconds: int) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if _database_up() and condition():
            return True
        time.sleep(0.5)
    return False


def _fingerprint(campaign_id: int) -> tuple[int, Decimal, Decimal]:
    totals = Result.objects.filter(campaign_id=campaign_id).aggregate(
        rows=Count("id"), final=Sum("final_score"), own=Sum("self_score")
    )
    return totals["rows"], totals["final"] or Decimal(0), totals["own"] or Decimal(0)


def _from_scratch(campaign: Campaign) -> tuple[int, Decimal, Decimal]:
    """The same fingerprint, computed in this process from the campaign's current data."""
    framework, stages = load_campaign(campaign)
    results = score_stages(framework, stages)
    rows = sum(len(nodes) for nodes in results["final"].values())
    final = sum((_stored(r.score) for nodes in results["final"].values() for r in nodes.values()), Decimal(0))
    own = sum((_stored(r.score) for nodes in results["self"].values() for r in nodes.values()), Decimal(0))
    return rows, final, own


def _stored(value: Decimal) -> Decimal:
    """A score as the database keeps it: 8 decimals, half away from zero (scores are never negative)."""
    return value.quantize(Decimal("0.00000001"), rounding=ROUND_HALF_UP)


def _start_worker() -> None:
    subprocess.run(
        [".venv/bin/celery", "-A", "dti_portal", "worker", "--concurrency", "2", "--detach", "-n", "stack@%h",
         "--pidfile", str(STACK / "run/worker.pid"), "--logfile", str(STACK / "log/worker.log"),
         "--loglevel", "WARNING"],
        check=True,
    )  # fmt: skip
