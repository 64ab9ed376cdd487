"""The small campaign and Đà Nẵng's people of the submissions tests; a receiving server on the loopback;
IT leads of two units; a resolver the tests set."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from accounts.models import Organisation, Role, User
from submissions.models import Submission
from submissions.services.appraisal import accept_undecided, appraise_answer, settle_answer
from submissions.services.approval import transition_submission
from submissions.services.entry import AnswerInput
from tests.factories import UserFactory
from tests.submissions.conftest import (  # noqa: F401
    answer_of,
    campaign,
    danang_it_lead,
    danang_leader,
    danang_submission,
    hue_submission,
    submitted_danang,
)


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """A webhook receiver on 127.0.0.1: records every POST and answers the next of `statuses` (then 200)."""

    url: str
    received: list[Received] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    found = Receiver(url=f"http://127.0.0.1:{server.server_address[1]}")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            found.received.append(Received(path=self.path, headers=dict(self.headers.items()), body=body))
            status = found.statuses.pop(0) if found.statuses else 200
            answer = b"boom" if status >= 400 else b"ok"
            self.send_response(status)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: Any) -> None:  # quiet: the test reads `received`
            pass

    server.RequestHandlerClass = Handler
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield found
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


@pytest.fixture
def private_urls_allowed(settings: Settings) -> None:
    """As the tests with a receiver on the loopback need: plain HTTP to any address."""
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True


@pytest.fixture
def resolver(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Names the test maps to addresses, comma-separated (changed at will); any other name does not resolve."""
    names: dict[str, str] = {}

    def getaddrinfo(host: str, port: int, *args: Any, **kwargs: Any) -> list[tuple[Any, ...]]:
        if host not in names:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [
            (socket.AF_INET6 if ":" in address else socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))
            for address in names[host].split(",")
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return names


@pytest.fixture
def hue_it_lead(organisations: dict[str, Organisation]) -> User:
    return UserFactory.create(username="hue.cntt", organisation=organisations["46"], roles=[Role.IT_LEAD])


def client_for(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def register(user: User, url: str, events: list[str]) -> dict[str, Any]:
    response = client_for(user).post("/api/v1/webhooks/", {"url": url, "events": events}, format="json")
    assert response.status_code == 201, response.json()
    body: dict[str, Any] = response.json()
    return body


def rows(body: Any) -> list[dict[str, Any]]:
    """A list answer's rows, whether or not the API paginates it."""
    found: list[dict[str, Any]] = body["results"] if isinstance(body, dict) else body
    return found


def take_to_explanation(submission: Submission, appraiser: User) -> None:
    """The appraisal of a submitted unit (1.1.2 adjusted), then its end: the unit sees the preliminary result."""
    appraise_answer(answer_id=answer_of(submission, "1.1.2").pk, user=appraiser, decision="adjust",
                    reason="Danh sách tập huấn chỉ có 40 % cán bộ.", given=AnswerInput(value=Decimal(40)))  # fmt: skip
    accept_undecided(submission_id=submission.pk, user=appraiser)
    transition_submission(submission_id=submission.pk, user=appraiser, action="finish_appraisal")


def take_from_explanation_to_final(submission: Submission, appraiser: User, reporter: User, leader: User) -> None:
    for user, action in [(reporter, "submit_explanation"), (leader, "approve")]:
        transition_submission(submission_id=submission.pk, user=user, action=action)
    settle_answer(answer_id=answer_of(submission, "1.1.2").pk, user=appraiser, decision="keep")
    transition_submission(submission_id=submission.pk, user=appraiser, action="finalise")
