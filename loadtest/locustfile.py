"""The deadline day against `make stack`: reporters of every unit saving values and uploading a PDF,
approvers approving, appraisers reviewing, the public reading rankings and profiles, API clients
pulling rankings. Run by `make load`; the successful writes are counted for the checks afterwards."""

from __future__ import annotations

import io
import json
import os
import random
import re
import time
from pathlib import Path
from typing import Any

from locust import HttpUser, between, events, task
from pypdf import PdfWriter

ACCOUNTS = json.loads(Path(os.environ.get("LOAD_ACCOUNTS", "var/stack/accounts.json")).read_text())
WRITES_FILE = Path(os.environ.get("LOAD_WRITES", "var/load/writes.json"))
WRITES = {"answers": 0, "evidence": 0, "transitions": 0, "started_at": time.time()}
PROVINCES = [unit["code"] for unit in ACCOUNTS["units"] if not unit["code"].isalpha()]
VALUE_RULES = {"percentage", "manual", "boolean", "count"}


def evidence_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": f"Minh chứng {random.random()}"})  # noqa: S311 - unique content, not security
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@events.test_start.add_listener
def started(**_kwargs: Any) -> None:
    WRITES["started_at"] = time.time()


@events.quitting.add_listener
def write_counts(**_kwargs: Any) -> None:
    WRITES_FILE.parent.mkdir(parents=True, exist_ok=True)
    WRITES_FILE.write_text(json.dumps(WRITES))


def new_value(answer: dict[str, Any]) -> float:
    """A figure the leaf's rule accepts, other than the one it holds: saving the same figure again
    changes nothing, so the server writes no history row for it and the audit check would miss one."""
    rule, top = answer["rule"], float(answer["max_points"])
    while True:
        value = {"boolean": random.randint(0, 1), "percentage": round(random.uniform(0, 100), 2)}.get(  # noqa: S311
            rule,
            round(random.uniform(0, top), 2),  # noqa: S311
        )
        if answer["value"] is None or float(answer["value"]) != value:
            return value


class Reporter(HttpUser):
    """A unit's reporter (through the unit's system and the API): saves values, attaches evidence."""

    weight = 45
    # A person reads the indicator, finds the figure and types it: a save every 10–30 s.
    wait_time = between(10, 30)

    def on_start(self) -> None:
        self.unit = random.choice(ACCOUNTS["units"])  # noqa: S311
        self.client.headers["Authorization"] = f"Token {self.unit['baocao']}"
        self.refresh()

    def refresh(self) -> None:
        detail = self.client.get(f"/api/v1/submissions/{self.unit['submission']}/", name="submission detail api")
        answers = detail.json()["answers"] if detail.ok else {}
        # Leaves worth points (a leaf worth nothing takes only 0, and a random figure would be refused).
        self.answers = {key: answer for key, answer in answers.items() if answer["source"] == "self_report"
                        and answer["rule"] in VALUE_RULES and (answer["max_points"] or 0) > 0}  # fmt: skip

    @task(8)
    def save_answer(self) -> None:
        if not self.answers:
            return
        key = random.choice(list(self.answers))  # noqa: S311
        answer = self.answers[key]
        value = new_value(answer)
        with self.client.put(f"/api/v1/submissions/{self.unit['submission']}/answers/{key}/",
                             json={"value": value, "version": answer["version"]}, name="save answer",
                             catch_response=True) as response:  # fmt: skip
            if response.status_code == 200:
                answer["version"], answer["value"] = response.json()["version"], value
                WRITES["answers"] += 1
                response.success()
            elif response.status_code in (403, 409):
                # A colleague saved first (409) or the unit was submitted (403): expected, reload.
                response.success()
                self.refresh()

    @task(1)
    def upload_evidence(self) -> None:
        if not self.answers:
            return
        key = random.choice(list(self.answers))  # noqa: S311
        url = f"/api/v1/submissions/{self.unit['submission']}/answers/{key}/evidence/"
        files = {"file": ("minh-chung.pdf", evidence_pdf(), "application/pdf")}
        with self.client.post(url, files=files, data={"title": "Minh chứng"}, name="upload evidence",
                              catch_response=True) as response:  # fmt: skip
            if response.status_code == 201:
                WRITES["evidence"] += 1
                response.success()
            elif response.status_code == 403:
                response.success()

    @task(1)
    def read_submission(self) -> None:
        self.refresh()


class Approver(HttpUser):
    """An IT lead or a leader approving (most attempts find the submission not at their step: 409/403)."""

    weight = 10
    wait_time = between(20, 60)

    def on_start(self) -> None:
        self.unit = random.choice(ACCOUNTS["units"])  # noqa: S311
        role = random.choice(["cntt", "lanhdao"])  # noqa: S311
        self.client.headers["Authorization"] = f"Token {self.unit[role]}"
        # The step this person takes, and the state it acts on.
        self.from_state = {"cntt": "awaiting_it_lead", "lanhdao": "awaiting_leader"}[role]

    @task
    def approve(self) -> None:
        with self.client.post(f"/api/v1/submissions/{self.unit['submission']}/transitions/",
                              json={"action": "approve", "from_state": self.from_state}, name="approve",
                              catch_response=True) as response:  # fmt: skip
            if response.status_code == 200:
                WRITES["transitions"] += 1
                response.success()
            elif response.status_code in (403, 409):
                response.success()


class Appraiser(HttpUser):
    """An appraiser signed in to the pages: the queue and units' review pages."""

    weight = 5
    wait_time = between(10, 30)

    def on_start(self) -> None:
        page = self.client.get("/accounts/login/", name="login page")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        self.client.post("/accounts/login/", name="login",
                         data={"username": random.choice(ACCOUNTS["appraisers"]),  # noqa: S311
                               "password": ACCOUNTS["password"],
                               "csrfmiddlewaretoken": token.group(1) if token else ""})  # fmt: skip

    @task(1)
    def queue(self) -> None:
        self.client.get("/submissions/appraisal/", name="appraisal queue")

    @task(3)
    def review(self) -> None:
        unit = random.choice(ACCOUNTS["units"])  # noqa: S311
        self.client.get(f"/submissions/{unit['submission']}/review/", name="review page")


class Public(HttpUser):
    """A citizen or a journalist reading the published results."""

    weight = 30
    wait_time = between(5, 20)

    @task(2)
    def home(self) -> None:
        self.client.get("/", name="home")

    @task(3)
    def ranking(self) -> None:
        index = random.choice(["", "?index=3", "?index=CQS", "?sort=name"])  # noqa: S311
        self.client.get(f"/results/2021/province/{index}", name="ranking page")

    @task(2)
    def profile(self) -> None:
        self.client.get(f"/results/units/{random.choice(PROVINCES)}/", name="profile page")  # noqa: S311


class ApiClient(HttpUser):
    """An integrator's system pulling published rankings (half of the time with its ETag)."""

    weight = 10
    wait_time = between(5, 15)
    etag = ""

    @task
    def rankings(self) -> None:
        headers = {"If-None-Match": self.etag} if self.etag and random.random() < 0.5 else {}  # noqa: S311
        with self.client.get("/api/v1/rankings/?year=2021&level=province", headers=headers,
                             name="published rankings api", catch_response=True) as response:  # fmt: skip
            if response.status_code in (200, 304):
                self.etag = response.headers.get("ETag", self.etag)
                response.success()
