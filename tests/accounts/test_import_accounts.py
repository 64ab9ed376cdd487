"""Accounts in bulk from a CSV or Excel list, all or nothing; deactivation ends sessions."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from openpyxl import Workbook

from accounts.models import Organisation, User
from accounts.services import deactivate_account

pytestmark = pytest.mark.django_db

CSV = (
    "username;organisation;roles;full_name;email;password\n"
    "qn.baocao;Quảng Nam;reporter;Nguyễn Văn A;a@quangnam.gov.vn;\n"
    "qn.cntt;49;it_lead;;;Mat-khau-rat-manh-2026\n"
    "qn.vanphong;Tỉnh Quảng Nam;office;;;\n"
    "qn.lanhdao;Quảng Nam;leader;;;\n"
)


def organisation_code(user: User) -> str:
    assert user.organisation is not None
    return user.organisation.code


def test_a_csv_list_creates_four_accounts_per_unit_and_prints_generated_passwords(
    organisations: dict[str, Organisation], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "tai-khoan.csv"
    path.write_text(CSV, encoding="utf-8")

    call_command("import_accounts", str(path))

    users = {user.username: user for user in User.objects.filter(username__startswith="qn.")}
    assert {name: (organisation_code(user), user.roles) for name, user in users.items()} == {
        "qn.baocao": ("49", ["reporter"]),
        "qn.cntt": ("49", ["it_lead"]),
        "qn.vanphong": ("49", ["office"]),
        "qn.lanhdao": ("49", ["leader"]),
    }
    output = capsys.readouterr().out
    assert output.count("password:") == 3
    assert users["qn.cntt"].check_password("Mat-khau-rat-manh-2026")


def test_one_bad_row_saves_nothing_and_names_the_row(organisations: dict[str, Organisation], tmp_path: Path) -> None:
    path = tmp_path / "tai-khoan.xlsx"
    workbook = Workbook()
    sheet = workbook.active
    for row in [
        ["username", "organisation", "roles"],
        ["qn.baocao", "Quảng Nam", "reporter"],
        ["qn.thamdinh", "Quảng Nam", "appraiser"],
        ["kt.baocao", "Kon Tum", "reporter"],
    ]:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.write_bytes(buffer.getvalue())

    with pytest.raises(CommandError) as raised:
        call_command("import_accounts", str(path))

    message = str(raised.value)
    assert "Dòng 3:" in message
    assert "Dòng 4: không có tổ chức “Kon Tum”." in message
    assert not User.objects.filter(username__in=["qn.baocao", "qn.thamdinh", "kt.baocao"]).exists()


def test_a_dry_run_stores_nothing(organisations: dict[str, Organisation], tmp_path: Path) -> None:
    path = tmp_path / "tai-khoan.csv"
    path.write_text(CSV, encoding="utf-8")

    call_command("import_accounts", str(path), "--dry-run")

    assert not User.objects.filter(username__startswith="qn.").exists()


def test_deactivating_an_account_ends_its_sessions(danang_reporter: User) -> None:
    client = Client()
    client.force_login(danang_reporter)
    assert client.get("/submissions/").status_code == 200

    deactivate_account(user_id=danang_reporter.pk)

    response = client.get("/submissions/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_admin_upload_imports_a_list(organisations: dict[str, Organisation], administrator: User) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = Client()
    client.force_login(administrator)

    response = client.post("/admin/accounts/user/import/",
                           {"file": SimpleUploadedFile("tai-khoan.csv", CSV.encode(), "text/csv")})  # fmt: skip

    assert response.status_code == 200
    assert [account.username for account in response.context["imported"]] == [
        "qn.baocao", "qn.cntt", "qn.vanphong", "qn.lanhdao",
    ]  # fmt: skip
    assert User.objects.filter(username__startswith="qn.").count() == 4


def test_a_list_with_control_characters_in_a_name_saves_nothing_and_names_the_cell(
    organisations: dict[str, Organisation], tmp_path: Path
) -> None:
    path = tmp_path / "tai-khoan.csv"
    path.write_text(CSV.replace("Nguyễn Văn A", "Nguyễn\u001b[2J Văn A"), encoding="utf-8")

    with pytest.raises(CommandError) as raised:
        call_command("import_accounts", str(path))

    assert (
        "Dòng 2, cột D: Nội dung có ký tự điều khiển hoặc ký tự đảo chiều văn bản không hợp lệ (U+001B): hãy xóa chúng."
        in str(raised.value)
    )
    assert not User.objects.filter(username__startswith="qn.").exists()
