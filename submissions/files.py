"""How an evidence file leaves the portal: the one response the page's download and the API's both send."""

from __future__ import annotations

from django.http import FileResponse

from .models import Evidence


def evidence_response(evidence: Evidence, *, inline: bool = False) -> FileResponse:
    """The stored PDF under its original name (a name not ending in .pdf is replaced: the browser would
    pick the program by it), never sniffed as another type, never kept by a shared cache. As an
    attachment by default, or inline to view in the portal's own pages."""
    response = FileResponse(
        evidence.file.open("rb"),
        as_attachment=not inline,
        filename=evidence.original_name if evidence.original_name.lower().endswith(".pdf") else "tai-lieu.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    if inline:
        # The portal's own pages may frame the file for the in-page viewer; nobody else may. No CSP
        # `sandbox`: the browser's PDF viewer does not run in a sandboxed frame and the file would be
        # downloaded instead of shown. Files with active content are refused on upload.
        response["X-Frame-Options"] = "SAMEORIGIN"
        response["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'self'"
    return response
