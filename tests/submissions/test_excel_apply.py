"""Applying a previewed Excel upload by its token: only its uploader, on its submission, in time; one
signal for the whole import; only real changes, in Vietnamese, problems in sheet order."""

from __future__ import annotations

import datetime
import math
import uuid
from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Organisation, Role, User
from indicators.framework.parse import AggregateData, DeclaredData, FrameworkData, NodeData
from indicators.services import import_framework
from submissions.errors import ImportRejected
from submissions.excel import read_submission_workbook
from submissions.models import Answer, Event, PendingImport, Submission
from submissions.services.approval import transition_submission
from submissions.services.entry import AnswerInput, Difference, import_answers, save_answer
from submissions.signals import campaign_values_changed
from tests.factories import UserFactory
from tests.submissions.conftest import answer_of, fill_in, open_test_campaign
from tests.submissions.test_excel import FILLED, client_for, download, fill, upload

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse

pytestmark = pytest.mark.django_db

GONE = "Không còn tệp đã xem trước để áp dụng (tệp chỉ được giữ 30 phút). Hãy tải tệp lên lại."
EXPIRED = "Tệp đã xem trước quá 30 phút nên không còn được giữ. Hãy tải tệp lên lại."


def preview(client: Client, submission: Submission, content: bytes) -> PendingImport:
    response = upload(client, submission, content, dry_run=True)
    assert response.status_code == 200
    held = response.context["held"]
    assert isinstance(held, PendingImport)
    return held


def apply(client: Client, submission: Submission, token: object) -> _MonkeyPatchedWSGIResponse:
    return client.post(f"/submissions/{submission.pk}/excel/import/apply/", {"token": str(token)})


def messages_of(response: _MonkeyPatchedWSGIResponse) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def reported(submission: Submission) -> dict[str, tuple[Decimal | None, str, int]]:
    return {
        answer.node.key: (answer.value, answer.choice, answer.version)
        for answer in submission.answers.select_related("node").filter(node__source="self_report")
    }


@pytest.fixture
def changes_heard() -> Iterator[list[int]]:
    """The campaign ids `campaign_values_changed` was sent with, one per sending."""
    heard: list[int] = []

    def receiver(sender: Any, campaign_id: int, **kwargs: Any) -> None:
        heard.append(campaign_id)

    campaign_values_changed.connect(receiver, dispatch_uid="test-excel-apply")
    yield heard
    campaign_values_changed.disconnect(dispatch_uid="test-excel-apply")


@pytest.fixture
def danang_second_reporter(organisations: dict[str, Organisation]) -> User:
    return UserFactory.create(username="danang.baocao2", organisation=organisations["48"], roles=[Role.REPORTER])


def test_the_preview_offers_an_apply_button_that_posts_the_kept_files_token(
    danang_submission: Submission, danang_reporter: User
) -> None:
    client = client_for(danang_reporter)

    response = upload(client, danang_submission, fill(download(client, danang_submission), FILLED), dry_run=True)

    held = response.context["held"]
    page = response.content.decode()
    assert f'action="/submissions/{danang_submission.pk}/excel/import/apply/"' in page
    assert f'<input type="hidden" name="token" value="{held.token}">' in page
    assert '<button type="submit" class="button">Áp dụng</button>' in page
    assert (
        '<p class="busy-status" id="import-applying" role="status" hidden>Đang áp dụng 4 thay đổi, vui lòng chờ…</p>'
        in page
    )
    assert (held.submission_id, held.uploaded_by_id, held.original_name) == (
        danang_submission.pk, danang_reporter.pk, "so-lieu.xlsx",
    )  # fmt: skip
    assert reported(danang_submission)["1.1.2"] == (None, "", 0)


