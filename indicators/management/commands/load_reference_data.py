"""Load the reference data every installation needs: organisations and the shipped frameworks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.services import load_organisations
from indicators.framework.parse import FrameworkData, FrameworkDataError
from indicators.models import Framework
from indicators.services import import_framework

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


class Command(BaseCommand):
    help = "Load fixtures/organisations.json and every fixtures/frameworks/*.json (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--fixtures", type=Path, default=FIXTURES, help="Folder holding the fixtures.")

    def handle(self, *args: Any, **options: Any) -> None:
        folder: Path = options["fixtures"]
        count = load_organisations(data=json.loads((folder / "organisations.json").read_text(encoding="utf-8")))
        self.stdout.write(f"Organisations: {count}")
        for path in sorted((folder / "frameworks").glob("*.json")):
            raw = json.loads(path.read_text(encoding="utf-8"))
            if Framework.objects.filter(code=raw.get("code")).exists():
                # A stored version never changes under the campaigns scored with it.
                self.stdout.write(f"Framework {raw['code']}: already loaded")
                continue
            try:
                framework = import_framework(data=FrameworkData.from_json(raw))
            except FrameworkDataError as error:
                raise CommandError(f"{path.name}: " + "\n".join(error.problems)) from error
            state = "complete" if framework.complete else "incomplete"
            self.stdout.write(f"Framework {framework.code}: loaded ({state})")
