"""Recomputing a campaign: load its data with a fixed number of queries, run the engine, swap results.

`schedule_recompute` is what every change calls: after commit, it queues one run unless one is
already queued (a burst of saves gives one run), to Celery or, without a broker, to the process's
background worker; no request waits for a run. `recompute_campaign` is the run itself: runs of one
campaign never overlap (`run_lock`), and the results are replaced in one transaction. A failure
leaves the previous results in place.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from common import background
from common.vocabulary import Stage
from indicators.models import Aggregate, Node
from submissions.models import Answer, Campaign, Decision, Exclusion, FinalDecision, Submission, answered_filter

from .engine import FrameworkSpec, LeafValue, NodeSpec, Results, UnitInput, score_campaign
from .models import Recompute, Result

logger = logging.getLogger(__name__)


# In the order each builds on the previous: appraisal adjusts the self-assessment, the final stage the appraisal.
STAGES = (Stage.SELF, Stage.APPRAISED, Stage.FINAL)
Stages = dict[str, list[UnitInput]]


def load_campaign(campaign: Campaign) -> tuple[FrameworkSpec, Stages]:
    """The campaign's framework (with its exclusions) and every unit's leaf values at each stage —
    self-assessed, appraised, final — as the engine's plain data.

    Five queries, whatever the number of units and leaves: nodes, aggregates with their main
    indices, exclusions, submissions with their organisations, answers. Where no leaf was adjusted
    (or revised), a stage's list is the previous stage's list itself, so it is scored once.
    """
    nodes = list(Node.objects.filter(framework_id=campaign.framework_id).order_by("order").values(
        "id", "key", "parent_id", "max_points", "rule", "parameters", "not_applicable_groups"))  # fmt: skip
    keys = {node["id"]: node["key"] for node in nodes}
    aggregates: dict[str, list[str]] = {}
    for code, main_id in (
        Aggregate.objects.filter(framework_id=campaign.framework_id)
        .order_by("order", "code")
        .values_list("code", "main_indices")
    ):
        aggregates.setdefault(code, [])
        if main_id is not None:
            aggregates[code].append(keys[main_id])
    excluded = frozenset(
        keys[node_id]
        for node_id in Exclusion.objects.active().filter(campaign=campaign).values_list("node_id", flat=True)
    )
    framework = FrameworkSpec(
        nodes=tuple(
            NodeSpec(
                key=node["key"],
                parent=keys.get(node["parent_id"]),
                max_points=node["max_points"] or Decimal(0),
                rule=node["rule"],
                parameters=node["parameters"] or {},
                not_applicable_groups=frozenset(node["not_applicable_groups"] or []),
            )
            for node in nodes
        ),
        aggregates={code: tuple(mains) for code, mains in aggregates.items()},
        excluded=excluded,
    )
    submissions = {
        row["id"]: row
        for row in Submission.objects.filter(campaign=campaign).values(
            "id", "organisation__code", "organisation__group"
        )
    }
    values: dict[str, dict[int, dict[str, LeafValue]]] = {
        stage: {submission_id: {} for submission_id in submissions} for stage in STAGES
    }
    adjusted = {Stage.APPRAISED: False, Stage.FINAL: False}
    answered = answered_filter() | Q(appraisal_decision=Decision.ADJUST) | Q(final_decision=FinalDecision.REVISE)
    # Unanswered leaves score 0 whether they are loaded or not, so only answers with a value are read.
    for row in (
        Answer.objects.filter(answered, submission__campaign=campaign)
        .values_list(
            "submission_id", "node_id", "value", "numerator", "denominator", "choice",
            "appraisal_decision", "appraised_value", "appraised_numerator", "appraised_denominator", "appraised_choice",
            "final_decision", "final_value", "final_numerator", "final_denominator", "final_choice",
        )
        .iterator(chunk_size=20000)
    ):  # fmt: skip
        submission_id, key = row[0], keys[row[1]]
        reported = LeafValue(*row[2:6])
        appraised = LeafValue(*row[7:11]) if row[6] == Decision.ADJUST else reported
        final = LeafValue(*row[12:16]) if row[11] == FinalDecision.REVISE else appraised
        adjusted[Stage.APPRAISED] |= appraised is not reported
        adjusted[Stage.FINAL] |= final is not appraised
        values[Stage.SELF][submission_id][key] = reported
        values[Stage.APPRAISED][submission_id][key] = appraised
        values[Stage.FINAL][submission_id][key] = final
    stages: Stages = {}
    previous: str | None = None
    for stage in STAGES:
        if previous is not None and not adjusted[stage]:
            stages[stage] = stages[previous]
        else:
            stages[stage] = [
                UnitInput(code=row["organisation__code"], group=row["organisation__group"],
                          values=values[stage][submission_id])
                for submission_id, row in submissions.items()
            ]  # fmt: skip
        previous = stage
    return framework, stages


def schedule_recompute(*, campaign_id: int) -> None:
    """Queue one recompute of the campaign after the current transaction commits (coalesced).

    Only the commit that flips `pending` queues a run: a burst of requests gives one run. Services
    that change many leaves at once (a section save, an Excel import, a bulk accept) ask once.
    """

    # The callbacks one transaction registers for the campaign share one record of whether a run was
    # queued: where the run happens inside the callback (Celery's eager mode, the tests' synchronous
    # recompute) it leaves `pending` off again, and a burst would otherwise compute once per save.
    waiting = (getattr(callback, "recompute_of", None) for _ids, callback, *_ in connection.run_on_commit)
    batch: dict[str, bool] = next(
        (found[1] for found in waiting if found is not None and found[0] == campaign_id and not found[1]["queued"]),
        {"queued": False},
    )

    def queue() -> None:
        if batch["queued"]:
            return
        batch["queued"] = True
        recompute, _created = Recompute.objects.get_or_create(campaign_id=campaign_id)
        flipped = Recompute.objects.filter(pk=recompute.pk, pending=False).update(
            pending=True, requested_at=timezone.now(), state=Recompute.State.QUEUED
        )
        if flipped:
            _queue_run(campaign_id)
            return
        # A request left pending for long was lost (a process that died before its run, a broker
        # message dropped): this change asks again rather than waiting for a sweep that may not run.
        lost = Recompute.objects.filter(
            pk=recompute.pk, pending=True, requested_at__lt=timezone.now() - timedelta(seconds=LOST_AFTER_SECONDS)
        ).update(requested_at=timezone.now())
        if lost:
            _queue_run(campaign_id)

    queue.recompute_of = (campaign_id, batch)  # type: ignore[attr-defined]
    transaction.on_commit(queue)


# A pending request older than this is taken as lost (a run takes seconds, not minutes).
LOST_AFTER_SECONDS = 120


def _queue_run(campaign_id: int) -> None:
    """Hand a run to Celery, or to the process's background worker when there is no broker."""
    from django.conf import settings

    from .tasks import recompute_campaign_task

    if settings.RECOMPUTE_IN_PROCESS:
        background.worker.submit(
            ("recompute", campaign_id),
            lambda: recompute_campaign(campaign_id=campaign_id),
            delay=settings.RECOMPUTE_COALESCE_SECONDS,
        )
        return
    try:
        recompute_campaign_task.apply_async(
            kwargs={"campaign_id": campaign_id}, countdown=settings.RECOMPUTE_COALESCE_SECONDS
        )
    except Exception:
        # The request stays pending: the periodic sweep queues it again once the broker answers.
        logger.exception("Could not queue the recompute of campaign %s; the sweep will try again", campaign_id)
        Recompute.objects.filter(campaign_id=campaign_id).update(
            state=Recompute.State.FAILED, error="Không gửi được yêu cầu tính lại; sẽ thử lại."
        )


