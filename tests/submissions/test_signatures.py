"""Evidence PDFs' digital signatures: valid and trusted, changed after signing, signed by an untrusted
certificate, none, or a file no validator can read."""

from __future__ import annotations

import datetime
import subprocess
import sys
from pathlib import Path

from submissions.signatures import SignatureProblem, check_signatures, load_trust_roots
from tests.pdfs import pdf, truncated_pdf
from tests.submissions.signed_pdfs import (
    ORGANISATION,
    SIGNER,
    modified_after_signing,
    signed_pdf,
    test_ca,
    untrusted_ca,
)

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def test_a_pdf_signed_by_the_test_ca_is_intact_and_trusted() -> None:
    [check] = check_signatures(signed_pdf(), trust_roots=[test_ca().issuer_pem])
    assert (check.signer, check.organisation, check.intact, check.trusted, check.problem) == (
        SIGNER,
        ORGANISATION,
        True,
        True,
        SignatureProblem.NONE,
    )
    assert check.signed_at is not None
    assert abs(check.signed_at - datetime.datetime.now(datetime.UTC)) < datetime.timedelta(minutes=5)


def test_a_pdf_changed_after_signing_is_not_intact() -> None:
    [check] = check_signatures(modified_after_signing(signed_pdf()), trust_roots=[test_ca().issuer_pem])
    assert (check.intact, check.problem) == (False, SignatureProblem.MODIFIED)


def test_a_certificate_outside_the_trust_roots_is_not_trusted() -> None:
    [check] = check_signatures(signed_pdf(untrusted_ca()), trust_roots=[test_ca().issuer_pem])
    assert (check.intact, check.trusted, check.problem) == (True, False, SignatureProblem.UNTRUSTED)
    # Without any trust root configured no signature is trusted.
    [unconfigured] = check_signatures(signed_pdf(), trust_roots=[])
    assert (unconfigured.trusted, unconfigured.problem) == (False, SignatureProblem.UNTRUSTED)


def test_an_unsigned_pdf_has_no_signatures_and_a_broken_file_raises_nothing() -> None:
    assert check_signatures(pdf(1), trust_roots=[]) == []
    assert check_signatures(truncated_pdf(), trust_roots=[]) == []
    assert check_signatures(b"not a pdf at all", trust_roots=[]) == []
    cut = signed_pdf()[:-400]
    problems = [check.problem for check in check_signatures(cut, trust_roots=[])]
    assert problems in ([], [SignatureProblem.UNREADABLE], [SignatureProblem.INVALID])


def test_a_pem_bundle_gives_each_certificate(tmp_path: Path) -> None:
    bundle = tmp_path / "roots.pem"
    bundle.write_bytes(test_ca().issuer_pem + untrusted_ca().issuer_pem)
    roots = load_trust_roots(str(bundle))
    assert len(roots) == 2
    [check] = check_signatures(signed_pdf(untrusted_ca()), trust_roots=roots)
    assert check.trusted


def test_importing_the_signature_check_loads_no_django() -> None:
    check = "import sys, submissions.signatures; assert not [m for m in sys.modules if m.startswith('django')]"
    completed = subprocess.run([sys.executable, "-c", check], cwd=PROJECT_ROOT, capture_output=True, text=True,
                               timeout=60, check=False)  # fmt: skip
    assert completed.returncode == 0, completed.stderr
