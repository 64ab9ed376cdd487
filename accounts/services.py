"""Writing organisations: the reference list of provinces, ministries and the authority."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from knox.models import AuthToken

from common.errors import Rejected

from .models import Organisation, Region, Role, User, match_organisation


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
                "renamed": item.get("renamed") or [],
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


class AccountError(Rejected):
    """An account cannot be saved as asked; `problems` says why, one sentence each (Vietnamese)."""


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


@dataclass(frozen=True)
class UnusableAccount:
    """An account that takes steps in the portal's name but never signs in (the demo's simulated people)."""

    username: str
    organisation: Organisation
    roles: tuple[str, ...]
    full_name: str


@transaction.atomic
def save_unusable_accounts(accounts: list[UnusableAccount]) -> dict[str, User]:
    """Create the accounts that do not exist yet, switched off and without a usable password, in one
    statement; return every one of them by username. Existing accounts are returned as they are.

    Roles must fit the organisation, as for `save_account`; nothing is saved otherwise.
    """
    found = User.objects.in_bulk([account.username for account in accounts], field_name="username")
    missing = [
        User(
            username=account.username,
            organisation=account.organisation,
            roles=list(account.roles),
            first_name=account.full_name,
            # No password opens these accounts: they act only through services, never by signing in.
            password=make_password(None),
            is_active=False,
        )
        for account in accounts
        if account.username not in found
    ]
    problems = [f"{user.username}: {problem}" for user in missing for problem in user.role_problems()]
    if problems:
        raise AccountError(problems)
    for user in User.objects.bulk_create(missing):
        found[user.username] = user
    return found


ACCOUNT_COLUMNS = ("username", "organisation", "roles", "full_name", "email", "password")


@dataclass
class ImportedAccount:
    username: str
    organisation: str
    roles: list[str]
    password: str
    created: bool


def import_accounts(*, rows: list[dict[str, str]], dry_run: bool = False) -> list[ImportedAccount]:
    """Create or update accounts from a list (CSV or Excel rows), all or nothing.

    Columns: username, organisation (code, or the name as printed), roles (comma-separated codes),
    full_name, email, password (empty: a random one is generated and returned, to hand over).
    Raises AccountError naming the row of every problem; nothing is saved then, nor on a dry run.
    """
    # A name shared by a merged unit and its namesake predecessor means the unit that exists now.
    index = Organisation.objects.order_by(F("valid_to").desc(nulls_first=True), "code").name_index()
    problems: list[str] = []
    results: list[ImportedAccount] = []
    seen: dict[str, int] = {}
    with transaction.atomic():
        for number, row in enumerate(rows, start=2):
            username = (row.get("username") or "").strip()
            if not username:
                problems.append(f"Dòng {number}: thiếu tên đăng nhập (username).")
                continue
            if username in seen:
                problems.append(f"Dòng {number}: tên đăng nhập “{username}” đã có ở dòng {seen[username]}.")
                continue
            seen[username] = number
            organisation = match_organisation(index, row.get("organisation") or "")
            if organisation is None:
                problems.append(f"Dòng {number}: không có tổ chức “{(row.get('organisation') or '').strip()}”.")
                continue
            roles = [role.strip() for role in (row.get("roles") or "").replace(";", ",").split(",") if role.strip()]
            password = (row.get("password") or "").strip()
            exists = User.objects.filter(username=username).exists()
            generated = not password and not exists
            if generated:
                password = secrets.token_urlsafe(12)
            try:
                _user, created = save_account(
                    username=username,
                    password=password or None,
                    organisation=organisation,
                    roles=roles,
                    full_name=(row.get("full_name") or "").strip(),
                    email=(row.get("email") or "").strip(),
                )
            except AccountError as error:
                problems.extend(f"Dòng {number}: {problem}" for problem in error.problems)
                continue
            results.append(ImportedAccount(username, organisation.code, roles,
                                           password if generated else "", created))  # fmt: skip
        if problems or dry_run:
            transaction.set_rollback(True)
    if problems:
        raise AccountError(problems)
    return results


def read_account_rows(content: bytes, filename: str) -> list[dict[str, str]]:
    """Read an account list from CSV (UTF-8, comma or semicolon) or .xlsx; the first row names the columns."""
    from common.spreadsheets import read_table

    table = read_table(content, filename)
    if not table:
        raise AccountError(["Tệp không có dữ liệu."])
    header = [cell.strip().casefold() for cell in table[0]]
    missing = [column for column in ("username", "organisation", "roles") if column not in header]
    if missing:
        raise AccountError([f"Dòng 1: thiếu cột {', '.join(missing)} (cần: {', '.join(ACCOUNT_COLUMNS)})."])
    return [dict(zip(header, row, strict=False)) for row in table[1:] if any(cell.strip() for cell in row)]


@transaction.atomic
def deactivate_account(*, user_id: int) -> User:
    """Switch an account off: it can no longer log in, and its open sessions and API tokens end now
    (the tokens as the account is saved inactive, see `User.save`)."""
    from django.contrib.sessions.models import Session

    user = User.objects.select_for_update().get(pk=user_id)
    user.is_active = False
    user.save(update_fields=["is_active"])
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()
    return user


def revoke_api_token(*, user: User, digest: str) -> bool:
    """End one of the person's own API tokens, named by its stored digest (never the token itself);
    return False when they have no such token (another person's, or one already ended)."""
    deleted, _by_model = AuthToken.objects.filter(user=user, digest=digest).delete()
    return deleted > 0
