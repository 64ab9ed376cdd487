"""What if a unit's main indices had other values: on the published DTI 2021 tables, the after-DTI is the
report's own arithmetic with the change, ranked against the other units' published figures; the smallest
value for a better rank is what a search of every 0,0001 step finds; a unit's final answers recompute as
the campaign's scoring would."""

from __future__ import annotations

import subprocess
import sys
from decimal import ROUND_CEILING, Decimal
from pathlib import Path

import pytest
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from accounts.models import Organisation
from common.errors import InvalidInput, WorkflowError
from indicators.models import Node
from rankings.models import Publication, PublishedResult
from rankings.ranking import round_value
from rankings.whatif import Change, PartKind, PeerGroup, Standing, largest_gains, smallest_gain_for_rank_up, what_if
from rankings.whatif_data import (
    Basis,
    ChangesInvalid,
    Requested,
    leaf_answer,
    leaf_what_if,
    published_what_if,
    requested_changes,
    what_if_basis,
)
from scoring.engine import LeafValue, NodeSpec
from submissions.models import Campaign, Submission, SubmissionState
from tests.rankings.what_if_setup import finalised, full_recompute  # noqa: F401 - the fixture, and its check

pytestmark = pytest.mark.django_db

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def basis_of(code: str, year: int = 2021) -> Basis:
    return what_if_basis(
        organisation=Organisation.objects.get(code=code), among=Publication.objects.official(), year=year
    )


def ahead(index: str, value: Decimal, unit: str) -> list[str]:
    """The other provinces whose published 2021 figure of `index`, rounded to 4 decimals, is above `value`
    rounded: the units a rank counts."""
    rows = (
        PublishedResult.objects.filter(publication__campaign__year=2021, publication__campaign__level="province")
        .filter(index=index)
        .exclude(organisation__code=unit)
        .select_related("organisation")
    )
    return sorted(
        row.organisation.code
        for row in rows
        if (figure := row.value) is not None and round_value(figure) > round_value(value)
    )


def test_the_what_if_itself_loads_no_django_module() -> None:
    # A fresh interpreter: this test process has Django loaded already.
    check = "import sys, rankings.whatif; assert not [m for m in sys.modules if m.startswith('django')]"

    completed = subprocess.run(
        [sys.executable, "-c", check], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60, check=False
    )

    assert completed.returncode == 0, completed.stderr


def test_the_fifth_main_index_of_the_framework_of_the_2021_table_is_index_5(published_2021: None) -> None:
    publication = Publication.objects.official().latest_for(year=2021, level="province")
    assert publication is not None
    mains = Node.objects.filter(framework=publication.campaign.framework, kind="main").order_by("order")

    assert publication.campaign.framework.code == "dti-2022-province"
    # Index 6 (Đô thị thông minh) is worth 0 points and has no column in the 2021 table.
    assert [(node.key, node.max_points) for node in mains] == [
        ("1", 100), ("2", 100), ("3", 100), ("4", 100), ("5", 100), ("6", 0), ("7", 200), ("8", 150), ("9", 150),
    ]  # fmt: skip


def test_hai_phong_with_index_5_at_one_has_the_dti_the_reports_points_give_and_the_rank_the_others_give(
    published_2021: None,
) -> None:
    outcome = published_what_if(basis=basis_of("31"), changes=[Requested("5", "1,0000")])

    # TP. Hải Phòng's main indices in the report (Bảng 5), index 5 raised from 0,2821 to 1, times each one's points:
    by_hand = (
        Decimal("0.7500") * 100 + Decimal("0.6000") * 100 + Decimal("0.4544") * 100 + Decimal("0.2142") * 100
        + Decimal("1.0000") * 100 + Decimal("0.5012") * 200 + Decimal("0.4353") * 150 + Decimal("0.4792") * 150
    ) / 1000  # fmt: skip
    assert by_hand == Decimal("0.539275")
    assert outcome.after.value == by_hand
    assert round_value(outcome.after.value) == Decimal("0.5393")
    # Ahead of it: the provinces whose published DTI, rounded, is higher (Đà Nẵng, Huế, TP. Hồ Chí Minh).
    above = ahead("dti", Decimal("0.5393"), "31")
    assert above == ["46", "48", "79"]
    assert outcome.after.rank == len(above) + 1 == 4
    assert outcome.before == Standing(Decimal("0.4675"), 16)
    assert outcome.changes == (Change("5", "5. An toàn thông tin mạng", Decimal("0.2821"), Decimal(1)),)
    assert (outcome.group, outcome.group_size, outcome.places_gained, outcome.offset) == ("province", 63, 12, None)


