"""The ops commands refuse to run outside the stack, and the synthetic campaign is the size asked for."""

from __future__ import annotations

import io
import json
import random
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from pytest_django.fixtures import Settings

from accounts.models import User
from indicators.models import Node
from ops.synthetic import RULES, build_campaign
from submissions.models import Answer, Submission
from tests.submissions.scanned_pdfs import require_ocr


def test_the_load_accounts_are_refused_without_dti_load_test(settings: Settings, tmp_path: Path) -> None:
    settings.DTI_LOAD_TEST = False

    with pytest.raises(CommandError, match="set DTI_LOAD_TEST=1"):
        call_command("prepare_load", accounts=tmp_path / "accounts.json")

    assert not (tmp_path / "accounts.json").exists()


@pytest.mark.django_db
def test_no_load_account_is_created_without_dti_load_test(settings: Settings, tmp_path: Path) -> None:
    settings.DTI_LOAD_TEST = False

    with pytest.raises(CommandError):
        call_command("prepare_load", accounts=tmp_path / "accounts.json")

    assert not User.objects.filter(username__startswith="tai.").exists()


def test_the_fault_tests_are_refused_without_dti_load_test(settings: Settings) -> None:
    settings.DTI_LOAD_TEST = False

    with pytest.raises(CommandError, match="make faults"):
        call_command("run_faults")


def test_a_malformed_benchmark_size_is_refused_with_the_form_it_expects() -> None:
    with pytest.raises(CommandError, match="63x300"):
        call_command("bench_scoring", sizes="63by300")


def test_a_benchmark_framework_too_small_for_its_components_is_refused() -> None:
    with pytest.raises(CommandError, match="at least 50 leaves"):
        call_command("bench_scoring", sizes="63x20")


def test_the_rank_bands_benchmark_prints_the_size_it_timed_as_json() -> None:
    out = io.StringIO()

    call_command("bench_robustness", units=7, indices=3, draws=20, repeat=2, stdout=out)

    figures = json.loads(out.getvalue())
    assert {key: figures[key] for key in ("units", "indices", "draws", "scenarios", "repeat")} == {
        "units": 7, "indices": 3, "draws": 20, "scenarios": 22, "repeat": 2}  # fmt: skip
    assert figures["seconds"] <= figures["slowest_seconds"]


def test_a_rank_bands_benchmark_of_no_draws_is_refused() -> None:
    with pytest.raises(CommandError, match="at least 1"):
        call_command("bench_robustness", draws=0)


def test_a_public_pages_benchmark_of_no_requests_is_refused() -> None:
    with pytest.raises(CommandError, match="--repeat is at least 1"):
        call_command("bench_public", repeat=0)


@pytest.mark.django_db
def test_the_synthetic_campaign_has_the_units_and_leaves_asked_for() -> None:
    campaign = build_campaign(3, 57, random.Random(1))

    leaves = Node.objects.filter(framework=campaign.framework, kind="criterion")
    assert leaves.count() == 57
    assert set(leaves.values_list("rule", flat=True)) == {rule for rule, _parameters in RULES}
    assert Submission.objects.filter(campaign=campaign).count() == 3
    assert Answer.objects.filter(submission__campaign=campaign).count() == 3 * 57


def synthetic_answers(seed: int) -> list[tuple[str, Decimal | None, Decimal | None, Decimal | None, str]]:
    """The answers of a small synthetic campaign, built and then rolled back."""
    with transaction.atomic():
        campaign = build_campaign(2, 50, random.Random(seed))
        answers = Answer.objects.filter(submission__campaign=campaign).order_by(
            "submission__organisation__code", "node__key"
        )
        values = list(answers.values_list("node__key", "value", "numerator", "denominator", "choice"))
        transaction.set_rollback(True)
    return values


@pytest.mark.django_db
def test_the_same_seed_builds_the_same_synthetic_answers() -> None:
    assert synthetic_answers(5) == synthetic_answers(5)
    assert synthetic_answers(5) != synthetic_answers(6)


def test_the_evidence_benchmark_reads_a_scan_and_prints_its_figures_as_json() -> None:
    require_ocr()
    out = io.StringIO()

    call_command("bench_evidence", pages=1, repeat=1, stdout=out)

    figures = json.loads(out.getvalue())
    assert {key: figures[key] for key in ("pages", "method", "document_number", "repeat")} == {
        "pages": 1, "method": "ocr", "document_number": "123/QĐ-UBND", "repeat": 1}  # fmt: skip
    assert figures["seconds_p50"] <= figures["slowest_seconds"]