def test_applying_the_token_saves_the_previewed_file_without_uploading_it_again(
    danang_submission: Submission, danang_reporter: User, changes_heard: list[int]
) -> None:
    client = client_for(danang_reporter)
    held = preview(client, danang_submission, fill(download(client, danang_submission), FILLED))

    response = apply(client, danang_submission, held.token)

    assert response.status_code == 302
    assert response["Location"] == f"/submissions/{danang_submission.pk}/"
    assert messages_of(response) == ["Đã áp dụng 4 thay đổi từ Excel."]
    assert reported(danang_submission) == {
        "1.1.1": (Decimal(1), "", 1),
        "1.1.2": (Decimal("63.56"), "", 1),
        "1.2.1": (None, "Hằng tháng", 1),
        "2.1.1": (Decimal(5), "", 1),
    }
    assert not PendingImport.objects.exists()
    kinds = list(Event.objects.filter(submission=danang_submission).values_list("kind", flat=True))
    assert kinds == ["answer", "answer", "answer", "answer", "import"]
    record = Event.objects.get(submission=danang_submission, kind="import")
    assert record.new == {
        "file": "so-lieu.xlsx",
        "sha256": held.sha256,
        "token": str(held.token),
        "rows": 4,
        "codes": ["1.1.1", "1.1.2", "1.2.1", "2.1.1"],
    }
    assert changes_heard == [danang_submission.campaign_id]
    danang_submission.refresh_from_db()
    assert danang_submission.last_activity is not None


def test_sending_the_apply_form_again_says_the_file_was_already_applied(
    danang_submission: Submission, danang_reporter: User
) -> None:
    client = client_for(danang_reporter)
    held = preview(client, danang_submission, fill(download(client, danang_submission), FILLED))
    client.get(apply(client, danang_submission, held.token)["Location"])

    response = apply(client, danang_submission, held.token)

    assert response.status_code == 302
    assert messages_of(response) == ["Tệp này đã được áp dụng vào hồ sơ; không cần áp dụng lại."]
    assert Event.objects.filter(submission=danang_submission, kind="import").count() == 1


def test_another_reporter_of_the_same_unit_cannot_apply_the_token(
    danang_submission: Submission, danang_reporter: User, danang_second_reporter: User
) -> None:
    held = preview(client_for(danang_reporter), danang_submission,
                   fill(download(client_for(danang_reporter), danang_submission), FILLED))  # fmt: skip

    response = apply(client_for(danang_second_reporter), danang_submission, held.token)

    assert response.status_code == 409
    assert response.context["gone"] == GONE
    assert reported(danang_submission)["1.1.2"] == (None, "", 0)
    assert PendingImport.objects.filter(pk=held.pk).exists()


def test_hues_reporter_cannot_apply_danangs_token_on_either_submission(
    danang_submission: Submission, hue_submission: Submission, danang_reporter: User, hue_reporter: User
) -> None:
    client = client_for(danang_reporter)
    held = preview(client, danang_submission, fill(download(client, danang_submission), FILLED))
    hue = client_for(hue_reporter)

    assert apply(hue, danang_submission, held.token).status_code == 404
    on_own = apply(hue, hue_submission, held.token)

    assert on_own.status_code == 409
    assert on_own.context["gone"] == GONE
    assert reported(danang_submission)["1.1.2"] == (None, "", 0)
    assert not Event.objects.exists()


def test_a_token_of_another_submission_of_the_same_person_is_unknown_there(
    danang_submission: Submission, hue_submission: Submission, danang_reporter: User
) -> None:
    client = client_for(danang_reporter)
    held = preview(client, danang_submission, fill(download(client, danang_submission), FILLED))
    held.submission = hue_submission
    held.save()

    response = apply(client, danang_submission, held.token)

    assert response.status_code == 409
    assert response.context["gone"] == GONE


def test_an_expired_token_is_refused_with_a_message_to_upload_again(
    danang_submission: Submission, danang_reporter: User
) -> None:
    client = client_for(danang_reporter)
    held = preview(client, danang_submission, fill(download(client, danang_submission), FILLED))
    PendingImport.objects.filter(pk=held.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=31))

    response = apply(client, danang_submission, held.token)

    assert response.status_code == 409
    assert response.context["gone"] == EXPIRED
    assert EXPIRED in response.content.decode()
    assert 'id="id_file"' in response.content.decode()
    assert reported(danang_submission)["1.1.2"] == (None, "", 0)
    assert not Event.objects.filter(submission=danang_submission).exists()


