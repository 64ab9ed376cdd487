"""Digital signatures on evidence PDFs, validated with pyHanko: who signed, when, whether the document is
unchanged since, and whether the certificate chains to the trust roots the portal is given.

Seeds 002 and 004 accept "văn bản điện tử có chữ ký số theo quy định" as evidence. For each signature:
- `intact`: the signed bytes' digest and the signature verify, and nothing was changed after signing but
  what the signature allows (pyHanko's modification analysis: later signatures, timestamps, form filling
  and annotations); content changed in a later revision is `modified`;
- `trusted`: the signer's certificate chains to one of `trust_roots` (production: the Vietnamese
  government CA, `EVIDENCE_TRUST_ROOTS`). Nothing is fetched: no OCSP, CRL or issuer download (the
  validation context disallows fetching, revocation is not required), so validation is bounded by the file
  the caller has already checked and bounded in size, and by its number of signatures.

Framework-free: importing this module loads no Django; the words people read are in `SignatureProblem`
keys, worded by `submissions.models.SIGNATURE_PROBLEMS`.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime
import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

# More signatures than this on one piece of evidence are not validated one by one.
MAX_SIGNATURES = 20


class SignatureProblem(StrEnum):
    NONE = ""
    MODIFIED = "modified"
    UNTRUSTED = "untrusted"
    INVALID = "invalid"
    UNREADABLE = "unreadable"


@dataclass(frozen=True)
class SignatureCheck:
    signer: str
    organisation: str
    signed_at: datetime.datetime | None
    intact: bool
    trusted: bool
    problem: SignatureProblem

    def as_json(self) -> dict[str, Any]:
        """As stored with the document and given by the API."""
        return {
            "signer": self.signer,
            "organisation": self.organisation,
            "signed_at": self.signed_at.isoformat() if self.signed_at else None,
            "intact": self.intact,
            "trusted": self.trusted,
            "problem": str(self.problem),
        }


def load_trust_roots(path: str) -> list[bytes]:
    """The certificates of a PEM bundle (or one DER certificate), each as DER bytes."""
    from asn1crypto import pem

    data = Path(path).read_bytes()
    if not pem.detect(data):
        return [data]
    return [der for _kind, _headers, der in pem.unarmor(data, multiple=True)]


def _certificates(roots: Sequence[bytes]) -> list[Any]:
    from asn1crypto import pem, x509

    found = []
    for data in roots:
        if pem.detect(data):
            found += [x509.Certificate.load(der) for _kind, _headers, der in pem.unarmor(data, multiple=True)]
        else:
            found.append(x509.Certificate.load(data))
    return found


def check_signatures(content: bytes, *, trust_roots: Sequence[bytes]) -> list[SignatureCheck]:
    """Every signature of the PDF, in the order of the file; [] for a PDF without any, one `unreadable`
    check for a file pyHanko cannot read as a signed PDF. Never raises for a bad file."""
    try:
        from pyhanko.pdf_utils.reader import PdfFileReader

        reader = PdfFileReader(io.BytesIO(content), strict=False)
        signatures = list(reader.embedded_signatures)
    except Exception:  # any damage to the file is reported, never raised
        logger.info("A PDF's signatures could not be read", exc_info=True)
        return [] if b"/ByteRange" not in content else [_unreadable()]
    if not signatures:
        return []
    roots = _certificates(trust_roots)
    return [_check(signature, roots) for signature in signatures[:MAX_SIGNATURES]]


def _unreadable() -> SignatureCheck:
    return SignatureCheck("", "", None, intact=False, trusted=False, problem=SignatureProblem.UNREADABLE)


def _check(signature: Any, roots: list[Any]) -> SignatureCheck:
    from pyhanko.sign.validation.pdf_embedded import async_validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    try:
        context = ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")
        status = _run(async_validate_pdf_signature(signature, context, skip_diff=False))
    except Exception:  # a signature that cannot be validated is reported as such
        logger.info("A signature could not be validated", exc_info=True)
        return _unreadable()
    certificate = status.signing_cert
    subject = certificate.subject.native if certificate is not None else {}
    signer = str(subject.get("common_name") or "")
    organisation = subject.get("organization_name") or subject.get("organizational_unit_name") or ""
    if isinstance(organisation, list):
        organisation = ", ".join(organisation)
    signed_at = status.signer_reported_dt
    if status.timestamp_validity is not None:
        signed_at = status.timestamp_validity.timestamp
    verified = bool(status.intact and status.valid)
    unchanged = verified and _unchanged_since(status)
    trusted = bool(status.trusted)
    if not verified:
        problem = SignatureProblem.INVALID
    elif not unchanged:
        problem = SignatureProblem.MODIFIED
    elif not trusted:
        problem = SignatureProblem.UNTRUSTED
    else:
        problem = SignatureProblem.NONE
    return SignatureCheck(signer, str(organisation), signed_at, unchanged, trusted, problem)


def _run(coroutine: Any) -> Any:
    """Run pyHanko's validation to its end from synchronous code: in this thread, or, where this thread
    already runs an event loop, in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def _unchanged_since(status: Any) -> bool:
    """Nothing but later signatures, timestamps, form filling or annotations after the signed revision."""
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    if status.coverage == SignatureCoverageLevel.ENTIRE_FILE:
        return True
    if status.docmdp_ok is False:
        return False
    return status.modification_level is not None and status.modification_level < ModificationLevel.OTHER
