"""Writing organisations: the reference list of provinces, ministries and the authority."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from .models import Organisation, Region, Role, User


@transaction.atomic
def load_organisations(*, data: dict[str, Any]) -> int:
    """Create or update regions and organisations from the reference file's form; return how many.

    Idempotent: running it twice leaves the same rows. Predecessor links are replaced by the
    file's, so a corrected merger is corrected everywhere.
    """
    regions = {}
    for position, item in enumerate(data.get("regions", []), start=1):
        regions[item["code"]], _ = Region.objects.update_or_create(
            code=item["code"], defaults={"name": item["name"], "order": position}
        )
    organisations = {}
    for item in data["organisations"]:
        organisations[item["code"]], _ = Organisation.objects.update_or_create(
            code=item["code"],
            defaults={
                "level": item["level"],
                "name": item["name"],
                "short_name": item.get("short_name") or item["name"],
                "name_en": item.get("name_en") or "",
                "variants": item.get("variants") or [],
                "region": regions.get(item.get("region") or ""),
                "group": item["group"],
                "valid_from": item.get("valid_from"),
                "valid_to": item.get("valid_to"),
            },
        )
    for item in data["organisations"]:
        predecessor_codes = [*item.get("predecessors", []), *item.get("absorbed", [])]
        organisations[item["code"]].predecessors.set([organisations[code] for code in predecessor_codes])
    return len(organisations)


class AccountError(Exception):
    """An account cannot be saved as asked; `problems` says why, one sentence each (Vietnamese)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@transaction.atomic
def save_account(
    *,
    username: str,
    password: str | None,
    organisation: Organisation,
    roles: list[str],
    full_name: str = "",
    email: str = "",
) -> tuple[User, bool]:
    """Create the account, or update the one with this username; return it and whether it was created.

    Roles must fit the organisation (unit roles at provinces and ministries, appraiser and admin
    at the authority) and the password must pass the password validators; nothing is saved otherwise.
    """
    user = User.objects.select_for_update().filter(username=username).first()
    created = user is None
    if user is None:
        user = User(username=username)
    user.organisation = organisation
    user.roles = list(dict.fromkeys(roles))
    if full_name:
        user.first_name = full_name
    if email:
        user.email = email
    problems = user.role_problems()
    if not roles:
        problems.append("Tài khoản phải có ít nhất một vai trò.")
    if password is not None:
        try:
            validate_password(password, user)
        except ValidationError as error:
            problems.extend(error.messages)
        user.set_password(password)
    elif created:
        problems.append("Tài khoản mới cần mật khẩu.")
    if problems:
        raise AccountError(problems)
    user.is_active = True
    user.is_staff = Role.ADMIN in user.roles
    user.save()
    return user, created
