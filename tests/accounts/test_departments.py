"""A unit's departments kept by hand: every check of the text, one name per unit, and who may write."""

from __future__ import annotations

import pytest

from accounts.departments import DepartmentInput, add_department, remove_department, update_department
from accounts.models import Department, Organisation, User
from common.errors import Forbidden, InvalidInput

pytestmark = pytest.mark.django_db

FORMULA_REFUSAL = "Không được bắt đầu bằng dấu =, +, - hoặc @ (bảng tính sẽ hiểu là công thức)."
PHONE_HINT = "Số điện thoại hãy viết 0236 3822 222 thay cho +84 236 3822 222."
CONTROL_REFUSAL = "Nội dung có ký tự điều khiển hoặc ký tự đảo chiều văn bản không hợp lệ (U+0007): hãy xóa chúng."
ONE_LINE = "Chỉ ghi trên một dòng, không xuống dòng hay dùng ký tự tab."


def listed(organisation: Organisation) -> list[tuple[str, str, str]]:
    return list(Department.objects.of_unit(organisation.pk).order_by("pk").values_list("name", "short_name", "contact"))


def test_the_office_adds_a_department_stored_without_its_surrounding_and_doubled_spaces(
    danang_office: User, organisations: dict[str, Organisation]
) -> None:
    department = add_department(
        user=danang_office,
        organisation_id=organisations["48"].pk,
        given=DepartmentInput(name="  Sở Kế hoạch  và Đầu tư ", short_name=" Sở KH&ĐT", contact="Văn phòng Sở "),
    )

    assert (department.organisation, str(department)) == (organisations["48"], "Sở KH&ĐT")
    assert listed(organisations["48"]) == [("Sở Kế hoạch và Đầu tư", "Sở KH&ĐT", "Văn phòng Sở")]


def test_the_leader_keeps_the_list_too(danang_leader: User, organisations: dict[str, Organisation]) -> None:
    add_department(user=danang_leader, organisation_id=organisations["48"].pk, given=DepartmentInput(name="Sở Y tế"))

    assert listed(organisations["48"]) == [("Sở Y tế", "", "")]


@pytest.mark.parametrize(
    ("given", "errors"),
    [
        (DepartmentInput(name="   "), {"name": "Nhập tên cơ quan, đơn vị."}),
        (DepartmentInput(name="S" * 201), {"name": "Tên cơ quan, đơn vị dài tối đa 200 ký tự (hiện có 201)."}),
        (DepartmentInput(name="Sở Y tế", short_name="S" * 61),
         {"short_name": "Tên viết tắt dài tối đa 60 ký tự (hiện có 61)."}),
        (DepartmentInput(name="Sở Y tế", contact="c" * 301),
         {"contact": "Đầu mối liên hệ dài tối đa 300 ký tự (hiện có 301)."}),
        (DepartmentInput(name="=HYPERLINK(\"http://x\")"), {"name": FORMULA_REFUSAL}),
        (DepartmentInput(name="Sở Y tế", short_name="@SYT"), {"short_name": FORMULA_REFUSAL}),
        (DepartmentInput(name="- Sở Y tế"), {"name": FORMULA_REFUSAL}),
        (DepartmentInput(name="Sở Y tế", contact="+84 236 3822 777"),
         {"contact": f"{FORMULA_REFUSAL} {PHONE_HINT}"}),
        (DepartmentInput(name="Sở\x07 Y tế"), {"name": CONTROL_REFUSAL}),
        (DepartmentInput(name="Sở Y tế", contact="Phòng A\nPhòng B"), {"contact": ONE_LINE}),
        (DepartmentInput(name="Sở Y tế", short_name="S\tYT"), {"short_name": ONE_LINE}),
        (DepartmentInput(name="", short_name="=1+1", contact="c" * 301), {
            "name": "Nhập tên cơ quan, đơn vị.",
            "short_name": FORMULA_REFUSAL,
            "contact": "Đầu mối liên hệ dài tối đa 300 ký tự (hiện có 301).",
        }),
    ],
)  # fmt: skip
def test_text_that_cannot_be_stored_or_exported_is_refused_field_by_field(
    danang_office: User, organisations: dict[str, Organisation], given: DepartmentInput, errors: dict[str, str]
) -> None:
    with pytest.raises(InvalidInput) as refused:
        add_department(user=danang_office, organisation_id=organisations["48"].pk, given=given)

    assert refused.value.errors == errors
    assert listed(organisations["48"]) == []


def test_a_name_of_exactly_the_longest_length_is_accepted(
    danang_office: User, organisations: dict[str, Organisation]
) -> None:
    add_department(
        user=danang_office,
        organisation_id=organisations["48"].pk,
        given=DepartmentInput(name="S" * 200, short_name="S" * 60, contact="c" * 300),
    )

    assert listed(organisations["48"]) == [("S" * 200, "S" * 60, "c" * 300)]


def test_a_name_already_listed_is_refused_whatever_its_case_and_spacing(
    danang_office: User, organisations: dict[str, Organisation], danang_departments: dict[str, Department]
) -> None:
    with pytest.raises(InvalidInput) as refused:
        add_department(
            user=danang_office, organisation_id=organisations["48"].pk, given=DepartmentInput(name="  sở  NỘI vụ ")
        )

    assert refused.value.errors == {"name": "Đơn vị đã có “Sở Nội vụ” trong danh sách cơ quan, đơn vị thực hiện."}
    assert Department.objects.of_unit(organisations["48"].pk).count() == 2


