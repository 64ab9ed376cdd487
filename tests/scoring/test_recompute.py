"""Recomputing a campaign: results for every node and stage, a fixed number of queries, atomic swap."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries, DjangoCaptureOnCommitCallbacks

from accounts.models import User
from scoring import services
from scoring.models import Recompute, Result
from scoring.services import recompute_campaign
from submissions.models import Campaign, Submission
from submissions.services.entry import AnswerInput, save_answer

pytestmark = pytest.mark.django_db


def answer(submission: Submission, reporter: User, key: str, **given: Any) -> None:
    current = submission.answers.get(node__key=key)
    save_answer(answer_id=current.pk, user=reporter, given=AnswerInput(**given), expected_version=current.version)


def result(campaign: Campaign, code: str, key: str, stage: str = "self") -> tuple[Decimal, Decimal]:
    row = Result.objects.get(campaign=campaign, organisation__code=code, key=key)
    return row.score(stage), row.max_points


def test_every_unit_gets_every_node_and_aggregate_at_every_stage(
    campaign: Campaign, danang_submission: Submission, danang_reporter: User
) -> None:
    answer(danang_submission, danang_reporter, "1.1.1", value=Decimal(1))
    answer(danang_submission, danang_reporter, "1.1.2", value=Decimal("63.56"))

    run = recompute_campaign(campaign_id=campaign.pk)

    assert (run.state, run.units, run.runs) == ("done", 3, 1)
    assert result(campaign, "48", "1.1.2") == (Decimal("19.068"), Decimal(30))
    score, points = result(campaign, "48", "DTI")
    assert score == Decimal("19.068") + Decimal(10)
    assert points == campaign.framework.max_points
    assert result(campaign, "46", "DTI")[0] == 0  # missing self-reported data scores 0
    # 10 nodes and the DTI aggregate, for each of the 3 units; every stage on one row
    assert Result.objects.filter(campaign=campaign).count() == 3 * 11
    assert result(campaign, "48", "1.1.2", stage="final") == (Decimal("19.068"), Decimal(30))


def test_loading_takes_the_same_number_of_queries_whatever_the_number_of_units(
    campaign: Campaign, hue_submission: Submission, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_num_queries(10):
        services.load_campaign(campaign)
    hue_submission.answers.all().delete()
    hue_submission.delete()

    with django_assert_num_queries(10):
        loaded = services.load_campaign(campaign)
    assert len(loaded.stages["self"].units) == 2


def test_recomputing_twice_gives_identical_results(
    campaign: Campaign, danang_submission: Submission, danang_reporter: User
) -> None:
    answer(danang_submission, danang_reporter, "1.2.1", choice="Hằng tháng")
    recompute_campaign(campaign_id=campaign.pk)
    first = sorted(Result.objects.filter(campaign=campaign).values_list("organisation__code", "key",
                                                                        "final_score", "max_points"))  # fmt: skip

    recompute_campaign(campaign_id=campaign.pk)

    second = sorted(Result.objects.filter(campaign=campaign).values_list("organisation__code", "key",
                                                                         "final_score", "max_points"))  # fmt: skip
    assert first == second
    assert Recompute.objects.get(campaign=campaign).runs == 2


def test_a_failed_run_leaves_the_previous_results_and_says_why(
    campaign: Campaign, monkeypatch: pytest.MonkeyPatch
) -> None:
    recompute_campaign(campaign_id=campaign.pk)
    before = Result.objects.filter(campaign=campaign).count()

    def broken(*args: object, **kwargs: object) -> None:
        raise ArithmeticError("division impossible")

    monkeypatch.setattr(services, "score_stage", broken)
    with pytest.raises(ArithmeticError):
        recompute_campaign(campaign_id=campaign.pk)

    run = Recompute.objects.get(campaign=campaign)
    assert (run.state, run.error, run.runs) == ("failed", "ArithmeticError: division impossible", 1)
    assert Result.objects.filter(campaign=campaign).count() == before


def test_a_save_schedules_one_recompute_after_commit(
    campaign: Campaign, danang_submission: Submission, danang_reporter: User,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        answer(danang_submission, danang_reporter, "1.1.2", value=Decimal(50))

    assert len(callbacks) == 1
    assert Recompute.objects.get(campaign=campaign).runs == 1
    assert result(campaign, "48", "1.1.2") == (Decimal(15), Decimal(30))


def test_a_burst_of_saves_in_one_transaction_computes_the_campaign_once_without_a_broker(
    campaign: Campaign, danang_submission: Submission, danang_reporter: User,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        answer(danang_submission, danang_reporter, "1.1.2", value=Decimal(50))
        answer(danang_submission, danang_reporter, "1.1.1", value=Decimal(1))

    assert len(callbacks) == 2
    assert Recompute.objects.get(campaign=campaign).runs == 1
    assert result(campaign, "48", "1.1.1") == (Decimal(10), Decimal(10))


def test_saves_while_a_run_is_queued_queue_nothing_more(
    campaign: Campaign, danang_submission: Submission, danang_reporter: User,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:  # fmt: skip
    Recompute.objects.create(campaign=campaign, pending=True, state="queued")

    with django_capture_on_commit_callbacks(execute=True):
        answer(danang_submission, danang_reporter, "1.1.2", value=Decimal(50))
        answer(danang_submission, danang_reporter, "1.1.1", value=Decimal(1))

    run = Recompute.objects.get(campaign=campaign)
    assert (run.pending, run.runs) == (True, 0)
    assert not Result.objects.filter(campaign=campaign).exists()


def test_a_whole_recompute_takes_the_same_number_of_queries_whatever_the_number_of_units(
    campaign: Campaign, hue_submission: Submission
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # The first run of each also creates the campaign's Recompute row, or reads the rows stored before.
    recompute_campaign(campaign_id=campaign.pk)
    with CaptureQueriesContext(connection) as three_units:
        recompute_campaign(campaign_id=campaign.pk)
    Result.objects.filter(organisation=hue_submission.organisation).delete()
    hue_submission.answers.all().delete()
    hue_submission.delete()
    recompute_campaign(campaign_id=campaign.pk)
    with CaptureQueriesContext(connection) as two_units:
        recompute_campaign(campaign_id=campaign.pk)

    assert len(two_units.captured_queries) == len(three_units.captured_queries)


def test_the_administrator_sees_the_last_run_and_can_start_one(
    campaign: Campaign, administrator: User, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    from django.test import Client

    recompute_campaign(campaign_id=campaign.pk)
    client = Client()
    client.force_login(administrator)

    page = client.get("/admin/scoring/recompute/")
    assert page.status_code == 200
    assert '<progress max="100" value="100"' in page.content.decode()
    run = Recompute.objects.get(campaign=campaign)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/scoring/recompute/", {"action": "recompute_now", "_selected_action": [run.pk]})

    assert response.status_code == 302
    run.refresh_from_db()
    assert (run.runs, run.state) == (2, "done")


def test_a_recompute_whose_request_was_lost_is_queued_again_by_the_sweep(
    campaign: Campaign, danang_submission: Submission, danang_reporter: User
) -> None:
    answer(danang_submission, danang_reporter, "1.1.2", value=Decimal(50))  # on_commit never runs in this test
    two_minutes_ago = timezone.now() - datetime.timedelta(minutes=2)
    Recompute.objects.create(campaign=campaign, pending=True, state="failed", requested_at=two_minutes_ago,
                             error="Không gửi được yêu cầu tính lại; sẽ thử lại.")  # fmt: skip
    fresh = Campaign.objects.create(**{field: getattr(campaign, field) for field in (
        "name", "year", "level", "framework", "groups", "entry_opens", "entry_closes", "appraisal_closes",
        "explanation_closes", "final_appraisal_closes", "publication_date")})  # fmt: skip
    Recompute.objects.create(campaign=fresh, pending=True, state="queued", requested_at=timezone.now())

    requeued = services.requeue_pending_recomputes(older_than_seconds=60)

    run = Recompute.objects.get(campaign=campaign)
    assert requeued == [campaign.pk]  # the fresh request is left to its own message
    assert (run.pending, run.state, run.runs, run.error) == (False, "done", 1, "")
    assert result(campaign, "48", "1.1.2") == (Decimal(15), Decimal(30))


def stored(campaign: Campaign) -> dict[tuple[str, str], tuple[Decimal, ...]]:
    rows = Result.objects.filter(campaign=campaign).values_list(
        "organisation__code", "key", "max_points", "self_score", "appraised_score", "final_score"
    )
    return {(code, key): tuple(figures) for code, key, *figures in rows}


def test_recomputing_unchanged_data_writes_no_row(campaign: Campaign) -> None:
    recompute_campaign(campaign_id=campaign.pk)
    before = stored(campaign)

    run = recompute_campaign(campaign_id=campaign.pk)

    assert (run.rows_written, run.results) == (0, 3 * 11)
    assert stored(campaign) == before


def test_one_changed_answer_rewrites_only_the_rows_whose_figures_changed(
    campaign: Campaign, danang_submission: Submission, danang_reporter: User
) -> None:
    recompute_campaign(campaign_id=campaign.pk)
    before = stored(campaign)

    answer(danang_submission, danang_reporter, "1.1.2", value=Decimal("63.56"))
    run = recompute_campaign(campaign_id=campaign.pk)

    after = stored(campaign)
    changed = {cell for cell in after if after[cell] != before[cell]}
    code = danang_submission.organisation.code
    # The leaf, its component, its main index and the DTI of that one unit.
    assert changed == {(code, "1.1.2"), (code, "1.1"), (code, "1"), (code, "DTI")}
    assert run.rows_written == len(changed)


def test_rows_removed_behind_the_recompute_s_back_are_written_again(campaign: Campaign) -> None:
    recompute_campaign(campaign_id=campaign.pk)
    before = stored(campaign)
    Result.objects.filter(campaign=campaign, key="DTI").delete()

    run = recompute_campaign(campaign_id=campaign.pk)

    assert run.rows_written == 3
    assert stored(campaign) == before


def test_the_rows_of_a_unit_no_longer_in_the_campaign_are_removed_with_the_next_recompute(
    campaign: Campaign, hue_submission: Submission
) -> None:
    recompute_campaign(campaign_id=campaign.pk)
    code = hue_submission.organisation.code
    hue_submission.answers.all().delete()
    hue_submission.delete()

    run = recompute_campaign(campaign_id=campaign.pk)

    assert run.rows_written == 11
    assert not Result.objects.filter(campaign=campaign, organisation__code=code).exists()
    assert Result.objects.filter(campaign=campaign).count() == 2 * 11


@pytest.mark.django_db(transaction=True)
def test_the_sweep_runs_again_a_run_marked_running_that_no_process_runs_and_leaves_a_live_one(
    campaign: Campaign,
) -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("The run lock is PostgreSQL's advisory lock; elsewhere a run is taken as dead by its age.")
    # A worker killed mid-run leaves the campaign "running", and its lock went with its connection.
    Recompute.objects.create(campaign=campaign, state="running", pending=False, started_at=timezone.now())
    assert services.requeue_pending_recomputes() == [campaign.pk]
    assert Recompute.objects.get(campaign=campaign).state == "done"

    # A run in another process holds the lock: it is alive, and left alone.
    import threading

    from django.db import connections

    holding, release = threading.Event(), threading.Event()

    def live_run() -> None:
        with services.run_lock(campaign.pk):
            holding.set()
            release.wait(timeout=30)
        connections.close_all()

    Recompute.objects.filter(campaign=campaign).update(state="running", started_at=timezone.now())
    other = threading.Thread(target=live_run)
    other.start()
    assert holding.wait(timeout=30)
    try:
        assert services.run_lock_held(campaign.pk)
        assert services.requeue_pending_recomputes() == []
    finally:
        release.set()
        other.join(timeout=30)
    assert Recompute.objects.get(campaign=campaign).state == "running"
