"""One document, many leaves: a unit's file stored and read once, attached where it supports a figure,
warned about where the appraiser should look."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from accounts.models import Organisation, Role, User
from common.errors import InvalidInput
from submissions.models import Event, Evidence, EvidenceDocument, EvidenceWarning, Submission, TextStatus
from submissions.services.approval import transition_submission
from submissions.services.documents import attach_document, search_evidence, search_form_of
from submissions.services.entry import remove_evidence, upload_evidence
from tests.factories import UserFactory
from tests.pdfs import pdf
from tests.submissions.conftest import answer_of, fill_in

pytestmark = pytest.mark.django_db


def upload(submission: Submission, user: User, key: str, content: bytes, name: str = "qd.pdf") -> Evidence:
    return upload_evidence(answer_id=answer_of(submission, key).pk, user=user, content=content, original_name=name,
                           title=name.removesuffix(".pdf"))  # fmt: skip


def read_as(document: EvidenceDocument, text: str, **identity: object) -> None:
    """What the reading would have stored, for tests of what comes after it."""
    EvidenceDocument.objects.filter(pk=document.pk).update(
        text_status=TextStatus.DONE, text=text, search_text=search_form_of(text), **identity
    )


def test_one_document_attached_to_two_leaves_stays_on_one_when_removed_from_the_other(
    danang_submission: Submission, danang_reporter: User
) -> None:
    first = upload(danang_submission, danang_reporter, "1.1.1", pdf(2))
    second = attach_document(answer_id=answer_of(danang_submission, "1.2.1").pk, user=danang_reporter,
                             document_id=first.document.pk)  # type: ignore[union-attr]  # fmt: skip
    assert EvidenceDocument.objects.count() == 1
    assert (second.document_id, second.file.name, second.pages) == (first.document_id, first.file.name, 2)
    # The same file uploaded again for a third leaf is the same document, not a second copy.
    third = upload(danang_submission, danang_reporter, "1.1.2", pdf(2), name="ban-sao.pdf")
    assert third.document_id == first.document_id
    assert EvidenceDocument.objects.count() == 1

    remove_evidence(evidence_id=first.pk, user=danang_reporter)
    attached = Evidence.objects.attached().filter(document_id=first.document.pk)  # type: ignore[union-attr]
    assert sorted(evidence.answer.node.key for evidence in attached) == ["1.1.2", "1.2.1"]
    history = Event.objects.filter(submission=danang_submission, kind__startswith="evidence").order_by("pk")
    assert [(event.kind, event.answer.node.key) for event in history] == [  # type: ignore[union-attr]
        (Event.Kind.EVIDENCE_ADDED, "1.1.1"),
        (Event.Kind.EVIDENCE_ADDED, "1.2.1"),
        (Event.Kind.EVIDENCE_ADDED, "1.1.2"),
        (Event.Kind.EVIDENCE_REMOVED, "1.1.1"),
    ]
    assert history[1].new["document"] == first.document_id


def test_a_unit_cannot_attach_another_units_document(
    danang_submission: Submission, hue_submission: Submission, danang_reporter: User, hue_reporter: User
) -> None:
    hue_file = upload(hue_submission, hue_reporter, "1.1.1", pdf(1))
    with pytest.raises(InvalidInput, match="thư viện tài liệu của đơn vị"):
        attach_document(answer_id=answer_of(danang_submission, "1.1.1").pk, user=danang_reporter,
                        document_id=hue_file.document.pk)  # type: ignore[union-attr]  # fmt: skip


def test_the_warnings_name_a_date_outside_the_year_no_signature_or_number_and_a_file_another_unit_holds(
    danang_submission: Submission, hue_submission: Submission, danang_reporter: User, hue_reporter: User
) -> None:
    dated = upload(danang_submission, danang_reporter, "1.1.1", pdf(1, marker="a"))
    unnumbered = upload(danang_submission, danang_reporter, "1.2.1", pdf(1, marker="b"))
    shared = upload(danang_submission, danang_reporter, "1.1.2", pdf(1, marker="c"))
    upload(hue_submission, hue_reporter, "1.1.2", pdf(1, marker="c"))
    read_as(dated.document, "Quyết định", document_number="12/QĐ-UBND", document_date=datetime.date(2023, 12, 30))  # type: ignore[arg-type]
    read_as(unnumbered.document, "Báo cáo")  # type: ignore[arg-type]
    read_as(shared.document, "Kế hoạch", document_number="5/KH-UBND", document_date=datetime.date(2024, 3, 1))  # type: ignore[arg-type]

    found = {
        evidence.answer.node.key: evidence.warnings()
        for evidence in Evidence.objects.attached().filter(answer__submission=danang_submission).with_reading()
    }
    assert found == {
        "1.1.1": [EvidenceWarning.DATE_OUTSIDE_YEAR],
        "1.2.1": [EvidenceWarning.NO_SIGNATURE_OR_NUMBER],
        "1.1.2": [EvidenceWarning.SAME_FILE_OTHER_UNIT],
    }
    body = Client()
    body.force_login(danang_reporter)
    answers = body.get(f"/api/v1/submissions/{danang_submission.pk}/").json()["answers"]
    items = {key: answer["evidence"] for key, answer in answers.items() if answer["evidence"]}
    assert items["1.1.1"][0] | {"uploaded_at": ""} == {
        "id": dated.pk, "document": dated.document_id, "title": "qd", "original_name": "qd.pdf", "size": dated.size,
        "sha256": dated.sha256, "pages": 1, "uploaded_at": "", "text_status": "done", "document_number": "12/QĐ-UBND",
        "document_date": "2023-12-30", "issuer": "", "signatures": [], "warnings": ["date_outside_year"],
    }  # fmt: skip
    assert items["1.1.2"][0]["warnings"] == ["same_file_other_unit"]


def test_the_appraisal_queue_counts_each_submissions_warnings(
    danang_submission: Submission,
    danang_reporter: User,
    danang_it_lead: User,
    danang_leader: User,
    appraiser: User,
) -> None:
    for key, marker in (("1.1.1", "a"), ("1.1.2", "b")):
        read_as(upload(danang_submission, danang_reporter, key, pdf(1, marker=marker)).document, "Văn bản không số")  # type: ignore[arg-type]
    fill_in(danang_submission, danang_reporter)
    for user, action in [(danang_reporter, "submit"), (danang_it_lead, "approve"), (danang_leader, "approve")]:
        transition_submission(submission_id=danang_submission.pk, user=user, action=action)
    client = Client()
    client.force_login(appraiser)
    page = client.get("/submissions/appraisal/").content.decode()
    assert '<span class="badge badge-warn">2 · Không có chữ ký số hợp lệ, không có số văn bản</span>' in page


def test_the_search_finds_a_phrase_accents_optional_and_links_to_the_leaf_and_page(
    danang_submission: Submission, danang_reporter: User, appraiser: User
) -> None:
    evidence = upload(danang_submission, danang_reporter, "1.1.1", pdf(2))
    read_as(evidence.document, "Trang một.\fKế hoạch tuyên truyền về chuyển đổi số năm 2024.")  # type: ignore[arg-type]
    hits = search_evidence(campaign_id=danang_submission.campaign_id, phrase="tuyen truyen ve chuyen doi so")
    assert [(hit.document.pk, hit.page, [file.pk for file in hit.attachments]) for hit in hits] == [
        (evidence.document_id, 2, [evidence.pk])
    ]
    assert search_evidence(campaign_id=danang_submission.campaign_id, phrase="không có cụm này") == []
    client = Client()
    client.force_login(appraiser)
    page = client.get(
        f"/submissions/campaigns/{danang_submission.campaign_id}/evidence-search/", {"q": "Tuyên truyền"}
    ).content.decode()
    assert f'href="/submissions/evidence/{evidence.pk}/view/#page-2"' in page


def test_the_reporter_corrects_what_the_reading_found_and_another_unit_cannot(
    danang_submission: Submission, danang_reporter: User, organisations: dict[str, Organisation]
) -> None:
    evidence = upload(danang_submission, danang_reporter, "1.1.1", pdf(1))
    client = Client()
    client.force_login(danang_reporter)
    url = f"/submissions/{danang_submission.pk}/documents/{evidence.document_id}/identity/"
    prefix = f"document-{evidence.document_id}"
    client.post(url, {f"{prefix}-number": "45/KH-UBND", f"{prefix}-date": "2024-02-01",
                      f"{prefix}-issuer": "Ủy ban nhân dân thành phố Đà Nẵng"})  # fmt: skip
    document = EvidenceDocument.objects.get()
    assert (document.document_number, document.document_date, document.issuer) == (
        "45/KH-UBND",
        datetime.date(2024, 2, 1),
        "Ủy ban nhân dân thành phố Đà Nẵng",
    )
    assert document.identity_summary() == "Văn bản số 45/KH-UBND ngày 01/02/2024 của Ủy ban nhân dân thành phố Đà Nẵng"
    outsider = UserFactory.create(organisation=organisations["46"], roles=[Role.REPORTER])
    client.force_login(outsider)
    assert client.post(url, {f"{prefix}-number": "1"}).status_code == 404


def test_the_library_attaches_a_document_to_another_leaf_and_lists_where_it_is(
    danang_submission: Submission, danang_reporter: User
) -> None:
    evidence = upload(danang_submission, danang_reporter, "1.1.1", pdf(1))
    client = Client()
    client.force_login(danang_reporter)
    answer = client.post(f"/submissions/{danang_submission.pk}/documents/attach/",
                         {"document": evidence.document_id, "leaf": "2.1.1"})  # fmt: skip
    assert answer.status_code == 302
    assert sorted(
        Evidence.objects.filter(document_id=evidence.document_id).values_list("answer__node__key", flat=True)
    ) == ["1.1.1", "2.1.1"]
    page = client.get(f"/submissions/{danang_submission.pk}/documents/").content.decode()
    assert ">1.1.1</a>, <a" in page
    assert "Đã đính kèm văn bản cho chỉ số 2.1.1." in page


def test_the_search_folds_case_and_accents_but_keeps_every_word(
    danang_submission: Submission, danang_reporter: User
) -> None:
    evidence = upload(danang_submission, danang_reporter, "1.1.1", pdf(1))
    read_as(evidence.document, "Tỉnh Quảng Nam\nĐẨY MẠNH chuyển đổi số")  # type: ignore[arg-type]
    campaign = danang_submission.campaign_id
    assert [hit.page for hit in search_evidence(campaign_id=campaign, phrase="tinh quang nam day manh")] == [1]
    assert search_form_of("Tỉnh Quảng Nam\nĐẨY  MẠNH") == "tinh quang nam day manh"
