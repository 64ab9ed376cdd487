"""Framework workbooks: export, edit, re-import as a new version; broken files change nothing."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from openpyxl import load_workbook

from accounts.models import User
from common.spreadsheets import workbook_bytes
from indicators.excel import read_framework_workbook, write_framework_workbook
from indicators.framework.parse import FrameworkDataError
from indicators.models import Framework
from indicators.services import framework_data, import_framework
from tests.indicators.builders import small_framework

pytestmark = pytest.mark.django_db


def test_an_exported_framework_reimports_as_an_identical_new_version() -> None:
    original = import_framework(data=small_framework("ban-goc"))

    content = write_framework_workbook(framework_data(original))
    copy = import_framework(data=read_framework_workbook(content, code="ban-sao"), based_on=original)

    exported, reimported = framework_data(original).to_json(), framework_data(copy).to_json()
    assert reimported.pop("code") == "ban-sao"
    assert exported.pop("code") == "ban-goc"
    assert reimported == exported
    assert copy.based_on == original
    assert copy.complete is True


def test_a_broken_row_rejects_the_whole_file_naming_the_row(tmp_path: Path) -> None:
    content = write_framework_workbook(small_framework("hong"))
    workbook = load_workbook(io.BytesIO(content))
    workbook["Chỉ số"]["G4"] = "ba mươi"  # max_points of 1.1.1
    broken = tmp_path / "hong.xlsx"
    broken.write_bytes(workbook_bytes(workbook))

    with pytest.raises(CommandError) as raised:
        call_command("import_framework", str(broken))

    assert "Trang “Chỉ số”, dòng 4: “max_points” phải là số; nhận được “ba mươi”." in str(raised.value)
    assert not Framework.objects.exists()


def test_an_inconsistent_row_is_named_by_its_row() -> None:
    content = write_framework_workbook(small_framework("lech"))
    workbook = load_workbook(io.BytesIO(content))
    workbook["Chỉ số"]["G4"] = 15  # 1.1.1: 15 + 30 ≠ 40, the points of 1.1 on row 3

    with pytest.raises(FrameworkDataError) as raised:
        read_framework_workbook(workbook_bytes(workbook))

    assert raised.value.problems == [
        "Trang “Chỉ số”, dòng 3: “1.1”: tổng điểm các chỉ số con (45) khác điểm tối đa (40).",
        "Tổng điểm các chỉ số lá (105) khác tổng điểm bộ chỉ số (100).",
    ]


def test_a_dry_run_lists_the_changes_and_stores_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    original = import_framework(data=small_framework("goc"))
    workbook = load_workbook(io.BytesIO(write_framework_workbook(framework_data(original))))
    workbook["Chỉ số"]["E4"] = "Có chuyên mục chuyển đổi số trên cổng thông tin"
    edited = tmp_path / "sua.xlsx"
    edited.write_bytes(workbook_bytes(workbook))

    call_command("import_framework", str(edited), "--code", "sua", "--based-on", "goc", "--dry-run")

    output = capsys.readouterr().out
    assert "So với goc: 1 thay đổi" in output
    assert "tên: Có chuyên mục chuyển đổi số → Có chuyên mục chuyển đổi số trên cổng thông tin" in output
    assert list(Framework.objects.values_list("code", flat=True)) == ["goc"]


def test_a_workbook_of_another_template_is_refused() -> None:
    workbook = load_workbook(io.BytesIO(write_framework_workbook(small_framework())))
    del workbook["Chỉ số tổng hợp"]

    with pytest.raises(FrameworkDataError) as raised:
        read_framework_workbook(workbook_bytes(workbook))

    assert raised.value.problems == ["Tệp không đúng mẫu bộ chỉ số: thiếu trang “Chỉ số tổng hợp”."]


def test_a_file_that_is_not_a_workbook_is_refused() -> None:
    with pytest.raises(FrameworkDataError) as raised:
        read_framework_workbook(b"%PDF-1.7 not a spreadsheet")

    assert raised.value.problems == ["Tệp không phải là tệp Excel (.xlsx) hợp lệ."]


def test_a_zip_bomb_is_refused_before_it_is_unpacked() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (150 * 1024 * 1024))

    with pytest.raises(FrameworkDataError) as raised:
        read_framework_workbook(buffer.getvalue())

    assert raised.value.problems == ["Tệp Excel có cấu trúc bất thường (quá lớn khi giải nén) nên bị từ chối."]


def test_text_that_looks_like_a_formula_is_exported_as_text() -> None:
    data = small_framework()
    data.nodes[0].name = '=HYPERLINK("http://evil.example","bấm")'

    workbook = load_workbook(io.BytesIO(write_framework_workbook(data)))

    cell = workbook["Chỉ số"]["E2"]
    assert cell.value == '=HYPERLINK("http://evil.example","bấm")'
    assert cell.data_type == "s"


def test_a_formula_or_a_bidi_override_in_any_sheet_is_refused_naming_the_sheet_and_cell() -> None:
    workbook = load_workbook(io.BytesIO(write_framework_workbook(small_framework("cong-thuc"))))
    workbook["Chỉ số"]["G4"] = "=10+20"  # max_points of 1.1.1
    workbook["Chỉ số"]["E5"] = "Tần suất \u202ephát sóng"
    workbook["Chỉ số tổng hợp"]["B2"] = "=UPPER(A2)"

    with pytest.raises(FrameworkDataError) as raised:
        read_framework_workbook(workbook_bytes(workbook))

    bidi = "Nội dung có ký tự điều khiển hoặc ký tự đảo chiều văn bản không hợp lệ (U+202E): hãy xóa chúng."
    assert raised.value.problems == [
        "Trang “Chỉ số”, dòng 4, cột G: ô chứa công thức; hãy nhập giá trị.",
        f"Trang “Chỉ số”, dòng 5, cột E: {bidi}",
        "Trang “Chỉ số tổng hợp”, dòng 2, cột B: ô chứa công thức; hãy nhập giá trị.",
    ]


def test_names_that_look_like_formulas_reimport_as_text() -> None:
    data = small_framework("van-ban")
    data.nodes[0].name = "=1+1 là tên"

    assert read_framework_workbook(write_framework_workbook(data)).nodes[0].name == "=1+1 là tên"


def test_inferred_cells_survive_the_round_trip() -> None:
    data = small_framework("suy-ra")
    next(node for node in data.nodes if node.key == "2.1.2").inferred = ["code", "max_points"]
    original = import_framework(data=data)

    copy = read_framework_workbook(write_framework_workbook(framework_data(original)), code="suy-ra-2")

    assert next(node for node in copy.nodes if node.key == "2.1.2").inferred == ["code", "max_points"]
    assert [node.key for node in copy.nodes if node.inferred] == ["2.1.2"]
    workbook = load_workbook(io.BytesIO(write_framework_workbook(data)))
    sheet = workbook["Chỉ số"]
    header = [cell.value for cell in sheet[1]]
    assert sheet.cell(row=11, column=header.index("inferred") + 1).value == "code, max_points"


def test_a_workbook_exported_before_the_inferred_column_still_imports() -> None:
    old = small_framework("cu")
    old.nodes[2].guidance = "Đếm các chuyên mục đang hoạt động."
    workbook = load_workbook(io.BytesIO(write_framework_workbook(old)))
    sheet = workbook["Chỉ số"]
    header = [cell.value for cell in sheet[1]]
    sheet.delete_cols(header.index("inferred") + 1)

    data = read_framework_workbook(workbook_bytes(workbook))

    assert [node.inferred for node in data.nodes] == [[]] * 10
    assert data.nodes[2].guidance == "Đếm các chuyên mục đang hoạt động."


def test_an_unknown_inferred_cell_is_refused_naming_its_row() -> None:
    workbook = load_workbook(io.BytesIO(write_framework_workbook(small_framework("la"))))
    sheet = workbook["Chỉ số"]
    header = [cell.value for cell in sheet[1]]
    sheet.cell(row=4, column=header.index("inferred") + 1).value = "max_points, rule"

    with pytest.raises(FrameworkDataError) as raised:
        read_framework_workbook(workbook_bytes(workbook))

    assert raised.value.problems == [
        "Trang “Chỉ số”, dòng 4: “inferred” chỉ gồm các ô code, name, max_points; nhận được “rule”."
    ]


def test_the_admin_dry_run_counts_the_rows_with_inferred_cells(administrator: User) -> None:
    data = small_framework("suy-ra")
    next(node for node in data.nodes if node.key == "2.1.2").inferred = ["max_points"]
    upload = SimpleUploadedFile("suy-ra.xlsx", write_framework_workbook(data))
    client = Client()
    client.force_login(administrator)

    response = client.post("/admin/indicators/framework/import/", {"file": upload, "dry_run": "on"})

    html = response.content.decode()
    assert "1 dòng có ô suy ra, không in trong văn bản nguồn." in html
    assert not Framework.objects.exists()
