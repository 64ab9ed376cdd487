"""Frameworks of the DTI: versions of the index fixed by decision, each a tree of indicators.

A framework is data: loaded from fixtures or an Excel file, checked by the integrity check, and
never named in code. Each assessment year is scored with the framework that applies to it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.rules import described_parameters

from .rules import RULE_CHOICES, describe_rule


@dataclass
class TreeNode:
    node: Node
    children: list[TreeNode]

    @property
    def is_leaf(self) -> bool:
        return not self.children


class FrameworkQuerySet(models.QuerySet["Framework"]):
    def for_year(self, year: int, level: str) -> FrameworkQuerySet:
        """Return the frameworks of a level that apply to an assessment year, newest decision first."""
        return self.filter(
            Q(first_year__lte=year), Q(last_year__isnull=True) | Q(last_year__gte=year), level=level
        ).order_by("-decision_date", "-id")


class Framework(models.Model):
    class Level(models.TextChoices):
        PROVINCE = "province", _("Cấp tỉnh")
        MINISTRY = "ministry", _("Cấp bộ")
        NATIONAL = "national", _("Cấp quốc gia")

    code = models.SlugField(_("mã"), max_length=64, unique=True)
    level = models.CharField(_("cấp"), max_length=16, choices=Level.choices)
    name = models.CharField(_("tên"), max_length=300)
    decision_number = models.CharField(_("số quyết định"), max_length=64)
    decision_date = models.DateField(_("ngày quyết định"))
    first_year = models.PositiveSmallIntegerField(_("áp dụng từ năm đánh giá"))
    last_year = models.PositiveSmallIntegerField(_("áp dụng đến năm đánh giá"), null=True, blank=True)
    max_points = models.DecimalField(_("tổng điểm tối đa"), max_digits=10, decimal_places=4)
    precision = models.PositiveSmallIntegerField(_("số chữ số thập phân khi công bố"), default=4)
    source = models.TextField(_("nguồn"), blank=True)
    based_on = models.ForeignKey(
        "self", verbose_name=_("phiên bản trước"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    complete = models.BooleanField(
        _("đầy đủ"), default=False, help_text=_("Do kiểm tra tính toàn vẹn xác định; không sửa tay.")
    )
    integrity_report = models.JSONField(_("kết quả kiểm tra"), default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FrameworkQuerySet.as_manager()

    class Meta:
        ordering = ["-decision_date", "level", "code"]
        verbose_name = _("bộ chỉ số")
        verbose_name_plural = _("bộ chỉ số")

    def __str__(self) -> str:
        return f"{self.code} ({self.decision_number})"

    def applies_to(self, year: int) -> bool:
        return self.first_year <= year and (self.last_year is None or year <= self.last_year)

    def years_label(self) -> str:
        """The assessment years it applies to, e.g. "2021–2024" or "2020"."""
        if self.last_year == self.first_year:
            return str(self.first_year)
        return f"{self.first_year}–{self.last_year or ''}"

    def tree(self) -> list[TreeNode]:
        """Return the nodes as a tree of TreeNode, in order, with one query."""
        by_parent: dict[int | None, list[Node]] = {}
        for node in self.nodes.order_by("order"):
            by_parent.setdefault(node.parent_id, []).append(node)

        def grow(parent_id: int | None) -> list[TreeNode]:
            return [TreeNode(node, grow(node.pk)) for node in by_parent.get(parent_id, [])]

        return grow(None)


class Node(models.Model):
    """One indicator of a framework's tree: a pillar, main index, component index or criterion.

    A leaf is whatever has no children; only leaves carry a data source and a scoring rule.
    `key` identifies the node within its framework: the printed code, prefixed by the pillar
    where numbering restarts in each pillar (the 2020 provincial tables: "CQS/5.9.2").
    `inferred` names the printed cells of the row (code, name, max points) that the source does
    not print and whoever built the data inferred (from weights, sums, structure); a framework
    with an inferred cell is never complete.
    """

    class Kind(models.TextChoices):
        PILLAR = "pillar", _("Trụ cột")
        MAIN = "main", _("Chỉ số chính")
        COMPONENT = "component", _("Chỉ số thành phần")
        CRITERION = "criterion", _("Tiêu chí")

    class Source(models.TextChoices):
        SELF_REPORT = "self_report", _("Đơn vị tự báo cáo")
        MONITORED = "monitored", _("Hệ thống giám sát, đo lường")
        SURVEY = "survey", _("Điều tra xã hội")
        CYBERSPACE = "cyberspace", _("Đánh giá trên không gian mạng")
        EXPERT = "expert", _("Đánh giá của chuyên gia")

    class Cell(models.TextChoices):
        """The cells a source prints for a row, any of which may be inferred instead."""

        CODE = "code", _("Mã")
        NAME = "name", _("Tên")
        MAX_POINTS = "max_points", _("Điểm tối đa")

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="nodes")
    key = models.CharField(_("khóa"), max_length=64)
    code = models.CharField(_("mã in"), max_length=32)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    kind = models.CharField(_("loại"), max_length=16, choices=Kind.choices)
    name = models.TextField(_("tên"))
    name_en = models.TextField(_("tên tiếng Anh"), blank=True)
    max_points = models.DecimalField(_("điểm tối đa"), max_digits=10, decimal_places=4, null=True, blank=True)
    order = models.PositiveIntegerField(_("thứ tự"))
    guidance = models.TextField(_("hướng dẫn"), blank=True)
    source = models.CharField(_("nguồn dữ liệu"), max_length=16, choices=Source.choices, blank=True)
    unit = models.CharField(_("đơn vị tính"), max_length=32, blank=True)
    evidence_required = models.BooleanField(_("cần tài liệu kiểm chứng"), default=False)
    rule = models.CharField(_("quy tắc tính điểm"), max_length=32, choices=RULE_CHOICES, blank=True)
    parameters = models.JSONField(_("tham số"), default=dict, blank=True)
    not_applicable_groups = models.JSONField(_("không áp dụng cho nhóm"), default=list, blank=True)
    focus = models.BooleanField(_("chỉ số cần tập trung"), default=False)
    incomplete = models.BooleanField(
        _("thiếu dữ liệu nguồn"), default=False, help_text=_("Văn bản nguồn bị mất một phần chỉ số con hoặc điểm.")
    )
    inferred = models.JSONField(
        _("ô suy ra"),
        default=list,
        blank=True,
        help_text=_("Các ô (mã, tên, điểm tối đa) suy ra, không in trong văn bản nguồn."),
    )

    class Meta:
        ordering = ["framework", "order"]
        verbose_name = _("chỉ số")
        verbose_name_plural = _("chỉ số")
        constraints = [
            models.UniqueConstraint(fields=["framework", "key"], name="node_key_unique_in_framework"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def anchor(self) -> str:
        """An HTML id for the node: "CQS/5.9.2" → "node-CQS-5-9-2"."""
        return "node-" + re.sub(r"[^0-9A-Za-z]+", "-", self.key).strip("-")

    def ancestors(self, nodes: Mapping[int, Node]) -> list[Node]:
        """The nodes above this one, the root first; `nodes` maps the framework's node ids to nodes."""
        found = []
        node = self
        while node.parent_id is not None:
            node = nodes[node.parent_id]
            found.append(node)
        return found[::-1]

    def main_index(self, nodes: Mapping[int, Node]) -> Node:
        """The main index this node belongs to (itself for a main index, the root where there is none)."""
        node = self
        while node.kind != self.Kind.MAIN and node.parent_id is not None:
            node = nodes[node.parent_id]
        return node

    def inferred_cells(self) -> list[Node.Cell]:
        """The cells of this row the source does not print, in the order code, name, max points."""
        return [cell for cell in self.Cell if cell.value in self.inferred]

    @property
    def code_inferred(self) -> bool:
        return self.Cell.CODE in self.inferred

    @property
    def name_inferred(self) -> bool:
        return self.Cell.NAME in self.inferred

    @property
    def points_inferred(self) -> bool:
        return self.Cell.MAX_POINTS in self.inferred

    def applies_to_group(self, group: str) -> bool:
        """Whether the leaf counts for a unit of this peer group (some leaves do not apply to some groups)."""
        return group not in (self.not_applicable_groups or [])

    def described_parameters(self) -> dict[str, Any]:
        """The rule's parameters as the API gives them (levels with their keys, target or cap, direction)."""
        return described_parameters(self.rule, self.parameters or {}) if self.rule else {}

    def describe_rule(self) -> str:
        """The leaf's scoring rule in words; "" for inner nodes."""
        return describe_rule(self.rule, self.parameters, self.max_points) if self.rule else ""


