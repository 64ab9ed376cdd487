"""Page titles name the page, then the site once: "… · DTI", never "… — DTI · DTI"."""

from __future__ import annotations

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

PAGES = {
    "/": "Trang chủ · DTI",
    "/results/2024/province/": "Bảng xếp hạng 2024 cấp tỉnh · DTI",
    "/results/2024/province/?index=1": "Bảng xếp hạng 2024 cấp tỉnh — 1. Nhận thức số · DTI",
    "/results/2024/ministry/": "Bảng xếp hạng 2024 cấp bộ, ngành · DTI",
    "/results/2024/province/methodology/": "Phương pháp đánh giá 2024 — Tỉnh, thành phố · DTI",
    "/results/2024/province/report/": "Báo cáo PDF 2024 — Tỉnh, thành phố · DTI",
    "/results/units/48/": "TP. Đà Nẵng — kết quả đánh giá · DTI",
    "/results/compare/?unit=48&unit=46": "So sánh đơn vị · DTI",
}


@pytest.mark.parametrize(("url", "title"), PAGES.items())
def test_a_results_page_names_the_site_once(client: Client, small_years: None, url: str, title: str) -> None:
    found = re.findall(r"<title>(.*?)</title>", client.get(url).content.decode(), re.S)

    assert found == [title]
