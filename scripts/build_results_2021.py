"""Regenerate fixtures/results/dti-2021-*.csv from the published DTI 2021 report (seed 002, Bảng 1–9), and
fixtures/results/dti-national.csv from its overview.

    python scripts/build_results_2021.py [--seeds DIR] [--check]

The report prints, per group, a ranks table (Bảng 1, 3, 5) and a values table (Bảng 2, 4, 6)
with the DTI and every main index, and for provinces the three pillars (Bảng 7–9: rank and
value, two units per line). Main indices are written under the 2022 framework's codes (1–5 the
foundation indices, 6 Đô thị thông minh — which the tables do not print, it is worth 0 points —,
7–9 the activity indices; for ministries 6 is the activity index). Values keep the report's
decimal comma as printed; `published_*` columns hold the official figures.

dti-national.csv holds what the overview's section II prints about the national DTI, one row per
figure with the place it is printed: item (2), the national DTI of 2021 and of 2020 (printed for
comparison), the number of national indices and how many are above 0,5; item (1), the average DTI
of each peer group in 2021 and 2020. The report prints no national index by name or value.
`--check` fails when a committed file differs from what the seed gives.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scripts.fixture_files import write_or_check  # noqa: E402

OUTPUT = ROOT / "fixtures" / "results"
DEFAULT_SEEDS = ROOT.parent / "shared" / "seeds"
REPORT = "002_2b7b94aae0ee5dde.txt"

PROVINCE_MAINS = ["1", "2", "3", "4", "5", "7", "8", "9"]
MINISTRY_MAINS = ["1", "2", "3", "4", "5", "6"]
PILLARS = {7: "CQS", 8: "KTS", 9: "XHS"}
# Spellings in the report that name no unit as printed elsewhere in it.
NAME_CORRECTIONS = {"Vinh Phúc": "Vĩnh Phúc", "Tiến Giang": "Tiền Giang"}
ROW = re.compile(r"^\d+\t")

SECTION = ("Báo cáo DTI 2021 (Bộ Thông tin và Truyền thông), Tổng quan về kết quả DTI 2021, mục II «Điểm nổi bật "
           "của kết quả đánh giá DTI 2021» (từ tr. 15)")  # fmt: skip
EARLIER = "giá trị năm {year}, in để so sánh"
NATIONAL = re.compile(
    r"^\(2\) Giá trị DTI quốc gia là \*\*(?P<value>0,\d{4})\*\*, "
    r".*?so với năm (?P<year>\d{4}) \((?P<before>0,\d{4})\)\. "
    r"Trong số (?P<indices>\d+) chỉ số, có (?P<above>\d+) chỉ số",
    re.MULTILINE,
)
AVERAGES = re.compile(
    r"^\(1\) Giá trị trung bình DTI năm (?P<year>\d{4}) "
    r".*?cấp bộ cung cấp dịch vụ công \(DVC\) là \*\*(?P<public_services>0,\d{4})\*\*; "
    r"giá trị DTI \d{4} cấp bộ không cung cấp DVC là \*\*(?P<no_public_services>0,\d{4})\*\*; "
    r"giá trị DTI \d{4} cấp tỉnh là \*\*(?P<province>0,\d{4})\*\*",
    re.MULTILINE,
)
AVERAGES_BEFORE = re.compile(
    r"cấp bộ cung cấp DVC có tăng .*?\(năm (?P<year>\d{4}): (?P<public_services>0,\d{4})\); "
    r"giá trị DTI \d{4} cấp bộ không cung cấp DVC giảm nhẹ \(năm \d{4}: (?P<no_public_services>0,\d{4})\).*?"
    r"cấp tỉnh có mức tăng đáng kể nhất, tăng trưởng \*\*[\d,]+%\*\* \(năm \d{4}: (?P<province>0,\d{4})\)"
)
GROUPS = ("province", "public_services", "no_public_services")


def table_rows(lines: list[str], number: int) -> list[list[str]]:
    """The data rows of "Bảng N" (not its line in the table of contents), split on tabs."""
    heading = re.compile(rf"^Bảng {number}:")
    start = next(i for i, line in enumerate(lines) if heading.match(line) and "\t" not in line and i > 100)
    rows = []
    for line in lines[start + 1 :]:
        if re.match(r"^Bảng \d+:", line):
            break
        if ROW.match(line):
            rows.append([cell.strip() for cell in line.rstrip("\n").split("\t")])
        elif line.startswith("Trung bình"):
            break
    return rows


def name(printed: str) -> str:
    printed = printed.strip()
    return NAME_CORRECTIONS.get(printed, printed)


def build(seeds: Path) -> dict[str, str]:
    """Return the CSV text of each results file, by file name."""
    lines = (seeds / REPORT).read_text(encoding="utf-8").splitlines()
    files = {}
    provinces = _group(lines, ranks=5, values=6, mains=PROVINCE_MAINS)
    for number, pillar in PILLARS.items():
        for row in table_rows(lines, number):
            for offset in range(0, len(row) - 2, 3):
                rank, unit, value = row[offset : offset + 3]
                if unit:
                    provinces[name(unit)][f"published_{pillar}"] = value
                    provinces[name(unit)][f"published_rank_{pillar}"] = rank
    pillar_columns = [
        f"{prefix}{pillar}" for pillar in PILLARS.values() for prefix in ("published_", "published_rank_")
    ]
    files["dti-2021-province.csv"] = _csv(provinces, PROVINCE_MAINS, pillar_columns)
    ministries = _group(lines, ranks=1, values=2, mains=MINISTRY_MAINS)
    ministries.update(_group(lines, ranks=3, values=4, mains=MINISTRY_MAINS))
    files["dti-2021-ministry.csv"] = _csv(ministries, MINISTRY_MAINS, [])
    files["dti-national.csv"] = _national("\n".join(lines))
    return files


def _national(text: str) -> str:
    """The national figures of the overview's section II, each with the item it is printed in."""
    national, averages, before = NATIONAL.search(text), AVERAGES.search(text), AVERAGES_BEFORE.search(text)
    if national is None or averages is None or before is None:
        raise ValueError("The overview's items (1) and (2) on the national DTI and the averages are not found")
    year, earlier = averages["year"], national["year"]
    if before["year"] != earlier:
        raise ValueError(f"Item (1) compares with {before['year']}, item (2) with {earlier}")
    later_note = EARLIER.format(year=earlier)
    rows = [
        (year, "dti", "", national["value"], f"{SECTION}, ý (2)"),
        (year, "indices", "", national["indices"], f"{SECTION}, ý (2)"),
        (year, "indices_above_half", "", national["above"], f"{SECTION}, ý (2)"),
        *((year, "group_average", group, averages[group], f"{SECTION}, ý (1)") for group in GROUPS),
        (earlier, "dti", "", national["before"], f"{SECTION}, ý (2): {later_note}"),
        *((earlier, "group_average", group, before[group], f"{SECTION}, ý (1): {later_note}") for group in GROUPS),
    ]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["year", "figure", "group", "value", "source"])
    writer.writerows(rows)
    return buffer.getvalue()


