"""The Excel round trip of a submission: download, fill offline, preview, apply all or nothing."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from accounts.models import User
from submissions.models import Answer, Event, Submission
from submissions.services.entry import AnswerInput, save_answer

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def download(client: Client, submission: Submission) -> bytes:
    response = client.get(f"/submissions/{submission.pk}/excel/")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    return response.content


def fill(content: bytes, values: dict[str, dict[str, object]]) -> bytes:
    """Write values into the template's rows, by leaf key and column code, as a person would."""
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook["Số liệu"]
    columns = {cell.value: cell.column for cell in sheet[2]}
    for row in sheet.iter_rows(min_row=3):
        key = row[0].value
        for column, value in values.get(key, {}).items():
            sheet.cell(row=row[0].row, column=columns[column], value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client: Client, submission: Submission, content: bytes, *, dry_run: bool) -> _MonkeyPatchedWSGIResponse:
    data: dict[str, SimpleUploadedFile | str] = {"file": SimpleUploadedFile("so-lieu.xlsx", content, XLSX)}
    if dry_run:
        data["dry_run"] = "on"
    return client.post(f"/submissions/{submission.pk}/excel/import/", data)


FILLED: dict[str, dict[str, object]] = {
    "1.1.1": {"value": "Có", "explanation": "Chuyên mục trên cổng thông tin."},
    "1.1.2": {"value": "63,56"},
    "1.2.1": {"choice": "Hằng tháng"},
    "2.1.1": {"value": 5},
}


def test_the_template_has_a_row_per_reported_leaf_with_its_allowed_values(
    danang_submission: Submission, danang_reporter: User
) -> None:
    workbook = load_workbook(io.BytesIO(download(client_for(danang_reporter), danang_submission)))
    sheet = workbook["Số liệu"]

    keys = [row[0].value for row in sheet.iter_rows(min_row=3)]
    assert keys == ["1.1.1", "1.1.2", "1.2.1", "2.1.1"]
    lists = sorted(v.formula1 for v in sheet.data_validations.dataValidation if v.type == "list")
    assert lists == ['"Có,Không"', '"Hằng tuần,Hằng tháng"']


def test_a_dry_run_lists_the_changes_and_saves_nothing(danang_submission: Submission, danang_reporter: User) -> None:
    client = client_for(danang_reporter)
    content = fill(download(client, danang_submission), FILLED)

    response = upload(client, danang_submission, content, dry_run=True)

    assert response.status_code == 200
    assert [(change.row, change.code) for change in response.context["changes"]] == [
        (3, "1.1.1"), (4, "1.1.2"), (5, "1.2.1"), (6, "2.1.1"),
    ]  # fmt: skip
    assert not Answer.objects.filter(submission=danang_submission, version__gt=0).exists()
    assert not Event.objects.filter(submission=danang_submission).exists()


def test_applying_saves_every_change_and_records_each(danang_submission: Submission, danang_reporter: User) -> None:
    client = client_for(danang_reporter)
    content = fill(download(client, danang_submission), FILLED)

    response = upload(client, danang_submission, content, dry_run=False)

    assert response.status_code == 302
    answers = {a.node.key: a for a in Answer.objects.filter(submission=danang_submission).select_related("node")}
    assert answers["1.1.1"].value == Decimal(1)
    assert answers["1.1.1"].explanation == "Chuyên mục trên cổng thông tin."
    assert answers["1.1.2"].value == Decimal("63.56")
    assert answers["1.1.2"].self_score == Decimal("19.068")
    assert answers["1.2.1"].choice == "Hằng tháng"
    assert answers["2.1.1"].value == Decimal(5)
    kinds = list(Event.objects.filter(submission=danang_submission).values_list("kind", flat=True))
    assert kinds == ["answer", "answer", "answer", "answer", "import"]


def test_one_bad_row_changes_nothing_and_names_the_row_and_column(
    danang_submission: Submission, danang_reporter: User
) -> None:
    client = client_for(danang_reporter)
    content = fill(download(client, danang_submission), {**FILLED, "1.1.2": {"value": "120"}})

    response = upload(client, danang_submission, content, dry_run=False)

    assert response.status_code == 400
    assert response.context["problems"] == ["Dòng 4, cột F (1.1.2): Tỷ lệ phải từ 0 đến 100 (%)."]
    assert not Answer.objects.filter(submission=danang_submission, version__gt=0).exists()
    assert not Event.objects.filter(submission=danang_submission).exists()


def test_a_leaf_changed_since_the_download_is_refused(danang_submission: Submission, danang_reporter: User) -> None:
    client = client_for(danang_reporter)
    template = download(client, danang_submission)
    answer = danang_submission.answers.get(node__key="2.1.1")
    save_answer(answer_id=answer.pk, user=danang_reporter, given=AnswerInput(value=Decimal(3)), expected_version=0)

    response = upload(client, danang_submission, fill(template, FILLED), dry_run=False)

    assert response.status_code == 400
    assert response.context["problems"] == [
        "Dòng 6 (2.1.1): số liệu đã được cập nhật sau khi tải mẫu về; hãy tải mẫu mới."
    ]
    answer.refresh_from_db()
    assert (answer.value, answer.version) == (Decimal(3), 1)


