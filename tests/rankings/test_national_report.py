"""Publishing builds the national report: a campaign's publication and an imported table queue its build once
committed, so the first reader does not wait for it; with the broker down the publication stands and the
report can be asked for again."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from kombu.exceptions import OperationalError
from pytest_django import DjangoCaptureOnCommitCallbacks

from accounts.models import User
from rankings import tasks
from rankings.models import Publication, ReportExport
from rankings.services import import_results, publish_campaign
from submissions.models import Campaign, Submission, SubmissionState

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The national reports queued for building, by export id (nothing is built)."""
    found: list[int] = []
    monkeypatch.setattr(tasks.build_national_report, "delay", lambda *, export_id: found.append(export_id))
    return found


def test_an_imported_table_queues_its_national_report_once_committed(
    small_years: None,
    administrator: User,
    queued: list[int],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        imported = import_results(content=b"organisation,1,2\n48,0.8,0.5\n49,0.4,0.7\n46,0.5,0.5\n",
                                  filename="kq.csv", year=2023, level="province", framework_code="thu-nghiem",
                                  by=administrator, published_on=datetime.date(2024, 3, 1))  # fmt: skip

    assert queued == [ReportExport.objects.get(publication=imported.publication).pk]


def test_a_campaigns_publication_queues_its_national_report_once_committed(
    submitted_danang: Submission,
    administrator: User,
    queued: list[int],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    Submission.objects.filter(campaign=submitted_danang.campaign).update(state=SubmissionState.FINALISED)

    with django_capture_on_commit_callbacks(execute=True):
        publication = publish_campaign(campaign_id=submitted_danang.campaign_id, by=administrator)

    assert queued == [ReportExport.objects.get(publication=publication).pk]
    assert Campaign.objects.get(pk=submitted_danang.campaign_id).state == Campaign.State.PUBLISHED


def test_with_the_broker_down_the_publication_stands_and_its_report_can_be_asked_for_again(
    submitted_danang: Submission,
    administrator: User,
    client: Client,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    def unreachable(**_kwargs: object) -> None:
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.build_national_report, "delay", unreachable)
    Submission.objects.filter(campaign=submitted_danang.campaign).update(state=SubmissionState.FINALISED)

    with django_capture_on_commit_callbacks(execute=True):
        publication = publish_campaign(campaign_id=submitted_danang.campaign_id, by=administrator)
    page = client.get("/results/2024/province/report/").content.decode()

    export = ReportExport.objects.get(publication=publication)
    assert (export.state, export.error) == ("failed", "Không gửi được yêu cầu tạo báo cáo; hãy yêu cầu lại.")
    assert Publication.objects.filter(pk=publication.pk).exists()
    assert 'id="report-build"' in page
