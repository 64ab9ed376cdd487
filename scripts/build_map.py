"""Regenerate static/vendor/natural-earth-vietnam/: the shapes of the provincial units for the portal's maps.

    python scripts/build_map.py --source PATH/world_map.gpkg [--check]

`make map-data` fetches the source and runs this. Source: Natural Earth's 1:10m "Admin 1 – States,
Provinces" v4.1.0 (public domain), as generalised by the QGIS project in its `world_map.gpkg` (layer
`states_provinces`; see the folder's LICENCE.md), which Debian ships in the package `qgis-common`
(3.22.16+dfsg-1: /usr/share/qgis/resources/data/world_map.gpkg). It holds Vietnam's 63 provinces.

Writes two GeoJSON files (WGS 84 longitude/latitude, three decimals, about 100 m):
- vn-63.geojson: the 63 provinces, assessed up to 2024;
- vn-34.geojson: the 34 provincial units assessed from 2025 (Resolution 202/2025/QH15), each merged unit the
  union of its predecessors' shapes (fixtures/organisations.json), the 11 unchanged provinces as they were.
Both are simplified as one coverage (shared borders stay shared, no gaps between neighbours). Each feature
carries the unit's code and name and where a label fits best (the pole of inaccessibility of its largest
part, that point's distance to the border and the part's width through it, in km). Features run north to
south: the maps' reading and keyboard order.

Needs shapely, at build time only (`pip install shapely`); the portal reads the files with the standard
library.
"""

from __future__ import annotations

import argparse
import json
import math
import sqlite3
import sys
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import LineString, MultiPolygon, Polygon, mapping
from shapely.ops import polylabel

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scripts.fixture_files import write_or_check  # noqa: E402

OUTPUT = ROOT / "static" / "vendor" / "natural-earth-vietnam"
ORGANISATIONS = ROOT / "fixtures" / "organisations.json"
FIRST_YEAR_OF_34 = 2025
# Coverage simplification (shapely's Visvalingam–Whyatt variant), in degrees: about 2 km, under a pixel
# of a map 700 px tall.
TOLERANCE = 0.02
PLACES = 3
# Distances for label room: km per degree of latitude, and longitude shrunk at the country's middle.
KM_PER_DEGREE = 111.32
LONGITUDE_SCALE = math.cos(math.radians(16))

# Natural Earth's `gn_name` (GeoNames' ASCII name) of each province, to its official two-digit code.
# Natural Earth's display names are unreliable here (Đồng Nai is labelled "Đông Nam Bộ", Bắc Kạn
# "Đông Bắc", Hưng Yên "Đồng Bằng Sông Hồng"); its GeoNames names are not.
NATURAL_EARTH_CODES = {
    "Thanh Pho Ha Noi": "01", "Tinh Ha Giang": "02", "Tinh Cao Bang": "04", "Tinh Bac Kan": "06",
    "Tinh Tuyen Quang": "08", "Tinh Lao Cai": "10", "Huyen Dien Bien": "11", "Tinh Lai Chau": "12",
    "Tinh Son La": "14", "Tinh Yen Bai": "15", "Tinh Hoa Binh": "17", "Tinh Thai Nguyen": "19",
    "Tinh Lang Son": "20", "Tinh Quang Ninh": "22", "Tinh Bac Giang": "24", "Tinh Phu Tho": "25",
    "Tinh Vinh Phuc": "26", "Tinh Bac Ninh": "27", "Tinh Hai Duong": "30", "Thanh Pho Hai Phong": "31",
    "Tinh Hung Yen": "33", "Tinh Thai Binh": "34", "Tinh Ha Nam": "35", "Tinh Nam Dinh": "36",
    "Tinh Ninh Binh": "37", "Tinh Thanh Hoa": "38", "Tinh Nghe An": "40", "Tinh Ha Tinh": "42",
    "Tinh Quang Binh": "44", "Tinh Quang Tri": "45", "Tinh Thua Thien-Hue": "46", "Thanh Pho Da Nang": "48",
    "Tinh Quang Nam": "49", "Tinh Quang Ngai": "51", "Tinh Binh Dinh": "52", "Tinh Phu Yen": "54",
    "Tinh Khanh Hoa": "56", "Tinh Ninh Thuan": "58", "Tinh Binh Thuan": "60", "Tinh Kon Tum": "62",
    "Tinh Gia Lai": "64", "Tinh Dak Lak": "66", "Dak Nong": "67", "Tinh Lam Dong": "68",
    "Tinh Binh Phuoc": "70", "Tinh Tay Ninh": "72", "Tinh Binh Duong": "74", "Tinh Dong Nai": "75",
    "Tinh Ba Ria-Vung Tau": "77", "Thanh pho Ho Chi Minh": "79", "Tinh Long An": "80", "Tinh Tien Giang": "82",
    "Tinh Ben Tre": "83", "Tinh Tra Vinh": "84", "Tinh Vinh Long": "86", "Tinh Dong Thap": "87",
    "Tinh An Giang": "89", "Tinh Kien Giang": "91", "Thanh Pho Can Tho": "92", "Hau Giang": "93",
    "Tinh Soc Trang": "94", "Tinh Bac Lieu": "95", "Tinh Ca Mau": "96",
}  # fmt: skip