def test_each_pillar_moves_by_the_points_the_change_adds_to_it_and_is_ranked_among_the_published_pillars(
    published_2021: None,
) -> None:
    outcome = published_what_if(basis=basis_of("31"), changes=[Requested("5", "1")])

    # Index 5 counts toward every pillar: + (1 − 0,2821) × 100 over each pillar's 700, 650, 650 points.
    gained = (1 - Decimal("0.2821")) * 100
    expected = {"CQS": Decimal("0.4718") + gained / 700, "KTS": Decimal("0.4464") + gained / 650,
                "XHS": Decimal("0.4645") + gained / 650}  # fmt: skip
    assert [(p.index, p.before, p.after, p.rank_before, p.rank_after) for p in outcome.pillars] == [
        (code, before, expected[code], rank, len(ahead(code, expected[code], "31")) + 1)
        for code, before, rank in [("CQS", Decimal("0.4718"), 25), ("KTS", Decimal("0.4464"), 25),
                                   ("XHS", Decimal("0.4645"), 16)]
    ]  # fmt: skip
    assert [p.rank_after for p in outcome.pillars] == [5, 5, 3]
    assert [round_value(p.after or Decimal(0)) for p in outcome.pillars] == [
        Decimal("0.5744"), Decimal("0.5568"), Decimal("0.5749")
    ]  # fmt: skip


def test_a_pillar_the_change_does_not_count_toward_stays_as_published(published_2021: None) -> None:
    # Index 7 (Hoạt động chính quyền số) counts toward Chính quyền số only.
    outcome = published_what_if(basis=basis_of("31"), changes=[Requested("7", "0.6012")])

    cqs = Decimal("0.4718") + Decimal(20) / 700  # + 0,1 × 200 points of Chính quyền số's 700
    assert [(p.index, p.after, p.rank_after) for p in outcome.pillars] == [
        ("CQS", cqs, len(ahead("CQS", cqs, "31")) + 1),
        ("KTS", Decimal("0.4464"), 25),
        ("XHS", Decimal("0.4645"), 16),
    ]
    assert outcome.after.value == Decimal("0.467485") + Decimal("0.020")


def test_nothing_changed_is_the_published_figure_even_where_the_main_indices_round_otherwise(
    published_2021: None,
) -> None:
    # TP. Cần Thơ: its main indices give 0,47945, which rounds to 0,4795; the report publishes 0,4794.
    basis = basis_of("92")
    unchanged = published_what_if(basis=basis, changes=[Requested("1", "0,6000")])
    nothing = published_what_if(basis=basis, changes=[])

    assert unchanged.after == unchanged.before == nothing.after == Standing(Decimal("0.4794"), 15)
    assert [(p.before, p.after, p.rank_before, p.rank_after) for p in unchanged.pillars] == [
        (Decimal("0.4930"), Decimal("0.4930"), 21, 21),
        (Decimal("0.4944"), Decimal("0.4944"), 11, 11),
        (Decimal("0.4787"), Decimal("0.4787"), 13, 13),
    ]


def test_where_the_published_dti_is_not_its_main_indices_sum_the_published_dti_moves_by_the_change(
    published_2021: None,
) -> None:
    # Viện Hàn lâm KH&CN: ranked among the ministries without public services on maxima the report does not
    # print: 0,4736 published, Σ value × points / 1000 = 0,43353 from its main indices.
    outcome = published_what_if(basis=basis_of("VHLKHCN"), changes=[Requested("5", "1")])

    assert outcome.offset == Decimal("0.4736") - Decimal("0.43353")
    assert outcome.after.value == Decimal("0.4736") + (1 - Decimal("0.1599")) * 100 / 1000
    assert outcome.after.rank == 1
    assert outcome.group == "no_public_services"


