"""The improvement plan: generated from the unit's final result, edited by its office, approved by its leader."""

from __future__ import annotations

import datetime
import io
import unicodedata
from decimal import Decimal

import pytest
from django.test import Client
from docx import Document as WordDocument
from pypdf import PdfReader

from accounts.departments import remove_department
from accounts.models import Department, Organisation, Role, User
from common.errors import Forbidden, InvalidInput, StaleError, WorkflowError
from plans.models import ImprovementPlan, PlanEvent, PlanSource, PlanState
from plans.services import ItemInput, approve_plan, generate_plan, reopen_plan, update_plan_item
from scoring.services import recompute_campaign
from submissions.models import Campaign, FocusIndex, Submission, SubmissionState
from tests.factories import UserFactory
from tests.submissions.conftest import fill_in, open_test_campaign

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(finalised_campaign: Campaign, danang_office: User) -> ImprovementPlan:
    recompute_campaign(campaign_id=finalised_campaign.pk)
    return generate_plan(organisation_id=unit_of(danang_office), by=danang_office)


def unit_of(user: User) -> int:
    assert user.organisation_id is not None
    return user.organisation_id


def items_of(plan: ImprovementPlan) -> list[tuple[str, Decimal, Decimal, Decimal]]:
    return [(item.code, item.max_points, item.final_score, item.points_lost) for item in plan.items.order_by("order")]


def assign(plan: ImprovementPlan, code: str, by: User, department: Department, target: str) -> None:
    item = plan.items.get(code=code)
    plan.refresh_from_db()
    update_plan_item(item_id=item.pk, by=by, expected_version=plan.version,
                     given=ItemInput(chosen=True, department_id=department.pk, tasks="Ban hành kế hoạch tập huấn.",
                                     target_value=Decimal(target), deadline=datetime.date(2025, 9, 30)))  # fmt: skip


def test_a_plan_lists_every_component_by_points_lost_with_the_final_scores(plan: ImprovementPlan) -> None:
    # By hand, from the small framework and Đà Nẵng's final answers (1.1.2 appraised down to 40 %):
    # 1.1 = 10 (1.1.1 yes) + 30 × 40 % = 22 of 40, 18 lost; 2.1 = 25 × (1 − 5 %) + 0 (no expert score) =
    # 23,75 of 40, 16,25 lost; 1.2 = 20 × ½ (monthly broadcasts) = 10 of 20, 10 lost.
    assert items_of(plan) == [
        ("1.1", Decimal(40), Decimal(22), Decimal(18)),
        ("2.1", Decimal(40), Decimal("23.75"), Decimal("16.25")),
        ("1.2", Decimal(20), Decimal(10), Decimal(10)),
    ]
    first = plan.items.get(code="1.1")
    assert first.reasons == ["1.1.2: Thẩm định: Danh sách tập huấn chỉ có 40 % cán bộ."]
    assert (first.main_key, first.main_name, first.kind) == ("1", "Nhận thức số", "component")
    assert plan.source == PlanSource.FINAL
    assert plan.year == 2025
    assert plan.title == "Kế hoạch cải thiện và nâng cao chỉ số chuyển đổi số (DTI) Thành phố Đà Nẵng năm 2025"


def test_the_plan_restates_the_dti_and_main_index_values_and_ranks_in_the_peer_group(plan: ImprovementPlan) -> None:
    rows = {row["index"]: row for row in plan.summary}
    # DTI = (22 + 10 + 23,75) / 100. Huế's figures stand as reported (1.1.2 at 63,56 %): (10 + 19,068 + 10 +
    # 23,75) / 100 = 0,62818, ahead.
    assert (rows["dti"]["value"], rows["dti"]["rank"]) == ("0.5575", 2)
    assert (rows["1"]["value"], rows["2"]["value"]) == ("0.5333333333333333333333333333", "0.59375")
    assert rows["dti"]["group_size"] == Submission.objects.filter(campaign=plan.campaign).count()


def test_a_focus_index_of_the_campaign_is_flagged_in_the_plan_with_its_note(
    finalised_campaign: Campaign, danang_office: User
) -> None:
    node = finalised_campaign.framework.nodes.get(key="1.2")
    FocusIndex.objects.create(campaign=finalised_campaign, node=node, note="Văn bản 3243/BTTTT-CĐSQG")
    recompute_campaign(campaign_id=finalised_campaign.pk)
    plan = generate_plan(organisation_id=unit_of(danang_office), by=danang_office)
    assert [(item.code, item.focus, item.focus_note) for item in plan.items.order_by("order")] == [
        ("1.1", False, ""),
        ("2.1", False, ""),
        ("1.2", True, "Văn bản 3243/BTTTT-CĐSQG"),
    ]


def test_generating_twice_gives_the_same_plan_and_a_reporter_may_not_generate(
    plan: ImprovementPlan, danang_leader: User, danang_reporter: User
) -> None:
    assert generate_plan(organisation_id=plan.organisation_id, by=danang_leader) == plan
    with pytest.raises(Forbidden):
        generate_plan(organisation_id=plan.organisation_id, by=danang_reporter)