@pytest.mark.parametrize("token", [uuid.UUID(int=7), "not-a-token", ""])
def test_an_unknown_token_is_refused_with_a_message_to_upload_again(
    danang_submission: Submission, danang_reporter: User, token: object
) -> None:
    response = apply(client_for(danang_reporter), danang_submission, token)

    assert response.status_code == 409
    assert response.context["gone"] == GONE


def test_every_new_upload_deletes_the_kept_uploads_past_their_time_even_a_refused_one(
    danang_submission: Submission, danang_reporter: User
) -> None:
    client = client_for(danang_reporter)
    content = fill(download(client, danang_submission), FILLED)
    old = preview(client, danang_submission, content)
    recent = preview(client, danang_submission, content)
    PendingImport.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=30))

    newest = preview(client, danang_submission, content)

    assert set(PendingImport.objects.values_list("pk", flat=True)) == {recent.pk, newest.pk}
    PendingImport.objects.filter(pk=recent.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=45))
    assert upload(client, danang_submission, b"not a workbook", dry_run=True).status_code == 400
    assert list(PendingImport.objects.values_list("pk", flat=True)) == [newest.pk]


def test_a_kept_upload_cannot_be_applied_once_the_submission_was_sent_for_approval(
    danang_submission: Submission, danang_reporter: User
) -> None:
    fill_in(danang_submission, danang_reporter)
    client = client_for(danang_reporter)
    held = preview(client, danang_submission, fill(download(client, danang_submission), {"2.1.1": {"value": 7}}))
    transition_submission(submission_id=danang_submission.pk, user=danang_reporter, action="submit")

    response = apply(client, danang_submission, held.token)

    assert response.status_code == 403
    assert response.context["problems"] == [
        "Hồ sơ không ở trạng thái cho phép sửa, hoặc bạn không có quyền nhập số liệu."
    ]
    assert answer_of(danang_submission, "2.1.1").value == Decimal(5)


def test_applying_checks_the_kept_file_again_against_leaves_changed_since(
    danang_submission: Submission, danang_reporter: User
) -> None:
    client = client_for(danang_reporter)
    held = preview(client, danang_submission, fill(download(client, danang_submission), FILLED))
    answer = answer_of(danang_submission, "2.1.1")
    save_answer(answer_id=answer.pk, user=danang_reporter, given=AnswerInput(value=Decimal(3)), expected_version=0)

    response = apply(client, danang_submission, held.token)

    assert response.status_code == 400
    assert response.context["problems"] == [
        "Dòng 6 (2.1.1): số liệu đã được cập nhật sau khi tải mẫu về; hãy tải mẫu mới."
    ]
    assert reported(danang_submission) == {
        "1.1.1": (None, "", 0), "1.1.2": (None, "", 0), "1.2.1": (None, "", 0), "2.1.1": (Decimal(3), "", 1),
    }  # fmt: skip


def test_the_preview_lists_only_real_changes_in_vietnamese_format(
    danang_submission: Submission, danang_reporter: User
) -> None:
    for key, given in [
        ("1.1.2", AnswerInput(value=Decimal(70), explanation="Theo báo cáo.")),
        ("2.1.1", AnswerInput(value=Decimal("2.5"))),
    ]:
        save_answer(answer_id=answer_of(danang_submission, key).pk, user=danang_reporter, given=given,
                    expected_version=0)  # fmt: skip
    client = client_for(danang_reporter)
    content = fill(download(client, danang_submission), {
        "1.1.1": {"value": "Có"},
        "1.1.2": {"value": 70.0},
        "1.2.1": {"choice": "Hằng tháng", "explanation": "Lịch phát sóng."},
        "2.1.1": {"value": "1,5"},
    })  # fmt: skip

    response = upload(client, danang_submission, content, dry_run=True)

    changes = response.context["changes"]
    assert [(change.row, change.code, change.differences) for change in changes] == [
        (3, "1.1.1", [Difference("Giá trị", "—", "Có")]),
        (5, "1.2.1", [Difference("Mức", "—", "Hằng tháng"), Difference("Giải thích", "—", "Lịch phát sóng.")]),
        (6, "2.1.1", [Difference("Giá trị", "2,5", "1,5")]),
    ]
    page = response.content.decode()
    assert '<td class="import-before">2,5</td><td class="import-after">1,5</td>' in page
    assert '<td class="import-after">Có</td>' in page
    assert "1.5" not in page.partition('id="import-changes"')[2].partition("</table>")[0]
    assert "Xem trước: 3 thay đổi" in page


