"""`check_public` reads a publication-day run from locust's CSV files: it passes only with the 2021
results published, no failed request and every request type's p95 within the target."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.rankings.conftest import published_2021  # noqa: F401 - a fixture

STATS = ["Type", "Name", "Request Count", "Failure Count", "Requests/s", "50%", "95%"]


def locust_csv(prefix: Path, p95: dict[str, int], failures: dict[str, int] | None = None) -> None:
    """The three files `locust --csv prefix` writes, with one row per request type and the total."""
    rows = [["GET", name, "100", "0", "10.0", str(ms // 2), str(ms)] for name, ms in p95.items()]
    failed = sum((failures or {}).values())
    rows.append(
        ["", "Aggregated", str(100 * len(p95)), str(failed), str(10.0 * len(p95)), "20", str(max(p95.values()))]
    )
    with Path(f"{prefix}_stats.csv").open("w", encoding="utf-8", newline="") as file:
        csv.writer(file).writerows([STATS, *rows])
    with Path(f"{prefix}_failures.csv").open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["Method", "Name", "Error", "Occurrences"])
        writer.writerows(["GET", "home", error, str(count)] for error, count in (failures or {}).items())
    with Path(f"{prefix}_exceptions.csv").open("w", encoding="utf-8", newline="") as file:
        csv.writer(file).writerow(["Count", "Message", "Traceback", "Nodes"])


@pytest.mark.usefixtures("published_2021")
def test_a_fast_run_without_failures_passes_and_writes_its_figures(tmp_path: Path) -> None:
    locust_csv(tmp_path / "public", {"home": 40, "ranking page": 120, "rankings api": 200})

    call_command("check_public", prefix=tmp_path / "public", out=tmp_path / "public.json")

    figures = json.loads((tmp_path / "public.json").read_text())
    assert figures["passed"] is True
    assert figures["published_2021"] == {"province": True, "ministry": True}
    assert figures["p95_ms"] == {"home": 40.0, "ranking page": 120.0, "rankings api": 200.0}
    assert figures["requests"] == 300
    assert figures["requests_per_second"] == 30.0


@pytest.mark.usefixtures("published_2021")
def test_one_slow_request_type_fails_the_run(tmp_path: Path) -> None:
    locust_csv(tmp_path / "public", {"home": 40, "compare page": 210})

    with pytest.raises(CommandError, match=r"^Publication-day run failed: p95 of every request type ≤ 200 ms$"):
        call_command("check_public", prefix=tmp_path / "public", out=tmp_path / "public.json")

    assert json.loads((tmp_path / "public.json").read_text())["p95_ms"]["compare page"] == 210.0


@pytest.mark.usefixtures("published_2021")
def test_a_failed_request_fails_the_run(tmp_path: Path) -> None:
    locust_csv(tmp_path / "public", {"home": 40}, failures={"HTTPError('502 Server Error')": 3})

    with pytest.raises(CommandError, match=r"^Publication-day run failed: no failed request$"):
        call_command("check_public", prefix=tmp_path / "public", out=tmp_path / "public.json")

    figures = json.loads((tmp_path / "public.json").read_text())
    assert (figures["failures"], figures["server_errors"]) == (3, 3)


@pytest.mark.django_db
def test_a_run_against_a_portal_with_nothing_published_fails(tmp_path: Path) -> None:
    locust_csv(tmp_path / "public", {"home": 5})

    with pytest.raises(CommandError, match=r"^Publication-day run failed: the 2021 results of both levels"):
        call_command("check_public", prefix=tmp_path / "public", out=tmp_path / "public.json")
