"""The scoring engine runs without Django: it can be imported, benchmarked and reused on its own."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def test_importing_the_engine_loads_no_django_module() -> None:
    # A fresh interpreter: this test process has Django loaded already.
    check = "import sys, scoring.engine; assert not [m for m in sys.modules if m.startswith('django')]"

    completed = subprocess.run(
        [sys.executable, "-c", check], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60, check=False
    )

    assert completed.returncode == 0, completed.stderr
