from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import Organisation, Role, User

pytestmark = pytest.mark.django_db


def test_create_account_creates_then_updates_the_same_account(organisations: dict[str, Organisation]) -> None:
    call_command("create_account", "--username", "danang.cntt", "--password", "Mat-khau-thu-2026",
                 "--organisation", "48", "--role", "it_lead")  # fmt: skip
    call_command("create_account", "--username", "danang.cntt", "--organisation", "48",
                 "--role", "it_lead", "--role", "office")  # fmt: skip

    user = User.objects.get(username="danang.cntt")
    assert user.organisation == organisations["48"]
    assert user.roles == ["it_lead", "office"]
    assert user.check_password("Mat-khau-thu-2026")


def test_an_authority_role_at_a_province_is_refused(organisations: dict[str, Organisation]) -> None:
    with pytest.raises(CommandError, match=r"Vai trò appraiser không dùng cho tỉnh, thành phố\."):
        call_command("create_account", "--username", "x", "--password", "Mat-khau-thu-2026",
                     "--organisation", "48", "--role", "appraiser")  # fmt: skip

    assert not User.objects.filter(username="x").exists()


def test_a_weak_password_is_refused_with_the_validators_messages(organisations: dict[str, Organisation]) -> None:
    with pytest.raises(CommandError) as raised:
        call_command("create_account", "--username", "hue.baocao", "--password", "12345",
                     "--organisation", "46", "--role", "reporter")  # fmt: skip

    assert "Mật khẩu quá ngắn: cần ít nhất 10 ký tự." in str(raised.value)
    assert not User.objects.filter(username="hue.baocao").exists()


def test_an_unknown_organisation_is_named(organisations: dict[str, Organisation]) -> None:
    with pytest.raises(CommandError, match=r"Không có tổ chức mã '99'\."):
        call_command("create_account", "--username", "x", "--password", "Mat-khau-thu-2026",
                     "--organisation", "99", "--role", "reporter")  # fmt: skip


def test_personas_belong_to_their_units(danang_reporter: User, hue_reporter: User, appraiser: User) -> None:
    assert (danang_reporter.organisation.code, danang_reporter.has_role(Role.REPORTER)) == ("48", True)  # type: ignore[union-attr]
    assert (hue_reporter.organisation.code, hue_reporter.has_role(Role.IT_LEAD)) == ("46", False)  # type: ignore[union-attr]
    assert appraiser.role_problems() == []


def test_a_deactivated_user_holds_no_role(danang_reporter: User) -> None:
    danang_reporter.is_active = False

    assert danang_reporter.has_role(Role.REPORTER) is False
