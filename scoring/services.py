"""Recomputing a campaign: load its data with a fixed number of queries, run the engine, write what changed.

`schedule_recompute` is what every change calls: after commit, it queues one run unless one is
already queued (a burst of saves gives one run), to Celery or, without a broker, to the process's
background worker; no request waits for a run. `recompute_campaign` is the run itself: runs of one
campaign never overlap (`run_lock`); the rows whose figures changed are written in one transaction
(one statement per kind of change), so readers see the old set or the new one. A failure leaves
the previous results in place.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import numpy as np
import psycopg
from django.db import connection, transaction
from django.db.models import F, FloatField, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone
from numpy.typing import NDArray

from common import background
from common.vocabulary import Stage
from indicators.models import Aggregate, Node
from submissions.models import Answer, Campaign, Decision, Exclusion, FinalDecision, Submission, answered_filter

from .engine import (
    FLOAT_EXACT_BELOW,
    POINTS_SCALE,
    SCORE_SCALE,
    Flags,
    Floats,
    FrameworkSpec,
    Integers,
    LeafValue,
    NodeSpec,
    Plan,
    Scores,
    StageValues,
    plan,
    score_stage,
)
from .models import Recompute, Result

logger = logging.getLogger(__name__)


# In the order each builds on the previous: appraisal adjusts the self-assessment, the final stage the appraisal.
STAGES = (Stage.SELF, Stage.APPRAISED, Stage.FINAL)
# Answers are read in chunks, so that memory does not grow with the number of units.
CHUNK_ROWS = 50000


@dataclass(frozen=True)
class Loaded:
    """A campaign's framework, laid out for scoring, and every unit's answers at each stage.

    Row n of every stage's arrays is submission `submissions[n]` of organisation `organisations[n]`.
    Where no leaf was adjusted (or revised), a stage's values are the previous stage's object
    itself, so it is scored once.
    """

    campaign: Campaign
    framework: FrameworkSpec
    plan: Plan
    submissions: tuple[int, ...]
    organisations: tuple[int, ...]
    stages: dict[str, StageValues]


def load_campaign(campaign: Campaign) -> Loaded:
    """The campaign's framework (with its exclusions) and every unit's leaf values at each stage —
    self-assessed, appraised, final — as the engine's arrays.

    Ten queries, whatever the number of units and leaves: nodes, aggregates with their main
    indices, exclusions, submissions with their organisations, the answers' numbers (in four
    shares), their choices, and the few numbers too large for a float to hold.
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
    layout = plan(framework)
    submissions = list(
        Submission.objects.filter(campaign=campaign)
        .order_by("pk")
        .values_list("id", "organisation_id", "organisation__code", "organisation__group")
    )
    units, groups = [row[2] for row in submissions], [row[3] for row in submissions]
    reported = StageValues.empty(layout, units, groups)
    row_of = _lookup([row[0] for row in submissions])
    leaf_ids = [node_id for node_id, key in keys.items() if key in layout.leaf_index]
    column_of = _lookup(leaf_ids, [layout.leaf_index[keys[node_id]] for node_id in leaf_ids])
    # In no order: the answers' default ordering would join four tables and sort them all.
    answers = Answer.objects.filter(
        answered_filter() | Q(appraisal_decision=Decision.ADJUST) | Q(final_decision=FinalDecision.REVISE),
        submission__campaign=campaign,
    ).order_by()
    for numbers in _numbers(answers):
        rows, columns = _positions(row_of, numbers[:, 0]), _positions(column_of, numbers[:, 1])
        kept = (rows >= 0) & (columns >= 0)
        at, numbers = (rows[kept], columns[kept]), numbers[kept]
        reported.value[at], reported.numerator[at], reported.denominator[at] = (
            numbers[:, 2],
            numbers[:, 3],
            numbers[:, 4],
        )
    # The later stages are copies of the report, made only where an appraiser changed something.
    stages: dict[str, StageValues] = {Stage.SELF: reported}
    # The answers an appraiser adjusted or revised, or with a choice (a tenth or so).
    decided = list(answers.filter(DECIDED_OR_CHOSEN).values_list("submission_id", "node_id", *ANSWER_FIELDS))
    adjusted = {Stage.APPRAISED: False, Stage.FINAL: False}
    if decided:
        fields = list(zip(*decided, strict=True))
        rows = _positions(row_of, np.array(fields[0], dtype=np.int64))
        columns = _positions(column_of, np.array(fields[1], dtype=np.int64))
        kept = (rows >= 0) & (columns >= 0)
        at = (rows[kept], columns[kept])
        field = {name: np.array(fields[2 + n], dtype=object)[kept] for n, name in enumerate(ANSWER_FIELDS)}
        adjust = field["appraisal_decision"] == Decision.ADJUST
        revise = field["final_decision"] == FinalDecision.REVISE
        adjusted[Stage.APPRAISED], adjusted[Stage.FINAL] = bool(adjust.any()), bool(revise.any())
        if adjusted[Stage.APPRAISED]:
            stages[Stage.APPRAISED] = reported.copy()
        if adjusted[Stage.FINAL]:
            stages[Stage.FINAL] = stages.get(Stage.APPRAISED, reported).copy()
        given = [field[name] for name in (*REPORTED_NUMBERS, "choice")]
        for stage, decision, prefix in ((Stage.SELF, None, ""), (Stage.APPRAISED, adjust, "appraised_"),
                                        (Stage.FINAL, revise, "final_")):  # fmt: skip
            if decision is not None:
                own = [field[f"{prefix}{name}"] for name in (*REPORTED_NUMBERS, "choice")]
                given = [np.where(decision, mine, theirs) for mine, theirs in zip(own, given, strict=True)]
            if stage not in stages:
                continue
            values = stages[stage]
            for target, source in zip(_numbers_of(values), given[:3], strict=True):
                target[at] = np.array([np.nan if n is None else float(n) for n in source.tolist()])
            values.choice[at] = given[3]
    for row_values in answers.filter(_imprecise()).values_list("submission_id", "node_id", *ANSWER_FIELDS):
        row, column = int(row_of[row_values[0]]), int(_positions(column_of, np.array([row_values[1]]))[0])
        if row >= 0 and column >= 0:
            for stage, leaf_value in zip(STAGES, _stage_values(row_values[2:]), strict=True):
                if stage in stages:
                    stages[stage].exact[(row, column)] = leaf_value
    # A stage nobody adjusted is the previous stage's object, so it is scored once.
    stages.setdefault(Stage.APPRAISED, reported)
    stages.setdefault(Stage.FINAL, stages[Stage.APPRAISED])
    return Loaded(
        campaign=campaign, framework=framework, plan=layout,
        submissions=tuple(row[0] for row in submissions), organisations=tuple(row[1] for row in submissions),
        stages=stages,
    )  # fmt: skip


