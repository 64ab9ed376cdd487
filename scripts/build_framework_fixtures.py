"""Regenerate fixtures/frameworks/*.json from the official documents in ../shared/seeds.

    python scripts/build_framework_fixtures.py [--seeds DIR] [--check]

Each framework module reads the seed texts (PDF-to-text conversions), applies the reviewed
corrections in fixtures/source/ where the text is garbled, and returns the fixture form of
`indicators.framework.parse.FrameworkData`. Nothing is invented: a row the text lost stays
absent, its parent is marked incomplete and the loss is listed under "missing"; a cell the
generator fills in where the text prints none is listed in its node's "inferred".
`--check` regenerates in memory and fails when a committed fixture differs.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scripts import frameworks_2020, frameworks_2022, frameworks_national  # noqa: E402
from scripts.fixture_files import write_or_check  # noqa: E402

OUTPUT = ROOT / "fixtures" / "frameworks"
DEFAULT_SEEDS = ROOT.parent / "shared" / "seeds"


def build(seeds: Path) -> dict[str, dict]:
    """Return every framework's fixture form, by framework code."""
    fixtures = [*frameworks_2020.build(seeds), *frameworks_2022.build(seeds), *frameworks_national.build(seeds)]
    return {fixture["code"]: fixture for fixture in fixtures}


def render(fixture: dict) -> str:
    return json.dumps(fixture, ensure_ascii=False, indent=1) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS, help="Folder holding the seed texts.")
    parser.add_argument("--check", action="store_true", help="Fail when a committed fixture differs.")
    options = parser.parse_args()
    files = {OUTPUT / f"{code}.json": render(fixture) for code, fixture in build(options.seeds).items()}
    return write_or_check(files, check=options.check, root=ROOT)


if __name__ == "__main__":
    raise SystemExit(main())
