"""Comparing two versions of a framework, node by node: for the import's dry run and the public page."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from .parse import FrameworkData, plain_number


class ChangeKind(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"


@dataclass
class Change:
    """One difference between two framework versions, for the dry run and the comparison page."""

    kind: ChangeKind
    key: str
    name: str
    details: list[str] = field(default_factory=list)


_COMPARED_FIELDS = (
    ("name", "tên"),
    ("max_points", "điểm tối đa"),
    ("kind", "loại"),
    ("parent", "chỉ số cha"),
    ("source", "nguồn dữ liệu"),
    ("rule", "quy tắc"),
    ("parameters", "tham số"),
    ("evidence_required", "cần tài liệu kiểm chứng"),
    ("not_applicable_groups", "không áp dụng cho nhóm"),
    ("focus", "cần tập trung"),
    ("inferred", "ô suy ra"),
)


def compare_frameworks(old: FrameworkData, new: FrameworkData, mapping: dict[str, str] | None = None) -> list[Change]:
    """List the nodes added, removed or changed from `old` to `new`, in `new`'s order.

    Nodes are matched by key, or through `mapping` (old key → new key) where a later version
    gave the same indicator a new code.
    """
    mapping = mapping or {}
    renamed_to = {old_key: new_key for old_key, new_key in mapping.items()}
    renamed_from = {new_key: old_key for old_key, new_key in mapping.items()}
    old_nodes = {node.key: node for node in old.nodes}
    new_keys = {node.key for node in new.nodes}
    changes: list[Change] = []
    for node in new.nodes:
        before = old_nodes.get(renamed_from.get(node.key, node.key))
        if before is None:
            changes.append(
                Change(ChangeKind.ADDED, node.key, node.name, [f"điểm tối đa {plain_number(node.max_points)}"])
            )
            continue
        details = [
            f"{label}: {_show(getattr(before, attribute))} → {_show(getattr(node, attribute))}"
            for attribute, label in _COMPARED_FIELDS
            if getattr(before, attribute) != getattr(node, attribute) and attribute != "parent"
        ]
        if before.key != node.key:
            details.insert(0, f"mã: {before.key} → {node.key}")
        elif before.parent != node.parent:
            details.append(f"chỉ số cha: {_show(before.parent)} → {_show(node.parent)}")
        if details:
            changes.append(Change(ChangeKind.CHANGED, node.key, node.name, details))
    changes.extend(
        Change(ChangeKind.REMOVED, node.key, node.name, [f"điểm tối đa {plain_number(node.max_points)}"])
        for node in old.nodes
        if renamed_to.get(node.key, node.key) not in new_keys
    )
    return changes


def _show(value: Any) -> str:
    if isinstance(value, Decimal):
        return plain_number(value) or ""
    if value in (None, "", [], {}):
        return "—"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)
