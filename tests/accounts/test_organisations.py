from __future__ import annotations

import unicodedata

import pytest

from accounts.models import Organisation, match_organisation, normalise_name
from accounts.services import load_organisations

pytestmark = pytest.mark.django_db

SMALL_LIST = {
    "regions": [{"code": "bac-trung-bo-duyen-hai-mien-trung", "name": "Bắc Trung Bộ và duyên hải miền Trung"}],
    "organisations": [
        {"code": "46", "level": "province", "name": "Thành phố Huế", "short_name": "Thừa Thiên Huế",
         "variants": ["Thừa Thiên - Huế"], "region": "bac-trung-bo-duyen-hai-mien-trung", "group": "province",
         "valid_from": None, "valid_to": None, "predecessors": []},
        {"code": "48", "level": "province", "name": "Thành phố Đà Nẵng", "short_name": "TP. Đà Nẵng",
         "variants": ["Đà Nẵng"], "region": "bac-trung-bo-duyen-hai-mien-trung", "group": "province",
         "valid_from": None, "valid_to": 2024, "predecessors": []},
        {"code": "49", "level": "province", "name": "Tỉnh Quảng Nam", "short_name": "Quảng Nam", "variants": [],
         "region": "bac-trung-bo-duyen-hai-mien-trung", "group": "province",
         "valid_from": None, "valid_to": 2024, "predecessors": []},
        {"code": "48-2025", "level": "province", "name": "Thành phố Đà Nẵng", "short_name": "Đà Nẵng",
         "variants": [], "region": "bac-trung-bo-duyen-hai-mien-trung", "group": "province",
         "valid_from": 2025, "valid_to": None, "predecessors": ["48", "49"]},
    ],
}  # fmt: skip


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ("TP. Đà Nẵng", "đà nẵng"),
        ("Thành phố  Đà Nẵng", "đà nẵng"),
        ("tỉnh Quảng Nam", "quảng nam"),
        ("Thừa Thiên - Huế", "thừa thiên huế"),
        ("Thừa Thiên-Huế", "thừa thiên huế"),
        ("Bà Rịa – Vũng Tàu", "bà rịa vũng tàu"),
        # the same letters in decomposed Unicode (NFD), as some PDF tools produce them
        (unicodedata.normalize("NFD", "Đà Nẵng"), "đà nẵng"),
    ],
)
def test_names_are_compared_without_prefixes_case_or_hyphen_spacing(printed: str, expected: str) -> None:
    assert normalise_name(printed) == expected


def test_loading_the_list_twice_leaves_the_same_rows() -> None:
    load_organisations(data=SMALL_LIST)
    load_organisations(data=SMALL_LIST)

    assert Organisation.objects.count() == 4
    assert list(
        Organisation.objects.get(code="48-2025").predecessors.order_by("code").values_list("code", flat=True)
    ) == [
        "48",
        "49",
    ]


def test_a_year_sees_only_the_units_that_exist_in_it() -> None:
    load_organisations(data=SMALL_LIST)

    in_2024 = set(Organisation.objects.valid_in(2024).values_list("code", flat=True))
    in_2025 = set(Organisation.objects.valid_in(2025).values_list("code", flat=True))

    assert in_2024 == {"46", "48", "49"}
    assert in_2025 == {"46", "48-2025"}


def test_a_unit_is_found_by_any_printed_spelling_within_its_year() -> None:
    load_organisations(data=SMALL_LIST)
    index_2021 = Organisation.objects.valid_in(2021).name_index()
    index_2025 = Organisation.objects.valid_in(2025).name_index()

    assert match_organisation(index_2021, "TP. Đà Nẵng").code == "48"  # type: ignore[union-attr]
    assert match_organisation(index_2025, "Thành phố Đà Nẵng").code == "48-2025"  # type: ignore[union-attr]
    assert match_organisation(index_2021, "Thừa Thiên-Huế").code == "46"  # type: ignore[union-attr]
    assert match_organisation(index_2021, "49").code == "49"  # type: ignore[union-attr]
    assert match_organisation(index_2025, "Quảng Nam") is None


def test_names_sort_in_vietnamese_alphabetical_order() -> None:
    # Letters first (Đ after D, Ô and Ơ after O), tones only to break ties: "Bà Rịa" < "Ba Vì".
    from accounts.names import vietnamese_sort_key

    names = ["Đồng Nai", "Điện Biên", "Đà Nẵng", "Dak Lak", "Ea Súp", "Cà Mau", "Ơ Rê", "Ô Môn", "Bạc Liêu",
             "Bà Rịa", "Bắc Ninh", "Bến Tre", "Ba Vì"]  # fmt: skip

    assert sorted(names, key=vietnamese_sort_key) == [
        "Bà Rịa", "Ba Vì", "Bạc Liêu", "Bắc Ninh", "Bến Tre", "Cà Mau", "Dak Lak", "Đà Nẵng", "Điện Biên",
        "Đồng Nai", "Ea Súp", "Ô Môn", "Ơ Rê",
    ]  # fmt: skip


def test_a_search_ignores_accents_prefixes_and_hyphens() -> None:
    from accounts.names import search_form

    assert [search_form(name) for name in ("TP. Đà Nẵng", "Thừa Thiên - Huế", "Tỉnh Bắc Ninh")] == [
        "da nang",
        "thua thien hue",
        "bac ninh",
    ]


def test_a_unit_renamed_in_2025_bears_its_new_name_from_that_year_only(
    organisations: dict[str, Organisation],
) -> None:
    hue = organisations["46"]

    assert hue.names_in(2021) == ("Tỉnh Thừa Thiên Huế", "Thừa Thiên Huế")
    assert hue.names_in(2025) == ("Thành phố Huế", "Huế")
    assert match_organisation(Organisation.objects.valid_in(2025).name_index(), "Thành phố Huế") == hue