def test_a_value_typed_with_more_decimals_than_stored_is_no_change(
    danang_submission: Submission, danang_reporter: User
) -> None:
    answer = answer_of(danang_submission, "1.1.2")
    save_answer(answer_id=answer.pk, user=danang_reporter, given=AnswerInput(value=Decimal(70)), expected_version=0)
    client = client_for(danang_reporter)

    response = upload(client, danang_submission, fill(download(client, danang_submission),
                                                      {"1.1.2": {"value": "70,000000"}}), dry_run=True)  # fmt: skip

    assert response.context["changes"] == []
    assert response.context["held"] is None
    assert "Tệp không thay đổi số liệu nào của hồ sơ." in response.content.decode()


def test_problems_are_listed_by_row_then_column(danang_submission: Submission, danang_reporter: User) -> None:
    client = client_for(danang_reporter)
    template = download(client, danang_submission)
    answer = answer_of(danang_submission, "1.2.1")
    save_answer(answer_id=answer.pk, user=danang_reporter, given=AnswerInput(choice="Hằng tuần"), expected_version=0)
    content = fill(template, {
        "1.1.1": {"value": "Có"},
        "1.1.2": {"value": "120"},
        "1.2.1": {"choice": "Hằng tháng"},
        "2.1.1": {"value": "nhiều"},
    })  # fmt: skip

    response = upload(client, danang_submission, content, dry_run=True)

    assert response.status_code == 400
    assert response.context["problems"] == [
        "Dòng 4, cột F (1.1.2): Tỷ lệ phải từ 0 đến 100 (%).",
        "Dòng 5 (1.2.1): số liệu đã được cập nhật sau khi tải mẫu về; hãy tải mẫu mới.",
        "Dòng 6, cột F (2.1.1): Nhập một số, ví dụ 63,56.",
    ]


# A framework of 300 self-reported leaves, for imports of a realistic size.
WIDE = 300


def wide_framework() -> FrameworkData:
    leaves = [
        NodeData(key=f"1.1.{n}", code=f"1.1.{n}", parent="1.1", kind="criterion", name=f"Tiêu chí {n}",
                 max_points=Decimal(1), source="self_report", rule="percentage", parameters={"target": "100"})
        for n in range(1, WIDE + 1)
    ]  # fmt: skip
    return FrameworkData(
        code="rong",
        level="province",
        name="Bộ chỉ số 300 tiêu chí",
        decision_number="2/QĐ-TN",
        decision_date=datetime.date(2024, 1, 15),
        first_year=2024,
        last_year=None,
        max_points=Decimal(WIDE),
        nodes=[
            NodeData(key="1", code="1", parent=None, kind="main", name="Chỉ số chính", max_points=Decimal(WIDE)),
            NodeData(key="1.1", code="1.1", parent="1", kind="component", name="Thành phần", max_points=Decimal(WIDE)),
            *leaves,
        ],
        aggregates=[AggregateData(code="DTI", name="Chỉ số DTI", main_indices=["1"])],
        declared=[DeclaredData(key="1", components=1, criteria=WIDE)],
    )


@pytest.fixture
def wide_submission(organisations: dict[str, Organisation], administrator: User) -> Submission:
    campaign = open_test_campaign(import_framework(data=wide_framework()), administrator,
                                  "DTI 2024 cấp tỉnh (300 tiêu chí)")  # fmt: skip
    return Submission.objects.get(campaign=campaign, organisation__code="48")