ANSWER_FIELDS = (
    "value", "numerator", "denominator", "choice",
    "appraisal_decision", "appraised_value", "appraised_numerator", "appraised_denominator", "appraised_choice",
    "final_decision", "final_value", "final_numerator", "final_denominator", "final_choice",
)  # fmt: skip
NUMBER_COLUMNS = ("value", "numerator", "denominator", "appraised_value", "appraised_numerator",
                  "appraised_denominator", "final_value", "final_numerator", "final_denominator")  # fmt: skip
REPORTED_NUMBERS = ("value", "numerator", "denominator")


DECIDED_OR_CHOSEN = (
    Q(appraisal_decision=Decision.ADJUST)
    | Q(final_decision=FinalDecision.REVISE)
    | ~Q(choice="")
    | ~Q(appraised_choice="")
    | ~Q(final_choice="")
)


def _numbers_of(values: StageValues) -> tuple[Floats, Floats, Floats]:
    return values.value, values.numerator, values.denominator


def _numbers(answers: QuerySet[Answer]) -> Iterator[Floats]:
    """The reported numbers of every answer as float arrays, in chunks: a row per answer of [submission id,
    node id, value, numerator, denominator] (NaN for none). `READ_CHUNKS` queries, whatever the size.

    The ORM would build a Decimal for every number of every row: on PostgreSQL the rows come as binary
    strings that numpy reads as they are, elsewhere through the database cursor. The submissions are
    read a share at a time (by their id modulo `READ_CHUNKS`), so that no more than a share of the
    answers is ever held twice, as the database's reply and as arrays.
    """
    for share in range(READ_CHUNKS):
        query = (
            answers.annotate(share=F("submission_id") % READ_CHUNKS)
            .filter(share=share)
            .annotate(**{f"f_{name}": Cast(name, FloatField()) for name in REPORTED_NUMBERS})
            .values_list("submission_id", "node_id", *(f"f_{name}" for name in REPORTED_NUMBERS))
        )
        sql, params = query.query.sql_with_params()
        if connection.vendor == "postgresql":
            data = _binary_value(
                "SELECT string_agg(int4send(t.submission::int4) || int4send(t.node::int4) || "  # noqa: S608
                "float8send(COALESCE(t.v, 'NaN')) || float8send(COALESCE(t.n, 'NaN')) || "
                f"float8send(COALESCE(t.d, 'NaN')), ''::bytea) FROM ({sql}) AS t(submission, node, v, n, d)",
                params,
            )
            found = np.frombuffer(data, dtype=ANSWER_RECORD)
            yield np.column_stack([found[name].astype(np.float64) for name in ANSWER_RECORD.names or ()])
            continue
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            while chunk := cursor.fetchmany(CHUNK_ROWS):
                yield np.array(chunk, dtype=np.float64)


