"""Who reaches a unit's list of departments, decided in one place for its pages.

A unit's own people read its list (reporter, IT lead, office, leader) and its office and leader keep
it; the authority's administrator reads any unit's. A department of a unit the user may not read
answers 404, never 403, so another unit's list is not revealed; one the user may read but not change
answers 403.
"""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _

from common.errors import Forbidden

from .models import Department, Organisation, User
from .names import vietnamese_sort_key

UNIT_LEVELS = (Organisation.Level.PROVINCE, Organisation.Level.MINISTRY)


def departments_unit_for(user: User, unit_code: str = "") -> Organisation | None:
    """The unit whose departments the user's page shows: their own unit; for the administrator the
    province or ministry named by `unit_code`, None until one is chosen. Anyone else is refused."""
    if user.holds_unit_role:
        return user.organisation
    if not user.is_administrator:
        raise Forbidden(_("Danh sách cơ quan, đơn vị thực hiện dành cho cán bộ của tỉnh, bộ."))
    if not unit_code:
        return None
    unit = Organisation.objects.filter(code=unit_code, level__in=UNIT_LEVELS).first()
    if unit is None:
        raise Http404("No such unit")
    return unit


def units_to_choose() -> list[Organisation]:
    """The units the administrator chooses from: provinces, then ministries, each in alphabetical order
    (units merged away included, with the years they existed, since their lists remain)."""
    return sorted(
        Organisation.objects.filter(level__in=UNIT_LEVELS),
        key=lambda unit: (unit.level != Organisation.Level.PROVINCE, vietnamese_sort_key(unit.short_name), unit.code),
    )


def _readers_only() -> Forbidden:
    return Forbidden(_("Tài khoản của bạn chỉ được xem danh sách cơ quan, đơn vị thực hiện."))


def unit_kept_by(user: User) -> Organisation:
    """The unit whose list the user changes: their own, when they are its office or leader."""
    unit = user.organisation if user.holds_unit_role else None
    if unit is None or not user.may_keep_departments(unit.pk):
        raise _readers_only()
    return unit


def get_department_for_keeper(user: User, department_id: int) -> Department:
    """A department the user may change: 404 if they may not even read its unit's list."""
    department = Department.objects.select_related("organisation").filter(pk=department_id).first()
    if department is None or not user.may_read_departments(department.organisation_id):
        raise Http404("No such department")
    if not user.may_keep_departments(department.organisation_id):
        raise _readers_only()
    return department