def test_a_unit_without_a_final_result_cannot_generate_a_plan(
    danang_submission: Submission, danang_office: User
) -> None:
    with pytest.raises(WorkflowError, match="chưa có kết quả thẩm định cuối cùng"):
        generate_plan(organisation_id=unit_of(danang_office), by=danang_office)


def test_the_leader_approves_a_complete_plan_and_the_history_keeps_every_step(
    plan: ImprovementPlan, danang_office: User, danang_leader: User, departments: dict[str, Department]
) -> None:
    assign(plan, "1.1", danang_office, departments["SNV"], "0.8")
    assign(plan, "1.2", danang_office, departments["DRT"], "1")
    plan.refresh_from_db()
    with pytest.raises(Forbidden):
        approve_plan(plan_id=plan.pk, by=danang_office, expected_version=plan.version)
    approve_plan(plan_id=plan.pk, by=danang_leader, expected_version=plan.version)
    plan.refresh_from_db()
    assert (plan.state, plan.approved_by) == (PlanState.APPROVED, danang_leader)
    assert [(event.kind, event.actor, event.item.code if event.item else None) for event in plan.events.all()] == [
        (PlanEvent.Kind.GENERATED, danang_office, None),
        (PlanEvent.Kind.ITEM, danang_office, "1.1"),
        (PlanEvent.Kind.ITEM, danang_office, "1.2"),
        (PlanEvent.Kind.APPROVED, danang_leader, None),
    ]
    item = plan.items.get(code="1.1")
    assert plan.events.get(item=item).new == {"chosen": True, "department": departments["SNV"].pk,
                                               "tasks": "Ban hành kế hoạch tập huấn.", "target_value": "0.8",
                                               "deadline": "2025-09-30"}  # fmt: skip
    with pytest.raises(WorkflowError, match="đã được phê duyệt"):
        assign(plan, "2.1", danang_office, departments["STTTT"], "0.7")
    reopen_plan(plan_id=plan.pk, by=danang_leader, reason="Bổ sung chỉ số 2.1.", expected_version=plan.version)
    plan.refresh_from_db()
    assert (plan.state, plan.approved_by, plan.events.last().comment) == (PlanState.DRAFT, None, "Bổ sung chỉ số 2.1.")  # type: ignore[union-attr]


def test_approval_needs_a_chosen_index_with_department_tasks_target_and_deadline(
    plan: ImprovementPlan, danang_office: User, danang_leader: User
) -> None:
    with pytest.raises(WorkflowError, match="Chọn ít nhất một chỉ số"):
        approve_plan(plan_id=plan.pk, by=danang_leader, expected_version=plan.version)
    item = plan.items.get(code="1.1")
    update_plan_item(item_id=item.pk, by=danang_office, given=ItemInput(chosen=True), expected_version=plan.version)
    plan.refresh_from_db()
    with pytest.raises(WorkflowError, match=r"mục tiêu và thời hạn: 1\.1\.") as refused:
        approve_plan(plan_id=plan.pk, by=danang_leader, expected_version=plan.version)
    assert refused.value.leaves == ["1.1"]


def test_an_assignment_refuses_another_units_department_a_lower_target_and_a_stale_version(
    plan: ImprovementPlan, danang_office: User, organisations: dict[str, Organisation]
) -> None:
    elsewhere = Department.objects.create(organisation=organisations["46"], name="Sở Nội vụ tỉnh Huế")
    item = plan.items.get(code="1.1")
    with pytest.raises(InvalidInput) as refused:
        update_plan_item(item_id=item.pk, by=danang_office, expected_version=plan.version,
                         given=ItemInput(chosen=True, department_id=elsewhere.pk, target_value=Decimal("0.5"),
                                         deadline=datetime.date(2023, 1, 1)))  # fmt: skip
    assert refused.value.errors == {
        "department": "Chọn một cơ quan, đơn vị trong danh sách của đơn vị.",
        "target_value": "Giá trị mục tiêu không được thấp hơn giá trị đã đạt (0,5500).",
        "deadline": "Thời hạn phải sau năm đánh giá 2024.",
    }
    with pytest.raises(StaleError):
        update_plan_item(item_id=item.pk, by=danang_office, given=ItemInput(chosen=True),
                         expected_version=plan.version - 1)  # fmt: skip


