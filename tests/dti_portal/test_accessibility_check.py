"""The accessibility check the browser tests rely on finds what it must: it is not a check that cannot fail."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import scrolls_sideways, serious_accessibility_violations

pytestmark = pytest.mark.integration


def test_axe_reports_an_unlabelled_input_and_an_image_without_text(
    open_page: Callable[..., tuple[Any, list[str]]],
) -> None:
    page, _problems = open_page()
    page.set_content('<html lang="vi"><title>Thử</title><main><img src="x.png"><input type="text"></main></html>')

    found = [line.split(":")[0] for line in serious_accessibility_violations(page)]

    assert sorted(found) == ["image-alt", "label"]


def test_a_page_wider_than_a_phone_is_found_to_scroll_sideways(
    open_page: Callable[..., tuple[Any, list[str]]],
) -> None:
    page, _problems = open_page({"width": 390, "height": 844})
    page.set_content(
        '<html lang="vi"><meta name="viewport" content="width=device-width">'
        '<body><table><tr><td style="min-width: 900px">Bảng</td></tr></table></body></html>'
    )

    assert scrolls_sideways(page)
