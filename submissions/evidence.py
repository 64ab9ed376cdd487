"""Checking an evidence file by its content: a whole, readable, unencrypted PDF of a bounded size,
without active content.

Scans and digitally signed documents are both plain PDFs here. Anything else — another type
renamed .pdf, an empty, truncated, damaged or encrypted file, one over the size limit, or one with
scripts, commands that run by themselves, launched programs or attached files (`pdf_active`) — is
rejected with its own message, before anything is stored.

Cheap checks of the bytes run here and turn most garbage away. Parsing the file runs in a child
process bounded in CPU time and memory (`pdf_sandbox`, `pdf_check`): a file that breaks a bound,
or a checker that fails in any way, is refused as too complex to check — never a server error.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass

import magic
from django.conf import settings
from django.utils.translation import gettext as _

from common.errors import Rejected

from .pdf_active import Finding, in_order
from .pdf_check import Outcome, Verdict
from .pdf_sandbox import Bounds, CheckFailed, inspect_bounded

MAX_PAGES = 2000

logger = logging.getLogger(__name__)


class EvidenceRejected(Rejected):
    """The file is not acceptable evidence; the message says why, in the user's language."""


@dataclass(frozen=True)
class CheckedPdf:
    content: bytes
    size: int
    sha256: str
    pages: int


_TRAILER_SIZE = re.compile(rb"/Size\s+(\d{1,20})")


def _claims_impossible_size(content: bytes) -> bool:
    """A trailer claiming more objects than the file has bytes: such a file is damaged, and repairing
    it is what makes the PDF reader search the whole file again for each missing object. (Objects
    packed in compressed streams can be smaller than their text, so the bound is one byte each.)"""
    return any(int(size) > len(content) for size in _TRAILER_SIZE.findall(content[-65536:]))


def check_pdf(content: bytes) -> CheckedPdf:
    """Return the facts of an acceptable PDF, or raise EvidenceRejected with the reason."""
    limit = settings.EVIDENCE_MAX_MB * 1024 * 1024
    if not content:
        raise EvidenceRejected(_("Tệp rỗng (0 byte)."))
    if len(content) > limit:
        raise EvidenceRejected(
            _("Tệp quá lớn: %(size)s MB, tối đa %(limit)s MB.")
            % {"size": f"{len(content) / 1024 / 1024:.1f}".replace(".", ","), "limit": settings.EVIDENCE_MAX_MB}
        )
    mime = magic.from_buffer(content[:8192], mime=True)
    if mime != "application/pdf" or not content.startswith(b"%PDF-"):
        raise EvidenceRejected(
            _("Tệp không phải PDF (nội dung là %(mime)s) dù có thể mang đuôi .pdf.") % {"mime": mime}
        )
    if b"%%EOF" not in content[-2048:]:
        raise EvidenceRejected(_("Tệp PDF bị cắt cụt (thiếu phần cuối tệp); vui lòng tải lên bản đầy đủ."))
    if _claims_impossible_size(content):
        raise EvidenceRejected(_("Tệp PDF bị hỏng, không đọc được."))
    verdict = _inspected(content)
    if verdict.outcome is Outcome.DAMAGED:
        raise EvidenceRejected(_("Tệp PDF bị hỏng, không đọc được."))
    if verdict.outcome is Outcome.ENCRYPTED:
        raise EvidenceRejected(_("Tệp PDF được đặt mật khẩu hoặc mã hóa; vui lòng tải lên bản không mã hóa."))
    if verdict.pages == 0:
        raise EvidenceRejected(_("Tệp PDF không có trang nào."))
    if verdict.pages > MAX_PAGES:
        raise EvidenceRejected(
            _("Tệp PDF có quá nhiều trang (%(pages)s, tối đa %(max)s).") % {"pages": verdict.pages, "max": MAX_PAGES}
        )
    if verdict.findings:
        raise EvidenceRejected(
            _("Tệp PDF chứa nội dung chủ động (%(found)s), không được chấp nhận làm tài liệu kiểm chứng.")
            % {"found": ", ".join(_finding_label(finding) for finding in in_order(verdict.findings))}
        )
    return CheckedPdf(
        content=content, size=len(content), sha256=hashlib.sha256(content).hexdigest(), pages=verdict.pages
    )


def _inspected(content: bytes) -> Verdict:
    bounds = Bounds(
        cpu_seconds=float(settings.EVIDENCE_CHECK_CPU_SECONDS),
        memory_bytes=int(settings.EVIDENCE_CHECK_MEMORY_MB * 1024 * 1024),
    )
    try:
        return inspect_bounded(content, bounds)
    except CheckFailed as failure:
        logger.warning("Evidence check of a %s-byte file refused it as too complex: %s", len(content), failure)
        raise EvidenceRejected(_("Tệp PDF quá phức tạp để kiểm tra.")) from None


def _finding_label(finding: Finding) -> str:
    labels = {
        Finding.JAVASCRIPT: _("JavaScript"),
        Finding.AUTOMATIC_ACTION: _("lệnh tự chạy"),
        Finding.LAUNCH: _("lệnh mở chương trình hoặc tệp khác"),
        Finding.EMBEDDED_FILE: _("tệp đính kèm"),
        Finding.RICH_MEDIA: _("nội dung đa phương tiện nhúng"),
        Finding.XFA_SCRIPT: _("biểu mẫu XFA có mã lệnh"),
    }
    return labels[finding]
