"""Organisations that are assessed or assess: provinces, ministries, the country (the national DTI's
one unit) and the national authority.

Organisations change over time (63 provinces became 34 in 2025; ministries were merged the same
year), so each has the assessment years it exists and links to the units it was formed from.
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .names import normalise_name, vietnamese_sort_key

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Region(models.Model):
    """A socio-economic region; ranking tables can be filtered by it."""

    code = models.SlugField(_("mã"), max_length=64, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("vùng")
        verbose_name_plural = _("vùng")

    def __str__(self) -> str:
        return self.name


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def valid_in(self, year: int) -> OrganisationQuerySet:
        """Return the organisations that exist in the given assessment year."""
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=year),
            Q(valid_to__isnull=True) | Q(valid_to__gte=year),
        )

    def of_level(self, level: str) -> OrganisationQuerySet:
        return self.filter(level=level)

    def name_index(self) -> dict[str, Organisation]:
        """Map every code and normalised name, short name and variant to its organisation.

        Used by every import to match units "by code or name as printed"; scope the queryset to
        one year and level first, since a merged unit and its namesake predecessor share a name.
        """
        index: dict[str, Organisation] = {}
        for organisation in self:
            index[organisation.code] = organisation
            for name in organisation.all_names():
                index.setdefault(normalise_name(name), organisation)
        return index


# A year after every renaming the reference data can hold: "now".
LATEST_YEAR = 9999


class Organisation(models.Model):
    class Level(models.TextChoices):
        PROVINCE = "province", _("Tỉnh, thành phố")
        MINISTRY = "ministry", _("Bộ, ngành")
        # The country itself: the national DTI, one figure a year, never ranked.
        NATIONAL = "national", _("Quốc gia")
        AUTHORITY = "authority", _("Cơ quan đánh giá")

    class Group(models.TextChoices):
        PROVINCE = "province", _("Tỉnh, thành phố trực thuộc Trung ương")
        PUBLIC_SERVICES = "public_services", _("Bộ, ngành cung cấp dịch vụ công")
        NO_PUBLIC_SERVICES = "no_public_services", _("Bộ, ngành không cung cấp dịch vụ công")
        NOT_ASSESSED = "not_assessed", _("Không thực hiện đánh giá")
        NATIONAL = "national", _("Quốc gia")
        AUTHORITY = "authority", _("Cơ quan đánh giá")

    code = models.CharField(_("mã"), max_length=32, unique=True, help_text=_("Mã hành chính với tỉnh, thành phố."))
    level = models.CharField(_("cấp"), max_length=16, choices=Level.choices)
    name = models.CharField(_("tên đầy đủ"), max_length=200)
    short_name = models.CharField(_("tên trong bảng xếp hạng"), max_length=200)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=200, blank=True)
    variants = models.JSONField(_("cách viết khác"), default=list, blank=True)
    region = models.ForeignKey(
        Region, verbose_name=_("vùng"), null=True, blank=True, on_delete=models.PROTECT, related_name="organisations"
    )
    group = models.CharField(_("nhóm xếp hạng"), max_length=32, choices=Group.choices)
    valid_from = models.PositiveSmallIntegerField(
        _("từ năm đánh giá"), null=True, blank=True, help_text=_("Để trống: tồn tại từ trước 2020.")
    )
    valid_to = models.PositiveSmallIntegerField(
        _("đến năm đánh giá"), null=True, blank=True, help_text=_("Để trống: còn tồn tại.")
    )
    renamed = models.JSONField(
        _("đổi tên"),
        default=list,
        blank=True,
        help_text=_("Tên mới từ một năm đánh giá: [{“from_year”: 2025, “name”: …, “short_name”: …}]."),
    )
    predecessors = models.ManyToManyField(
        "self", verbose_name=_("đơn vị tiền thân"), symmetrical=False, blank=True, related_name="successors"
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["level", "code"]
        verbose_name = _("tổ chức")
        verbose_name_plural = _("tổ chức")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_from__lte=models.F("valid_to")),
                name="organisation_valid_years_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.short_name

    def all_names(self) -> list[str]:
        """Return the full and short names (every year's) and every accepted variant."""
        later = [change.get(key, "") for change in self.renamed for key in ("name", "short_name")]
        return [name for name in [self.name, self.short_name, *later, *self.variants] if name]

    def names_in(self, year: int) -> tuple[str, str]:
        """(full name, short name) the unit bore in an assessment year: each renaming from its year on."""
        name, short_name = self.name, self.short_name
        for change in sorted(self.renamed, key=lambda change: int(change["from_year"])):
            if int(change["from_year"]) <= year:
                name, short_name = change.get("name") or name, change.get("short_name") or short_name
        return name, short_name

    def short_name_in(self, year: int) -> str:
        return self.names_in(year)[1]

    @property
    def current_name(self) -> str:
        """The full name the unit bears now, after every renaming."""
        return self.names_in(LATEST_YEAR)[0]

    def exists_in(self, year: int) -> bool:
        """Return True when the organisation exists in the given assessment year."""
        return (self.valid_from is None or self.valid_from <= year) and (self.valid_to is None or year <= self.valid_to)


def match_organisation(index: dict[str, Organisation], text: str) -> Organisation | None:
    """Return the organisation `text` names (a code, or a name as printed), using `name_index()`."""
    text = text.strip()
    return index.get(text) or index.get(normalise_name(text))


class Role(models.TextChoices):
    """What a user may do at their organisation (seed 004 names the four provincial accounts)."""

    REPORTER = "reporter", _("Chuyên viên báo cáo")
    IT_LEAD = "it_lead", _("Lãnh đạo cơ quan chuyên trách CNTT")
    OFFICE = "office", _("Văn phòng UBND/Bộ (giám sát)")
    LEADER = "leader", _("Lãnh đạo tỉnh/bộ (phê duyệt)")
    APPRAISER = "appraiser", _("Cán bộ thẩm định")
    ADMIN = "admin", _("Quản trị hệ thống")


UNIT_ROLES = frozenset({Role.REPORTER, Role.IT_LEAD, Role.OFFICE, Role.LEADER})
AUTHORITY_ROLES = frozenset({Role.APPRAISER, Role.ADMIN})
# The unit's office and leader keep its list of departments; its other people read it.
DEPARTMENT_KEEPERS = frozenset({Role.OFFICE, Role.LEADER})


class User(AbstractUser):
    """A person with an account: belongs to one organisation and holds one or more roles there.

    Unit roles (reporter, IT lead, office, leader) belong to provinces and ministries; appraiser
    and administrator belong to the national authority.
    """

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("tổ chức"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    roles = models.JSONField(_("vai trò"), default=list, blank=True)

    class Meta(AbstractUser.Meta):
        # django-stubs declares AbstractUser.Meta's names as str; Django itself sets them lazily, as here.
        verbose_name = _("tài khoản")  # type: ignore[assignment]
        verbose_name_plural = _("tài khoản")  # type: ignore[assignment]

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Django keeps the new raw password in `_password` from set_password() until the save; a rehash
        # at login clears it first, so only a real change counts.
        password_changed = self.pk is not None and getattr(self, "_password", None) is not None
        super().save(*args, **kwargs)
        if password_changed or not self.is_active:
            self.revoke_api_tokens()

    def revoke_api_tokens(self) -> int:
        """End every API token of the account; return how many. A token must not outlive the password
        it was issued for, nor the account being switched off."""
        from knox.models import AuthToken

        deleted, _by_model = AuthToken.objects.filter(user=self).delete()
        return deleted

    def live_api_tokens(self) -> QuerySet[Any]:
        """The account's API tokens that have not expired, newest first."""
        from knox.models import AuthToken

        return AuthToken.objects.filter(user=self, expiry__gt=timezone.now()).order_by("-created")

    def has_role(self, role: str) -> bool:
        return self.is_active and role in self.roles

    @property
    def is_appraiser(self) -> bool:
        return self.has_role(Role.APPRAISER)

    @property
    def is_administrator(self) -> bool:
        """The portal's administrator at the authority (not Django's superuser flag)."""
        return self.has_role(Role.ADMIN)

    @property
    def is_authority(self) -> bool:
        """An appraiser or an administrator of the national authority: sees every unit's work."""
        return self.is_appraiser or self.is_administrator

    def may_act_as(self, role: str, organisation_id: int) -> bool:
        """Whether the user holds `role` where it counts: at the unit, or at the authority for its roles."""
        if not self.has_role(role):
            return False
        return role in AUTHORITY_ROLES or self.organisation_id == organisation_id

    @property
    def holds_unit_role(self) -> bool:
        """Whether the user works for a province or ministry (reporter, IT lead, office or leader)."""
        return self.organisation_id is not None and any(self.has_role(role) for role in UNIT_ROLES)

    def may_keep_departments(self, organisation_id: int) -> bool:
        """Whether the user adds, edits, imports and removes the unit's departments."""
        return any(self.may_act_as(role, organisation_id) for role in DEPARTMENT_KEEPERS)

    def may_read_departments(self, organisation_id: int) -> bool:
        """Whether the user sees the unit's list of departments: its own people, and the authority's
        administrator for any unit."""
        return self.is_administrator or any(self.may_act_as(role, organisation_id) for role in UNIT_ROLES)

    def has_perm(self, perm: str, obj: models.Model | None = None) -> bool:
        """The authority's administrators hold every admin permission; each ModelAdmin still narrows it."""
        return self.has_role(Role.ADMIN) or super().has_perm(perm, obj)

    def has_module_perms(self, app_label: str) -> bool:
        return self.has_role(Role.ADMIN) or super().has_module_perms(app_label)

    def role_labels(self) -> list[StrOrPromise]:
        return [Role(role).label for role in self.roles if role in Role.values]

    def role_problems(self) -> list[str]:
        """Return why the roles do not fit the organisation, in Vietnamese; [] when they do."""
        unknown = [role for role in self.roles if role not in Role.values]
        if unknown:
            return [f"Vai trò không tồn tại: {', '.join(unknown)}."]
        if self.roles and self.organisation is None:
            return ["Tài khoản có vai trò phải thuộc một tổ chức."]
        if self.organisation is None:
            return []
        allowed = AUTHORITY_ROLES if self.organisation.level == Organisation.Level.AUTHORITY else UNIT_ROLES
        wrong = [role for role in self.roles if role not in allowed]
        if wrong:
            return [f"Vai trò {', '.join(wrong)} không dùng cho {self.organisation.get_level_display().lower()}."]
        return []


def department_name_key(name: str) -> str:
    """The form of a department's name that uniqueness compares: case, Unicode form and the spacing
    around and between words ignored ("Sở Nội vụ" and " sở  nội VỤ " are one department)."""
    return unicodedata.normalize("NFC", " ".join(name.split())).casefold()


class DepartmentQuerySet(models.QuerySet["Department"]):
    def of_unit(self, organisation_id: int) -> DepartmentQuerySet:
        return self.filter(organisation_id=organisation_id)

    def by_name_key(self) -> dict[str, Department]:
        """Map each department's `department_name_key` to it (scope to one unit first)."""
        return {department.name_key: department for department in self}

    def in_reading_order(self) -> list[Department]:
        """The departments in Vietnamese alphabetical order of their names (the database's collation
        puts "Đ" after "Z")."""
        return sorted(self, key=lambda department: vietnamese_sort_key(department.name))


class Department(models.Model):
    """A department of a province or ministry (a Sở, Ban, ngành, a district's People's Committee) that an
    improvement plan can make responsible for an index (seed 003 §IV–VI). Kept by the unit's office or
    leader."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("tổ chức"), on_delete=models.CASCADE, related_name="departments"
    )
    name = models.CharField(_("tên cơ quan, đơn vị"), max_length=200)
    short_name = models.CharField(_("tên viết tắt"), max_length=60, blank=True)
    contact = models.CharField(_("đầu mối liên hệ"), max_length=300, blank=True)

    objects = DepartmentQuerySet.as_manager()

    class Meta:
        ordering = ["organisation", "name"]
        verbose_name = _("cơ quan, đơn vị thực hiện")
        verbose_name_plural = _("cơ quan, đơn vị thực hiện")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="one_department_name_per_unit"),
        ]

    def __str__(self) -> str:
        return self.short_name or self.name

    def get_absolute_url(self) -> str:
        return reverse("accounts:department", args=[self.pk])

    @property
    def name_key(self) -> str:
        return department_name_key(self.name)
