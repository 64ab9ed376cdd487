"""The scoring engine and the analysis of rank bands run without Django: they can be imported, benchmarked and
reused on their own."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("module", ["scoring.engine", "scoring.robustness"])
def test_importing_the_engine_loads_no_django_module(module: str) -> None:
    # A fresh interpreter: this test process has Django loaded already.
    check = f"import sys, {module}; assert not [m for m in sys.modules if m.startswith('django')]"

    completed = subprocess.run(
        [sys.executable, "-c", check], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60, check=False
    )

    assert completed.returncode == 0, completed.stderr
