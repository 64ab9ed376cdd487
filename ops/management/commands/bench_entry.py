"""Time a reporter's day on a synthetic campaign, in a scratch database.

    python manage.py bench_entry [--units 63] [--leaves 300] [--repeat 15]

The real data is never touched: like `bench_scoring`, the command creates a throw-away test database
(on the same server as DATABASE_URL), builds a framework of M leaves and N units with answers, and
drives the pages through Django's test client as one unit's reporter. It prints one JSON object:
medians of the page and save times with their queries, a section save of 40 leaves, an Excel import
of 300 changed rows applied with the recomputes it caused, and how long after the last save the
results are fresh without a broker (the background worker of the embedded default).
"""

from __future__ import annotations

import io
import json
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from openpyxl import load_workbook

from accounts.models import Role, User
from common.background import worker
from ops.synthetic import MINIMUM_LEAVES, build_campaign
from scoring.models import Recompute
from submissions.excel import COLUMNS, write_submission_workbook
from submissions.forms import AnswerForm
from submissions.models import Answer, Submission
from submissions.sections import submission_overview
from submissions.services.entry import AnswerInput, SectionEntry, apply_held_import, preview_import, save_section

SECTION_SAVE_LEAVES = 40
IMPORT_ROWS = 300


class Command(BaseCommand):
    help = "Benchmark the data-entry pages, saves and the Excel import on synthetic data in a scratch database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--units", type=int, default=63)
        parser.add_argument("--leaves", type=int, default=300)
        parser.add_argument("--repeat", type=int, default=15, help="Requests per median.")
        parser.add_argument("--seed", type=int, default=2021)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["leaves"] < max(MINIMUM_LEAVES, IMPORT_ROWS):
            raise CommandError(f"The benchmark needs at least {IMPORT_ROWS} leaves (its import changes {IMPORT_ROWS}).")
        old_name = connection.settings_dict["NAME"]
        with TemporaryDirectory() as folder:
            if connection.vendor == "sqlite":
                # A file, not SQLite's shared in-memory database: the background worker's thread then
                # has a connection of its own, as on the embedded default.
                connection.settings_dict.setdefault("TEST", {})["NAME"] = str(Path(folder) / "bench.sqlite3")
            scratch = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
            try:
                # Recomputes in the process's background worker, as on the embedded default; the
                # test client's host is allowed.
                with override_settings(ALLOWED_HOSTS=["testserver"], RECOMPUTE_IN_PROCESS=True,
                                       RECOMPUTE_COALESCE_SECONDS=0.5):  # fmt: skip
                    figures = self.measure(options["units"], options["leaves"], options["repeat"],
                                           random.Random(options["seed"]))  # noqa: S311 - synthetic data  # fmt: skip
                self.stdout.write(json.dumps({"database": connection.vendor, "scratch": scratch, **figures}))
            finally:
                worker.wait_idle(timeout=120)
                connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=False)

    def measure(self, unit_count: int, leaf_count: int, repeat: int, rng: random.Random) -> dict[str, Any]:
        campaign = build_campaign(unit_count, leaf_count, rng)
        submission = Submission.objects.filter(campaign=campaign).select_related("organisation").first()
        assert submission is not None
        reporter = User.objects.create(username="bench.baocao", organisation=submission.organisation,
                                       roles=[Role.REPORTER])  # fmt: skip
        client = Client()
        client.force_login(reporter)
        overview = submission_overview(submission)
        section = overview.sections[0]
        leaf = Answer.objects.select_related("node").get(pk=section.reported[0].answer_id)
        base = f"/submissions/{submission.pk}/"
        figures: dict[str, Any] = {"units": unit_count, "leaves": leaf_count, "repeat": repeat}

        figures["overview_ms"], figures["overview_queries"] = _timed(lambda: _get(client, base), repeat)
        section_url = f"{base}sections/{section.key}/"
        figures["section_ms"], figures["section_queries"] = _timed(lambda: _get(client, section_url), repeat)

        turns = iter(range(1, 10**6))
        save_url = f"{base}answers/{leaf.node.key}/"

        def save() -> None:
            # Each save changes the explanation, so each writes a new version and a history row.
            data = _form_data(leaf, next(turns), prefixed=True)
            response = client.post(save_url, data, HTTP_HX_REQUEST="true")
            if response.status_code != 200:
                raise CommandError(f"A save answered {response.status_code}: {response.content[:300]!r}")
            leaf.version += 1

        with worker.held():
            # The request path only: the recomputes the saves ask for wait until the figures are taken.
            figures["save_ms"], figures["save_queries"] = _timed(save, repeat, reading=False)
            for _ in range(100):
                save()
            _ms, figures["save_queries_after_100_saves"] = _timed(save, 1, reading=False)
            figures["section_save_ms"] = self.section_save(submission, reporter, repeat)
        worker.wait_idle(timeout=120)

        figures["import_300_rows_ms"], figures["import_recomputes"] = self.excel_import(submission, reporter)
        leaf.refresh_from_db(fields=["version"])  # the section save and the import changed it too
        figures["recompute_delay_ms"] = self.freshness(campaign.pk, save)
        return figures

    def section_save(self, submission: Submission, reporter: User, repeat: int) -> float:
        """ "Lưu tất cả" of 40 leaves, each changed: the service the section page calls, in one transaction."""
        answers = list(
            Answer.objects.filter(submission=submission, node__source="self_report")
            .select_related("node")
            .order_by("node__order")[:SECTION_SAVE_LEAVES]
        )
        times = []
        for turn in range(repeat):
            current = Answer.objects.in_bulk([answer.pk for answer in answers])
            # A new explanation on each leaf: every leaf changes, whatever its rule and value.
            entries = [SectionEntry(answer.pk, AnswerInput(explanation=f"Giải thích lần {turn}."), answer.version)
                       for answer in current.values()]  # fmt: skip
            started = time.perf_counter()
            outcome = save_section(submission_id=submission.pk, user=reporter, entries=entries)
            times.append((time.perf_counter() - started) * 1000)
            if outcome.invalid or outcome.stale or len(outcome.saved) != SECTION_SAVE_LEAVES:
                raise CommandError(f"The section save refused leaves: {outcome.invalid or outcome.stale}")
        return round(statistics.median(times), 1)

    def excel_import(self, submission: Submission, reporter: User) -> tuple[float, int]:
        """The reporter's template with 300 explanations changed: previewed, then applied; the time to
        apply, and the recomputes it caused once the background worker is idle."""
        workbook = load_workbook(io.BytesIO(write_submission_workbook(submission)))
        sheet = workbook.active
        column = COLUMNS.index("explanation") + 1
        for row in range(3, IMPORT_ROWS + 3):  # a row of headings, a row of column codes, then the leaves
            sheet.cell(row=row, column=column, value=f"Số liệu theo báo cáo năm, dòng {row}.")
        buffer = io.BytesIO()
        workbook.save(buffer)
        runs_before = _runs(submission.campaign_id)
        preview = preview_import(submission_id=submission.pk, user=reporter, content=buffer.getvalue(),
                                 original_name="bench.xlsx")  # fmt: skip
        if preview.held is None or len(preview.changes) != IMPORT_ROWS:
            raise CommandError(f"The import should change {IMPORT_ROWS} rows, not {len(preview.changes)}.")
        started = time.perf_counter()
        applied = apply_held_import(token=str(preview.held.token), submission_id=submission.pk, user=reporter)
        elapsed = (time.perf_counter() - started) * 1000
        worker.wait_idle(timeout=120)
        if len(applied) != IMPORT_ROWS:
            raise CommandError(f"The import applied {len(applied)} rows, not {IMPORT_ROWS}.")
        return round(elapsed, 1), _runs(submission.campaign_id) - runs_before

    def freshness(self, campaign_id: int, save: Callable[[], None]) -> float:
        """From the response of a last save to results computed after it, with no broker."""
        worker.wait_idle(timeout=120)
        save()
        answered = time.perf_counter()
        deadline = answered + 60
        while time.perf_counter() < deadline:
            run = Recompute.objects.get(campaign_id=campaign_id)
            if not run.pending and run.state == Recompute.State.DONE and not worker.is_busy(("recompute", campaign_id)):
                return round((time.perf_counter() - answered) * 1000, 1)
            time.sleep(0.01)
        raise CommandError("The results were not fresh a minute after the last save.")


def _get(client: Client, url: str) -> None:
    response = client.get(url)
    if response.status_code != 200:
        raise CommandError(f"GET {url} answered {response.status_code}")


def _form_data(answer: Answer, turn: int, *, prefixed: bool = False) -> dict[str, str]:
    """The leaf's current value as the form posts it, with an explanation that changes every turn."""
    initial = AnswerForm.of(answer).initial
    data = {name: "" if value is None else str(value) for name, value in initial.items()}
    data["explanation"] = f"Giải thích lần {turn}."
    if prefixed:
        return {f"{answer.node.anchor}-{name}": value for name, value in data.items()}
    return data


def _timed(action: Callable[[], None], repeat: int, *, reading: bool = True) -> tuple[float, int]:
    """The median milliseconds of `repeat` runs (after one warm-up when reading) and the last run's queries."""
    if reading:
        action()
    times = []
    count = 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            action()
            times.append((time.perf_counter() - started) * 1000)
        count = len(queries.captured_queries)
    return round(statistics.median(times), 1), count


def _runs(campaign_id: int) -> int:
    run = Recompute.objects.filter(campaign_id=campaign_id).first()
    return run.runs if run else 0
