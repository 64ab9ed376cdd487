"""The pages of a unit's departments: who reads them, who changes them, and where a refusal shows."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from pytest_django.asserts import assertContains, assertNotContains

from accounts.models import Department, Organisation, User

pytestmark = pytest.mark.django_db

LIST = "/accounts/departments/"


def client_of(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def names_listed(html: str) -> list[str]:
    """The first cell of each row of the departments table."""
    rows = html.split('id="departments"', 1)[1].split("</table>", 1)[0].split('<tr id="department-')[1:]
    return [row.split("<td>", 1)[1].split("</td>", 1)[0] for row in rows]


def sheet(rows: list[list[str]]) -> io.BytesIO:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    upload = io.BytesIO(buffer.getvalue().encode("utf-8-sig"))
    upload.name = "co-quan.csv"
    return upload


def test_the_office_sees_its_list_in_alphabetical_order_with_the_forms(
    danang_office: User, danang_departments: dict[str, Department]
) -> None:
    answer = client_of(danang_office).get(LIST)

    assert answer.status_code == 200
    html = answer.content.decode()
    assert names_listed(html) == ["Sở Nội vụ", "Sở Tài chính"]
    for department in danang_departments.values():
        assertContains(answer, f'href="/accounts/departments/{department.pk}/"')
        assertContains(answer, f'href="/accounts/departments/{department.pk}/remove/"')
    assertContains(answer, 'id="add-department"')
    assertContains(answer, 'id="import-departments"')
    assertContains(answer, 'href="/accounts/departments/template.xlsx"')
    assertContains(answer, 'id="departments-link" aria-current="page"')


@pytest.mark.parametrize("persona", ["danang_reporter", "danang_it_lead"])
def test_the_units_reporter_and_it_lead_read_the_list_without_the_forms(
    persona: str, request: pytest.FixtureRequest, danang_departments: dict[str, Department]
) -> None:
    answer = client_of(request.getfixturevalue(persona)).get(LIST)

    assert answer.status_code == 200
    assert names_listed(answer.content.decode()) == ["Sở Nội vụ", "Sở Tài chính"]
    assertNotContains(answer, 'id="add-department"')
    assertNotContains(answer, 'id="import-departments"')
    assertNotContains(answer, "/remove/")
    assertContains(answer, "Văn phòng và Lãnh đạo của đơn vị cập nhật danh sách này.")


def test_another_units_office_sees_its_own_list_even_when_it_names_danang(
    hue_office: User, danang_departments: dict[str, Department]
) -> None:
    answer = client_of(hue_office).get(f"{LIST}?unit=48")

    assert answer.status_code == 200
    assertContains(answer, 'id="no-departments"')
    assertNotContains(answer, "Sở Nội vụ")


def test_the_administrator_chooses_a_unit_and_reads_its_list_without_the_forms(
    administrator: User, danang_departments: dict[str, Department]
) -> None:
    client = client_of(administrator)

    choosing = client.get(LIST)
    reading = client.get(f"{LIST}?unit=48")

    assert choosing.status_code == 200
    assertContains(choosing, 'id="choose-unit"')
    assertNotContains(choosing, 'id="departments"')
    assert reading.status_code == 200
    assert names_listed(reading.content.decode()) == ["Sở Nội vụ", "Sở Tài chính"]
    assertNotContains(reading, 'id="add-department"')
    assert [client.get(f"{LIST}?unit={code}").status_code for code in ("99", "authority")] == [404, 404]


def test_the_appraiser_is_refused_the_page(appraiser: User) -> None:
    answer = client_of(appraiser).get(LIST)

    assert answer.status_code == 403
    assertContains(answer, "Danh sách cơ quan, đơn vị thực hiện dành cho cán bộ của tỉnh, bộ.", status_code=403)


def test_anonymous_visitors_are_sent_to_the_login_page(client: Client, organisations: object) -> None:
    answers = [client.get(LIST), client.get(f"{LIST}template.xlsx"), client.post(f"{LIST}import/")]

    assert [answer.status_code for answer in answers] == [302, 302, 302]
    assert [answer["Location"] for answer in answers] == [
        "/accounts/login/?next=/accounts/departments/",
        "/accounts/login/?next=/accounts/departments/template.xlsx",
        "/accounts/login/?next=/accounts/departments/import/",
    ]


def test_only_unit_people_see_the_link_in_the_navigation(
    danang_reporter: User, administrator: User, appraiser: User, client: Client, organisations: object
) -> None:
    pages = {
        "reporter": client_of(danang_reporter).get("/accounts/profile/"),
        "administrator": client_of(administrator).get("/accounts/profile/"),
        "appraiser": client_of(appraiser).get("/accounts/profile/"),
        "anonymous": client.get("/"),
    }

    assert {who: 'id="departments-link"' in page.content.decode() for who, page in pages.items()} == {
        "reporter": True,
        "administrator": False,
        "appraiser": False,
        "anonymous": False,
    }


def test_the_office_adds_a_department_by_hand(danang_office: User, organisations: dict[str, Organisation]) -> None:
    answer = client_of(danang_office).post(
        LIST, {"name": "Sở Y tế", "short_name": "SYT", "contact": "0236 3822 777"}, follow=True
    )

    assert answer.redirect_chain == [(LIST, 302)]
    assertContains(answer, "Đã thêm “Sở Y tế”.")
    assert list(Department.objects.values_list("organisation__code", "name", "short_name", "contact")) == [
        ("48", "Sở Y tế", "SYT", "0236 3822 777")
    ]


def test_a_refused_addition_shows_each_message_next_to_its_field(
    danang_office: User, danang_departments: dict[str, Department]
) -> None:
    answer = client_of(danang_office).post(LIST, {"name": " sở nội vụ", "short_name": "", "contact": "=1+1"})

    assert answer.status_code == 400
    html = answer.content.decode()
    assert (
        '<p class="field-error" id="id_name_error">Đơn vị đã có “Sở Nội vụ” trong danh sách cơ quan, đơn vị thực '
        "hiện.</p>" in html
    )
    assert '<p class="field-error" id="id_contact_error">Không được bắt đầu bằng dấu =' in html
    assert 'aria-invalid="true" aria-describedby="id_name_error"' in html
    assert 'id="id_short_name_error"' not in html
    assert 'value=" sở nội vụ"' in html
    assert Department.objects.count() == 2


@pytest.mark.parametrize("persona", ["danang_reporter", "administrator"])
def test_a_reader_may_not_add(persona: str, request: pytest.FixtureRequest, organisations: object) -> None:
    answer = client_of(request.getfixturevalue(persona)).post(f"{LIST}?unit=48", {"name": "Sở Y tế"})

    assert answer.status_code == 403
    assert not Department.objects.exists()


def test_the_office_edits_a_department(danang_office: User, danang_departments: dict[str, Department]) -> None:
    department = danang_departments["Sở Tài chính"]
    client = client_of(danang_office)

    form = client.get(f"{LIST}{department.pk}/")
    saved = client.post(
        f"{LIST}{department.pk}/", {"name": "Sở Tài chính", "short_name": "STC", "contact": "Phòng Ngân sách"},
        follow=True,
    )  # fmt: skip

    assert form.status_code == 200
    assertContains(form, 'name="name" value="Sở Tài chính"')
    assert saved.redirect_chain == [(LIST, 302)]
    assertContains(saved, "Đã lưu “Sở Tài chính”.")
    department.refresh_from_db()
    assert department.contact == "Phòng Ngân sách"


def test_a_refused_edit_shows_its_message_next_to_the_field(
    danang_office: User, danang_departments: dict[str, Department]
) -> None:
    department = danang_departments["Sở Tài chính"]

    answer = client_of(danang_office).post(f"{LIST}{department.pk}/", {"name": "", "short_name": "S" * 61})

    assert answer.status_code == 400
    assertContains(answer, '<p class="field-error" id="id_name_error">Nhập tên cơ quan, đơn vị.</p>', status_code=400)
    assertContains(
        answer,
        '<p class="field-error" id="id_short_name_error">Tên viết tắt dài tối đa 60 ký tự (hiện có 61).</p>',
        status_code=400,
    )


def test_the_office_removes_a_department_after_confirming(
    danang_office: User, danang_departments: dict[str, Department]
) -> None:
    department = danang_departments["Sở Tài chính"]
    client = client_of(danang_office)

    asked = client.get(f"{LIST}{department.pk}/remove/")
    removed = client.post(f"{LIST}{department.pk}/remove/", follow=True)

    assert asked.status_code == 200
    assertContains(asked, "Xóa “Sở Tài chính” khỏi danh sách cơ quan, đơn vị thực hiện của đơn vị?")
    assert Department.objects.filter(pk=department.pk).exists() is False
    assert removed.redirect_chain == [(LIST, 302)]
    assertContains(removed, "Đã xóa “Sở Tài chính” khỏi danh sách.")


@pytest.mark.parametrize(
    ("persona", "status"),
    [("hue_office", 404), ("danang_reporter", 403), ("danang_it_lead", 403), ("administrator", 403),
     ("appraiser", 404)],
)  # fmt: skip
def test_a_department_is_hidden_from_other_units_and_read_only_for_its_readers(
    persona: str, status: int, request: pytest.FixtureRequest, danang_departments: dict[str, Department]
) -> None:
    department = danang_departments["Sở Tài chính"]
    client = client_of(request.getfixturevalue(persona))
    urls = [f"{LIST}{department.pk}/", f"{LIST}{department.pk}/remove/"]

    answers = [client.get(url) for url in urls] + [client.post(url, {"name": "Sở X"}) for url in urls]

    assert [answer.status_code for answer in answers] == [status] * 4
    department.refresh_from_db()
    assert department.name == "Sở Tài chính"


def test_a_missing_department_answers_404(danang_office: User, organisations: object) -> None:
    assert client_of(danang_office).get(f"{LIST}999999/").status_code == 404


def test_the_office_imports_a_sheet_and_reads_what_changed(
    danang_office: User, danang_departments: dict[str, Department]
) -> None:
    upload = sheet([
        ["Tên cơ quan, đơn vị", "Tên viết tắt", "Đầu mối liên hệ"],
        ["Sở Nội vụ", "SNV", "0236 3821 111"],
        ["Sở Tài chính", "STC", "Phòng Ngân sách"],
        ["Sở Y tế", "SYT", ""],
    ])  # fmt: skip

    answer = client_of(danang_office).post(f"{LIST}import/", {"file": upload}, follow=True)

    assert answer.redirect_chain == [(LIST, 302)]
    assertContains(answer, "Đã nhập danh sách: thêm 1, cập nhật 1, giữ nguyên 1 cơ quan, đơn vị.")
    assert names_listed(answer.content.decode()) == ["Sở Nội vụ", "Sở Tài chính", "Sở Y tế"]


def test_a_refused_sheet_lists_its_problems_by_row_above_the_import_form(
    danang_office: User, organisations: object
) -> None:
    upload = sheet([["Tên cơ quan, đơn vị", "Tên viết tắt", "Đầu mối liên hệ"], ["Sở Y tế", "", ""], ["", "X", ""]])

    answer = client_of(danang_office).post(f"{LIST}import/", {"file": upload})

    assert answer.status_code == 400
    html = answer.content.decode()
    problems = html.split('id="import-problems"', 1)[1].split("</div>", 1)[0]
    assert "<li>Dòng 3, cột A (Tên cơ quan, đơn vị): Nhập tên cơ quan, đơn vị.</li>" in problems
    assert html.index('id="import-problems"') < html.index('id="import-departments"')
    assert not Department.objects.exists()


def test_an_import_without_a_file_says_so_next_to_the_field(danang_office: User, organisations: object) -> None:
    answer = client_of(danang_office).post(f"{LIST}import/", {})

    assert answer.status_code == 400
    assertContains(
        answer, '<p class="field-error" id="id_file_error">Chọn tệp danh sách để tải lên.</p>', status_code=400
    )


@pytest.mark.parametrize("persona", ["danang_reporter", "administrator", "appraiser"])
def test_a_reader_may_not_import(persona: str, request: pytest.FixtureRequest, organisations: object) -> None:
    upload = sheet([["Tên cơ quan, đơn vị", "Tên viết tắt", "Đầu mối liên hệ"], ["Sở Y tế", "", ""]])

    answer = client_of(request.getfixturevalue(persona)).post(f"{LIST}import/", {"file": upload})

    assert answer.status_code == 403
    assert not Department.objects.exists()


def test_the_import_is_a_post_only(danang_office: User, organisations: object) -> None:
    assert client_of(danang_office).get(f"{LIST}import/").status_code == 405


@pytest.mark.parametrize("persona", ["danang_office", "danang_reporter", "administrator"])
def test_the_units_people_and_the_administrator_download_the_template(
    persona: str, request: pytest.FixtureRequest, organisations: object
) -> None:
    answer = client_of(request.getfixturevalue(persona)).get(f"{LIST}template.xlsx")

    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert answer["Content-Disposition"] == 'attachment; filename="mau-danh-sach-co-quan-don-vi.xlsx"'


def test_the_appraiser_is_refused_the_template(appraiser: User) -> None:
    assert client_of(appraiser).get(f"{LIST}template.xlsx").status_code == 403


def test_the_administrator_reads_every_units_departments_in_the_admin_but_changes_none(
    administrator: User, danang_departments: dict[str, Department]
) -> None:
    client = client_of(administrator)
    department = danang_departments["Sở Nội vụ"]

    listing = client.get("/admin/accounts/department/")
    detail = client.get(f"/admin/accounts/department/{department.pk}/change/")

    assert (listing.status_code, detail.status_code) == (200, 200)
    assertContains(listing, "Sở Tài chính")
    assertNotContains(detail, 'name="_save"')
    assert client.get("/admin/accounts/department/add/").status_code == 403
    assert client.post(f"/admin/accounts/department/{department.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Department.objects.count() == 2
