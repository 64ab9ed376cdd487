"""Upload fuzzing: thousands of damaged PDFs and random byte strings through the evidence check, and a
sample of them through the upload page. Never a server error; every file gets a verdict with a message.

How long a check takes is not asserted here: it depends on the machine's load. That no hostile file
holds a worker is a bound the evidence check enforces itself."""

from __future__ import annotations

import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.models import User
from submissions.evidence import EvidenceRejected, check_pdf
from submissions.models import Submission
from tests.pdfs import pdf

SEED = 20261123
RANDOM_STRINGS = 600
MUTATED_PDFS = 2600


def mutate(original: bytes, rng: random.Random) -> bytes:
    """One damaged copy of a PDF: flipped bits, inserted or deleted runs, swapped chunks, absurd numbers."""
    data = bytearray(original)
    for _ in range(rng.randint(1, 6)):
        choice = rng.randrange(7)
        at = rng.randrange(len(data)) if data else 0
        if choice == 0:
            data[at] ^= 1 << rng.randrange(8)
        elif choice == 1:
            data[at:at] = rng.randbytes(rng.randint(1, 64))
        elif choice == 2:
            del data[at : at + rng.randint(1, 256)]
        elif choice == 3:
            other = rng.randrange(len(data)) if data else 0
            chunk = bytes(data[other : other + rng.randint(1, 128)])
            data[at:at] = chunk * rng.randint(1, 20)
        elif choice == 4:
            for token in (b"/Count ", b"/Length ", b"/Size ", b"/Root "):
                index = data.find(token)
                if index >= 0 and rng.random() < 0.5:
                    data[index + len(token) : index + len(token)] = str(rng.choice([0, -1, 2**31, 10**12])).encode()
        elif choice == 5:
            data = data[: rng.randint(0, len(data))] + b"\n%%EOF\n"
        else:
            data[at:at] = b"<<" * rng.randint(1, 500)
    return bytes(data)


def inputs() -> list[bytes]:
    rng = random.Random(SEED)
    originals = [pdf(), pdf(pages=3, marker="Quyết định"), pdf(pages=12)]
    found = [rng.randbytes(rng.randint(0, 4096)) for _ in range(RANDOM_STRINGS // 2)]
    found += [b"%PDF-1.7\n" + rng.randbytes(rng.randint(0, 4096)) + b"\n%%EOF" for _ in range(RANDOM_STRINGS // 2)]
    found += [mutate(rng.choice(originals), rng) for _ in range(MUTATED_PDFS)]
    return found


def test_three_thousand_hostile_files_get_a_verdict_each_and_never_an_error() -> None:
    files = inputs()
    verdicts = {"accepted": 0, "rejected": 0}
    messages: set[str] = set()

    for content in files:
        try:
            check_pdf(content)
        except EvidenceRejected as rejection:
            messages.add(str(rejection))
            verdicts["rejected"] += 1
        else:
            verdicts["accepted"] += 1

    assert len(files) == 3200
    assert verdicts["accepted"] + verdicts["rejected"] == 3200
    assert verdicts["rejected"] >= RANDOM_STRINGS  # no random byte string passes as a PDF
    assert "" not in messages  # every refusal says why
    assert len(messages) >= 4


@pytest.mark.django_db
def test_hostile_files_through_the_upload_page_answer_with_a_message(
    client: Client, danang_submission: Submission, danang_reporter: User
) -> None:
    client.force_login(danang_reporter)
    url = f"/submissions/{danang_submission.pk}/answers/1.1.1/evidence/"
    statuses = set()

    for number, content in enumerate(inputs()[::64]):
        response = client.post(url, {"file": SimpleUploadedFile(f"tep-{number}.pdf", content), "title": "Thử"})
        statuses.add(response.status_code)

    # Accepted: back to the leaf (302); refused: the section with the reason at the leaf (400); never a 500.
    assert statuses <= {302, 400}
    assert 400 in statuses