class Aggregate(models.Model):
    """A named sum over main indices: the DTI itself, or a pillar (trụ cột)."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="aggregates")
    code = models.CharField(_("mã"), max_length=32)
    name = models.CharField(_("tên"), max_length=200)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    main_indices = models.ManyToManyField(Node, verbose_name=_("chỉ số chính"), related_name="aggregates")

    class Meta:
        ordering = ["framework", "order"]
        verbose_name = _("chỉ số tổng hợp")
        verbose_name_plural = _("chỉ số tổng hợp")
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="aggregate_code_unique_in_framework"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class DeclaredStructure(models.Model):
    """What the source's structure section says a pillar or main index holds, to check completeness."""

    node = models.OneToOneField(Node, on_delete=models.CASCADE, related_name="declared")
    components = models.PositiveSmallIntegerField(_("số chỉ số thành phần"), null=True, blank=True)
    criteria = models.PositiveSmallIntegerField(_("số tiêu chí"), null=True, blank=True)
    component_names = models.JSONField(_("tên các chỉ số thành phần"), default=list, blank=True)

    class Meta:
        verbose_name = _("cấu trúc công bố")
        verbose_name_plural = _("cấu trúc công bố")

    def __str__(self) -> str:
        return f"{self.node.key}: {self.components} / {self.criteria}"


class MissingNode(models.Model):
    """A part of the framework the source text lost: listed, never invented."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="missing")
    parent = models.ForeignKey(Node, null=True, blank=True, on_delete=models.CASCADE, related_name="missing")
    what = models.CharField(_("phần thiếu"), max_length=16)
    code = models.CharField(_("mã in"), max_length=32, blank=True)
    name = models.TextField(_("tên"), blank=True)
    reason = models.TextField(_("lý do"))

    class Meta:
        ordering = ["framework", "id"]
        verbose_name = _("phần bị thiếu")
        verbose_name_plural = _("phần bị thiếu")

    def __str__(self) -> str:
        return f"{self.what} {self.code} {self.name}".strip()


class NodeMapping(models.Model):
    """Two nodes of different framework versions that mean the same thing (for comparing years)."""

    earlier = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="mapped_to")
    later = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="mapped_from")
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("ánh xạ chỉ số")
        verbose_name_plural = _("ánh xạ chỉ số")
        constraints = [models.UniqueConstraint(fields=["earlier", "later"], name="node_mapping_unique")]

    def __str__(self) -> str:
        return f"{self.earlier.key} → {self.later.key}"
