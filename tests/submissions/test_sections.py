"""Entry section by section: the overview, a section's one save, the save of a leaf on leaving its field,
the banner that says what comes next, and the summary before submitting."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from indicators.models import Node
from submissions.models import Submission
from submissions.sections import LARGEST_SECTION, LeafState, build_sections
from submissions.services.approval import transition_submission
from submissions.services.entry import AnswerInput, save_answer
from submissions.signals import campaign_values_changed
from tests.submissions.conftest import answer_of, fill_in

pytestmark = pytest.mark.django_db


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_section_save_keeps_the_valid_leaves_and_shows_the_invalid_one_next_to_its_field(
    danang_submission: Submission, danang_reporter: User
) -> None:
    response = logged_in(danang_reporter).post(
        f"/submissions/{danang_submission.pk}/sections/1/",
        {
            "node-1-1-1-version": "0", "node-1-1-1-value": "1", "node-1-1-1-explanation": "Có chuyên mục.",
            "node-1-1-2-version": "0", "node-1-1-2-value": "120", "node-1-1-2-explanation": "",
            "node-1-2-1-version": "0", "node-1-2-1-choice": "Hằng tháng", "node-1-2-1-explanation": "",
        },
    )  # fmt: skip

    html = response.content.decode()
    assert response.status_code == 400
    assert answer_of(danang_submission, "1.1.1").value == Decimal(1)
    assert answer_of(danang_submission, "1.2.1").choice == "Hằng tháng"
    assert answer_of(danang_submission, "1.1.2").value is None
    # The refused value stays in its field with the reason under it, on the section page itself.
    assert 'value="120"' in html
    assert '<p class="field-error" role="alert">Tỷ lệ phải từ 0 đến 100 (%).</p>' in html
    assert [str(message) for message in response.context["messages"]] == [
        "Đã lưu 2 chỉ số; 1 chỉ số chưa lưu: xem lỗi ngay tại chỉ số."
    ]


def test_a_section_save_asks_for_one_recompute_however_many_leaves_change(
    danang_submission: Submission, danang_reporter: User
) -> None:
    asked: list[int] = []

    def count(sender: object, campaign_id: int, **kwargs: object) -> None:
        asked.append(campaign_id)

    campaign_values_changed.connect(count)
    try:
        response = logged_in(danang_reporter).post(
            f"/submissions/{danang_submission.pk}/sections/1/",
            {
                "node-1-1-1-version": "0", "node-1-1-1-value": "1",
                "node-1-1-2-version": "0", "node-1-1-2-value": "63,56",
                "node-1-2-1-version": "0", "node-1-2-1-choice": "Hằng tháng",
            },
        )  # fmt: skip
    finally:
        campaign_values_changed.disconnect(count)

    assert response.status_code == 302
    assert response["Location"] == f"/submissions/{danang_submission.pk}/sections/1/"
    assert asked == [danang_submission.campaign_id]
    assert answer_of(danang_submission, "1.1.2").value == Decimal("63.56")


def test_saving_a_leaf_takes_as_many_queries_after_fifty_saves_as_after_five(
    danang_submission: Submission, danang_reporter: User
) -> None:
    client = logged_in(danang_reporter)
    url = f"/submissions/{danang_submission.pk}/answers/1.1.2/"

    def save(version: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.post(
                url, {"node-1-1-2-version": str(version), "node-1-1-2-value": str(version % 90)}, HTTP_HX_REQUEST="true"
            )
        assert response.status_code == 200
        return len(queries)

    for version in range(5):
        save(version)
    after_five = save(5)
    for version in range(6, 50):
        save(version)
    after_fifty = save(50)

    assert answer_of(danang_submission, "1.1.2").version == 51
    assert after_fifty == after_five


def test_the_overview_takes_the_same_number_of_queries_whatever_the_history(
    danang_submission: Submission, danang_reporter: User
) -> None:
    client = logged_in(danang_reporter)
    client.get(f"/submissions/{danang_submission.pk}/")
    with CaptureQueriesContext(connection) as before:
        client.get(f"/submissions/{danang_submission.pk}/")
    fill_in(danang_submission, danang_reporter)
    with CaptureQueriesContext(connection) as after:
        client.get(f"/submissions/{danang_submission.pk}/")

    assert len(after) == len(before)
    assert len(after) <= 15


def test_a_leaf_the_unit_does_not_report_is_read_only_and_names_who_provides_it(
    danang_submission: Submission, danang_reporter: User
) -> None:
    expert_leaf = danang_submission.answers.exclude(node__source=Node.Source.SELF_REPORT).select_related("node").get()
    nodes = Node.objects.in_bulk()
    section = expert_leaf.node.main_index(nodes).key

    html = logged_in(danang_reporter).get(f"/submissions/{danang_submission.pk}/sections/{section}/").content.decode()

    assert f'id="{expert_leaf.node.anchor}-value"' not in html
    assert "Chỉ số do cơ quan đánh giá cung cấp (Đánh giá của chuyên gia); đơn vị không nhập." in html


def test_the_banner_says_who_returned_the_submission_when_and_why(
    danang_submission: Submission, danang_reporter: User, danang_it_lead: User
) -> None:
    fill_in(danang_submission, danang_reporter)
    transition_submission(submission_id=danang_submission.pk, user=danang_reporter, action="submit")
    transition_submission(submission_id=danang_submission.pk, user=danang_it_lead, action="return",
                          comment="Bổ sung văn bản cho chỉ số 1.1.2")  # fmt: skip

    page = logged_in(danang_reporter).get(f"/submissions/{danang_submission.pk}/")
    banner = page.content.decode().split('id="state-banner"')[1].split("</div>")[0]

    assert "Hồ sơ bị trả lại bởi danang.cntt lúc" in banner
    assert "<q>Bổ sung văn bản cho chỉ số 1.1.2</q>" in banner
    assert "rồi bấm “Trình duyệt” để trình lại." in banner


def test_the_summary_before_submitting_names_every_blocking_leaf_by_its_key_with_a_link(
    danang_submission: Submission, danang_reporter: User
) -> None:
    leaf = answer_of(danang_submission, "1.1.1")
    save_answer(answer_id=leaf.pk, user=danang_reporter, given=AnswerInput(value=Decimal(1)), expected_version=0)

    page = logged_in(danang_reporter).get(f"/submissions/{danang_submission.pk}/submit/")
    html = page.content.decode()

    blocking = [leaf.node.key for leaf, _section in page.context["blocking"]]
    assert blocking == ["1.1.1", "1.1.2", "1.2.1", "2.1.1"]
    assert f'href="/submissions/{danang_submission.pk}/sections/1/#node-1-1-2"' in html
    assert "Chưa thể trình: còn chỉ số cần tài liệu hoặc giải thích" in html
    assert "Xác nhận trình duyệt</button>" not in html
    assert [leaf.node.key for leaf, _section in page.context["unanswered"]] == ["1.1.2", "1.2.1", "2.1.1"]


def test_a_complete_submission_is_submitted_from_its_summary(
    danang_submission: Submission, danang_reporter: User
) -> None:
    fill_in(danang_submission, danang_reporter)
    client = logged_in(danang_reporter)

    summary = client.get(f"/submissions/{danang_submission.pk}/submit/").content.decode()
    response = client.post(
        f"/submissions/{danang_submission.pk}/transition/", {"action": "submit", "from_state": "draft", "comment": ""}
    )

    assert "Xác nhận trình duyệt</button>" in summary
    assert response.status_code == 302
    danang_submission.refresh_from_db()
    assert danang_submission.state == "awaiting_it_lead"


def node(pk: int, key: str, kind: str, parent: int | None, order: int) -> Node:
    return Node(pk=pk, key=key, code=key, kind=kind, parent_id=parent, order=order, name=key,
                source=Node.Source.SELF_REPORT if kind == Node.Kind.CRITERION else "")  # fmt: skip


def test_a_large_main_index_is_entered_component_by_component() -> None:
    nodes = {1: node(1, "1", Node.Kind.MAIN, None, 1), 2: node(2, "1.1", Node.Kind.COMPONENT, 1, 2),
             3: node(3, "1.2", Node.Kind.COMPONENT, 1, 3), 4: node(4, "2", Node.Kind.MAIN, None, 4)}  # fmt: skip
    leaves = []
    for index in range(LARGEST_SECTION + 1):
        parent = 2 if index < 15 else 3
        leaf = node(100 + index, f"{nodes[parent].key}.{index}", Node.Kind.CRITERION, parent, 10 + index)
        nodes[leaf.pk] = leaf
        leaves.append(LeafState(answer_id=leaf.pk, node=leaf, answered=False, evidence=0, explained=False,
                                self_score=None))  # fmt: skip
    small = node(200, "2.1", Node.Kind.CRITERION, 4, 100)
    nodes[small.pk] = small
    leaves.append(LeafState(answer_id=200, node=small, answered=True, evidence=0, explained=False, self_score=None))

    sections = build_sections(leaves, nodes)

    assert [(section.key, len(section.leaves)) for section in sections] == [("1.1", 15), ("1.2", 11), ("2", 1)]
    assert [section.main.key for section in sections] == ["1", "1", "2"]
    assert (sections[0].previous, sections[0].next) == (None, sections[1])
    assert sections[2].previous == sections[1]


def test_the_same_value_sent_twice_from_one_version_is_no_conflict(
    danang_submission: Submission, danang_reporter: User
) -> None:
    # A field's save on leaving it and the section's "Lưu tất cả" can carry the same value and version.
    client = logged_in(danang_reporter)
    client.post(f"/submissions/{danang_submission.pk}/answers/1.1.2/",
                {"node-1-1-2-version": "0", "node-1-1-2-value": "40"}, HTTP_HX_REQUEST="true")  # fmt: skip

    response = client.post(f"/submissions/{danang_submission.pk}/sections/1/",
                           {"node-1-1-2-version": "0", "node-1-1-2-value": "40"})  # fmt: skip

    assert response.status_code == 302
    assert answer_of(danang_submission, "1.1.2").version == 1