def test_lowering_an_index_can_lose_places(published_2021: None, client: Client) -> None:
    outcome = published_what_if(basis=basis_of("31"), changes=[Requested("9", "0")])
    page = client.get("/results/units/31/what-if/?set=9:0").content.decode()

    # 0,467485 − 0,4792 × 150 / 1000 = 0,395605.
    assert outcome.after.value == Decimal("0.395605")
    rank = len(ahead("dti", Decimal("0.3956"), "31")) + 1
    assert (outcome.after.rank, outcome.places_lost) == (rank, rank - 16)
    assert f'<p id="what-if-verdict">Xuống {rank - 16} bậc.</p>' in page


def brute_force(group: PeerGroup, unit: str, key: str) -> Decimal | None:
    """The smallest value of `key` in steps of 0,0001, from the current value up to 1, that ranks the unit
    better, trying every step."""
    rank = group.members[unit].dti.rank
    assert rank is not None
    current = group.members[unit].mains[key]
    first = int((current * 10000).to_integral_value(rounding=ROUND_CEILING))
    for step in range(first, 10001):
        found = what_if(group, unit, {key: Decimal(step).scaleb(-4)}).after.rank
        if found is not None and found < rank:
            return Decimal(step).scaleb(-4)
    return None


@pytest.mark.parametrize(
    ("code", "key"),
    [
        ("26", "1"),  # Vĩnh Phúc, 12th tied with Thanh Hóa: better is 11th, Nam Định's 0,4885
        ("26", "7"),
        ("38", "5"),  # Thanh Hóa, the other of the tie
        ("30", "4"),  # Hải Dương, 14th: reaching the tie at 0,4880 is 12th
        ("31", "5"),
        ("46", "7"),  # Huế, 2nd: index 7 at 1 would just pass Đà Nẵng
        ("46", "1"),  # ... index 1 at 1 would not: even 1,0000 is not enough
        ("04", "4"),  # Cao Bằng, 62nd
    ],
)
def test_the_smallest_gain_for_a_better_rank_is_what_trying_every_step_finds(
    published_2021: None, code: str, key: str
) -> None:
    basis = basis_of(code)

    found = {item.index: item.needed for item in basis.rank_up}

    assert found[key] == brute_force(basis.group, code, key)


def test_the_smallest_gains_of_units_around_a_tie(published_2021: None) -> None:
    vinh_phuc, hai_duong, hue = (
        {item.index: item.needed for item in basis_of(code).rank_up} for code in ("26", "30", "46")
    )

    # Vĩnh Phúc's 0,487965 must round to Nam Định's 0,4885 to rank 11th: at least 0,48845, + 0,000485,
    # which is + 0,00485 on index 1 (100 of 1 000 points): 0,8333 + 0,0049 in steps of 0,0001.
    assert vinh_phuc["1"] == Decimal("0.8382")
    assert what_if(basis_of("26").group, "26", {"1": Decimal("0.8382")}).after == Standing(Decimal("0.488455"), 11)
    assert what_if(basis_of("26").group, "26", {"1": Decimal("0.8381")}).after == Standing(Decimal("0.488445"), 12)
    # Hải Dương reaches the 12th place Thanh Hóa and Vĩnh Phúc share.
    assert what_if(basis_of("30").group, "30", {"4": hai_duong["4"]}).after.rank == 12  # type: ignore[dict-item]
    assert hue["1"] is None
    assert hue["7"] is not None


def test_the_first_unit_has_nowhere_higher_to_go(published_2021: None) -> None:
    basis = basis_of("48")

    assert [(item.index, item.needed) for item in basis.rank_up] == [
        (key, None) for key in ("1", "2", "3", "4", "5", "7", "8", "9")
    ]
    assert brute_force(basis.group, "48", "1") is None


def test_an_index_worth_nothing_has_no_smallest_gain(published_2021: None) -> None:
    # Index 6 is worth 0 points in 2021: it has no value in the table, and no row in either list.
    basis = basis_of("31")

    assert "6" not in [item.index for item in basis.rank_up]
    assert "6" not in [part.index for part in basis.gains]


