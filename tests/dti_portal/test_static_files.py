"""Production's static files: collectstatic with the manifest storage succeeds (a vendored library
pointing at a missing source map once broke it) and the vendored Chart.js is the pinned version."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management import call_command
from pytest_django.fixtures import Settings

ROOT = Path(__file__).resolve().parents[2]


def test_collectstatic_with_the_manifest_storage_succeeds(settings: Settings, tmp_path: Path) -> None:
    settings.STATIC_ROOT = tmp_path
    manifest_storage = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
    settings.STORAGES = {**settings.STORAGES, "staticfiles": manifest_storage}

    call_command("collectstatic", "--noinput", verbosity=0)

    manifest = json.loads((tmp_path / "staticfiles.json").read_text())
    assert "vendor/chart.js/chart.umd.min.js" in manifest["paths"]
    assert "js/charts.js" in manifest["paths"]


def test_the_vendored_chart_js_is_the_version_package_json_pins() -> None:
    pinned = json.loads((ROOT / "package.json").read_text())["dependencies"]["chart.js"]

    header = (ROOT / "static/vendor/chart.js/chart.umd.min.js").read_text()[:200]

    assert f"Chart.js v{pinned}" in header