# The answers, and the stored results, are read in this many shares.
READ_CHUNKS = 4
ANSWER_RECORD = np.dtype([("submission", ">i4"), ("node", ">i4"), ("value", ">f8"), ("numerator", ">f8"),
                          ("denominator", ">f8")])  # fmt: skip


def _binary_value(sql: str, params: Any) -> bytes:
    """The one bytea a query answers, fetched in binary (Django's cursors fetch text: a bytea as hex)."""
    connection.ensure_connection()
    assert connection.connection is not None
    # Django's cursors bind on the client, which cannot fetch binary: a plain psycopg cursor can. It is
    # logged as Django logs its own, so that query counts stay true.
    started = time.monotonic()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params, binary=True)
        row = cursor.fetchone()
    if connection.queries_logged:
        connection.queries_log.append({"sql": sql, "time": f"{time.monotonic() - started:.3f}"})
    return bytes(row[0]) if row and row[0] is not None else b""


def _imprecise() -> Q:
    """Answers with a number a float may not hold to its last digit (see `StageValues`)."""
    found = Q()
    for name in NUMBER_COLUMNS:
        found |= Q(**{f"{name}__gte": FLOAT_EXACT_BELOW}) | Q(**{f"{name}__lte": -FLOAT_EXACT_BELOW})
    return found


def _stage_values(row: tuple[Any, ...]) -> tuple[LeafValue, LeafValue, LeafValue]:
    """An answer (ANSWER_FIELDS) at each stage: appraisal adjusts the report, the final stage the appraisal."""
    reported = LeafValue(*row[0:4])
    appraised = LeafValue(*row[5:9]) if row[4] == Decision.ADJUST else reported
    final = LeafValue(*row[10:14]) if row[9] == FinalDecision.REVISE else appraised
    return reported, appraised, final


def _lookup(ids: list[int], positions: list[int] | None = None) -> Integers:
    """An array giving each id's position (-1 for an id not listed)."""
    table = np.full(max(ids, default=0) + 1, -1, dtype=np.int64)
    table[ids] = positions if positions is not None else np.arange(len(ids))
    return table