def test_the_largest_gains_are_the_points_left_on_each_main_index_most_first(published_2021: None) -> None:
    basis = basis_of("31")

    assert [(part.index, part.kind, part.room) for part in largest_gains(basis.group, "31")] == [
        ("7", PartKind.MAIN, Decimal("99.7600")),  # (1 − 0,5012) × 200
        ("8", PartKind.MAIN, Decimal("84.7050")),
        ("4", PartKind.MAIN, Decimal("78.5800")),
        ("9", PartKind.MAIN, Decimal("78.1200")),
        ("5", PartKind.MAIN, Decimal("71.7900")),
        ("3", PartKind.MAIN, Decimal("54.5600")),
        ("2", PartKind.MAIN, Decimal("40.0000")),
        ("1", PartKind.MAIN, Decimal("25.0000")),
    ]
    assert basis.gains == largest_gains(basis.group, "31")
    assert smallest_gain_for_rank_up(basis.group, "31") == basis.rank_up


def test_changes_are_read_with_a_decimal_comma_or_point() -> None:
    assert requested_changes(["5:0,85,3:0.9", "7: 1 ", ",,"]) == (
        Requested("5", "0,85"), Requested("3", "0.9"), Requested("7", "1"),
    )  # fmt: skip
    assert requested_changes(["1.1.2:12,5/40,1.2.1:Hằng tuần"]) == (
        Requested("1.1.2", "12,5/40"), Requested("1.2.1", "Hằng tuần"),
    )  # fmt: skip
    assert requested_changes([]) == ()


def test_more_than_fifty_changes_at_once_are_refused() -> None:
    with pytest.raises(InvalidInput) as refused:
        requested_changes([",".join(f"{n}:1" for n in range(51))])

    assert refused.value.errors == {"set": "Đặt tối đa 50 thay đổi một lần."}


def test_each_refused_change_is_named_with_what_is_wrong(published_2021: None) -> None:
    asked = requested_changes(["6:0.5,5:1,5:0.9,3:1.2,4:abc,7:"])

    with pytest.raises(ChangesInvalid) as refused:
        published_what_if(basis=basis_of("31"), changes=asked)

    assert refused.value.rows == {
        0: {"index": "Không có chỉ số chính “6”; các chỉ số chính: 1, 2, 3, 4, 5, 7, 8, 9."},
        2: {"index": "Chỉ số 5 được đặt hai lần."},
        3: {"value": "Chỉ số 3: giá trị phải là một số từ 0 đến 1, ví dụ 0,85; nhận được “1.2”."},
        4: {"value": "Chỉ số 4: giá trị phải là một số từ 0 đến 1, ví dụ 0,85; nhận được “abc”."},
        5: {"value": "Chỉ số 7: giá trị phải là một số từ 0 đến 1, ví dụ 0,85; nhận được “”."},
    }


# --- The leaf-level what-if -------------------------------------------------------------------------


def test_a_leaf_change_gives_the_dti_a_full_recompute_with_the_changed_answer_gives(
    finalised: Submission,  # noqa: F811
    campaign: Campaign,
) -> None:
    outcome = leaf_what_if(submission=finalised, changes=[Requested("1.1.2", "90")])

    # Đà Nẵng: 10 + 30 × 63,56 % + 10 + 25 × 95 % = 62,818; with 90 % trained, 10 + 27 + 10 + 23,75 = 70,75.
    assert outcome.before == Standing(Decimal("0.62818"), 1)
    assert outcome.after.value == full_recompute(campaign, "48", "1.1.2", LeafValue(value=Decimal(90)))
    assert outcome.after == Standing(Decimal("0.7075"), 1)
    assert outcome.changes == (
        Change("1.1.2", "1.1.2. Tỷ lệ cán bộ được tập huấn", Decimal("0.6356"), Decimal("0.9"), "63,56", "90"),
    )
    assert (outcome.group, outcome.group_size, outcome.pillars) == ("province", 3, ())


