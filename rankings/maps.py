"""Choropleth maps of the provincial units: the 63 provinces up to 2024, the 34 units from 2025.

The shapes are Natural Earth's, simplified and merged into the units of 2025 at build time by
scripts/build_map.py and vendored in static/vendor/natural-earth-vietnam/ (with their licence); here they
are only read (the standard library's json) and projected. A page's map is drawn server-side as inline
SVG, in the page's cached content (rankings.caching): each unit a link to its profile, carrying
`data-organisation-code`, its fill a class of a sequential colour scale by value (static/css/portal.css),
its value and rank in its accessible name, which static/js/map.js also shows as a tooltip on hover and
keyboard focus. The table on the same page stays the accessible alternative.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.formatting import format_number

GEOMETRY = Path(settings.BASE_DIR) / "static" / "vendor" / "natural-earth-vietnam"
LAYER_FILES = ("vn-63.geojson", "vn-34.geojson")

# The projection: equirectangular at the country's middle latitude, in km from the map's north-west
# corner. Vietnam is long north–south and narrow, so the distortion of this simple projection is small
# (about 5 % between north and south) and the page needs no projection library.
KM_PER_DEGREE = 111.32
LONGITUDE_SCALE = math.cos(math.radians(16))
WEST, EAST, NORTH, SOUTH = 102.0, 115.0, 23.6, 7.5

# The archipelagos of Hoàng Sa (part of Đà Nẵng) and Trường Sa (part of Khánh Hòa), which Natural Earth's
# provinces leave out: marked by some of their islands' approximate positions (longitude, latitude),
# written in by hand from published gazetteers. They carry no results.
ARCHIPELAGOS: list[tuple[Promise, tuple[float, float], list[tuple[float, float]]]] = [
    (
        gettext_lazy("QĐ. Hoàng Sa"),
        (111.9, 17.25),
        [(112.34, 16.83), (111.61, 16.53), (111.20, 15.78), (112.73, 16.67), (111.71, 16.45), (111.77, 16.05)],
    ),
    (
        gettext_lazy("QĐ. Trường Sa"),
        (113.3, 11.95),
        [(114.33, 11.43), (114.28, 11.05), (114.36, 10.38), (114.36, 10.18), (114.33, 9.88), (113.68, 8.97),
         (112.23, 8.85), (111.92, 8.64), (112.91, 7.89)],
    ),
]  # fmt: skip

BINS = 5
NO_VALUE = "map-bin-none"
# A label's size, in km of the map (about 9 px where the map is 550 px wide), and the share of a character's
# height its width takes, on average, in the portal's sans-serif font.
LABEL_KM = 24.0
CHARACTER_WIDTH = 0.58


def project(longitude: float, latitude: float) -> tuple[float, float]:
    """A point of the map, in km east and south of its north-west corner."""
    return (longitude - WEST) * LONGITUDE_SCALE * KM_PER_DEGREE, (NORTH - latitude) * KM_PER_DEGREE


@dataclass(frozen=True)
class Shape:
    """One unit's shape: its GeoJSON geometry (longitude, latitude) and its SVG path in the map's km."""

    code: str
    name: str
    geometry: dict[str, Any]
    path: str
    label_at: tuple[float, float]
    label_room: float
    label_width: float


@dataclass(frozen=True)
class Layer:
    """The units of a span of years (`valid_to` None: still current)."""

    valid_from: int | None
    valid_to: int | None
    shapes: tuple[Shape, ...]

    def holds(self, year: int) -> bool:
        return (self.valid_from is None or self.valid_from <= year) and (self.valid_to is None or year <= self.valid_to)

    def shape(self, code: str) -> Shape | None:
        return next((shape for shape in self.shapes if shape.code == code), None)


def _path(geometry: dict[str, Any]) -> str:
    """A MultiPolygon as an SVG path in whole km (under half a pixel on a page): every ring a subpath."""
    parts = []
    for polygon in geometry["coordinates"]:
        for ring in polygon:
            points: list[tuple[int, int]] = []
            for longitude, latitude in ring:
                x, y = project(longitude, latitude)
                point = (round(x), round(y))
                if not points or points[-1] != point:
                    points.append(point)
            if len(set(points)) >= 3:  # an islet smaller than the map's unit is left out
                parts.append("M" + " ".join(f"{x},{y}" for x, y in points) + "Z")
    return "".join(parts)


@cache
def layers() -> tuple[Layer, ...]:
    """The vendored layers, read and projected once per process."""
    found = []
    for name in LAYER_FILES:
        data = json.loads((GEOMETRY / name).read_text(encoding="utf-8"))
        shapes = []
        for feature in data["features"]:
            properties = feature["properties"]
            shapes.append(Shape(
                code=properties["organisation_code"], name=properties["name"], geometry=feature["geometry"],
                path=_path(feature["geometry"]), label_at=project(*properties["label"]),
                label_room=float(properties["label_room_km"]), label_width=float(properties["label_width_km"]),
            ))  # fmt: skip
        found.append(Layer(data["valid_from"], data["valid_to"], tuple(shapes)))
    return tuple(found)


def layer_for(year: int) -> Layer | None:
    """The units assessed in `year`; None for a year no layer covers."""
    return next((layer for layer in layers() if layer.holds(year)), None)


def view_box() -> str:
    width, height = project(EAST, SOUTH)
    return f"0 0 {round(width)} {round(height)}"


@dataclass(frozen=True)
class Figure:
    """A unit's figure on a map: what the table next to it shows of the unit."""

    code: str
    name: str
    value: Decimal | None
    rank: int | None


