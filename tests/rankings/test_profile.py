"""A unit's profile agrees with itself: an index is a strength or a weakness, never both; an index's code is
not numbered again by the list; an index the unit has no value for says so."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.test import Client

from rankings.queries import ProfileRow, strengths_and_weaknesses

pytestmark = pytest.mark.django_db


def section(page: str, name: str) -> str:
    return page.split(f'<section class="card" id="{name}">')[1].split("</section>")[0]


def labels(section_html: str) -> list[str]:
    return [item.split(" — ")[0] for item in re.findall(r"<li>([^<]*)</li>", section_html)]


def test_no_index_is_both_a_strength_and_a_weakness(client: Client, published_2021: None) -> None:
    page = client.get("/results/units/48/").content.decode()

    strengths, weaknesses = labels(section(page, "strengths")), labels(section(page, "weaknesses"))
    # 7 (0,7088) is Đà Nẵng's third-best value and its third-largest loss: it is a weakness only.
    assert strengths == ["1. Nhận thức số", "3. Hạ tầng số", "2. Thể chế số"]
    assert weaknesses == ["8. Hoạt động kinh tế số", "9. Hoạt động xã hội số", "7. Hoạt động chính quyền số"]


def test_the_lists_do_not_number_the_indices_codes_again(client: Client, published_2021: None) -> None:
    page = client.get("/results/units/BTC/").content.decode()

    strengths, weaknesses = section(page, "strengths"), section(page, "weaknesses")
    assert '<ul class="plain-list"><li>1. Nhận thức số — 0,8000</li>' in strengths
    assert "<ol>" not in strengths + weaknesses


def test_an_index_without_a_value_says_so_instead_of_a_rank(client: Client, published_2021: None) -> None:
    page = client.get("/results/units/48/").content.decode()

    smart_city = page.split('data-index="6">')[1].split("</tr>")[0]
    assert "Đơn vị không có giá trị chỉ số này" in smart_city
    assert "/63" not in smart_city
    assert "—/63" not in page


def test_a_profile_gives_the_rank_within_the_units_own_group(client: Client, published_2021: None) -> None:
    finance = client.get("/results/units/BTC/").content.decode()
    academy = client.get("/results/units/VHLKHCN/").content.decode()

    assert "<dt>Hạng trong nhóm</dt><dd>1/17</dd>" in finance
    assert "<dt>Hạng trong nhóm</dt><dd>1/9</dd>" in academy


def row(index: str, value: str, max_points: str) -> ProfileRow:
    value_, points = Decimal(value), Decimal(max_points)
    return ProfileRow(index, f"{index}. Chỉ số {index}", "main", value_, 1, 3, None, value_ * points, points)


def test_with_two_indices_one_is_the_strength_and_the_other_the_weakness() -> None:
    strongest, weakest = strengths_and_weaknesses([row("1", "0.7", "60"), row("2", "0.7", "40")])

    assert ([r.index for r in strongest], [r.index for r in weakest]) == (["2"], ["1"])


def test_an_index_losing_no_points_is_no_weakness_and_one_worth_nothing_no_strength() -> None:
    strongest, weakest = strengths_and_weaknesses(
        [row("1", "1", "50"), row("2", "0", "50"), row("3", "1", "50"), row("4", "0", "50")]
    )

    assert ([r.index for r in strongest], [r.index for r in weakest]) == (["1", "3"], ["2", "4"])


def test_a_single_index_is_neither_strength_nor_weakness() -> None:
    assert strengths_and_weaknesses([row("1", "0.5", "100")]) == ([], [])