def test_a_level_is_named_by_its_key_or_its_label_and_a_yes_by_1(
    finalised: Submission,  # noqa: F811
    campaign: Campaign,
) -> None:
    by_key = leaf_what_if(submission=finalised, changes=[Requested("1.2.1", "1"), Requested("1.1.1", "0")])
    by_label = leaf_what_if(submission=finalised, changes=[Requested("1.2.1", "Hằng tuần"), Requested("1.1.1", "0")])

    # Weekly broadcasts (1 × 20 points, not 0,5 × 20) and no section on the portal (0 of 10): 62,818 + 10 − 10.
    assert by_key == by_label
    assert by_key.after.value == Decimal("0.62818")
    assert [(change.answer_before, change.answer_after) for change in by_key.changes] == [
        ("Hằng tháng", "Hằng tuần"), ("Có", "Không")
    ]  # fmt: skip


def test_hue_is_ranked_against_danangs_final_result(
    finalised: Submission,  # noqa: F811
    hue_submission: Submission,
) -> None:
    Submission.objects.filter(pk=hue_submission.pk).update(state=SubmissionState.PUBLISHED)
    hue_submission.refresh_from_db()

    worse = leaf_what_if(submission=hue_submission, changes=[Requested("1.1.2", "0")])

    # Huế's figures are Đà Nẵng's: they share the first place; without its trained staff it is second.
    assert worse.before == Standing(Decimal("0.62818"), 1)
    assert worse.after == Standing(Decimal("0.43750"), 2)


def test_a_submission_not_yet_finalised_has_no_leaf_what_if(danang_submission: Submission) -> None:
    with pytest.raises(WorkflowError) as refused:
        leaf_what_if(submission=danang_submission, changes=[Requested("1.1.2", "90")])

    assert refused.value.code == "not_final"
    assert (
        refused.value.message == "Chỉ tính thử được trên kết quả đã chốt: hồ sơ đang ở trạng thái “Đang nhập số liệu”."
    )


def test_each_refused_answer_is_named_with_what_is_wrong(finalised: Submission) -> None:  # noqa: F811
    asked = requested_changes(["1.1:1,1.1.2:120,1.2.1:3,1.1.1:2,2.1.2:16,9.9.9:1,1.1.2:5"])

    with pytest.raises(ChangesInvalid) as refused:
        leaf_what_if(submission=finalised, changes=asked)

    assert refused.value.rows == {
        0: {"index": "Không có tiêu chí “1.1” trong bộ chỉ số."},
        1: {"value": "Tiêu chí 1.1.2: Tỷ lệ phải từ 0 đến 100 (%)."},
        2: {"value": "Tiêu chí 1.2.1: Chọn một trong các mức: 1 = Hằng tuần; 2 = Hằng tháng."},
        3: {"value": "Tiêu chí 1.1.1: Viết 1 (có) hoặc 0 (không)."},
        4: {"value": "Tiêu chí 2.1.2: Điểm phải từ 0 đến 15."},
        5: {"index": "Không có tiêu chí “9.9.9” trong bộ chỉ số."},
        6: {"index": "Tiêu chí 1.1.2 được đặt hai lần."},
    }


def test_a_ratio_is_typed_as_numerator_slash_denominator() -> None:
    ratio = NodeSpec("3.1.1", "3.1", Decimal(10), rule="ratio", parameters={"target": "100"})

    assert leaf_answer(ratio, "12,5/40") == LeafValue(numerator=Decimal("12.5"), denominator=Decimal(40))
    for text, message in [("45", "Chỉ số này nhập tử số và mẫu số: viết <tử số>/<mẫu số>, ví dụ 45/60."),
                          ("50/40", "Tử số không được lớn hơn mẫu số."), ("5/0", "Mẫu số phải là số lớn hơn 0."),
                          ("-1/4", "Tử số phải là số không âm.")]:  # fmt: skip
        with pytest.raises(Exception) as refused:  # noqa: PT011 - Django's ValidationError, its message checked
            leaf_answer(ratio, text)
        assert refused.value.messages == [message]  # type: ignore[attr-defined]


# --- The page -----------------------------------------------------------------------------------------


