"""Regenerate fixtures/organisations.json: the units assessed in each year, the country, and the authority.

    python scripts/build_organisations.py [--check]

Sources: the names as the published DTI 2021 report prints them (seed 002, Bảng 1–9, read from
fixtures/results/dti-2021-*.csv), the official two-digit administrative codes of the 63
provinces, Resolution 202/2025/QH15 (the 34 provincial units from 1 July 2025) and Resolution
176/2025/QH15 (the government's ministries from 1 March 2025). A unit formed by a merger is a new
organisation valid from assessment year 2025, with the units it was formed from as predecessors;
its code is the official code of the resulting unit with the suffix "-2025". A ministry that
continues under its own name keeps its code and lists the bodies merged into it as "absorbed".
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path
from typing import NotRequired, TypedDict

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from accounts.names import normalise_name  # noqa: E402
from scripts.fixture_files import write_or_check  # noqa: E402

OUTPUT = ROOT / "fixtures" / "organisations.json"
RESULTS = ROOT / "fixtures" / "results"

REGIONS = {
    "trung-du-mien-nui-phia-bac": "Trung du và miền núi phía Bắc",
    "dong-bang-song-hong": "Đồng bằng sông Hồng",
    "bac-trung-bo-duyen-hai-mien-trung": "Bắc Trung Bộ và duyên hải miền Trung",
    "tay-nguyen": "Tây Nguyên",
    "dong-nam-bo": "Đông Nam Bộ",
    "dong-bang-song-cuu-long": "Đồng bằng sông Cửu Long",
}
TDMN, DBSH, BTB, TN, DNB, DBSCL = REGIONS

# (code, full name, region, other spellings); the name as printed comes from the report.
PROVINCES: list[tuple[str, str, str, list[str]]] = [
    ("01", "Thành phố Hà Nội", DBSH, ["Hà Nội"]),
    ("02", "Tỉnh Hà Giang", TDMN, []),
    ("04", "Tỉnh Cao Bằng", TDMN, []),
    ("06", "Tỉnh Bắc Kạn", TDMN, ["Bắc Cạn"]),
    ("08", "Tỉnh Tuyên Quang", TDMN, []),
    ("10", "Tỉnh Lào Cai", TDMN, []),
    ("11", "Tỉnh Điện Biên", TDMN, []),
    ("12", "Tỉnh Lai Châu", TDMN, []),
    ("14", "Tỉnh Sơn La", TDMN, []),
    ("15", "Tỉnh Yên Bái", TDMN, []),
    ("17", "Tỉnh Hòa Bình", TDMN, ["Hoà Bình"]),
    ("19", "Tỉnh Thái Nguyên", TDMN, []),
    ("20", "Tỉnh Lạng Sơn", TDMN, []),
    ("22", "Tỉnh Quảng Ninh", DBSH, []),
    ("24", "Tỉnh Bắc Giang", TDMN, []),
    ("25", "Tỉnh Phú Thọ", TDMN, []),
    ("26", "Tỉnh Vĩnh Phúc", DBSH, ["Vinh Phúc"]),
    ("27", "Tỉnh Bắc Ninh", DBSH, []),
    ("30", "Tỉnh Hải Dương", DBSH, []),
    ("31", "Thành phố Hải Phòng", DBSH, ["Hải Phòng"]),
    ("33", "Tỉnh Hưng Yên", DBSH, []),
    ("34", "Tỉnh Thái Bình", DBSH, []),
    ("35", "Tỉnh Hà Nam", DBSH, []),
    ("36", "Tỉnh Nam Định", DBSH, []),
    ("37", "Tỉnh Ninh Bình", DBSH, []),
    ("38", "Tỉnh Thanh Hóa", BTB, ["Thanh Hoá"]),
    ("40", "Tỉnh Nghệ An", BTB, []),
    ("42", "Tỉnh Hà Tĩnh", BTB, []),
    ("44", "Tỉnh Quảng Bình", BTB, []),
    ("45", "Tỉnh Quảng Trị", BTB, []),
    ("46", "Tỉnh Thừa Thiên Huế", BTB, ["Thừa Thiên Huế", "Thừa Thiên - Huế", "Thành phố Huế", "Huế"]),
    ("48", "Thành phố Đà Nẵng", BTB, ["Đà Nẵng"]),
    ("49", "Tỉnh Quảng Nam", BTB, []),
    ("51", "Tỉnh Quảng Ngãi", BTB, []),
    ("52", "Tỉnh Bình Định", BTB, []),
    ("54", "Tỉnh Phú Yên", BTB, []),
    ("56", "Tỉnh Khánh Hòa", BTB, ["Khánh Hoà"]),
    ("58", "Tỉnh Ninh Thuận", BTB, []),
    ("60", "Tỉnh Bình Thuận", BTB, []),
    ("62", "Tỉnh Kon Tum", TN, []),
    ("64", "Tỉnh Gia Lai", TN, []),
    ("66", "Tỉnh Đắk Lắk", TN, ["Đăk Lăk", "Đắc Lắc"]),
    ("67", "Tỉnh Đắk Nông", TN, ["Đăk Nông"]),
    ("68", "Tỉnh Lâm Đồng", TN, []),
    ("70", "Tỉnh Bình Phước", DNB, []),
    ("72", "Tỉnh Tây Ninh", DNB, []),
    ("74", "Tỉnh Bình Dương", DNB, []),
    ("75", "Tỉnh Đồng Nai", DNB, []),
    ("77", "Tỉnh Bà Rịa - Vũng Tàu", DNB, ["Bà Rịa Vũng Tàu"]),
    ("79", "Thành phố Hồ Chí Minh", DNB, ["Hồ Chí Minh", "TP. HCM", "TP.HCM"]),
    ("80", "Tỉnh Long An", DBSCL, []),
    ("82", "Tỉnh Tiền Giang", DBSCL, ["Tiến Giang"]),
    ("83", "Tỉnh Bến Tre", DBSCL, []),
    ("84", "Tỉnh Trà Vinh", DBSCL, []),
    ("86", "Tỉnh Vĩnh Long", DBSCL, []),
    ("87", "Tỉnh Đồng Tháp", DBSCL, []),
    ("89", "Tỉnh An Giang", DBSCL, []),
    ("91", "Tỉnh Kiên Giang", DBSCL, []),
    ("92", "Thành phố Cần Thơ", DBSCL, ["Cần Thơ"]),
    ("93", "Tỉnh Hậu Giang", DBSCL, []),
    ("94", "Tỉnh Sóc Trăng", DBSCL, []),
    ("95", "Tỉnh Bạc Liêu", DBSCL, []),
    ("96", "Tỉnh Cà Mau", DBSCL, []),
]

# Units renamed without a merger, by the first assessment year of the new name: (code, year, full
# name, short name). Thừa Thiên Huế became Thành phố Huế, centrally run, on 1 January 2025
# (Resolution 1314/NQ-UBTVQH15).
RENAMED: list[tuple[str, int, str, str]] = [
    ("46", 2025, "Thành phố Huế", "Huế"),
]

# Resolution 202/2025/QH15: (code of the new unit, full name, short name, region, formed from).
MERGED_PROVINCES: list[tuple[str, str, str, str, list[str]]] = [
    ("08", "Tỉnh Tuyên Quang", "Tuyên Quang", TDMN, ["08", "02"]),
    ("15", "Tỉnh Lào Cai", "Lào Cai", TDMN, ["10", "15"]),
    ("19", "Tỉnh Thái Nguyên", "Thái Nguyên", TDMN, ["19", "06"]),
    ("25", "Tỉnh Phú Thọ", "Phú Thọ", TDMN, ["25", "26", "17"]),
    ("24", "Tỉnh Bắc Ninh", "Bắc Ninh", DBSH, ["27", "24"]),
    ("33", "Tỉnh Hưng Yên", "Hưng Yên", DBSH, ["33", "34"]),
    ("31", "Thành phố Hải Phòng", "TP. Hải Phòng", DBSH, ["31", "30"]),
    ("37", "Tỉnh Ninh Bình", "Ninh Bình", DBSH, ["37", "35", "36"]),
    ("44", "Tỉnh Quảng Trị", "Quảng Trị", BTB, ["45", "44"]),
    ("48", "Thành phố Đà Nẵng", "Đà Nẵng", BTB, ["48", "49"]),
    ("51", "Tỉnh Quảng Ngãi", "Quảng Ngãi", BTB, ["51", "62"]),
    ("52", "Tỉnh Gia Lai", "Gia Lai", TN, ["64", "52"]),
    ("56", "Tỉnh Khánh Hòa", "Khánh Hòa", BTB, ["56", "58"]),
    ("68", "Tỉnh Lâm Đồng", "Lâm Đồng", TN, ["68", "67", "60"]),
    ("66", "Tỉnh Đắk Lắk", "Đắk Lắk", TN, ["66", "54"]),
    ("79", "Thành phố Hồ Chí Minh", "TP. Hồ Chí Minh", DNB, ["79", "74", "77"]),
    ("75", "Tỉnh Đồng Nai", "Đồng Nai", DNB, ["75", "70"]),
    ("80", "Tỉnh Tây Ninh", "Tây Ninh", DNB, ["72", "80"]),
    ("92", "Thành phố Cần Thơ", "TP. Cần Thơ", DBSCL, ["92", "94", "93"]),
    ("86", "Tỉnh Vĩnh Long", "Vĩnh Long", DBSCL, ["86", "83", "84"]),
    ("82", "Tỉnh Đồng Tháp", "Đồng Tháp", DBSCL, ["87", "82"]),
    ("96", "Tỉnh Cà Mau", "Cà Mau", DBSCL, ["96", "95"]),
    ("91", "Tỉnh An Giang", "An Giang", DBSCL, ["89", "91"]),
]

# (code, full name, group, other spellings); the name as printed comes from the report where it ranks them.
MINISTRIES: list[tuple[str, str, str, list[str]]] = [
    ("BTC", "Bộ Tài chính", "public_services", []),
    ("BKHDT", "Bộ Kế hoạch và Đầu tư", "public_services", []),
    ("BHXH", "Bảo hiểm Xã hội Việt Nam", "public_services", []),
    ("NHNN", "Ngân hàng Nhà nước Việt Nam", "public_services", []),
    ("BCT", "Bộ Công Thương", "public_services", []),
    ("BTTTT", "Bộ Thông tin và Truyền thông", "public_services", []),
    ("BTNMT", "Bộ Tài nguyên và Môi trường", "public_services", []),
    ("BVHTTDL", "Bộ Văn hóa, Thể thao và Du lịch", "public_services", ["Bộ Văn hoá, Thể thao và Du lịch"]),
    ("BGTVT", "Bộ Giao thông vận tải", "public_services", []),
    ("BNV", "Bộ Nội vụ", "public_services", []),
    ("BTP", "Bộ Tư pháp", "public_services", []),
    ("BGDDT", "Bộ Giáo dục và Đào tạo", "public_services", []),
    ("BYT", "Bộ Y tế", "public_services", []),
    ("BKHCN", "Bộ Khoa học và Công nghệ", "public_services", []),
    ("BNNPTNT", "Bộ Nông nghiệp và Phát triển nông thôn", "public_services", []),
    ("BLDTBXH", "Bộ Lao động - Thương binh và Xã hội", "public_services", []),
    ("BXD", "Bộ Xây dựng", "public_services", []),
    ("VHLKHCN", "Viện Hàn lâm Khoa học và Công nghệ Việt Nam", "no_public_services", []),
    ("THVN", "Đài Truyền hình Việt Nam", "no_public_services", []),
    ("TTXVN", "Thông tấn xã Việt Nam", "no_public_services", []),
    ("UBDT", "Ủy ban Dân tộc", "no_public_services", ["Uỷ ban Dân tộc"]),
    ("TNVN", "Đài Tiếng nói Việt Nam", "no_public_services", []),
    ("TTCP", "Thanh tra Chính phủ", "no_public_services", []),
    ("VHLKHXH", "Viện Hàn lâm Khoa học Xã hội Việt Nam", "no_public_services", []),
    ("UBQLV", "Ủy ban Quản lý vốn nhà nước tại doanh nghiệp", "no_public_services",
     ["Uỷ ban Quản lý vốn nhà nước tại doanh nghiệp"]),
    ("BQLLANG", "Ban Quản lý Lăng Chủ tịch Hồ Chí Minh", "no_public_services", []),
    # Not assessed "do đặc thù chức năng, nhiệm vụ" (seed 002).
    ("BCA", "Bộ Công an", "not_assessed", []),
    ("BQP", "Bộ Quốc phòng", "not_assessed", []),
    ("VPCP", "Văn phòng Chính phủ", "not_assessed", []),
    ("BNG", "Bộ Ngoại giao", "not_assessed", []),
]  # fmt: skip

# Resolution 176/2025/QH15 and the 2025 restructuring: bodies merged into a ministry that continues.
ABSORBED_2025 = {"BTC": ["BKHDT", "UBQLV"], "BKHCN": ["BTTTT"], "BXD": ["BGTVT"], "BNV": ["BLDTBXH"]}
# New ministries formed in 2025: (code, name, group, formed from).
NEW_MINISTRIES_2025 = [
    ("BNNMT", "Bộ Nông nghiệp và Môi trường", "public_services", ["BNNPTNT", "BTNMT"]),
    ("BDTTG", "Bộ Dân tộc và Tôn giáo", "no_public_services", ["UBDT"]),
]


class OrganisationEntry(TypedDict):
    """One organisation of fixtures/organisations.json, as accounts.services.load_organisations reads it."""

    code: str
    level: str
    name: str
    short_name: str
    group: str
    name_en: NotRequired[str]
    variants: NotRequired[list[str]]
    region: NotRequired[str]
    valid_from: NotRequired[int]
    valid_to: NotRequired[int]
    predecessors: NotRequired[list[str]]
    absorbed: NotRequired[list[str]]
    renamed: NotRequired[list[dict[str, str | int]]]


def printed_names(level: str) -> list[str]:
    with (RESULTS / f"dti-2021-{level}.csv").open(encoding="utf-8") as file:
        return [row["organisation"] for row in csv.DictReader(file)]


def build() -> dict:
    merged_away = {code for *_rest, formed_from in MERGED_PROVINCES for code in formed_from}
    printed = {normalise_name(name): name for name in printed_names("province")}
    organisations: list[OrganisationEntry] = [
        {"code": "authority", "level": "authority", "name": "Cục Chuyển đổi số quốc gia",
         "short_name": "Cục Chuyển đổi số quốc gia", "group": "authority"},
        # The national DTI's one unit (seed 002: "DTI bao gồm 03 cấp: DTI cấp tỉnh; DTI cấp bộ và DTI của
        # quốc gia"); VN is its ISO 3166-1 code.
        {"code": "VN", "level": "national", "name": "Việt Nam", "short_name": "Việt Nam", "name_en": "Viet Nam",
         "group": "national"},
    ]  # fmt: skip
    for code, name, region, variants in PROVINCES:
        short = next((printed[normalise_name(v)] for v in [name, *variants] if normalise_name(v) in printed), None)
        if short is None:
            raise SystemExit(f"{name}: not among the names the 2021 report prints")
        item: OrganisationEntry = {"code": code, "level": "province", "name": name, "short_name": short,
                                   "variants": [v for v in variants if v != short], "region": region,
                                   "group": "province"}  # fmt: skip
        if code in merged_away:
            item["valid_to"] = 2024
        renamed: list[dict[str, str | int]] = [
            {"from_year": year, "name": new, "short_name": new_short}
            for renamed_code, year, new, new_short in RENAMED
            if renamed_code == code
        ]
        if renamed:
            item["renamed"] = renamed
        organisations.append(item)
    for code, name, short, region, formed_from in MERGED_PROVINCES:
        organisations.append({"code": f"{code}-2025", "level": "province", "name": name, "short_name": short,
                              "region": region, "group": "province", "valid_from": 2025,
                              "predecessors": formed_from})  # fmt: skip
    printed_ministries = {normalise_name(name): name for name in printed_names("ministry")}
    merged_ministries = {code for codes in ABSORBED_2025.values() for code in codes}
    merged_ministries |= {code for *_rest, formed_from in NEW_MINISTRIES_2025 for code in formed_from}
    for code, name, group, variants in MINISTRIES:
        short = printed_ministries.get(normalise_name(name), name)
        item = {"code": code, "level": "ministry", "name": name, "short_name": short,
                "variants": [v for v in [name, *variants] if v != short], "group": group}  # fmt: skip
        if code in merged_ministries:
            item["valid_to"] = 2024
        if code in ABSORBED_2025:
            item["absorbed"] = ABSORBED_2025[code]
        organisations.append(item)
    for code, name, group, formed_from in NEW_MINISTRIES_2025:
        organisations.append({"code": code, "level": "ministry", "name": name, "short_name": name, "group": group,
                              "valid_from": 2025, "predecessors": formed_from})  # fmt: skip
    return {"regions": [{"code": code, "name": name} for code, name in REGIONS.items()],
            "organisations": organisations}  # fmt: skip


def render(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="Fail when the committed file differs.")
    parser.add_argument("--seeds", type=Path, help="Not read: printed names come from fixtures/results.")
    options = parser.parse_args()
    return write_or_check({OUTPUT: render(build())}, check=options.check, root=ROOT)


if __name__ == "__main__":
    raise SystemExit(main())