def _group(lines: list[str], *, ranks: int, values: int, mains: list[str]) -> dict[str, dict[str, str]]:
    units: dict[str, dict[str, str]] = {}
    for row in table_rows(lines, values):
        rank, unit, dti, *main_values = row
        if len(main_values) != len(mains):
            raise ValueError(f"Bảng {values}, {unit}: {len(main_values)} main-index values, expected {len(mains)}")
        units[name(unit)] = {
            "published_value": dti,
            "published_rank": rank,
            **dict(zip(mains, main_values, strict=True)),
        }
    for row in table_rows(lines, ranks):
        rank, unit, *main_ranks = row
        record = units[name(unit)]
        if record["published_rank"] != rank:
            raise ValueError(f"Bảng {ranks} and {values} disagree on the rank of {unit}")
        record.update({f"published_rank_{main}": value for main, value in zip(mains, main_ranks, strict=True)})
    return units


def _csv(units: dict[str, dict[str, str]], mains: list[str], extra: list[str]) -> str:
    columns = ["organisation", *mains, "published_value", "published_rank", *(f"published_rank_{m}" for m in mains),
               *extra]  # fmt: skip
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for unit, record in units.items():
        writer.writerow([unit, *(record.get(column, "") for column in columns[1:])])
    return buffer.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS)
    parser.add_argument("--check", action="store_true")
    options = parser.parse_args()
    files = {OUTPUT / filename: text for filename, text in build(options.seeds).items()}
    return write_or_check(files, check=options.check, root=ROOT)


if __name__ == "__main__":
    raise SystemExit(main())
