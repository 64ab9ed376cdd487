"""The points-lost report flags the campaign's focus indices: each component marked, and each leaf under
one, on the page, in the workbook's "Cần tập trung" column and in the PDF."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from openpyxl import load_workbook
from pypdf import PdfReader

from accounts.models import User
from scoring.reports import points_lost
from scoring.services import recompute_campaign
from submissions.models import Submission
from submissions.services.focus import mark_focus_indices
from tests.submissions.conftest import danang_it_lead, danang_leader, submitted_danang  # noqa: F401
from tests.submissions.test_appraisal_pages import adjusted_and_finished

pytestmark = pytest.mark.django_db

TRAINING = "Tập huấn cán bộ còn thấp ở nhiều tỉnh."


@pytest.fixture
def appraised(submitted_danang: Submission, appraiser: User, administrator: User) -> Submission:  # noqa: F811
    """Đà Nẵng's submission appraised (1.1.2 adjusted), with component 1.1 marked as a focus index."""
    adjusted_and_finished(submitted_danang, appraiser)
    mark_focus_indices(campaign_id=submitted_danang.campaign_id, by=administrator, marks={"1.1": TRAINING})
    recompute_campaign(campaign_id=submitted_danang.campaign_id)
    return submitted_danang


def test_the_report_flags_the_marked_component_and_the_leaf_under_it(appraised: Submission) -> None:
    report = points_lost(appraised)

    assert [(row.key, row.focus, row.focus_note) for row in report.leaves] == [("1.1.2", True, TRAINING)]
    assert [(row.key, row.focus, row.focus_note) for row in report.structure] == [
        ("1", False, ""),
        ("1.1", True, TRAINING),
        ("1.2", False, ""),
        ("2", False, ""),
        ("2.1", False, ""),
    ]
    assert report.total is not None
    assert not report.total.focus


def test_the_page_the_workbook_and_the_pdf_carry_the_flag(
    client: Client, appraised: Submission, danang_reporter: User
) -> None:
    client.force_login(danang_reporter)
    url = f"/submissions/{appraised.pk}/points-lost/"

    page = client.get(url).content.decode()
    workbook = load_workbook(io.BytesIO(client.get(f"{url}?format=xlsx").content))
    pdf = PdfReader(io.BytesIO(client.get(f"{url}?format=pdf").content))

    flag = f'<span class="badge badge-focus">cần tập trung</span><br><small class="focus-note muted">{TRAINING}</small>'
    assert f"1.1.2 Tỷ lệ cán bộ được tập huấn {flag}</th>" in page
    assert f"1.1 Tuyên truyền {flag}</th>" in page
    assert page.count('class="badge badge-focus"') == 2
    leaves = list(workbook["Chi so bi tru diem"].iter_rows(min_row=2, values_only=True))
    assert leaves[0][11:] == ("Cần tập trung", "Ghi chú chỉ số cần tập trung")
    assert [(row[0], row[11], row[12]) for row in leaves[1:]] == [("1.1.2", "Có", TRAINING)]
    structure = list(workbook["Theo chi so thanh phan"].iter_rows(values_only=True))
    assert structure[0][8:] == ("Cần tập trung", "Ghi chú chỉ số cần tập trung")
    assert [(row[0], row[8], row[9]) for row in structure[1:]] == [
        ("1", None, None),
        ("1.1", "Có", TRAINING),
        ("1.2", None, None),
        ("2", None, None),
        ("2.1", None, None),
        ("DTI", None, None),
    ]
    text = " ".join(" ".join(page_.extract_text() for page_ in pdf.pages).split())
    assert text.count("cần tập trung") == 2
    assert text.count(TRAINING) == 2