def test_another_unit_may_list_the_same_name(
    hue_office: User, organisations: dict[str, Organisation], danang_departments: dict[str, Department]
) -> None:
    add_department(user=hue_office, organisation_id=organisations["46"].pk, given=DepartmentInput(name="Sở Nội vụ"))

    assert listed(organisations["46"]) == [("Sở Nội vụ", "", "")]


@pytest.mark.parametrize("persona", ["danang_reporter", "danang_it_lead", "hue_office", "administrator", "appraiser"])
def test_only_the_units_office_and_leader_add_to_its_list(
    persona: str, request: pytest.FixtureRequest, organisations: dict[str, Organisation]
) -> None:
    user = request.getfixturevalue(persona)

    with pytest.raises(Forbidden):
        add_department(user=user, organisation_id=organisations["48"].pk, given=DepartmentInput(name="Sở Y tế"))

    assert listed(organisations["48"]) == []


def test_the_office_renames_a_department_and_changes_its_contact(
    danang_office: User, danang_departments: dict[str, Department]
) -> None:
    department = danang_departments["Sở Tài chính"]

    saved = update_department(
        user=danang_office,
        department_id=department.pk,
        given=DepartmentInput(name="Sở Tài chính thành phố", short_name="STC", contact="Phòng Ngân sách"),
    )

    department.refresh_from_db()
    assert (saved.pk, department.name, department.short_name, department.contact) == (
        department.pk, "Sở Tài chính thành phố", "STC", "Phòng Ngân sách",
    )  # fmt: skip


def test_a_department_may_keep_its_own_name_in_another_case(
    danang_office: User, danang_departments: dict[str, Department]
) -> None:
    department = danang_departments["Sở Nội vụ"]

    update_department(user=danang_office, department_id=department.pk, given=DepartmentInput(name="SỞ NỘI VỤ"))

    department.refresh_from_db()
    assert (department.name, department.short_name, department.contact) == ("SỞ NỘI VỤ", "", "")


def test_renaming_a_department_to_another_ones_name_is_refused(
    danang_office: User, danang_departments: dict[str, Department]
) -> None:
    department = danang_departments["Sở Tài chính"]

    with pytest.raises(InvalidInput) as refused:
        update_department(user=danang_office, department_id=department.pk, given=DepartmentInput(name="sở nội vụ"))

    assert refused.value.errors == {"name": "Đơn vị đã có “Sở Nội vụ” trong danh sách cơ quan, đơn vị thực hiện."}
    department.refresh_from_db()
    assert department.name == "Sở Tài chính"


def test_an_edit_is_checked_like_an_addition(danang_office: User, danang_departments: dict[str, Department]) -> None:
    department = danang_departments["Sở Tài chính"]

    with pytest.raises(InvalidInput) as refused:
        update_department(
            user=danang_office, department_id=department.pk, given=DepartmentInput(name="", contact="=1+1")
        )

    assert refused.value.errors == {
        "name": "Nhập tên cơ quan, đơn vị.",
        "contact": f"{FORMULA_REFUSAL} {PHONE_HINT}",
    }


def test_a_reader_may_not_edit_nor_remove(danang_reporter: User, danang_departments: dict[str, Department]) -> None:
    department = danang_departments["Sở Tài chính"]

    with pytest.raises(Forbidden):
        update_department(user=danang_reporter, department_id=department.pk, given=DepartmentInput(name="Sở X"))
    with pytest.raises(Forbidden):
        remove_department(user=danang_reporter, department_id=department.pk)

    assert Department.objects.filter(pk=department.pk, name="Sở Tài chính").exists()


def test_another_units_office_may_not_edit_nor_remove(
    hue_office: User, danang_departments: dict[str, Department]
) -> None:
    department = danang_departments["Sở Tài chính"]

    with pytest.raises(Forbidden):
        update_department(user=hue_office, department_id=department.pk, given=DepartmentInput(name="Sở X"))
    with pytest.raises(Forbidden):
        remove_department(user=hue_office, department_id=department.pk)

    assert Department.objects.filter(pk=department.pk, name="Sở Tài chính").exists()


def test_the_office_removes_a_department_no_plan_names(
    danang_office: User, organisations: dict[str, Organisation], danang_departments: dict[str, Department]
) -> None:
    name = remove_department(user=danang_office, department_id=danang_departments["Sở Tài chính"].pk)

    assert name == "Sở Tài chính"
    assert listed(organisations["48"]) == [("Sở Nội vụ", "SNV", "0236 3821 111")]


def test_the_list_reads_in_vietnamese_alphabetical_order(organisations: dict[str, Organisation]) -> None:
    unit = organisations["48"]
    for name in ["Văn phòng UBND thành phố", "Đài Phát thanh – Truyền hình", "Sở Y tế", "Ban Quản lý Khu CNC"]:
        Department.objects.create(organisation=unit, name=name)

    names = [department.name for department in Department.objects.of_unit(unit.pk).in_reading_order()]

    assert names == ["Ban Quản lý Khu CNC", "Đài Phát thanh – Truyền hình", "Sở Y tế", "Văn phòng UBND thành phố"]