def test_formula_like_text_is_written_as_text(danang_submission: Submission, danang_reporter: User) -> None:
    answer = danang_submission.answers.get(node__key="1.1.1")
    save_answer(answer_id=answer.pk, user=danang_reporter,
                given=AnswerInput(explanation='=HYPERLINK("http://example.com","x")'), expected_version=0)  # fmt: skip

    content = download(client_for(danang_reporter), danang_submission)

    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml
    assert load_workbook(io.BytesIO(content))["Số liệu"]["J3"].data_type == "s"


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"not a workbook", "Tệp không phải là tệp Excel (.xlsx) hợp lệ."),
        (None, "Tệp Excel có cấu trúc bất thường (quá lớn khi giải nén) nên bị từ chối."),
    ],
)
def test_hostile_or_wrong_files_are_refused(
    danang_submission: Submission, danang_reporter: User, content: bytes | None, problem: str
) -> None:
    if content is None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (120 * 1024 * 1024))
        content = buffer.getvalue()

    response = upload(client_for(danang_reporter), danang_submission, content, dry_run=False)

    assert response.status_code == 400
    assert response.context["problems"] == [problem]
    assert not Event.objects.filter(submission=danang_submission).exists()


def test_another_template_is_refused(danang_submission: Submission, danang_reporter: User) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.title = "Trang tính"
    buffer = io.BytesIO()
    workbook.save(buffer)

    response = upload(client_for(danang_reporter), danang_submission, buffer.getvalue(), dry_run=True)

    assert response.status_code == 400
    assert response.context["problems"] == ["Tệp không theo mẫu: không có trang “Số liệu”."]


def test_another_units_template_page_is_404(danang_submission: Submission, hue_reporter: User) -> None:
    client = client_for(hue_reporter)

    assert client.get(f"/submissions/{danang_submission.pk}/excel/").status_code == 404
    assert client.get(f"/submissions/{danang_submission.pk}/excel/import/").status_code == 404


def with_formulas(content: bytes, formulas: dict[str, str]) -> bytes:
    """The template with formulas typed into cells, as a person would in Excel."""
    workbook = load_workbook(io.BytesIO(content))
    for place, formula in formulas.items():
        workbook["Số liệu"][place] = formula
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_formula_in_the_explanation_is_refused_by_row_and_column_and_the_stored_explanation_stays(
    danang_submission: Submission, danang_reporter: User
) -> None:
    answer = danang_submission.answers.get(node__key="1.1.1")
    given = AnswerInput(value=Decimal(1), explanation="Chuyên mục trên cổng.")
    save_answer(answer_id=answer.pk, user=danang_reporter, given=given, expected_version=0)
    client = client_for(danang_reporter)
    content = with_formulas(download(client, danang_submission), {"J3": '=CONCAT("Chuyên mục", " mới")'})

    response = upload(client, danang_submission, content, dry_run=False)

    assert response.status_code == 400
    assert response.context["problems"] == ["Dòng 3, cột J: ô chứa công thức; hãy nhập giá trị."]
    answer.refresh_from_db()
    assert (answer.explanation, answer.version) == ("Chuyên mục trên cổng.", 1)


def test_a_formula_in_any_column_is_refused_and_every_one_is_named(
    danang_submission: Submission, danang_reporter: User
) -> None:
    client = client_for(danang_reporter)
    content = with_formulas(fill(download(client, danang_submission), FILLED),
                            {"F4": "=60+3.56", "I5": '=IF(TRUE,"Hằng tháng")', "K6": "=0"})  # fmt: skip

    response = upload(client, danang_submission, content, dry_run=True)

    assert response.status_code == 400
    assert response.context["problems"] == [
        "Dòng 4, cột F: ô chứa công thức; hãy nhập giá trị.",
        "Dòng 5, cột I: ô chứa công thức; hãy nhập giá trị.",
        "Dòng 6, cột K: ô chứa công thức; hãy nhập giá trị.",
    ]


def test_text_with_a_bidi_override_in_a_cell_is_refused_by_row_and_column(
    danang_submission: Submission, danang_reporter: User
) -> None:
    client = client_for(danang_reporter)
    bidi: dict[str, object] = {"value": "63,56", "explanation": "Theo \u202ebáo cáo"}
    content = fill(download(client, danang_submission), {**FILLED, "1.1.2": bidi})

    response = upload(client, danang_submission, content, dry_run=False)

    assert response.status_code == 400
    assert response.context["problems"] == [
        "Dòng 4, cột J: Nội dung có ký tự điều khiển hoặc ký tự đảo chiều văn bản không hợp lệ (U+202E): hãy xóa chúng."
    ]
    assert not Event.objects.filter(submission=danang_submission).exists()


def test_a_stored_explanation_that_looks_like_a_formula_comes_back_unchanged(
    danang_submission: Submission, danang_reporter: User
) -> None:
    answer = danang_submission.answers.get(node__key="1.1.1")
    save_answer(answer_id=answer.pk, user=danang_reporter,
                given=AnswerInput(explanation="=1+1 là hai"), expected_version=0)  # fmt: skip
    client = client_for(danang_reporter)

    response = upload(client, danang_submission, download(client, danang_submission), dry_run=True)

    assert response.status_code == 200
    assert response.context["changes"] == []


def test_a_template_whose_sheet_was_cut_short_is_refused_as_unreadable(
    danang_submission: Submission, danang_reporter: User
) -> None:
    client = client_for(danang_reporter)
    source = zipfile.ZipFile(io.BytesIO(fill(download(client, danang_submission), FILLED)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            data = source.read(item.filename)
            archive.writestr(item, data[: len(data) // 2] if item.filename == "xl/worksheets/sheet1.xml" else data)

    response = upload(client, danang_submission, buffer.getvalue(), dry_run=False)

    assert response.status_code == 400
    assert response.context["problems"] == ["Không đọc được tệp Excel: tệp bị hỏng hoặc không đúng định dạng."]
    assert not Event.objects.filter(submission=danang_submission).exists()