def _positions(table: Integers, ids: NDArray[Any]) -> Integers:
    found = ids.astype(np.int64)
    inside = (found >= 0) & (found < len(table))
    return np.where(inside, table[np.where(inside, found, 0)], -1)


def score_stages(loaded: Loaded) -> dict[str, Scores]:
    """Score each stage; a stage whose inputs are the previous stage's shares its scores."""
    scored: dict[str, Scores] = {}
    for stage in STAGES:
        shared = next((other for other in scored if loaded.stages[other] is loaded.stages[stage]), None)
        scored[stage] = scored[shared] if shared else score_stage(loaded.plan, loaded.stages[stage])
    return scored


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
    (its message was lost while the broker was down), and every run marked running that no process
    runs any more (its worker died): on PostgreSQL, one whose run lock nobody holds; elsewhere, one
    running for longer than a task may run. Running twice is harmless. Returns the campaign ids."""
    from django.conf import settings

    now = timezone.now()
    cutoff = now - timedelta(seconds=older_than_seconds)
    stale = set(Recompute.objects.filter(pending=True, requested_at__lt=cutoff).values_list("campaign_id", flat=True))
    running = Recompute.objects.filter(state=Recompute.State.RUNNING)
    if connection.vendor == "postgresql":
        stale |= {campaign_id for campaign_id in running.values_list("campaign_id", flat=True)
                  if not run_lock_held(campaign_id)}  # fmt: skip
    else:
        dead = now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
        stale |= set(running.filter(started_at__lt=dead).values_list("campaign_id", flat=True))
    for campaign_id in sorted(stale):
        Recompute.objects.filter(campaign_id=campaign_id).update(pending=True, requested_at=now)
        _queue_run(campaign_id)
    return sorted(stale)


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


def run_lock_held(campaign_id: int) -> bool:
    """Whether a run of the campaign holds its run lock now, in any process (PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [RUN_LOCK_NAMESPACE, campaign_id])
        (taken,) = cursor.fetchone()
        if taken:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [RUN_LOCK_NAMESPACE, campaign_id])
    return not taken


def recompute_campaign(*, campaign_id: int) -> Recompute:
    """Recompute every result of a campaign and write what changed, in one transaction.

    Idempotent: the same data gives the same results, and writes nothing. `pending` is cleared
    before the data is read, so a change saved during the run asks for one more run. Raises what
    the computation raised, after recording the failure; the previous results stay in place.
    """
    Recompute.objects.get_or_create(campaign_id=campaign_id)
    runs = Recompute.objects.filter(campaign_id=campaign_id)
    with run_lock(campaign_id):
        started = timezone.now()
        runs.update(pending=False, state=Recompute.State.RUNNING, progress=0, started_at=started)
        try:
            # Read and score outside any transaction: a long read would hold SQLite's writers back,
            # and a change committed meanwhile has set `pending` again, so it gets its own run.
            # The stored results are read under the run lock: only a run writes them.
            campaign = Campaign.objects.get(pk=campaign_id)
            loaded = load_campaign(campaign)
            scored = score_stages(loaded)
            with transaction.atomic():
                written = write_results(loaded, scored)
                runs.update(
                    state=Recompute.State.DONE, progress=100, error="", units=len(loaded.submissions),
                    results=len(loaded.submissions) * len(loaded.plan.keys), rows_written=written,
                    runs=F("runs") + 1, finished_at=timezone.now(),
                )  # fmt: skip
        except Exception as error:
            logger.exception("Recompute of campaign %s failed", campaign_id)
            runs.update(state=Recompute.State.FAILED, error=f"{type(error).__name__}: {error}",
                        finished_at=timezone.now())  # fmt: skip
            raise
    return Recompute.objects.get(campaign_id=campaign_id)


