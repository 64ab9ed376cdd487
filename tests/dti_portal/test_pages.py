"""The page frame every user sees: language, navigation, login, security headers, own assets."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.template import Context, Template
from django.test import Client
from django.utils import translation

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def test_home_page_speaks_vietnamese_by_default(client: Client) -> None:
    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert "Cổng đánh giá Chỉ số chuyển đổi số (DTI)" in html
    assert "Đăng nhập" in html
    assert "Bộ Khoa học và Công nghệ" in html


def test_a_browser_asking_for_english_still_gets_vietnamese_until_the_switch_is_used(client: Client) -> None:
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert '<html lang="vi">' in response.content.decode()


def test_language_switch_turns_the_page_to_english(client: Client) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)

    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Digital Transformation Index (DTI) Portal" in html
    assert "Log in" in html


def test_authority_name_comes_from_the_setting(client: Client, settings: object) -> None:
    settings.AUTHORITY_NAME = "Bộ Thông tin và Truyền thông"  # type: ignore[attr-defined]

    html = client.get("/").content.decode()

    assert "Bộ Thông tin và Truyền thông" in html


def test_login_form_labels_its_fields_and_logs_in(client: Client) -> None:
    UserFactory.create(username="danang.baocao", password="Mat-khau-thu-2026")

    page = client.get("/accounts/login/").content.decode()
    response = client.post("/accounts/login/", {"username": "danang.baocao", "password": "Mat-khau-thu-2026"})

    assert '<label for="id_username">Tên đăng nhập</label>' in page
    assert '<label for="id_password">Mật khẩu</label>' in page
    assert response.status_code == 302
    assert client.get("/").context["user"].username == "danang.baocao"


def test_wrong_password_is_refused_with_a_vietnamese_message(client: Client) -> None:
    UserFactory.create(username="danang.baocao", password="Mat-khau-thu-2026")

    response = client.post("/accounts/login/", {"username": "danang.baocao", "password": "sai"})

    assert response.status_code == 200
    assert "mật khẩu chính xác" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_is_a_post_that_ends_the_session(client: Client) -> None:
    client.force_login(UserFactory.create())

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_pages_carry_a_strict_content_security_policy(client: Client) -> None:
    response = client.get("/")

    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_the_stylesheet_is_served_by_the_portal_itself(client: Client) -> None:
    response = client.get("/static/css/portal.css")

    assert response.status_code == 200
    assert b"--blue-700" in b"".join(response.streaming_content)  # type: ignore[attr-defined]


def test_no_template_or_asset_loads_anything_from_another_host() -> None:
    external = re.compile(r"""(src|href)\s*=\s*["']\s*(https?:)?//""", re.IGNORECASE)
    files = [*PROJECT_ROOT.glob("templates/**/*.html"), *PROJECT_ROOT.glob("*/templates/**/*.html")]
    files += [*PROJECT_ROOT.glob("static/**/*.css")]

    offenders = [str(path.relative_to(PROJECT_ROOT)) for path in files if external.search(path.read_text())]

    assert files
    assert offenders == []


def test_numbers_and_dates_print_the_vietnamese_way() -> None:
    template = Template("{% load l10n %}{{ value|localize }} {{ day|date:'SHORT_DATE_FORMAT' }}")

    with translation.override("vi"):
        rendered = template.render(Context({"value": Decimal("0.6419"), "day": datetime.date(2022, 3, 31)}))

    assert rendered == "0,6419 31/03/2022"


def test_unknown_pages_answer_404_in_the_portal_frame(client: Client) -> None:
    response = client.get("/khong-co-trang-nay/")

    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def test_the_api_docs_are_served_locally_without_inline_code(client: Client) -> None:
    html = client.get("/api/docs/").content.decode()

    assert '<script src="/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js"></script>' in html
    assert "<style>" not in html
    assert "<script>" not in html


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_language_switch_names_each_language_in_its_own_language(client: Client, language: str) -> None:
    client.post("/i18n/setlang/", {"language": language, "next": "/"})

    html = client.get("/").content.decode()

    options = re.findall(r'<option value="(\w+)"(?: selected)? lang="\w+">([^<]+)</option>', html)
    assert options == [("vi", "Tiếng Việt"), ("en", "English")]