@dataclass(frozen=True)
class Bin:
    """A class of the colour scale: values from `low` up to `high` (the last class includes `high`)."""

    number: int
    low: Decimal
    high: Decimal
    label: str

    def holds(self, value: Decimal, last: bool) -> bool:
        return self.low <= value < self.high or (last and value == self.high)


def bins_for(values: Sequence[Decimal], count: int = BINS) -> list[Bin]:
    """Equal classes of round width (hundredths) from just below the smallest value to just above the
    largest: the legend reads "0,33–0,39", and the whole scale is used whatever the index's range."""
    if not values:
        return []
    hundredth = Decimal("0.01")
    low = min(values).quantize(hundredth, rounding=ROUND_FLOOR)
    high = max(values).quantize(hundredth, rounding=ROUND_CEILING)
    step = max(((high - low) / count).quantize(hundredth, rounding=ROUND_CEILING), hundredth)
    edges = [low + step * number for number in range(count + 1)]
    return [Bin(number, edges[number], edges[number + 1],
                f"{format_number(edges[number], 2)}–{format_number(edges[number + 1], 2)}")
            for number in range(count)]  # fmt: skip


def bin_of(bins: Sequence[Bin], value: Decimal | None) -> Bin | None:
    if value is None:
        return None
    return next((item for item in bins if item.holds(value, item is bins[-1])), None)


@dataclass(frozen=True)
class MapUnit:
    """A unit as drawn: its shape, fill class, link and accessible name, and its label where one fits."""

    code: str
    path: str
    fill: str
    href: str | None
    description: str
    current: bool
    label: str = ""
    label_x: int = 0
    label_y: int = 0
    dark_fill: bool = False


@dataclass(frozen=True)
class Archipelago:
    name: str
    label_x: int
    label_y: int
    islands: list[tuple[int, int]]


@dataclass(frozen=True)
class Choropleth:
    """What rankings/_map.html draws."""

    id: str
    caption: str
    view_box: str
    units: list[MapUnit]
    bins: list[Bin]
    has_missing: bool
    has_no_value: bool
    archipelagos: list[Archipelago] = field(default_factory=list)


def describe(figure: Figure, places: int) -> str:
    """A unit's accessible name on the map, and its tooltip: "Tên: giá trị 0,6419, hạng 12"."""
    if figure.value is None:
        return _("%(name)s: không có giá trị") % {"name": figure.name}
    value = format_number(figure.value, places)
    if figure.rank is None:
        return _("%(name)s: giá trị %(value)s, không xếp hạng") % {"name": figure.name, "value": value}
    return _("%(name)s: giá trị %(value)s, hạng %(rank)s") % {"name": figure.name, "value": value,
                                                               "rank": figure.rank}  # fmt: skip


def _label(name: str, shape: Shape, current: bool) -> str:
    """The name drawn on the unit where it fits across the shape ("TP." left out: the shapes are small)."""
    text = name.removeprefix("TP. ")
    fits = len(text) * LABEL_KM * CHARACTER_WIDTH <= 0.9 * shape.label_width and LABEL_KM <= 2 * shape.label_room
    return text if fits or current else ""


def choropleth(
    *, dom_id: str, caption: str, year: int, figures: Iterable[Figure], places: int, current: str | None = None
) -> Choropleth | None:
    """The map of a year's provincial units coloured by `figures`; None for a year without shapes.

    A unit of the layer with no figure is drawn hatched, without a link; `current` (a unit's profile) is
    outlined, labelled and drawn last, on top of its neighbours."""
    layer = layer_for(year)
    if layer is None:
        return None
    by_code = {figure.code: figure for figure in figures}
    bins = bins_for([figure.value for figure in by_code.values() if figure.value is not None])
    units = []
    for shape in layer.shapes:
        figure = by_code.get(shape.code)
        found = bin_of(bins, figure.value) if figure else None
        is_current = shape.code == current
        label = _label(figure.name if figure else shape.name, shape, is_current)
        units.append(MapUnit(
            code=shape.code, path=shape.path, fill=f"map-bin-{found.number}" if found else NO_VALUE,
            href=f"{reverse('rankings:profile', args=[shape.code])}?year={year}" if figure else None,
            description=describe(figure, places) if figure else _("%(name)s: không có kết quả") % {"name": shape.name},
            current=is_current, label=label, label_x=round(shape.label_at[0]), label_y=round(shape.label_at[1]),
            dark_fill=found is not None and found.number >= BINS - 2,
        ))  # fmt: skip
    units.sort(key=lambda unit: unit.current)
    return Choropleth(id=dom_id, caption=caption, view_box=view_box(), units=units, bins=bins,
                      has_missing=any(unit.href is None for unit in units),
                      has_no_value=any(unit.href is not None and unit.fill == NO_VALUE for unit in units),
                      archipelagos=_archipelagos())  # fmt: skip


def _archipelagos() -> list[Archipelago]:
    found = []
    for name, at, islands in ARCHIPELAGOS:
        x, y = project(*at)
        points = [(round(px), round(py)) for px, py in (project(*island) for island in islands)]
        found.append(Archipelago(str(name), round(x), round(y), points))
    return found


def feature_collection(year: int, results: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The API's rows of a provincial ranking as GeoJSON features (RFC 7946), in the rows' order: each
    with its unit's shape (null where the year has none for it) and organisation_code, organisation_name,
    value and rank."""
    layer = layer_for(year)
    features = []
    for row in results:
        shape = layer.shape(row["organisation_code"]) if layer else None
        features.append({
            "type": "Feature",
            "geometry": shape.geometry if shape else None,
            "properties": {key: row[key] for key in ("organisation_code", "organisation_name", "value", "rank")},
        })  # fmt: skip
    return {"type": "FeatureCollection", "features": features}
