"""The history is an audit trail: one record per change, whatever the path, and records never change."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction

from accounts.models import User
from common.errors import WorkflowError
from submissions.models import Event, Submission
from submissions.services.appraisal import appraise_answer
from submissions.services.authority_values import set_authority_value
from submissions.services.entry import AnswerInput, save_answer
from tests.submissions.conftest import answer_of

pytestmark = pytest.mark.django_db


def test_the_database_refuses_to_change_or_delete_a_history_row(
    danang_submission: Submission, danang_reporter: User
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the trigger is a PostgreSQL one; SQLite runs rely on the model's refusal")
    leaf = answer_of(danang_submission, "1.1.1")
    save_answer(answer_id=leaf.pk, user=danang_reporter, given=AnswerInput(value=Decimal(1)), expected_version=0)
    event = Event.objects.get(submission=danang_submission)

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE submissions_event SET comment = 'sửa lén' WHERE id = %s", [event.pk])
    with pytest.raises(DatabaseError), transaction.atomic():
        Event.objects.filter(pk=event.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(comment="sửa lén")

    event.refresh_from_db()
    assert event.comment == ""


def test_the_model_refuses_to_change_or_delete_a_history_row(
    danang_submission: Submission, danang_reporter: User
) -> None:
    leaf = answer_of(danang_submission, "1.1.1")
    save_answer(answer_id=leaf.pk, user=danang_reporter, given=AnswerInput(value=Decimal(1)), expected_version=0)
    event = Event.objects.get(submission=danang_submission)

    event.comment = "sửa"
    with pytest.raises(WorkflowError):
        event.save()
    with pytest.raises(WorkflowError):
        event.delete()


def test_each_change_path_writes_exactly_one_record(submitted_danang: Submission, appraiser: User) -> None:
    before = Event.objects.filter(submission=submitted_danang).count()

    appraise_answer(answer_id=answer_of(submitted_danang, "1.1.2").pk, user=appraiser, decision="adjust",
                    reason="Thiếu danh sách.", given=AnswerInput(value=Decimal(40)))  # fmt: skip
    after_first_decision = Event.objects.filter(submission=submitted_danang).count()
    appraise_answer(answer_id=answer_of(submitted_danang, "1.1.1").pk, user=appraiser, decision="accept")
    set_authority_value(answer_id=answer_of(submitted_danang, "2.1.2").pk, user=appraiser,
                        given=AnswerInput(value=Decimal(12)))  # fmt: skip

    kinds = list(Event.objects.filter(submission=submitted_danang).order_by("id").values_list("kind", flat=True))
    # The first decision also records the start of the appraisal (a transition).
    assert after_first_decision - before == 2
    assert kinds[before:] == ["transition", "appraisal", "appraisal", "authority_value"]
