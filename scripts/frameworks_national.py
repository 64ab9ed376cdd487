"""The national DTI's frameworks: Decision 1726/QĐ-BTTTT (2020) and Decision 922/QĐ-BTTTT, Phụ lục III.

No seed holds an index of the national DTI: seed 001 gives only a reference structure for it, and
seed 002 its number of indices and its scale, pointing to Phụ lục III of Decision 922 (Bảng III.1)
for the rest, which no seed and no page of the research note holds. So each framework has no node,
the DTI aggregate alone (summing nothing: the published national value is the figure as printed),
and its indices listed under "missing"; neither is ever complete. When the authority loads the
national indices, it loads them as a new framework version.

Every fact used is checked against the seed text; the build fails when one is not found.

- dti-2020-national (seed 001, section II.1.e): three pillars (Chính phủ số, Kinh tế số, Xã hội
  số) and "07 chỉ số chính như Chỉ số DTI cấp tỉnh", the components to be set by the ministry
  later. Section II.2.a gives the provincial (1000) and ministry (500) scales and none for the
  national DTI; the total given here is the provincial 1000 the national structure follows, and the
  missing entry says so. Years: 2020 only, as the other 1726 frameworks.
- dti-2022-national (seed 002, Tổng quan mục I, Phụ lục A mục 3 and Phụ lục B mục 1): 24 indices,
  a scale of 1000 points for every level, the indices' descriptions in Phụ lục III and their points
  in Bảng III.1. One missing entry per index, as for the other 2022 frameworks' lost components.
  Decision and years as the other 2022 frameworks (fixtures/source/framework_2022.json).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from scripts import frameworks_2020, frameworks_2022

SEED_2020 = frameworks_2020.SEED
REPORT = frameworks_2022.REPORT
MAX_POINTS = "1000"
AGGREGATE = {"code": "DTI", "name": "Chỉ số chuyển đổi số DTI", "main_indices": []}

STRUCTURE_2020 = (
    "Chỉ số chuyển đổi số quốc gia được cấu trúc theo 03 trụ cột là: Chính phủ số, Kinh tế số và Xã hội số",
    "Chỉ số chuyển đổi số quốc gia cũng bao gồm 07 chỉ số chính như Chỉ số DTI cấp tỉnh",
    "Thang điểm đánh giá của Chỉ số chuyển đổi số cấp tỉnh là 1000 điểm",
    "Thang điểm đánh giá của Chỉ số chuyển đổi số cấp bộ là 500 điểm",
)
NO_SCALE_2020 = "Thang điểm đánh giá của Chỉ số chuyển đổi số quốc gia"
INDICES_2022 = re.compile(r"DTI của quốc gia bao gồm \*\*(\d+)\*\* chỉ số")
FACTS_2022 = (
    "Thang điểm đánh giá của DTI cấp bộ, cấp tỉnh và của quốc gia là 1000 điểm",
    "Thuyết minh chi tiết các chỉ số của DTI của quốc gia được thể hiện trong Phụ lục III Quyết định số 922/QĐ-BTTTT",
    "Bảng III.1 của Phụ lục III Quyết định số 922/QĐ-BTTTT",
)

REASON_2020 = (
    "Quyết định 1726/QĐ-BTTTT (mục II.1.e) chỉ cho cấu trúc tham khảo của DTI quốc gia: 03 trụ cột Chính phủ số, "
    "Kinh tế số, Xã hội số và 07 chỉ số chính như DTI cấp tỉnh; các chỉ số thành phần và tiêu chí do Bộ Thông tin "
    "và Truyền thông quy định sau, không có trong văn bản nguồn. Quyết định không in thang điểm của DTI quốc gia "
    "(mục II.2.a in 1000 điểm cho cấp tỉnh, 500 điểm cho cấp bộ): tổng điểm 1000 ở đây là của cấp tỉnh, mà cấu trúc "
    "quốc gia theo, chưa được văn bản nào xác nhận."
)
REASON_2022 = (
    "Không nguồn nào cho tên và điểm tối đa của chỉ số này: DTI quốc gia gồm {count} chỉ số (Báo cáo DTI 2021, "
    "Tổng quan, mục I và Phụ lục A, mục 3), thuyết minh ở Phụ lục III và thang điểm ở Bảng III.1 của Quyết định "
    "922/QĐ-BTTTT, chưa thu thập được."
)


def build(seeds: Path) -> list[dict[str, Any]]:
    """Return the fixture forms of dti-2020-national and dti-2022-national."""
    return [_national_2020(seeds), _national_2022(seeds)]


def _require(found: bool, message: str) -> None:
    if not found:
        raise frameworks_2022.SourceMismatch(message)


def _national_2020(seeds: Path) -> dict[str, Any]:
    text = (seeds / SEED_2020).read_text(encoding="utf-8")
    for phrase in STRUCTURE_2020:
        _require(phrase in text, f"{SEED_2020}: “{phrase}” is not found")
    _require(NO_SCALE_2020 not in text, f"{SEED_2020}: prints a national scale; take it instead of the provincial one")
    number, date = frameworks_2020._decision(text.splitlines())
    return {
        "code": "dti-2020-national",
        "level": "national",
        "name": "Chỉ số chuyển đổi số quốc gia 2020",
        "decision_number": number,
        "decision_date": date,
        "first_year": 2020,
        "last_year": 2020,
        "max_points": MAX_POINTS,
        "precision": 4,
        "source": "Quyết định 1726/QĐ-BTTTT, mục II.1.e (cấu trúc tham khảo); giá trị DTI quốc gia 2020 theo Báo cáo "
        "DTI 2021 (Tổng quan, mục II)",
        "nodes": [],
        "aggregates": [AGGREGATE],
        "declared": [],
        "missing": [{"parent": None, "what": "main", "code": None, "name": None, "reason": REASON_2020}],
    }


def _national_2022(seeds: Path) -> dict[str, Any]:
    report = (seeds / REPORT).read_text(encoding="utf-8")
    data = json.loads(frameworks_2022.SOURCE.read_text(encoding="utf-8"))
    number, date = frameworks_2022._decision(report, data["decision"])
    counts = set(INDICES_2022.findall(report))
    _require(len(counts) == 1, f"{REPORT}: the number of national indices is not printed once ({sorted(counts)})")
    for phrase in FACTS_2022:
        _require(phrase in report, f"{REPORT}: “{phrase}” is not found")
    count = int(counts.pop())
    reason = REASON_2022.format(count=count)
    return {
        "code": "dti-2022-national",
        "level": "national",
        "name": "Chỉ số chuyển đổi số quốc gia 2022",
        "decision_number": number,
        "decision_date": date,
        "first_year": data["years"]["first_year"],
        "last_year": data["years"]["last_year"],
        "max_points": MAX_POINTS,
        "precision": 4,
        "source": "Quyết định 922/QĐ-BTTTT, Phụ lục III (không có trong văn bản nguồn); theo Báo cáo DTI 2021 "
        "(Tổng quan, mục I; Phụ lục A, mục 3; Phụ lục B, mục 1 và 6.c)",
        "nodes": [],
        "aggregates": [AGGREGATE],
        "declared": [],
        "missing": [{"parent": None, "what": "main", "code": None, "name": None, "reason": reason}] * count,
    }