def read_provinces(source: Path) -> dict[str, MultiPolygon]:
    """Vietnam's provinces in the GeoPackage, by official code."""
    connection = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        rows = connection.execute("SELECT gn_name, geom FROM states_provinces WHERE adm0_a3 = 'VNM'").fetchall()
    finally:
        connection.close()
    found = {NATURAL_EARTH_CODES[name]: _multipolygon(_geopackage_geometry(blob)) for name, blob in rows}
    if sorted(found) != sorted(NATURAL_EARTH_CODES.values()):
        missing = sorted(set(NATURAL_EARTH_CODES.values()) - set(found))
        raise SystemExit(f"{source}: not the 63 provinces expected (missing {missing})")
    return found


def _geopackage_geometry(blob: bytes) -> Any:
    """A GeoPackage geometry blob: "GP", version, flags, SRS id, an envelope sized by the flags, then WKB."""
    if blob[:2] != b"GP":
        raise SystemExit("not a GeoPackage geometry")
    envelope = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}[(blob[3] >> 1) & 0b111]
    return shapely.from_wkb(bytes(blob[8 + envelope :]))


def _multipolygon(geometry: Any) -> MultiPolygon:
    if isinstance(geometry, Polygon):
        return MultiPolygon([geometry])
    if isinstance(geometry, MultiPolygon):
        return geometry
    raise SystemExit(f"unexpected geometry {geometry.geom_type}")


def units_of_2025(provinces: dict[str, MultiPolygon], organisations: list[dict[str, Any]]) -> dict[str, MultiPolygon]:
    """The 34 units of 2025: each merged unit the union of its predecessors, the others unchanged."""
    merged = [unit for unit in organisations if unit["level"] == "province" and unit.get("valid_from") == 2025]
    absorbed = {code for unit in merged for code in unit["predecessors"]}
    units = {code: shape for code, shape in provinces.items() if code not in absorbed}
    for unit in merged:
        units[unit["code"]] = _multipolygon(shapely.union_all([provinces[code] for code in unit["predecessors"]]))
    return units


def names_in(organisations: list[dict[str, Any]], year: int) -> dict[str, str]:
    """Each provincial unit's short name in `year` (a renamed unit's later name from its year on)."""
    names = {}
    for unit in organisations:
        if unit["level"] != "province":
            continue
        name = unit["short_name"]
        for renamed in unit.get("renamed", []):
            if renamed["from_year"] <= year:
                name = renamed["short_name"]
        names[unit["code"]] = name
    return names


