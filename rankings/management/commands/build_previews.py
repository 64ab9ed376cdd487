"""(Re)build the social-preview images of the published tables, for publications made before previews
existed (publishing builds its own in the background), or again after the drawing changed (`--again`).
`--default` draws the portal's default image (static/img/og-default.png) instead."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from rankings import previews
from rankings.models import Publication
from rankings.queries import RANKED_LEVELS
from rankings.services import build_preview

DEFAULT_IMAGE = Path(settings.BASE_DIR) / "static" / "img" / "og-default.png"


class Command(BaseCommand):
    help = "Build the preview image of every published ranking table that has none (or of all, with --again)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--again", action="store_true", help="Draw the images that exist again too.")
        parser.add_argument("--default", action="store_true", help=f"Draw the default image to {DEFAULT_IMAGE}.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["default"]:
            with translation.override(settings.LANGUAGE_CODE):
                image = previews.draw(_("Chỉ số chuyển đổi số DTI"),
                                      _("Kết quả đánh giá của các tỉnh, thành phố và các bộ, ngành"), [])  # fmt: skip
            DEFAULT_IMAGE.write_bytes(image)
            self.stdout.write(f"{DEFAULT_IMAGE}: {len(image)} bytes")
            return
        built = 0
        for publication in Publication.objects.filter(campaign__level__in=RANKED_LEVELS).order_by("pk"):
            build_preview(publication_id=publication.pk, again=options["again"])
            built += 1
        self.stdout.write(f"{built} preview images ready.")