def write_results(loaded: Loaded, scored: dict[str, Scores]) -> int:
    """Store the scores: the rows whose figures changed, the missing ones, and the removal of rows of
    units or nodes no longer in the campaign, in one transaction. The number of rows written.

    What is stored is compared with what this process wrote last, where the campaign's results
    version and row count show nobody wrote since; otherwise the stored rows are read.
    """
    campaign_id = loaded.campaign.pk
    computed = _computed_rows(scored)
    with transaction.atomic():
        version = Recompute.objects.filter(campaign_id=campaign_id).values_list("results_version", flat=True).get()
        count = Result.objects.filter(campaign_id=campaign_id).count()
        last = _last_written.get(campaign_id)
        # SQLite addresses rows by id, which only a read gives.
        if (
            connection.vendor == "postgresql"
            and last is not None
            and last.matches(loaded, version=version, count=count)
        ):
            stored = Stored(rows=last.rows, present=np.ones(last.rows.shape[:2], dtype=bool), strays=False)
        else:
            stored = _stored_rows(loaded)
        written = _write_changes(loaded, computed, stored)
        if written:
            # A fresh random version, not a count: if an enclosing transaction rolls this write back,
            # no later write can take the version this process remembers.
            version = secrets.randbits(62)
            Recompute.objects.filter(campaign_id=campaign_id).update(results_version=version)
    _remember(campaign_id, Written(version, loaded.organisations, loaded.plan.keys, computed))
    return written


@dataclass(frozen=True)
class Written:
    """The results a process last wrote for a campaign, at a results version."""

    version: int
    organisations: tuple[int, ...]
    keys: tuple[str, ...]
    rows: Integers

    def matches(self, loaded: Loaded, *, version: int, count: int) -> bool:
        return (
            self.version == version
            and self.organisations == loaded.organisations
            and self.keys == loaded.plan.keys
            and count == self.rows.shape[0] * self.rows.shape[1]
        )


# The last results written, per campaign, for a few campaigns (a recompute worker serves a few at a time).
_last_written: dict[int, Written] = {}
REMEMBERED_CAMPAIGNS = 4


def _remember(campaign_id: int, written: Written) -> None:
    _last_written.pop(campaign_id, None)
    _last_written[campaign_id] = written
    while len(_last_written) > REMEMBERED_CAMPAIGNS:
        _last_written.pop(next(iter(_last_written)))


def computed_rows(campaign: Campaign) -> tuple[Loaded, Integers]:
    """What a recompute would store now: [unit, column, (max points, self, appraised, final score)] as
    integers in 1e-4 and 1e-8 points (for the fault tests' from-scratch comparison)."""
    loaded = load_campaign(campaign)
    return loaded, _computed_rows(score_stages(loaded))


def _computed_rows(scored: dict[str, Scores]) -> Integers:
    points, self_scores = scored[Stage.SELF].stored()
    appraised = self_scores if scored[Stage.APPRAISED] is scored[Stage.SELF] else scored[Stage.APPRAISED].stored()[1]
    final = appraised if scored[Stage.FINAL] is scored[Stage.APPRAISED] else scored[Stage.FINAL].stored()[1]
    # Max points do not depend on the stage (exclusions and peer groups are the same at every stage).
    return np.stack([points, self_scores, appraised, final], axis=-1)


@dataclass(frozen=True)
class Stored:
    """The results a campaign has stored, laid out as the computed ones: `rows[unit, column]` where
    `present`; `strays` says whether some rows belong to no unit or column of the campaign now."""

    rows: Integers
    present: Flags
    strays: bool
    # The rows' ids, where the database has no cheaper way to address a row than by id (SQLite).
    ids: Integers | None = None


