"""A small, complete framework as plain data, for tests that need one without the fixtures; the shipped ones."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from indicators.framework.parse import AggregateData, DeclaredData, FrameworkData, NodeData

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
BROADCAST_LEVELS = [{"label": "Hằng tuần", "fraction": "1"}, {"label": "Hằng tháng", "fraction": "0.5"}]


def small_framework(code: str = "thu-nghiem") -> FrameworkData:
    """Two main indices (60 + 40 = 100 points), three components, five criteria."""

    def node(key: str, parent: str | None, kind: str, name: str, points: str, **leaf: Any) -> NodeData:
        return NodeData(key=key, code=key, parent=parent, kind=kind, name=name, max_points=Decimal(points), **leaf)

    def leaf(key: str, parent: str, name: str, points: str, rule: str = "boolean", **extra: Any) -> NodeData:
        return node(
            key, parent, "criterion", name, points, source="self_report", rule=rule, evidence_required=True, **extra
        )

    return FrameworkData(
        code=code,
        level="province",
        name="Bộ chỉ số thử nghiệm",
        decision_number="1/QĐ-TN",
        decision_date=datetime.date(2024, 1, 15),
        first_year=2024,
        last_year=None,
        max_points=Decimal(100),
        nodes=[
            node("1", None, "main", "Nhận thức số", "60"),
            node("1.1", "1", "component", "Tuyên truyền", "40"),
            leaf("1.1.1", "1.1", "Có chuyên mục chuyển đổi số", "10"),
            leaf("1.1.2", "1.1", "Tỷ lệ cán bộ được tập huấn", "30", rule="percentage", parameters={"target": "100"}),
            node("1.2", "1", "component", "Chỉ đạo", "20"),
            leaf("1.2.1", "1.2", "Tần suất phát sóng", "20", rule="levels", parameters={"levels": BROADCAST_LEVELS}),
            node("2", None, "main", "An toàn thông tin", "40"),
            node("2.1", "2", "component", "Mã độc", "40"),
            leaf(
                "2.1.1",
                "2.1",
                "Tỷ lệ máy tính nhiễm mã độc",
                "25",
                rule="percentage",
                parameters={"target": "100", "inverted": True},
            ),
            node("2.1.2", "2.1", "criterion", "Đánh giá của chuyên gia", "15", source="expert", rule="manual"),
        ],
        aggregates=[AggregateData(code="DTI", name="Chỉ số DTI", main_indices=["1", "2"])],
        declared=[DeclaredData(key="1", components=2, criteria=3), DeclaredData(key="2", components=1, criteria=2)],
    )


def shipped_framework(code: str) -> FrameworkData:
    """A framework as its committed fixture gives it (fixtures/frameworks/<code>.json)."""
    return FrameworkData.from_json(json.loads((FIXTURES / "frameworks" / f"{code}.json").read_text(encoding="utf-8")))
