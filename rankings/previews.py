"""The social-preview image of a published table (the picture a chat or a social network shows beside a
shared link): a 1200 × 630 PNG bar chart of the DTI of each group's leading units, under the table's title.
Drawn with Pillow once per publication, in the background (`services.build_preview`), never on a request."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 630
# All groups' bars together; a table of one group shows its top ten.
MOST_BARS = 12
BACKGROUND = (255, 255, 255)
INK = (26, 32, 44)
MUTED = (90, 99, 115)
BAR = (0, 87, 163)
RULE = (222, 226, 232)
# Debian's fonts-dejavu-core: the portal's host has it (weasyprint needs fonts), and DejaVu covers Vietnamese.
FONT_DIRECTORIES = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"),
                    Path("/usr/local/share/fonts"), Path("/usr/share/fonts"))  # fmt: skip

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # the value as readers read it ("0,6419")


@dataclass(frozen=True)
class Group:
    label: str
    bars: Sequence[Bar]


@cache
def _font_file(name: str) -> Path | None:
    for directory in FONT_DIRECTORIES:
        if (directory / name).is_file():
            return directory / name
        found = next(iter(sorted(directory.rglob(name))), None) if directory.is_dir() else None
        if found is not None:
            return found
    return None


def font(size: int, *, bold: bool = False) -> Font:
    """DejaVu Sans at `size` px, or Pillow's own font where DejaVu is not installed."""
    path = _font_file("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")
    if path is not None:
        return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size)


def _fit(draw: ImageDraw.ImageDraw, text: str, face: Font, width: int) -> str:
    """`text` cut (with an ellipsis) to fit `width` px."""
    if draw.textlength(text, font=face) <= width:
        return text
    while text and draw.textlength(text + "…", font=face) > width:
        text = text[:-1]
    return text + "…"


def leaders(groups: Sequence[Group]) -> list[Group]:
    """Each group's leading bars, so that all of them fit: ten of a single group, fewer of each of several."""
    if not groups:
        return []
    each = max(2, min(10, MOST_BARS // len(groups)))
    return [Group(group.label, list(group.bars)[:each]) for group in groups]


def draw(title: str, subtitle: str, groups: Sequence[Group]) -> bytes:
    """The PNG: `title` and `subtitle` on top, then per group its label and one bar per unit (0 to 1)."""
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    pen = ImageDraw.Draw(image)
    margin = 48
    pen.rectangle((0, 0, WIDTH, 10), fill=BAR)
    pen.text((margin, 34), _fit(pen, title, font(44, bold=True), WIDTH - 2 * margin), font=font(44, bold=True),
             fill=INK)  # fmt: skip
    pen.text((margin, 92), _fit(pen, subtitle, font(26), WIDTH - 2 * margin), font=font(26), fill=MUTED)
    shown = leaders(groups)
    lines = sum(len(group.bars) for group in shown) + (len(shown) if len(shown) > 1 else 0)
    top, bottom = 150, HEIGHT - 36
    if lines:
        step = min(44, (bottom - top) // lines)
        size = max(14, int(step * 0.55))
        label_face, value_face = font(size), font(size, bold=True)
        label_width, value_width = 330, 110
        left, right = margin + label_width + 12, WIDTH - margin - value_width
        y = top
        for group in shown:
            if len(shown) > 1:
                pen.text((margin, y + (step - size) // 2), _fit(pen, group.label, value_face, WIDTH - 2 * margin),
                         font=value_face, fill=MUTED)  # fmt: skip
                y += step
            for bar in group.bars:
                middle = y + step // 2
                pen.text((margin, middle), _fit(pen, bar.label, label_face, label_width), font=label_face, fill=INK,
                         anchor="lm")  # fmt: skip
                pen.rectangle((left, y + 4, right, y + step - 4), fill=RULE)
                end = left + round((right - left) * min(max(bar.value, 0.0), 1.0))
                if end > left:
                    pen.rectangle((left, y + 4, end, y + step - 4), fill=BAR)
                pen.text((WIDTH - margin, middle), bar.text, font=value_face, fill=INK, anchor="rm")
                y += step
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