def _stored_rows(loaded: Loaded) -> Stored:
    shape = (len(loaded.submissions), len(loaded.plan.keys))
    rows = np.zeros((*shape, 4), dtype=np.int64)
    present = np.zeros(shape, dtype=bool)
    ids = np.zeros(shape, dtype=np.int64) if connection.vendor != "postgresql" else None
    unit_of = _lookup(list(loaded.organisations))
    strays = False
    for columns, row_ids in _stored_shares(loaded):
        units, keys = _positions(unit_of, columns[0]), columns[1] - 1
        known = (units >= 0) & (keys >= 0)
        strays |= not known.all()
        at = (units[known], keys[known])
        for figure, column in enumerate(columns[2:]):
            rows[(*at, figure)] = column[known]
        present[at] = True
        if ids is not None and row_ids is not None:
            ids[at] = row_ids[known]
    return Stored(rows=rows, present=present, strays=strays, ids=ids)


def _stored_shares(loaded: Loaded) -> Iterator[tuple[list[NDArray[Any]], Integers | None]]:
    """The stored rows as columns [organisation id, column + 1 (0: a key not in the plan), max points,
    self, appraised and final scores as integers], with the rows' ids where they are needed (SQLite).

    On PostgreSQL, integers in binary strings read by numpy as they were sent (big-endian), a share of
    the units at a time (see `_numbers`); elsewhere through the ORM, at once."""
    if connection.vendor == "postgresql":
        for share in range(READ_CHUNKS):
            data = _binary_value(STORED_QUERY, [list(loaded.plan.keys), loaded.campaign.pk, READ_CHUNKS, share])
            found = np.frombuffer(data, dtype=">i8").reshape(-1, len(STORED_FIELDS))
            yield [found[:, n] for n in range(len(STORED_FIELDS))], None
        return
    values: list[tuple[int, str, Decimal, Decimal, Decimal, Decimal, int]] = list(
        Result.objects.filter(campaign=loaded.campaign).values_list(
            "organisation_id", "key", "max_points", "self_score", "appraised_score", "final_score", "id"
        )
    )
    column_of = {key: n + 1 for n, key in enumerate(loaded.plan.keys)}
    yield (
        [
            np.array([row[0] for row in values], dtype=np.int64),
            np.array([column_of.get(row[1], 0) for row in values], dtype=np.int64),
            np.array([int(row[2].scaleb(4)) for row in values], dtype=np.int64),
            *(np.array([int(row[n].scaleb(8)) for row in values], dtype=np.int64) for n in (3, 4, 5)),  # type: ignore[union-attr]
        ],
        np.array([row[6] for row in values], dtype=np.int64),
    )


# The table name and the scales are the module's constants; only the parameters vary.
STORED_QUERY = (
    "SELECT string_agg(int8send(r.organisation_id::int8) || int8send(COALESCE(k.n, 0)::int8) || "  # noqa: S608
    f"int8send((r.max_points * {POINTS_SCALE})::int8) || int8send((r.self_score * {SCORE_SCALE})::int8) || "
    f"int8send((r.appraised_score * {SCORE_SCALE})::int8) || int8send((r.final_score * {SCORE_SCALE})::int8),"
    f" ''::bytea) FROM {Result._meta.db_table} r"
    " LEFT JOIN unnest(%s::text[]) WITH ORDINALITY AS k(key, n) ON k.key = r.key"
    " WHERE r.campaign_id = %s AND r.organisation_id %% %s = %s"
)
UPDATE_QUERY = (
    f"UPDATE {Result._meta.db_table} AS r SET max_points = c.max_points::numeric / {POINTS_SCALE},"  # noqa: S608
    f" self_score = c.self_score::numeric / {SCORE_SCALE},"
    f" appraised_score = c.appraised_score::numeric / {SCORE_SCALE},"
    f" final_score = c.final_score::numeric / {SCORE_SCALE}"
    " FROM unnest(%s::int8[], %s::text[], %s::int8[], %s::int8[], %s::int8[], %s::int8[])"
    " AS c(organisation_id, key, max_points, self_score, appraised_score, final_score)"
    " WHERE r.campaign_id = %s AND r.organisation_id = c.organisation_id AND r.key = c.key"
)
STORED_FIELDS = ("organisation", "column", "max_points", "self_score", "appraised_score", "final_score")


