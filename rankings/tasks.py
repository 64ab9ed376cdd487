"""Background work of publication: the national report's PDF, the rank bands and the preview image."""

from __future__ import annotations

import logging

from celery import shared_task
from django.core.files.base import ContentFile
from django.utils import timezone

from .exports import national_report_pdf
from .models import ReportExport
from .services import build_preview, compute_robustness

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def build_national_report(*, export_id: int) -> None:
    """Build the report of one publication; safe to run twice (a finished report is left alone)."""
    export = ReportExport.objects.select_related("publication__campaign__framework").get(pk=export_id)
    if export.state == ReportExport.State.DONE and export.file:
        return
    ReportExport.objects.filter(pk=export.pk).update(state=ReportExport.State.RUNNING, progress=0, error="")

    def progress(done: int) -> None:
        ReportExport.objects.filter(pk=export.pk).update(progress=min(done, 99))

    try:
        content = national_report_pdf(export.publication, progress)
    except Exception as error:
        logger.exception("The national report of publication %s failed", export.publication_id)
        ReportExport.objects.filter(pk=export.pk).update(state=ReportExport.State.FAILED, error=str(error)[:2000])
        raise
    campaign = export.publication.campaign
    trial = "-chay-thu" if campaign.is_trial else ""
    export.file.save(f"bao-cao-dti-{campaign.year}-{campaign.level}{trial}-v{export.publication.version}.pdf",
                     ContentFile(content), save=False)  # fmt: skip
    ReportExport.objects.filter(pk=export.pk).update(
        file=export.file.name, state=ReportExport.State.DONE, progress=100, finished_at=timezone.now()
    )


@shared_task(acks_late=True)
def compute_robustness_task(*, result_id: int) -> None:
    """The rank bands of one publication; safe to run twice (computed bands are left alone)."""
    compute_robustness(result_id=result_id)


@shared_task(acks_late=True)
def build_preview_task(*, publication_id: int) -> None:
    """The social-preview image of one publication; safe to run twice (a built image is left alone)."""
    build_preview(publication_id=publication_id)
