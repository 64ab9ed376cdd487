"""Errors integrators parse: JSON under /api/ even for URLs that match nothing, and CSV that always has
its header (found by the schema fuzzing)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_an_api_url_that_matches_nothing_answers_json() -> None:
    response = APIClient().get("/api/v1/submissions/-1/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Không tìm thấy."}


def test_a_page_that_matches_nothing_is_still_the_portals_page(client: object) -> None:
    response = client.get("/khong-co-trang-nay/")  # type: ignore[attr-defined]

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_an_empty_csv_list_still_has_its_header_and_type() -> None:
    response = APIClient().get("/api/v1/campaigns/?format=csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.decode().splitlines() == [
        "year,level,name,framework,version,published_at,revision_note,source,versions,coverage"
    ]
