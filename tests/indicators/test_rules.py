from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from indicators.rules import describe_rule, validate_rule


@pytest.mark.parametrize(
    ("rule", "parameters"),
    [
        ("boolean", {}),
        ("percentage", {}),
        ("percentage", {"target": "80", "inverted": True}),
        ("ratio", {"target": 100}),
        ("count", {"cap": "12"}),
        ("levels", {"levels": [{"label": "Hằng tuần", "fraction": "1"}, {"label": "Ít hơn", "fraction": 0}]}),
        ("relative_to_best", {}),
        ("minmax", {}),
        ("zscore", {"bound": "2.5"}),
        ("manual", {}),
    ],
)
def test_valid_rules_have_no_problems(rule: str, parameters: dict[str, object]) -> None:
    assert validate_rule(rule, parameters) == []


@pytest.mark.parametrize(
    ("rule", "parameters", "problem"),
    [
        ("weighted", {}, "Quy tắc tính điểm “weighted” không tồn tại."),
        ("boolean", {"cap": 3}, "Tham số “cap” không dùng cho quy tắc boolean."),
        ("count", {}, "Quy tắc count cần tham số “cap”."),
        ("count", {"cap": "0"}, "Tham số “cap” phải là số dương."),
        ("count", {"cap": "mười"}, "Tham số “cap” phải là số dương."),
        ("percentage", {"inverted": "yes"}, "Tham số “inverted” phải là true hoặc false."),
        ("levels", {"levels": []}, "Tham số “levels” phải là danh sách các mức {“label”, “fraction”}."),
        ("levels", {"levels": [{"label": "A", "fraction": "1.5"}]}, "Mức “A”: “fraction” phải từ 0 đến 1."),
        ("levels", {"levels": [{"fraction": "1"}]}, "Mức 1 thiếu nhãn (“label”)."),
    ],
)
def test_invalid_rules_are_explained_in_vietnamese(rule: str, parameters: dict[str, object], problem: str) -> None:
    assert validate_rule(rule, parameters) == [problem]


def test_a_percentage_rule_reads_as_the_authority_words_it() -> None:
    with translation.override("vi"):
        text = describe_rule("percentage", {}, Decimal("2"))

    assert text.startswith("Tỷ lệ %: đạt 100 % được tối đa 2 điểm")


def test_rule_sentences_use_the_decimal_comma() -> None:
    levels = {"levels": [{"label": "Hằng tuần", "fraction": "1"}, {"label": "Hằng tháng", "fraction": "0.5"}]}

    with translation.override("vi"):
        text = describe_rule("levels", levels, Decimal("1.5"))

    assert text == "Theo mức (điểm tối đa 1,5): Hằng tuần: 1,5; Hằng tháng: 0,75."


def test_an_inverted_percentage_says_lower_is_better() -> None:
    with translation.override("vi"):
        text = describe_rule("percentage", {"inverted": True}, Decimal("3"))

    assert text == "Tỷ lệ %, càng thấp càng tốt: 0 % được tối đa 3 điểm, từ 100 % trở lên được 0 điểm."
