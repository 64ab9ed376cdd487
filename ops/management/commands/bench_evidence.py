"""Time the background reading of a scanned evidence file: a Vietnamese page drawn, wrapped as an image-only
PDF, `--pages` times, then read as the background task reads it (signatures, text by OCR, identity).

    python manage.py bench_evidence [--pages 10] [--repeat 3]

Prints one JSON object: the pages, how they were read, and the median (p50) and slowest seconds of
`--repeat` readings. Needs Debian's tesseract-ocr and tesseract-ocr-vie.
"""

from __future__ import annotations

import io
import json
import statistics
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
PAGE = [
    "ỦY BAN NHÂN DÂN",
    "TỈNH QUẢNG NAM",
    "Số: 123/QĐ-UBND",
    "Quảng Nam, ngày 12 tháng 3 năm 2021",
    "QUYẾT ĐỊNH",
    "Ban hành Kế hoạch chuyển đổi số của tỉnh năm 2021",
    "Điều 1. Ban hành kèm theo Quyết định này Kế hoạch chuyển đổi số.",
    "Điều 2. Các sở, ban, ngành tổ chức thực hiện Kế hoạch.",
]


def scanned_pages(pages: int) -> bytes:
    """An image-only PDF of `pages` A4 pages at 200 dpi, each with the lines above."""
    font = ImageFont.truetype(FONT, 40)
    images = []
    for _number in range(pages):
        image = Image.new("L", (1654, 2339), 255)
        draw = ImageDraw.Draw(image)
        for line, text in enumerate(PAGE):
            draw.text((150, 150 + line * 90), text, fill=0, font=font)
        images.append(image.convert("RGB"))
    out = io.BytesIO()
    images[0].save(out, "PDF", resolution=200, save_all=True, append_images=images[1:])
    return out.getvalue()


class Command(BaseCommand):
    help = "Benchmark reading a scanned evidence file in the background (OCR); no database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--pages", type=int, default=10)
        parser.add_argument("--repeat", type=int, default=3, help="Readings; the median is printed.")

    def handle(self, *args: Any, **options: Any) -> None:
        from submissions.identity import find_identity
        from submissions.reading import read_text
        from submissions.signatures import check_signatures

        pages, repeat = options["pages"], options["repeat"]
        if min(pages, repeat) < 1:
            raise CommandError("--pages and --repeat are at least 1.")
        content = scanned_pages(pages)
        seconds, method, number = [], "", ""
        for _run in range(repeat):
            started = time.perf_counter()
            check_signatures(content, trust_roots=[])
            read = read_text(content, max_pages=max(pages, settings.EVIDENCE_READ_MAX_PAGES),
                             seconds=settings.EVIDENCE_READ_SECONDS)  # fmt: skip
            number = find_identity(read.pages).number
            seconds.append(time.perf_counter() - started)
            method = str(read.method)
        figures = {"pages": pages, "bytes": len(content), "method": method, "document_number": number,
                   "repeat": repeat, "seconds_p50": round(statistics.median(seconds), 3),
                   "slowest_seconds": round(max(seconds), 3)}  # fmt: skip
        self.stdout.write(json.dumps(figures, indent=2))