def every_row(value: object, others: dict[str, dict[str, object]] | None = None) -> dict[str, dict[str, object]]:
    """Every row of the wide template given `value`, except those in `others`."""
    return {**{f"1.1.{n}": {"value": value} for n in range(1, WIDE + 1)}, **(others or {})}


def test_applying_300_rows_changes_every_answer_and_tells_the_campaign_once(
    wide_submission: Submission, danang_reporter: User, changes_heard: list[int]
) -> None:
    client = client_for(danang_reporter)
    held = preview(client, wide_submission, fill(download(client, wide_submission), every_row("12,5")))
    assert changes_heard == []

    response = apply(client, wide_submission, held.token)

    assert response.status_code == 302
    assert messages_of(response) == ["Đã áp dụng 300 thay đổi từ Excel."]
    assert changes_heard == [wide_submission.campaign_id]
    answers = Answer.objects.filter(submission=wide_submission)
    assert sorted(set(answers.values_list("value", "version", "self_score"))) == [
        (Decimal("12.5"), 1, Decimal("0.125"))
    ]
    assert answers.count() == WIDE
    assert Event.objects.filter(submission=wide_submission, kind="answer").count() == WIDE
    assert Event.objects.filter(submission=wide_submission, kind="import").count() == 1


def test_applying_takes_one_update_per_changed_row_and_no_other_query_per_row(
    wide_submission: Submission, danang_reporter: User
) -> None:
    client = client_for(danang_reporter)

    def queries_to_apply(values: dict[str, dict[str, object]]) -> list[str]:
        reading = read_submission_workbook(fill(download(client, wide_submission), values), wide_submission)
        with CaptureQueriesContext(connection) as context:
            import_answers(submission_id=wide_submission.pk, user=danang_reporter, reading=reading, apply=True)
        return [query["sql"] for query in context.captured_queries]

    few = queries_to_apply({f"1.1.{n}": {"value": "5"} for n in (1, 2, 3)})
    many = queries_to_apply(every_row("6"))

    def count(queries: list[str], start: str) -> int:
        return sum(sql.startswith(start) for sql in queries)

    update, insert = 'UPDATE "submissions_answer"', 'INSERT INTO "submissions_event"'
    assert (count(few, update), count(many, update)) == (3, WIDE)
    # The history rows go in one statement, or in as many as the database takes parameters for.
    history = [field for field in Event._meta.concrete_fields if not field.primary_key]
    batch = connection.ops.bulk_batch_size(history, [Event()] * (WIDE + 1))
    assert (count(few, insert), count(many, insert)) == (1, math.ceil((WIDE + 1) / batch))
    assert len(many) - count(many, update) - count(many, insert) == len(few) - count(few, update) - count(few, insert)


def test_one_bad_row_among_300_saves_nothing_and_tells_nobody(
    wide_submission: Submission, danang_reporter: User, changes_heard: list[int]
) -> None:
    client = client_for(danang_reporter)
    content = fill(download(client, wide_submission), every_row("40", {"1.1.150": {"value": "120"}}))
    reading = read_submission_workbook(content, wide_submission)

    with pytest.raises(ImportRejected) as refusal:
        import_answers(submission_id=wide_submission.pk, user=danang_reporter, reading=reading, apply=True)

    assert refusal.value.problems == ["Dòng 152, cột F (1.1.150): Tỷ lệ phải từ 0 đến 100 (%)."]
    assert not Answer.objects.filter(submission=wide_submission, version__gt=0).exists()
    assert not Event.objects.filter(submission=wide_submission).exists()
    assert changes_heard == []


def test_a_file_over_10_mb_is_refused_next_to_its_field_and_not_kept(
    danang_submission: Submission, danang_reporter: User
) -> None:
    response = upload(client_for(danang_reporter), danang_submission, b"\0" * (10 * 1024 * 1024 + 1), dry_run=True)

    assert response.status_code == 200
    assert response.context["form"].errors == {"file": ["Tệp quá lớn: tối đa 10 MB."]}
    assert not PendingImport.objects.exists()