def _write_changes(loaded: Loaded, computed: Integers, stored: Stored) -> int:
    """Write the rows that differ from the stored ones, insert the missing, delete the strays; the
    number of rows written."""
    campaign_id = loaded.campaign.pk
    changed = stored.present & (stored.rows != computed).any(axis=-1)
    missing = ~stored.present
    written = 0
    if stored.strays:
        written += (
            Result.objects.filter(campaign_id=campaign_id)
            .exclude(organisation_id__in=loaded.organisations, key__in=loaded.plan.keys)
            .delete()[0]
        )
    aggregates = loaded.plan.is_aggregate()
    if stored.ids is not None:
        # SQLite (the embedded default), where the stored rows were read with their ids.
        changed_rows = [
            Result(id=int(stored.ids[row, column]), max_points=points, self_score=own, appraised_score=appraised,
                   final_score=final)
            for row, column, (_organisation, _key, _aggregate, points, own, appraised, final)
            in zip(*np.nonzero(changed), _rows(loaded, computed, changed, aggregates), strict=True)
        ]  # fmt: skip
        Result.objects.bulk_update(
            changed_rows, ["max_points", "self_score", "appraised_score", "final_score"], batch_size=500
        )
        Result.objects.bulk_create(
            (Result(campaign_id=campaign_id, organisation_id=organisation, key=key, is_aggregate=aggregate,
                    max_points=points, self_score=own, appraised_score=appraised, final_score=final)
             for organisation, key, aggregate, points, own, appraised, final
             in _rows(loaded, computed, missing, aggregates)),
            batch_size=2000,
        )  # fmt: skip
        return written + len(changed_rows) + int(missing.sum())
    if changed.any():
        rows, columns = np.nonzero(changed)
        figures = computed[rows, columns]
        with connection.cursor() as cursor:
            cursor.execute(
                UPDATE_QUERY,
                [
                    [loaded.organisations[n] for n in rows.tolist()],
                    [loaded.plan.keys[n] for n in columns.tolist()],
                    *(figures[:, n].tolist() for n in range(4)),
                    campaign_id,
                ],
            )
        written += len(rows)
    if missing.any():
        # COPY writes tens of thousands of rows in a fraction of what INSERTs take.
        names = "campaign_id, organisation_id, key, is_aggregate, max_points, self_score, appraised_score, final_score"
        with (
            connection.cursor() as cursor,
            cursor.connection.cursor().copy(f"COPY {Result._meta.db_table} ({names}) FROM STDIN") as copy,
        ):
            lines = []
            for organisation, key, aggregate, points, own, appraised, final in _rows(
                loaded, computed, missing, aggregates
            ):
                lines.append(f"{campaign_id}\t{organisation}\t{key}\t{'t' if aggregate else 'f'}\t{points}\t"
                             f"{own}\t{appraised}\t{final}\n")  # fmt: skip
                if len(lines) == 20000:
                    copy.write("".join(lines))
                    lines = []
            copy.write("".join(lines))
        written += int(missing.sum())
    return written


def _rows(
    loaded: Loaded, computed: Integers, cells: Flags, aggregates: Flags
) -> Iterator[tuple[int, str, bool, Decimal, Decimal, Decimal, Decimal]]:
    """The result rows of the chosen cells, figures as exact Decimals (keys are framework codes: no
    tabs, newlines or backslashes, so they go into COPY's text form as they are)."""
    rows, columns = np.nonzero(cells)
    for row, column, figures in zip(rows.tolist(), columns.tolist(), computed[rows, columns].tolist(), strict=True):
        points, own, appraised, final = figures
        yield (
            loaded.organisations[row], loaded.plan.keys[column], bool(aggregates[column]),
            Decimal(points).scaleb(-4), Decimal(own).scaleb(-8), Decimal(appraised).scaleb(-8),
            Decimal(final).scaleb(-8),
        )  # fmt: skip
