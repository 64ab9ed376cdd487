"""The committed fixtures are exactly what their generators make from the official documents."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.mark.skipif(not SEEDS.exists(), reason="the seed documents are not beside the project (../shared/seeds)")
@pytest.mark.parametrize("script", ["build_framework_fixtures.py", "build_results_2021.py", "build_organisations.py"])
def test_regenerating_from_the_seeds_changes_no_committed_fixture(script: str) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / script), "--check", "--seeds", str(SEEDS)],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
