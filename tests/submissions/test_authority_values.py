"""The values the authority supplies, the expert panel, coverage and exclusions."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import Workbook

from accounts.models import User
from common.errors import Rejected, WorkflowError
from scoring.models import Result
from scoring.services import recompute_campaign
from submissions.errors import AnswerInvalid, ImportRejected
from submissions.models import Campaign, Event, Expert, Submission
from submissions.services.authority_values import import_authority_values, set_authority_value
from submissions.services.entry import AnswerInput
from submissions.services.exclusions import exclude_leaf, leaf_coverage, revoke_exclusion
from submissions.services.expert_panel import ExpertInput, panel_warnings, save_expert_panel
from tests.submissions.conftest import answer_of, fill_in

pytestmark = pytest.mark.django_db


def xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def expert_values(campaign: Campaign) -> dict[str, Decimal | None]:
    return dict(
        Submission.objects.filter(campaign=campaign)
        .filter(answers__node__key="2.1.2")
        .values_list("organisation__code", "answers__value")
    )


def test_an_appraiser_enters_an_authority_value_and_a_unit_cannot(
    danang_submission: Submission, appraiser: User, danang_reporter: User
) -> None:
    expert_leaf = answer_of(danang_submission, "2.1.2")

    set_authority_value(answer_id=expert_leaf.pk, user=appraiser, given=AnswerInput(value=Decimal("12.5")))
    with pytest.raises(PermissionDenied):
        set_authority_value(answer_id=expert_leaf.pk, user=danang_reporter, given=AnswerInput(value=Decimal(15)))
    with pytest.raises(AnswerInvalid) as too_high:
        set_authority_value(answer_id=expert_leaf.pk, user=appraiser, given=AnswerInput(value=Decimal(16)))
    with pytest.raises(WorkflowError):
        set_authority_value(answer_id=answer_of(danang_submission, "1.1.1").pk, user=appraiser,
                            given=AnswerInput(value=Decimal(1)))  # fmt: skip

    expert_leaf.refresh_from_db()
    assert (expert_leaf.value, expert_leaf.self_score) == (Decimal("12.5"), Decimal("12.5"))
    assert too_high.value.errors == {"value": "Điểm phải từ 0 đến 15."}
    assert danang_submission.events.get(kind=Event.Kind.AUTHORITY_VALUE).new["value"] == "12.5"


def test_a_whole_campaigns_authority_values_import_from_one_sheet(campaign: Campaign, appraiser: User) -> None:
    sheet = xlsx([["Đơn vị", "2.1.2"], ["48", 12.5], ["Thừa Thiên - Huế", "9,75"], ["Quảng Nam", None]])

    preview = import_authority_values(campaign_id=campaign.pk, user=appraiser, content=sheet, filename="tt.xlsx",
                                      apply=False)  # fmt: skip
    assert expert_values(campaign) == {"46": None, "48": None, "49": None}
    changes = import_authority_values(campaign_id=campaign.pk, user=appraiser, content=sheet, filename="tt.xlsx",
                                      apply=True)  # fmt: skip

    assert [(change.row, change.organisation, change.after) for change in preview] == [
        (2, "TP. Đà Nẵng", "12.5"),
        (3, "Thừa Thiên Huế", "9.75"),
    ]
    assert changes == preview
    assert expert_values(campaign) == {"46": Decimal("9.75"), "48": Decimal("12.5"), "49": None}
    assert Event.objects.filter(kind=Event.Kind.AUTHORITY_VALUE, new__import="tt.xlsx").count() == 2


def test_a_sheet_with_an_unknown_unit_or_a_non_numeric_cell_changes_nothing_and_names_the_cell(
    campaign: Campaign, appraiser: User
) -> None:
    sheet = "Đơn vị,2.1.2,1.1.1\n48,12.5,\nHà Giang,3,\n46,mười,\n49,99,\n".encode()

    with pytest.raises(ImportRejected) as raised:
        import_authority_values(campaign_id=campaign.pk, user=appraiser, content=sheet, filename="tt.csv", apply=True)

    assert raised.value.problems == [
        "Dòng 1, cột C: chỉ số “1.1.1” do đơn vị tự báo cáo, không nhập ở đây.",
        "Dòng 3, cột A: không có đơn vị “Hà Giang” trong đợt đánh giá.",
        "Dòng 4, cột B (2.1.2): “mười” không phải là số.",
        "Dòng 5, cột B (2.1.2): Điểm phải từ 0 đến 15.",
    ]
    assert expert_values(campaign) == {"46": None, "48": None, "49": None}
    assert not Event.objects.filter(kind=Event.Kind.AUTHORITY_VALUE).exists()


def test_a_sheet_with_control_characters_in_a_cell_changes_nothing_and_names_the_cell(
    campaign: Campaign, appraiser: User
) -> None:
    sheet = "Đơn vị,2.1.2\n48,12.5\nHuế\u0007,9\n".encode()

    with pytest.raises(Rejected) as raised:
        import_authority_values(campaign_id=campaign.pk, user=appraiser, content=sheet, filename="tt.csv", apply=True)

    assert raised.value.problems == [
        "Dòng 3, cột A: Nội dung có ký tự điều khiển hoặc ký tự đảo chiều văn bản không hợp lệ (U+0007): hãy xóa chúng."
    ]
    assert expert_values(campaign) == {"46": None, "48": None, "49": None}


def panel(counts: tuple[int, int, int], score: str = "12") -> list[ExpertInput]:
    categories = ["retired_leader"] * counts[0] + ["official"] * counts[1] + ["business"] * counts[2]
    return [
        ExpertInput(name=f"Chuyên gia {number}", category=category, scores={"2.1.2": Decimal(score) + number % 3})
        for number, category in enumerate(categories, start=1)
    ]


def test_the_expert_panels_mean_becomes_the_leafs_value(danang_submission: Submission, appraiser: User) -> None:
    experts = panel((6, 5, 4))

    warnings = save_expert_panel(submission_id=danang_submission.pk, user=appraiser, experts=experts)

    expected = sum((expert.scores["2.1.2"] for expert in experts), Decimal(0)) / 15
    assert warnings == []
    assert answer_of(danang_submission, "2.1.2").value == expected.quantize(Decimal("0.000001"))
    assert answer_of(danang_submission, "2.1.2").value == Decimal("13.000000")
    assert Expert.objects.filter(submission=danang_submission).count() == 15


def test_a_panel_outside_the_guidance_is_saved_with_warnings() -> None:
    assert panel_warnings(panel((2, 6, 2))) == [
        "Hội đồng có 10 chuyên gia; hướng dẫn là khoảng 15–20 người.",
        "Nhóm “Lãnh đạo đã nghỉ hưu”: 2 người, hướng dẫn là 40% (khoảng 4 người).",
        "Nhóm “Cán bộ, công chức, viên chức đang công tác”: 6 người, hướng dẫn là 30% (khoảng 3 người).",
    ]


def test_an_expert_score_above_the_leafs_max_saves_nothing(danang_submission: Submission, appraiser: User) -> None:
    with pytest.raises(AnswerInvalid) as raised:
        save_expert_panel(submission_id=danang_submission.pk, user=appraiser, experts=panel((6, 5, 4), score="14"))

    assert raised.value.errors == {
        "expert-2-2.1.2": "Chuyên gia thứ 2, 2.1.2: điểm phải từ 0 đến 15.",
        "expert-5-2.1.2": "Chuyên gia thứ 5, 2.1.2: điểm phải từ 0 đến 15.",
        "expert-8-2.1.2": "Chuyên gia thứ 8, 2.1.2: điểm phải từ 0 đến 15.",
        "expert-11-2.1.2": "Chuyên gia thứ 11, 2.1.2: điểm phải từ 0 đến 15.",
        "expert-14-2.1.2": "Chuyên gia thứ 14, 2.1.2: điểm phải từ 0 đến 15.",
    }
    assert not Expert.objects.exists()


def test_coverage_proposes_leaves_fewer_than_half_the_units_reported(
    campaign: Campaign, danang_submission: Submission, danang_reporter: User
) -> None:
    fill_in(danang_submission, danang_reporter)

    coverage = {item.node.key: (item.reported, item.units, item.proposed) for item in leaf_coverage(campaign)}

    assert coverage == {
        "1.1.1": (1, 3, True),
        "1.1.2": (1, 3, True),
        "1.2.1": (1, 3, True),
        "2.1.1": (1, 3, True),
    }


def test_excluding_a_leaf_changes_every_units_max_and_score(
    campaign: Campaign,
    danang_submission: Submission,
    hue_submission: Submission,
    danang_reporter: User,
    hue_reporter: User,
    administrator: User,
) -> None:
    fill_in(danang_submission, danang_reporter)
    fill_in(hue_submission, hue_reporter)
    recompute_campaign(campaign_id=campaign.pk)
    before = {row.organisation.code: (row.self_score, row.max_points) for row in dti_rows(campaign)}
    leaf = campaign.framework.nodes.get(key="1.1.2")

    exclusion = exclude_leaf(campaign_id=campaign.pk, node_id=leaf.pk, by=administrator,
                             reason="Dưới một nửa số đơn vị có số liệu.")  # fmt: skip
    recompute_campaign(campaign_id=campaign.pk)
    after = {row.organisation.code: (row.self_score, row.max_points) for row in dti_rows(campaign)}
    excluded_rows = set(Result.objects.filter(campaign=campaign, key__in=["1.1.2", "1.1"]).values_list(
        "key", "max_points", "self_score"))  # fmt: skip
    revoke_exclusion(exclusion_id=exclusion.pk, by=administrator, reason="Đã có số liệu bổ sung.")
    recompute_campaign(campaign_id=campaign.pk)
    restored = {row.organisation.code: (row.self_score, row.max_points) for row in dti_rows(campaign)}

    assert before == {"46": (Decimal("62.818"), 100), "48": (Decimal("62.818"), 100), "49": (0, 100)}
    assert after == {"46": (Decimal("43.75"), 70), "48": (Decimal("43.75"), 70), "49": (0, 70)}
    assert restored == before
    assert exclusion.coverage == Decimal("0.6667")
    assert excluded_rows == {("1.1.2", 0, 0), ("1.1", 10, 10), ("1.1", 10, 0)}


def dti_rows(campaign: Campaign) -> list[Result]:
    return list(Result.objects.filter(campaign=campaign, key="DTI").select_related("organisation"))


def test_only_the_administrator_excludes_and_always_with_a_reason(
    campaign: Campaign, appraiser: User, administrator: User
) -> None:
    leaf = campaign.framework.nodes.get(key="1.1.2")
    with pytest.raises(PermissionDenied):
        exclude_leaf(campaign_id=campaign.pk, node_id=leaf.pk, by=appraiser, reason="Ít số liệu.")
    with pytest.raises(AnswerInvalid):
        exclude_leaf(campaign_id=campaign.pk, node_id=leaf.pk, by=administrator, reason=" ")
    with pytest.raises(WorkflowError):
        exclude_leaf(campaign_id=campaign.pk, node_id=leaf.parent_id, by=administrator, reason="Cả nhóm.")  # type: ignore[arg-type]
