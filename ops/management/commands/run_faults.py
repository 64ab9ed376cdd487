"""The fault tests against `make stack` (run by `make faults`), each with its pass criteria:

1. A worker killed mid-recompute: the stored results stay the previous complete set; after a
   restart the sweep queues the run again, it completes, and the results equal a from-scratch
   computation.
2. Redis stopped: saving answers and taking a step still succeed; once Redis is back the pending
   recompute runs (nothing lost) and no two runs of a campaign overlapped.
3. PostgreSQL restarted during a burst of saves: failed requests fail cleanly (503 with Retry-After
   and a message, never a 500 or a hang), later ones succeed, and no save is half-written (every answer's
   version equals its saves in the history).

Writes the figures to var/load/faults.json. Only for the stack (DTI_LOAD_TEST=1).
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections, connection
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from indicators.models import Node
from ops import stack
from ops.synthetic import build_campaign
from scoring.models import Recompute, Result
from scoring.services import computed_rows, run_lock_held
from scoring.tasks import recompute_campaign_task
from submissions.models import Answer, Campaign, Event


@dataclass
class PlannedSave:
    """A leaf one unit saves again and again during the burst, at the version it last got back."""

    key: str
    version: int
    top: float


class Command(BaseCommand):
    help = "Kill the worker mid-recompute, stop Redis, restart PostgreSQL; check nothing is lost (stack only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", type=Path, default=stack.LOAD / "faults.json")
        parser.add_argument("--only", choices=["worker", "redis", "postgresql"], action="append",
                            help="Run only these scenarios (repeatable); all three by default.")  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        stack.require_the_stack("Only for the stack: run `make faults`.")
        provinces = [unit for unit in stack.accounts()["units"] if unit["code"].isdigit()]
        results: dict[str, dict[str, Any]] = {}
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
        started = _wait(lambda: run_lock_held(campaign.pk), 120)
        stack.kill_worker()
        time.sleep(3)
        during = _fingerprint(campaign.pk)
        stack.start_worker()
        # The sweep (Celery beat, every minute) finds the run nobody runs any more and queues it again.
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
        stack.stop_redis()
        time.sleep(1)
        statuses = [_save(unit, answer_id) for answer_id in _answer_ids(unit["submission"])[:5]]
        step_status, _body = stack.request_json("POST", f"/api/v1/submissions/{unit['submission']}/transitions/",
                                       unit["baocao"], {"action": "return", "from_state": "draft"})  # fmt: skip
        pending_while_down = Recompute.objects.get(campaign_id=campaign_id).pending
        stack.start_redis()
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
                PlannedSave(answer.node.key, answer.version, _top(answer))
                for answer in Answer.objects.filter(pk__in=_answer_ids(unit["submission"])[:30]).select_related("node")
            ]
            for unit in units
        }

        def burst(unit: dict[str, Any]) -> None:
            nonlocal slowest
            for leaf in plans[unit["submission"]] * 2:
                started = time.monotonic()
                body = {"value": round(random.uniform(0, leaf.top), 2), "version": leaf.version}  # noqa: S311
                path = f"/api/v1/submissions/{unit['submission']}/answers/{leaf.key}/"
                status, answer = stack.request_json("PUT", path, unit["baocao"], body)
                if status == 200:
                    leaf.version = answer["version"]
                statuses[status] += 1
                slowest = max(slowest, time.monotonic() - started)

        close_old_connections()
        threads = [threading.Thread(target=burst, args=(unit,)) for unit in units]
        for thread in threads:
            thread.start()
        time.sleep(1.5)
        stack.restart_postgresql()
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
        # A refused save says the database is away (503 with Retry-After and the portal's JSON), never a
        # server error; 409 when the version moved on. Never a dropped connection (status 0).
        clean = set(statuses) <= {200, 409, 503}
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
        Answer.objects.filter(submission_id=submission_id, node__source=Node.Source.SELF_REPORT,
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
        version, key, top = answer.version, answer.node.key, _top(answer)
    body = {"value": round(random.uniform(0, top), 2), "version": version}  # noqa: S311
    path = f"/api/v1/submissions/{unit['submission']}/answers/{key or '1'}/"
    return stack.request_json("PUT", path, unit["baocao"], body)[0]


def _database_up() -> bool:
    try:
        close_old_connections()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:  # noqa: BLE001 - any failure means "not now"
        connection.close()
        return False


def _top(answer: Answer) -> float:
    """The largest value the leaf accepts: 100 for a percentage, its points for a score."""
    return 100.0 if answer.node.rule == "percentage" else float(answer.node.max_points or 0)


def _run_task(campaign_id: int) -> None:
    Recompute.objects.get_or_create(campaign_id=campaign_id)
    Recompute.objects.filter(campaign_id=campaign_id).update(pending=True, requested_at=timezone.now())
    recompute_campaign_task.apply_async(kwargs={"campaign_id": campaign_id})


def _runs(campaign_id: int) -> int:
    return Recompute.objects.get(campaign_id=campaign_id).runs


def _settled(campaign_id: int) -> bool:
    run = Recompute.objects.get(campaign_id=campaign_id)
    return not run.pending and run.state == Recompute.State.DONE


def _wait(condition: Callable[[], bool], seconds: int) -> bool:
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
    """The same fingerprint, computed in this process from the campaign's current data: the rows a
    recompute would store (scores in 1e-8 points)."""
    _loaded, rows = computed_rows(campaign)
    cells = rows.shape[0] * rows.shape[1]
    return cells, Decimal(int(rows[..., 3].sum())).scaleb(-8), Decimal(int(rows[..., 1].sum())).scaleb(-8)
