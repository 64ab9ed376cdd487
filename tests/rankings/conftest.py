"""The small campaign and Đà Nẵng's people of the submissions tests, for publication tests; the published
DTI 2021 tables; small published years of the test slice of units."""

from __future__ import annotations

import dataclasses
import datetime
from pathlib import Path

import pytest
from django.core.management import call_command

from accounts.models import Organisation, User
from indicators.services import import_framework
from rankings.services import import_results
from tests.indicators.builders import small_framework
from tests.submissions.conftest import (  # noqa: F401
    campaign,
    danang_it_lead,
    danang_leader,
    danang_submission,
    hue_submission,
    submitted_danang,
)

RESULTS = Path(__file__).resolve().parents[2] / "fixtures" / "results"
# DTI 2021 was announced on 8 August 2022, at the third meeting of the National Committee on Digital
# Transformation.
PUBLISHED_2021 = "08/08/2022"


@pytest.fixture
def published_2021(db: None) -> None:
    """The reference units and frameworks, and both DTI 2021 tables as `make setup` imports them."""
    call_command("load_reference_data")
    for level in ("province", "ministry"):
        call_command("import_results", str(RESULTS / f"dti-2021-{level}.csv"), "--year", "2021", "--level", level,
                     "--published-on", PUBLISHED_2021)  # fmt: skip


@pytest.fixture
def small_years(organisations: dict[str, Organisation], administrator: User) -> None:
    """Provinces: 2024 Đà Nẵng 0,68, Quảng Nam 0,52, Huế 0,5; 2025 the merged Đà Nẵng 0,7, Huế 0,52.
    Ministries: 2024 Bộ Tài chính 0,6 (the test slice's one assessed ministry)."""
    import_framework(data=small_framework("thu-nghiem"))
    import_framework(data=dataclasses.replace(small_framework("thu-nghiem-bo"), level="ministry"))
    tables = [
        (2024, "province", "thu-nghiem", "48,0.8,0.5\n49,0.4,0.7\n46,0.5,0.5\n"),
        (2025, "province", "thu-nghiem", "48-2025,0.7,0.7\n46,0.6,0.4\n"),
        (2024, "ministry", "thu-nghiem-bo", "BTC,0.6,0.6\n"),
    ]
    for year, level, framework, rows in tables:
        import_results(content=f"organisation,1,2\n{rows}".encode(), filename="kq.csv", year=year, level=level,
                       framework_code=framework, by=administrator,
                       published_on=datetime.date(year + 1, 3, 1))  # fmt: skip
