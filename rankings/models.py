"""Published results: frozen, versioned snapshots of a campaign's values and ranks.

The public and the API read only these. A later recompute never changes a snapshot; publishing
again (after a correction) adds a new version with a public revision note, and the old one stays.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, User
from common.vocabulary import HEADLINE
from submissions.models import Campaign

# The published index of the headline aggregate, as URLs, the API and the stored rows name it.
DTI = "dti"


def result_key(index: str) -> str:
    """The engine's key of a published index: the framework names its headline aggregate HEADLINE."""
    return HEADLINE if index == DTI else index


# The order in which a year and level's publications answer for it: an official result before any
# trial of the same year, then the newest.
NEWEST_FIRST = ("campaign__is_trial", "-published_at", "-version")


class PublicationQuerySet(models.QuerySet["Publication"]):
    def official(self) -> PublicationQuerySet:
        """The publications of real campaigns: the only ones the public, the API and integrators get."""
        return self.filter(campaign__is_trial=False)

    def visible_to(self, user: AbstractBaseUser | AnonymousUser) -> PublicationQuerySet:
        """What a person may read on the portal's pages: the official publications, and for a signed-in
        user also the trial ones (each page marks them as trials)."""
        if user.is_authenticated and user.is_active:
            return self.all()
        return self.official()

    def latest_for(self, *, year: int, level: str) -> Publication | None:
        """The newest version published for an assessment year and level (an official one before a trial)."""
        return (
            self.filter(campaign__year=year, campaign__level=level)
            .select_related("campaign__framework")
            .order_by(*NEWEST_FIRST)
            .first()
        )


class Publication(models.Model):
    class Source(models.TextChoices):
        COMPUTED = "computed", _("Tính từ số liệu đã thẩm định")
        IMPORTED = "imported", _("Nhập từ kết quả đã công bố")

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="publications")
    version = models.PositiveSmallIntegerField(_("phiên bản"))
    source = models.CharField(_("nguồn"), max_length=16, choices=Source.choices)
    published_at = models.DateTimeField(_("công bố lúc"), default=timezone.now)
    published_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    revision_note = models.TextField(_("ghi chú sửa đổi"), blank=True)
    reconciliation = models.JSONField(_("đối chiếu"), default=list, blank=True)
    # How much of the year's ranking the snapshot holds: the units in its tables, of the units of that
    # level and year in the ranked groups. Fewer is a partial publication, marked as such everywhere.
    covered_units = models.PositiveSmallIntegerField(_("số đơn vị trong bảng"), default=0)
    expected_units = models.PositiveSmallIntegerField(_("số đơn vị của năm và cấp"), default=0)
    # Where an imported table's figures were printed (the document, its section or page), shown beside them.
    source_note = models.TextField(_("nguồn số liệu"), blank=True)

    objects = PublicationQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at"]
        verbose_name = _("bản công bố")
        verbose_name_plural = _("bản công bố")
        constraints = [models.UniqueConstraint(fields=["campaign", "version"], name="one_version_number")]

    def __str__(self) -> str:
        return f"{self.campaign} v{self.version}"

    @classmethod
    def next_version(cls, campaign: Campaign) -> int:
        return (cls.objects.filter(campaign=campaign).aggregate(last=Max("version"))["last"] or 0) + 1

    @property
    def is_trial(self) -> bool:
        """A trial campaign's publication: shown only to signed-in users, never an official result."""
        return self.campaign.is_trial

    @property
    def is_partial(self) -> bool:
        """Published with `partial`: its tables lack some of the year's units, so its ranks are not the year's."""
        return self.covered_units < self.expected_units

    @property
    def coverage(self) -> dict[str, int]:
        """`{"units": n, "of": 63}`, as the API gives it."""
        return {"units": self.covered_units, "of": self.expected_units}

    def partial_note(self) -> str:
        """“Công bố một phần (5/63 đơn vị)” for a partial publication, else ""."""
        if not self.is_partial:
            return ""
        return gettext("Công bố một phần (%(units)s/%(of)s đơn vị)") % {
            "units": self.covered_units,
            "of": self.expected_units,
        }


def trial_note() -> str:
    """The words that mark a trial's publication wherever it appears."""
    return gettext("Chạy thử — không phải kết quả chính thức")