def requeue_pending_recomputes(*, older_than_seconds: int = 60) -> list[int]:
    """Queue again every recompute requested more than `older_than_seconds` ago and still pending
    (its message was lost while the broker was down), and every run that has been "running" for
    longer than a task may run (its worker died). Running twice is harmless. Returns the campaign ids."""
    from django.conf import settings

    now = timezone.now()
    cutoff = now - timedelta(seconds=older_than_seconds)
    dead = now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
    stale = list(
        Recompute.objects.filter(
            Q(pending=True, requested_at__lt=cutoff) | Q(state=Recompute.State.RUNNING, started_at__lt=dead)
        ).values_list("campaign_id", flat=True)
    )
    for campaign_id in stale:
        Recompute.objects.filter(campaign_id=campaign_id).update(pending=True, requested_at=now)
        _queue_run(campaign_id)
    return stale


def is_recomputing(campaign_id: int) -> bool:
    """Whether the campaign's results are about to change: a run is waiting or running."""
    return Recompute.objects.filter(
        Q(pending=True) | Q(state=Recompute.State.RUNNING), campaign_id=campaign_id
    ).exists()


_local_runs: dict[int, threading.Lock] = {}
_local_runs_guard = threading.Lock()


@contextmanager
def run_lock(campaign_id: int) -> Iterator[None]:
    """Serialise runs of one campaign: across processes on PostgreSQL (an advisory lock, so that
    the requests flipping `pending` never wait for a run), within the process elsewhere."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", [RUN_LOCK_NAMESPACE, campaign_id])
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [RUN_LOCK_NAMESPACE, campaign_id])
        return
    with _local_runs_guard:
        lock = _local_runs.setdefault(campaign_id, threading.Lock())
    with lock:
        yield


# The first key of the advisory locks that serialise recomputes ("DT" in ASCII).
RUN_LOCK_NAMESPACE = 0x4454


def recompute_campaign(*, campaign_id: int) -> Recompute:
    """Recompute every result of a campaign and replace the stored set in one transaction.

    Idempotent: the same data gives the same results. `pending` is cleared before the data is
    read, so a change saved during the run asks for one more run. Raises what the computation
    raised, after recording the failure; the previous results stay in place.
    """
    Recompute.objects.get_or_create(campaign_id=campaign_id)
    runs = Recompute.objects.filter(campaign_id=campaign_id)
    with run_lock(campaign_id):
        started = timezone.now()
        runs.update(pending=False, state=Recompute.State.RUNNING, progress=0, started_at=started)
        try:
            # Read and score outside any transaction: a long read would hold SQLite's writers back,
            # and a change committed meanwhile has set `pending` again, so it gets its own run.
            campaign = Campaign.objects.get(pk=campaign_id)
            framework, stages = load_campaign(campaign)
            results = score_stages(framework, stages)
            with transaction.atomic():
                count = _replace_results(campaign, results, framework)
                runs.update(
                    state=Recompute.State.DONE, progress=100, error="", units=len(stages[Stage.SELF]),
                    results=count, runs=F("runs") + 1, finished_at=timezone.now(),
                )  # fmt: skip
        except Exception as error:
            logger.exception("Recompute of campaign %s failed", campaign_id)
            runs.update(state=Recompute.State.FAILED, error=f"{type(error).__name__}: {error}",
                        finished_at=timezone.now())  # fmt: skip
            raise
    return Recompute.objects.get(campaign_id=campaign_id)


def score_stages(framework: FrameworkSpec, stages: Stages) -> dict[str, Results]:
    """Score each stage; a stage whose inputs are the previous stage's shares its results."""
    results: dict[str, Results] = {}
    for stage in STAGES:
        shared = next((other for other in results if stages[other] is stages[stage]), None)
        results[stage] = results[shared] if shared else score_campaign(framework, stages[stage])
    return results