def test_the_word_document_opens_and_holds_the_plans_tables(
    plan: ImprovementPlan, danang_office: User, departments: dict[str, Department]
) -> None:
    assign(plan, "1.1", danang_office, departments["SNV"], "0.8")
    client = Client()
    client.force_login(danang_office)
    response = client.get(f"/plans/{plan.pk}/plan.docx")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="ke-hoach-cai-thien-dti-48-2025.docx"'
    word = WordDocument(io.BytesIO(response.content))
    assert word.paragraphs[1].text == plan.title
    tables = [[[cell.text for cell in row.cells] for row in table.rows] for table in word.tables]
    analysis = next(
        table for table in tables if table[0][:5] == ["Mã", "Chỉ số", "Điểm tối đa", "Điểm đạt", "Điểm bị mất"]
    )
    assert analysis[1][:5] == ["1.1", "Tuyên truyền", "40,00", "22,00", "18,00"]
    tasks = tables[-1]
    assert tasks[0] == ["STT", "Chỉ số", "Cơ quan chủ trì", "Nhiệm vụ, giải pháp", "Giá trị hiện tại", "Mục tiêu",
                        "Thời hạn"]  # fmt: skip
    assert tasks[1] == ["1", "1.1 Tuyên truyền", "Sở Nội vụ", "Ban hành kế hoạch tập huấn.", "0,5500", "0,8000",
                        "30/09/2025"]  # fmt: skip


def test_the_pdf_holds_the_plan(plan: ImprovementPlan, danang_leader: User) -> None:
    client = Client()
    client.force_login(danang_leader)
    response = client.get(f"/plans/{plan.pk}/plan.pdf")
    assert response["Content-Type"] == "application/pdf"
    pages = PdfReader(io.BytesIO(response.content)).pages
    text = " ".join(unicodedata.normalize("NFC", " ".join(page.extract_text() for page in pages)).split())
    assert "1.1 Tuyên truyền 40,00 22,00 18,00" in text


def test_next_year_the_plan_shows_what_was_reached_against_each_target(
    plan: ImprovementPlan,
    danang_office: User,
    administrator: User,
    organisations: dict[str, Organisation],
    departments: dict[str, Department],
) -> None:
    assign(plan, "1.1", danang_office, departments["SNV"], "0.7")
    assign(plan, "1.2", danang_office, departments["DRT"], "1")
    client = Client()
    client.force_login(danang_office)
    assert "Đã đạt" not in client.get(f"/plans/{plan.pk}/").content.decode()
    later = open_test_campaign(plan.campaign.framework, administrator, "DTI 2025 thử nghiệm", year=2025)
    # Đà Nẵng of 2025 is the unit formed by the merger (48-2025): the plan follows its successor.
    submission = Submission.objects.get(campaign=later, organisation__code="48-2025")
    fill_in(submission, UserFactory.create(organisation=organisations["48-2025"], roles=[Role.REPORTER]))
    Submission.objects.filter(campaign=later).update(state=SubmissionState.FINALISED)
    recompute_campaign(campaign_id=later.pk)
    page = client.get(f"/plans/{plan.pk}/").content.decode()
    # 1.1 in 2025 = (10 + 30 × 63,56 %) / 40 = 0,7267 ≥ 0,7; 1.2 still monthly = 0,5 < 1.
    assert "Kết quả thẩm định cuối cùng DTI 2025" in page
    from plans.documents import plan_document

    lines = {line.item.code: (line.reached, line.target_met) for line in plan_document(plan).lines}
    assert lines["1.1"] == (Decimal("0.72670"), True)
    assert lines["1.2"] == (Decimal("0.5"), False)


def test_another_units_people_do_not_see_the_plan_and_a_reporter_only_reads_it(
    plan: ImprovementPlan, hue_leader: User, danang_reporter: User
) -> None:
    client = Client()
    client.force_login(hue_leader)
    assert client.get(f"/plans/{plan.pk}/").status_code == 404
    client.force_login(danang_reporter)
    assert client.get(f"/plans/{plan.pk}/").status_code == 200
    item = plan.items.get(code="1.1")
    assert client.get(f"/plans/{plan.pk}/items/{item.pk}/").status_code == 403
    assert Client().get(f"/plans/{plan.pk}/").status_code == 302


def test_a_department_a_plan_names_cannot_be_removed_and_an_unnamed_one_can(
    plan: ImprovementPlan, danang_office: User, departments: dict[str, Department]
) -> None:
    assign(plan, "1.1", danang_office, departments["SNV"], "0.8")
    with pytest.raises(WorkflowError, match="đang được giao nhiệm vụ trong kế hoạch cải thiện"):
        remove_department(user=danang_office, department_id=departments["SNV"].pk)
    assert remove_department(user=danang_office, department_id=departments["DRT"].pk) == (
        "Đài Phát thanh - Truyền hình Đà Nẵng"
    )
    assert sorted(Department.objects.values_list("short_name", flat=True)) == ["SNV", "STTTT"]


def test_an_office_without_departments_is_sent_to_make_its_list(plan: ImprovementPlan, danang_office: User) -> None:
    client = Client()
    client.force_login(danang_office)
    page = client.get(f"/plans/{plan.pk}/").content.decode()
    assert 'Đơn vị chưa có danh sách cơ quan, đơn vị thực hiện. <a href="/accounts/departments/">' in page
