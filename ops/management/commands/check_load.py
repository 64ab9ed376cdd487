"""After `make load`: the pass criteria and the data checks, printed and written as JSON.

- no unexpected server error (5xx), no other failed request (a dropped connection, a refused
  figure), and the p95 targets (saves ≤ 250 ms, the published rankings API ≤ 100 ms);
- no lost update: every answer's version equals its number of saves in the history;
- audit rows = successful writes: the history rows written during the run equal the successful
  writes the server answered (answers saved, files attached, steps taken, from its access log; a
  client may miss an answer that the server did send, so the server's log is the reference);
- the stored results equal a from-scratch recompute of each load campaign.
"""

from __future__ import annotations

import csv
import datetime
import json
import re
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count, F, Q
from django.utils import timezone

from ops.stack import LOAD, STACK
from scoring.models import Recompute, Result
from scoring.services import recompute_campaign
from submissions.models import Answer, Campaign, Event

SAVE_P95_MS = 250
RANKINGS_P95_MS = 100


class Command(BaseCommand):
    help = "Check a load run: errors, p95 targets, lost updates, audit rows, results against a recompute."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--prefix", type=Path, default=LOAD / "locust", help="locust's --csv prefix")
        parser.add_argument("--writes", type=Path, default=LOAD / "writes.json")
        parser.add_argument("--out", type=Path, default=LOAD / "result.json")
        parser.add_argument("--access-log", type=Path, default=STACK / "log" / "access.log")

    def handle(self, *args: Any, **options: Any) -> None:
        prefix: Path = options["prefix"]
        stats = {row["Name"]: row for row in csv.DictReader(Path(f"{prefix}_stats.csv").open(encoding="utf-8"))}
        failures = list(csv.DictReader(Path(f"{prefix}_failures.csv").open(encoding="utf-8")))
        writes = json.loads(options["writes"].read_text())
        started = datetime.datetime.fromtimestamp(writes["started_at"], tz=datetime.UTC)
        server_errors = sum(int(row["Occurrences"]) for row in failures if re.search(r"\b5\d\d\b", row["Error"]))
        campaigns = list(Campaign.objects.filter(name__contains="tải thử"))
        if not campaigns:
            raise CommandError("No load campaign: start the stack first (scripts/stack.sh start).")
        events = Event.objects.filter(submission__campaign__in=campaigns, at__gte=started)
        counted = dict(events.values_list("kind").annotate(n=Count("id")).values_list("kind", "n"))
        approvals = events.filter(kind=Event.Kind.TRANSITION, new__action="approve").count()
        lost = (
            Answer.objects.filter(submission__campaign__in=campaigns, version__gt=0)
            .annotate(saves=Count("events", filter=Q(events__kind=Event.Kind.ANSWER)))
            .exclude(version=F("saves"))
            .count()
        )
        mismatched = {campaign.name: _results_differ(campaign) for campaign in campaigns}
        total = stats.get("Aggregated", {})
        p95_ms = {name: _number(row["95%"]) for name, row in stats.items() if name != "Aggregated"}
        history_rows = {
            "answers": counted.get(Event.Kind.ANSWER, 0),
            "evidence": counted.get(Event.Kind.EVIDENCE_ADDED, 0),
            "transitions": approvals,
        }
        served = _served_writes(options["access_log"])
        result: dict[str, Any] = {
            "at": timezone.now().isoformat(timespec="seconds"),
            "requests": int(total.get("Request Count", 0)),
            "requests_per_second": round(float(total.get("Requests/s", 0)), 1),
            "failures": int(total.get("Failure Count", 0)),
            "server_errors": server_errors,
            "p95_ms": p95_ms,
            "writes_counted_by_locust": {key: writes[key] for key in ("answers", "evidence", "transitions")},
            "writes_answered_by_the_server": served,
            "history_rows_written": history_rows,
            "answers_with_a_lost_update": lost,
            "results_differing_from_a_recompute": mismatched,
        }
        save_p95 = p95_ms.get("save answer", 0)
        rankings_p95 = p95_ms.get("published rankings api", 0)
        checks = {
            "no unexpected 5xx": server_errors == 0,
            "no other unexpected failure": result["failures"] == 0,
            f"p95 of saves ≤ {SAVE_P95_MS} ms": save_p95 <= SAVE_P95_MS,
            f"p95 of published rankings ≤ {RANKINGS_P95_MS} ms": rankings_p95 <= RANKINGS_P95_MS,
            "no lost update": lost == 0,
            "audit rows = successful writes": history_rows == served,
            "results = a from-scratch recompute": not any(mismatched.values()),
        }
        result["checks"] = checks
        result["passed"] = all(checks.values())
        options["out"].parent.mkdir(parents=True, exist_ok=True)
        options["out"].write_text(json.dumps(result, indent=1, ensure_ascii=False))
        self.stdout.write(json.dumps(result, indent=1, ensure_ascii=False))
        if not result["passed"]:
            raise CommandError("Load run failed: " + ", ".join(name for name, ok in checks.items() if not ok))


WRITES = {
    "answers": re.compile(r'"PUT /api/v1/submissions/\d+/answers/[^ ]+ HTTP/[\d.]+" 200 '),
    "evidence": re.compile(r'"POST /api/v1/submissions/\d+/answers/[^ ]+/evidence/ HTTP/[\d.]+" 201 '),
    "transitions": re.compile(r'"POST /api/v1/submissions/\d+/transitions/ HTTP/[\d.]+" 200 '),
}


def _served_writes(access_log: Path) -> dict[str, int]:
    """Successful writes in the server's access log (emptied by `make load` before the run)."""
    counts = dict.fromkeys(WRITES, 0)
    with access_log.open(encoding="utf-8", errors="replace") as lines:
        for line in lines:
            for kind, pattern in WRITES.items():
                if pattern.search(line):
                    counts[kind] += 1
    return counts


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return 0.0


def _results_differ(campaign: Campaign, wait_seconds: int = 120) -> int:
    """Wait for the campaign's queued recompute, then count rows a from-scratch recompute changes."""
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline:
        run = Recompute.objects.filter(campaign=campaign).first()
        if run is None or (not run.pending and run.state != Recompute.State.RUNNING):
            break
        time.sleep(1)
    columns = ("organisation_id", "key", "max_points", "self_score", "appraised_score", "final_score")
    before = set(Result.objects.filter(campaign=campaign).values_list(*columns))
    recompute_campaign(campaign_id=campaign.pk)
    after = set(Result.objects.filter(campaign=campaign).values_list(*columns))
    return len(before ^ after)