def feature_collection(shapes: dict[str, MultiPolygon], names: dict[str, str], *, valid: dict[str, Any]) -> str:
    """The units as a GeoJSON FeatureCollection, simplified as one coverage, north to south."""
    codes = list(shapes)
    simplified = [_multipolygon(shape) for shape in shapely.coverage_simplify([shapes[c] for c in codes], TOLERANCE)]
    features = []
    for code, shape in zip(codes, simplified, strict=True):
        shape = _multipolygon(shapely.set_precision(shape, 10**-PLACES))
        label, room, width = _label(shape)
        features.append({
            "type": "Feature",
            "properties": {"organisation_code": code, "name": names[code],
                           "label": [round(label[0], PLACES), round(label[1], PLACES)],
                           "label_room_km": round(room), "label_width_km": round(width)},
            "geometry": _rounded(mapping(shape)),
        })  # fmt: skip
    features.sort(key=lambda feature: (-feature["properties"]["label"][1], feature["properties"]["organisation_code"]))
    collection = {
        "type": "FeatureCollection",
        # Foreign members (RFC 7946 §6.1): the years the units are of, and where the shapes come from.
        **valid,
        "source": "Natural Earth 1:10m Admin 1 v4.1.0 (public domain), as generalised in QGIS world_map.gpkg; "
        "simplified and merged by scripts/build_map.py",
        "features": features,
    }
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n"


def _label(shape: MultiPolygon) -> tuple[tuple[float, float], float, float]:
    """Where a label fits best in the largest part (its pole of inaccessibility), the room around it (the
    distance to the border) and the width of the part along the line through it, in km: a label is drawn
    only where it fits (rankings.maps)."""
    largest = max(shape.geoms, key=lambda part: part.area)
    # In a plane where a km is a km both ways, so "room" means the same east–west and north–south.
    flat = shapely.transform(largest, lambda xy: xy * [LONGITUDE_SCALE * KM_PER_DEGREE, KM_PER_DEGREE])
    point = polylabel(flat, tolerance=1.0)
    room = flat.exterior.distance(point)
    west, _south, east, _north = flat.bounds
    across = flat.intersection(LineString([(west - 1, point.y), (east + 1, point.y)]))
    pieces = getattr(across, "geoms", [across])
    width = next((piece.length for piece in pieces if piece.distance(point) < 1e-6), 2 * room)
    return (point.x / (LONGITUDE_SCALE * KM_PER_DEGREE), point.y / KM_PER_DEGREE), room, width


def _rounded(geometry: Any) -> Any:
    if isinstance(geometry, dict):
        return {key: _rounded(value) for key, value in geometry.items()}
    if isinstance(geometry, list | tuple):
        if len(geometry) == 2 and all(isinstance(value, float) for value in geometry):
            return [round(geometry[0], PLACES), round(geometry[1], PLACES)]
        return [_rounded(value) for value in geometry]
    return geometry


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", type=Path, required=True, help="QGIS's world_map.gpkg")
    parser.add_argument("--check", action="store_true", help="only check that the committed files are current")
    arguments = parser.parse_args()
    organisations = json.loads(ORGANISATIONS.read_text(encoding="utf-8"))["organisations"]
    provinces = read_provinces(arguments.source)
    files = {
        OUTPUT / "vn-63.geojson": feature_collection(
            provinces, names_in(organisations, FIRST_YEAR_OF_34 - 1), valid={"valid_from": None, "valid_to": 2024}
        ),
        OUTPUT / "vn-34.geojson": feature_collection(
            units_of_2025(provinces, organisations),
            names_in(organisations, FIRST_YEAR_OF_34),
            valid={"valid_from": FIRST_YEAR_OF_34, "valid_to": None},
        ),
    }
    return write_or_check(files, check=arguments.check, root=ROOT)


if __name__ == "__main__":
    sys.exit(main())