def test_the_page_shows_the_dti_and_rank_before_and_after_and_both_tables(published_2021: None, client: Client) -> None:
    page = client.get("/results/units/31/what-if/?year=2021&set=5:1").content.decode()

    assert '<dd id="what-if-value">0,4675 → 0,5393</dd>' in page
    assert '<dd id="what-if-rank">hạng 16 → 4/63</dd>' in page
    assert "<li><strong>5. An toàn thông tin mạng</strong>: 0,2821 → 1,0000</li>" in page
    assert ('<tr data-index="CQS"><th scope="row">Chính quyền số</th><td class="number">0,4718 → 0,5744</td>'
            '<td class="number">25 → 5/63</td></tr>') in page  # fmt: skip
    assert ('<tr data-index="5"><th scope="row">5. An toàn thông tin mạng</th><td class="number">0,2821</td>'
            '<td class="number">0,4008</td><td class="number">+0,1187</td></tr>') in page  # fmt: skip
    assert ('<tr data-index="7" class="kind-main"><th scope="row">7. Hoạt động chính quyền số</th><td class="number">'
            '0,5012</td><td class="number">200</td><td class="number">99,76</td></tr>') in page  # fmt: skip
    assert '<option value="5" selected>5. An toàn thông tin mạng (0,2821)</option>' in page


def test_the_filled_in_form_is_sent_on_to_its_set_address(published_2021: None, client: Client) -> None:
    response = client.get("/results/units/31/what-if/?year=2021&index=5&value=0,9&index=&value=&index=7&value=1")

    assert response.status_code == 302
    assert response["Location"] == "/results/units/31/what-if/?year=2021&set=5:0,9,7:1"


def test_each_refused_row_is_shown_next_to_its_field(published_2021: None, client: Client) -> None:
    page = client.get("/results/units/31/what-if/?index=5&value=1,9&index=&value=0,5").content.decode()

    assert ('<input id="wi-value-1" name="value" type="text" inputmode="decimal" autocomplete="off" value="1,9" '
            'placeholder="0,85" aria-invalid="true" aria-describedby="wi-error-1">') in page  # fmt: skip
    assert ('<p class="field-error what-if-error" id="wi-error-1">Chỉ số 5: giá trị phải là một số từ 0 đến 1, ví dụ '
            "0,85; nhận được “1,9”. </p>") in page  # fmt: skip
    assert ('<select id="wi-index-2" name="index" aria-invalid="true" aria-describedby="wi-error-2">') in page
    assert "Chọn chỉ số chính cần đạt giá trị “0,5”." in page
    assert 'id="what-if-outcome"' not in page


def test_a_unit_that_one_index_cannot_lift_or_that_leads_is_told_so(published_2021: None, client: Client) -> None:
    hue = client.get("/results/units/46/what-if/").content.decode()
    danang = client.get("/results/units/48/what-if/").content.decode()

    assert '<td class="number muted" colspan="2">không đủ</td>' in hue
    assert "Đơn vị đang đứng đầu nhóm." in danang
    assert 'id="rank-up-table"' not in danang


def test_the_profile_links_to_the_units_what_if_of_its_year(published_2021: None, client: Client) -> None:
    page = client.get("/results/units/31/").content.decode()

    assert '<a href="/results/units/31/what-if/?year=2021" id="profile-what-if">' in page


@pytest.mark.parametrize(
    "url",
    ["/results/units/nope/what-if/", "/results/units/31/what-if/?year=2020", "/results/units/31/what-if/?year=abc",
     "/results/units/authority/what-if/", "/results/units/31-2025/what-if/?year=2021"],
)  # fmt: skip
def test_an_unknown_unit_or_unpublished_year_is_not_found(published_2021: None, client: Client, url: str) -> None:
    assert client.get(url).status_code == 404


def test_a_warm_what_if_page_reads_nothing_from_the_database(
    published_2021: None, client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    client.get("/results/units/31/what-if/?year=2021&set=5:1")

    with django_assert_num_queries(0):
        page = client.get("/results/units/31/what-if/?year=2021&set=5:0,5")

    # 0,467485 + (0,5 − 0,2821) × 100 / 1000 = 0,489275: past Nam Định's 0,4885, behind Bắc Giang's 0,4933.
    assert '<dd id="what-if-rank">hạng 16 → 11/63</dd>' in page.content.decode()