class PublishedResult(models.Model):
    """One unit's figure for one index (the DTI, a pillar or a main index) in a publication."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="results")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="published_results")
    group = models.CharField(_("nhóm xếp hạng"), max_length=32)
    index = models.CharField(_("chỉ số"), max_length=64, help_text=_("“dti”, mã trụ cột hoặc mã chỉ số chính."))
    score = models.DecimalField(_("điểm"), max_digits=16, decimal_places=8, null=True, blank=True)
    max_points = models.DecimalField(_("điểm tối đa"), max_digits=12, decimal_places=4, null=True, blank=True)
    computed_value = models.DecimalField(_("giá trị tính được"), max_digits=12, decimal_places=8, null=True)
    published_value = models.DecimalField(_("giá trị công bố"), max_digits=12, decimal_places=8, null=True)
    computed_rank = models.PositiveSmallIntegerField(_("hạng tính được"), null=True)
    rank = models.PositiveSmallIntegerField(_("hạng"), null=True)

    class Meta:
        ordering = ["publication", "index", "rank", "organisation__code"]
        verbose_name = _("kết quả công bố")
        verbose_name_plural = _("kết quả công bố")
        constraints = [
            models.UniqueConstraint(fields=["publication", "organisation", "index"], name="one_published_figure"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.index}: {self.value}"

    @property
    def value(self) -> Decimal | None:
        """The official figure: as published where the report gives it, else the computed one."""
        return self.published_value if self.published_value is not None else self.computed_value


class PrintedFigure(models.Model):
    """A figure the source of an imported publication prints about its year that no unit's row holds: how
    many national indices there are and how many are above 0,5, a peer group's average DTI. Shown as
    printed, with where, beside what the portal computes from the published rows; never used to compute."""

    class Kind(models.TextChoices):
        INDICES = "indices", _("Số chỉ số")
        INDICES_ABOVE_HALF = "indices_above_half", _("Số chỉ số có giá trị trên 0,5")
        GROUP_AVERAGE = "group_average", _("Giá trị DTI trung bình của nhóm")

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="printed_figures")
    kind = models.CharField(_("loại"), max_length=32, choices=Kind.choices)
    # The peer group a group average is of; blank for the other kinds.
    group = models.CharField(_("nhóm xếp hạng"), max_length=32, choices=Organisation.Group.choices, blank=True)
    value = models.DecimalField(_("giá trị"), max_digits=12, decimal_places=8)
    source = models.TextField(_("nguồn"))

    class Meta:
        ordering = ["publication", "kind", "group"]
        verbose_name = _("số liệu in trong nguồn")
        verbose_name_plural = _("số liệu in trong nguồn")
        constraints = [
            models.UniqueConstraint(fields=["publication", "kind", "group"], name="one_printed_figure"),
        ]

    def __str__(self) -> str:
        return f"{self.publication} {self.kind} {self.group}: {self.value}".replace("  ", " ")


def report_path(instance: ReportExport, filename: str) -> str:
    return f"reports/{instance.publication_id}/{filename}"


class ReportExport(models.Model):
    """The national yearly report of one publication as a PDF, built once in the background."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Đang chờ")
        RUNNING = "running", _("Đang tạo")
        DONE = "done", _("Hoàn tất")
        FAILED = "failed", _("Lỗi")

    publication = models.OneToOneField(Publication, on_delete=models.CASCADE, related_name="report")
    state = models.CharField(_("trạng thái"), max_length=16, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    file = models.FileField(upload_to=report_path, blank=True)
    error = models.TextField(blank=True)
    requested_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("báo cáo PDF")
        verbose_name_plural = _("báo cáo PDF")

    def __str__(self) -> str:
        return f"{self.publication}: {self.get_state_display()}"


class RobustnessResult(models.Model):
    """How robust each rank of a publication's DTI tables is (`scoring.robustness`): computed once per
    publication in the background, with the seed and parameters it was computed with, so that the same
    publication always gives the same bands."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Đang chờ")
        RUNNING = "running", _("Đang tính")
        DONE = "done", _("Hoàn tất")
        FAILED = "failed", _("Lỗi")

    publication = models.OneToOneField(Publication, on_delete=models.CASCADE, related_name="robustness")
    state = models.CharField(_("trạng thái"), max_length=16, choices=State.choices, default=State.QUEUED)
    seed = models.PositiveBigIntegerField(_("hạt giống ngẫu nhiên"))
    draws = models.PositiveIntegerField(_("số bộ trọng số rút ngẫu nhiên"))
    spread = models.DecimalField(_("biên độ trọng số"), max_digits=4, decimal_places=2)
    # What the analysis did, as `scoring.robustness.method` describes it; the API gives it as it is.
    method = models.JSONField(_("phương pháp"), default=dict, blank=True)
    # One row per ranked unit: organisation_code, group, rank, median_rank, rank_p05, rank_p95.
    rows = models.JSONField(_("kết quả"), default=list, blank=True)
    error = models.TextField(blank=True)
    requested_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("độ vững của thứ hạng")
        verbose_name_plural = _("độ vững của thứ hạng")

    def __str__(self) -> str:
        return f"{self.publication}: {self.get_state_display()}"

    @property
    def is_done(self) -> bool:
        return self.state == self.State.DONE

    @property
    def geometric_floor(self) -> float | None:
        """The floor the geometric mean gave a value below it, as the analysis ran."""
        return next((item["floor"] for item in self.method.get("alternatives", []) if "floor" in item), None)

    def bands(self) -> dict[str, RankBand]:
        """Each unit's band by organisation code."""
        return {
            row["organisation_code"]: RankBand(row["rank"], row["median_rank"], row["rank_p05"], row["rank_p95"])
            for row in self.rows
        }


@dataclass(frozen=True)
class RankBand:
    """A unit's official rank and where it ranks under the method's alternatives: the median and the
    5–95 % band (`scoring.robustness`)."""

    rank: int
    median: int
    low: int
    high: int


class SocialPreview(models.Model):
    """The social-preview image of a publication's table (`rankings.previews`), built once in the background
    after publication. Kept in the database, as the published results are: a few tens of kilobytes per
    publication, served from every web process with no shared file storage."""

    publication = models.OneToOneField(Publication, on_delete=models.CASCADE, related_name="preview")
    image = models.BinaryField(_("ảnh PNG"))
    built_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("ảnh xem trước khi chia sẻ")
        verbose_name_plural = _("ảnh xem trước khi chia sẻ")

    def __str__(self) -> str:
        return f"{self.publication}: preview"
