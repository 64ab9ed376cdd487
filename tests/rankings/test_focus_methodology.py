"""The methodology page of a published year lists the focus indices of its campaign ("Chỉ số cần tập trung"):
the administrator's marks for a computed campaign, the framework's (seed 000) for an imported table."""

from __future__ import annotations

import datetime
import json
import re

import pytest
from django.test import Client

from accounts.models import Organisation, User
from common.errors import WorkflowError
from indicators.services import import_framework
from rankings.services import import_results, publish_campaign
from submissions.models import Campaign, FocusIndex
from submissions.services.focus import SEED_NOTE, mark_focus_indices
from tests.indicators.builders import FIXTURES, shipped_framework
from tests.rankings.test_publication import finalised_campaign  # noqa: F401

pytestmark = pytest.mark.django_db

TRAINING = "Tập huấn cán bộ còn thấp ở nhiều tỉnh."


def focus_section(page: str) -> str:
    found = re.search(r'<section id="focus" aria-labelledby="focus-title">.*?</section>', page, re.S)
    assert found is not None
    return found.group(0)


def test_the_method_of_a_published_campaign_lists_the_administrators_marks_with_their_notes(
    finalised_campaign: Campaign,  # noqa: F811
    administrator: User,
    client: Client,
) -> None:
    mark_focus_indices(campaign_id=finalised_campaign.pk, by=administrator, marks={"1.1": TRAINING, "2.1": ""})
    publish_campaign(campaign_id=finalised_campaign.pk, by=administrator)

    page = client.get("/results/2024/province/methodology/").content.decode()

    section = focus_section(page)
    assert '<h2 id="focus-title">Chỉ số cần tập trung</h2>' in section
    assert re.findall(r"<li>(.*?)</li>", section) == [
        f"<strong>1.1</strong> Tuyên truyền: {TRAINING}",
        "<strong>2.1</strong> Mã độc",
    ]
    assert '<th scope="row">Tuyên truyền <span class="badge badge-focus">cần tập trung</span></th>' in page
    with pytest.raises(WorkflowError) as refused:
        mark_focus_indices(campaign_id=finalised_campaign.pk, by=administrator, marks={})
    assert refused.value.message == "Đợt đánh giá đã công bố; không thay đổi được."


def test_the_method_of_an_imported_2022_table_lists_the_letters_focus_indices(
    organisations: dict[str, Organisation], administrator: User, client: Client
) -> None:
    import_framework(data=shipped_framework("dti-2022-province"))
    data = json.loads((FIXTURES / "frameworks" / "dti-2022-province.json").read_text(encoding="utf-8"))
    focus = [(node["code"], node["name"]) for node in data["nodes"] if node.get("focus")]
    mains = [node["key"] for node in data["nodes"] if node["kind"] == "main"]
    import_results(content=f"organisation,{','.join(mains)}\n48,{','.join('0.5' for _ in mains)}\n".encode(),
                   filename="kq.csv", year=2022, level="province", by=administrator, partial=True,
                   published_on=datetime.date(2023, 7, 12))  # fmt: skip

    page = client.get("/results/2022/province/methodology/").content.decode()

    items = re.findall(r"<li>(.*?)</li>", focus_section(page))
    assert items == [f"<strong>{code}</strong> {name}: {SEED_NOTE}" for code, name in focus]
    assert "<strong>3.1</strong> Tỷ lệ dân số trưởng thành có điện thoại thông minh: " in items[0]
    campaign = Campaign.objects.get(year=2022, level="province")
    assert FocusIndex.objects.filter(campaign=campaign).count() == len(focus) == 8


def test_a_year_without_focus_indices_says_so(small_years: None, client: Client) -> None:
    page = client.get("/results/2024/province/methodology/").content.decode()

    assert '<p id="focus-indices">Không có.</p>' in focus_section(page)