def _replace_results(campaign: Campaign, results: dict[str, Results], framework: FrameworkSpec) -> int:
    organisations = dict(
        Submission.objects.filter(campaign=campaign).values_list("organisation__code", "organisation_id")
    )
    aggregate_codes = set(framework.aggregates)
    appraised, final = results[Stage.APPRAISED], results[Stage.FINAL]
    # Max points do not depend on the stage (exclusions and peer groups are the same at every stage).
    rows = [
        (campaign.pk, organisations[unit], key, key in aggregate_codes, result.max_points, result.score,
         appraised[unit][key].score, final[unit][key].score)
        for unit, nodes in results[Stage.SELF].items()
        for key, result in nodes.items()
    ]  # fmt: skip
    Result.objects.filter(campaign=campaign).delete()
    if connection.vendor == "postgresql":
        # COPY writes tens of thousands of rows in a fraction of what INSERTs take.
        columns = (
            "campaign_id, organisation_id, key, is_aggregate, max_points, self_score, appraised_score, final_score"
        )
        with (
            connection.cursor() as cursor,
            cursor.connection.cursor().copy(f"COPY {Result._meta.db_table} ({columns}) FROM STDIN") as copy,
        ):
            for start in range(0, len(rows), 20000):
                copy.write("".join(_copy_line(row) for row in rows[start : start + 20000]))
    else:
        fields = ("campaign_id", "organisation_id", "key", "is_aggregate", "max_points", "self_score",
                  "appraised_score", "final_score")  # fmt: skip
        Result.objects.bulk_create((Result(**dict(zip(fields, row, strict=True))) for row in rows), batch_size=2000)
    return len(rows)


def _copy_line(row: tuple[Any, ...]) -> str:
    """One row in COPY's text form; keys are framework codes (no tabs, newlines or backslashes)."""
    campaign_id, organisation_id, key, is_aggregate, max_points, self_score, appraised_score, final_score = row
    return (f"{campaign_id}\t{organisation_id}\t{key}\t{'t' if is_aggregate else 'f'}\t{max_points}\t"
            f"{self_score}\t{appraised_score}\t{final_score}\n")  # fmt: skip
