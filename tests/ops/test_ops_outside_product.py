"""The load, fault and benchmark tooling stays outside the product.

No management command of a product app starts processes or drives the stack; ops/ reads the product
only through its public names; and the production settings install ops only where DTI_LOAD_TEST=1.
"""

from __future__ import annotations

import ast
import json
import os
import re
import secrets
import subprocess
import sys
import tomllib
from pathlib import Path

from django.apps import apps
from django.conf import settings

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PRODUCT_PACKAGES = [
    "accounts",
    "indicators",
    "submissions",
    "scoring",
    "rankings",
    "plans",
    "webhooks",
    "dti_portal",
    "common",
]
OPS_COMMANDS = {"bench_scoring", "bench_robustness", "bench_evidence", "check_load", "prepare_load", "run_faults"}
# Starting, signalling or killing processes, or driving the stack of scripts/stack.sh.
PROCESS_CONTROL = re.compile(r"\bsubprocess\b|\bPopen\b|\bos\.kill\b|\bsignal\b|stack\.sh")


def product_commands() -> list[Path]:
    return sorted(
        path for package in PRODUCT_PACKAGES for path in (PROJECT_ROOT / package).glob("management/commands/*.py")
    )


def ops_modules() -> list[Path]:
    return sorted((PROJECT_ROOT / "ops").rglob("*.py"))


def installed_apps(settings_module: str, **environment: str) -> subprocess.CompletedProcess[str]:
    """Import a settings module in a fresh interpreter and print its INSTALLED_APPS as JSON."""
    # A deployment has none of the variables the test run itself sets.
    ignored = {
        "DATABASE_URL",
        "CELERY_BROKER_URL",
        "DJANGO_SETTINGS_MODULE",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
        "DTI_LOAD_TEST",
    }
    env = {key: value for key, value in os.environ.items() if key not in ignored}
    env.update(environment)
    code = f"import json, {settings_module} as chosen; print(json.dumps(chosen.INSTALLED_APPS))"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=60, check=False
    )


def production_apps(**environment: str) -> list[str]:
    result = installed_apps(
        "dti_portal.settings.production", SECRET_KEY=secrets.token_urlsafe(48), ALLOWED_HOSTS="dti.example.gov.vn",
        **environment,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    apps_listed: list[str] = json.loads(result.stdout)
    return apps_listed


def test_no_product_command_starts_processes_or_drives_the_stack() -> None:
    commands = product_commands()
    offending = {
        str(path.relative_to(PROJECT_ROOT)): sorted(set(PROCESS_CONTROL.findall(path.read_text(encoding="utf-8"))))
        for path in commands
        if PROCESS_CONTROL.search(path.read_text(encoding="utf-8"))
    }

    assert commands, "the scan found no product command at all"
    assert offending == {}


def test_the_scan_covers_every_app_of_the_project_but_ops() -> None:
    project_apps = {config.name for config in apps.get_app_configs() if (PROJECT_ROOT / config.name).is_dir()}

    assert project_apps - {"ops"} <= set(PRODUCT_PACKAGES)


def test_the_load_fault_and_benchmark_commands_live_in_ops_only() -> None:
    in_ops = {path.stem for path in (PROJECT_ROOT / "ops" / "management" / "commands").glob("*.py")}
    in_product = {path.stem for path in product_commands()}

    assert OPS_COMMANDS <= in_ops
    assert OPS_COMMANDS & in_product == set()


def test_ops_imports_only_public_names_of_the_product_and_no_api_module() -> None:
    refused: list[str] = []
    for path in ops_modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                modules, names = [node.module], [alias.name for alias in node.names]
            elif isinstance(node, ast.Import):
                modules, names = [alias.name for alias in node.names], []
            else:
                continue
            for module in modules:
                parts = module.split(".")
                if parts[0] not in PRODUCT_PACKAGES:
                    continue
                private = [part for part in parts[1:] + names if part.startswith("_")]
                api = [part for part in parts if part == "api" or part.startswith("api_")]
                if private or api:
                    refused.append(f"{path.relative_to(PROJECT_ROOT)}:{node.lineno} {module} {names}")

    assert ops_modules(), "the scan found no module in ops/"
    assert refused == []


def test_no_ops_command_imports_another_commands_internals() -> None:
    reaching = [
        f"{path.relative_to(PROJECT_ROOT)}:{node.lineno} {node.module}"
        for path in ops_modules()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom) and node.module and ".management.commands" in f".{node.module}"
    ]

    assert reaching == []


def test_production_settings_leave_ops_out_by_default() -> None:
    assert "ops" not in production_apps()


def test_production_settings_leave_ops_out_when_dti_load_test_is_off() -> None:
    assert "ops" not in production_apps(DTI_LOAD_TEST="0")


def test_production_settings_install_ops_only_with_dti_load_test_on() -> None:
    assert production_apps(DTI_LOAD_TEST="1")[-1] == "ops"


def test_a_malformed_dti_load_test_stops_start_up_with_its_name() -> None:
    result = installed_apps(
        "dti_portal.settings.production", SECRET_KEY=secrets.token_urlsafe(48), ALLOWED_HOSTS="dti.example.gov.vn",
        DTI_LOAD_TEST="maybe",
    )  # fmt: skip

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DTI_LOAD_TEST must be one of 1/0, true/false" in result.stderr


def test_the_local_settings_install_ops_without_dti_load_test() -> None:
    result = installed_apps("dti_portal.settings.local")

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout).count("ops") == 1


def test_the_local_settings_install_ops_once_when_dti_load_test_is_on_too() -> None:
    result = installed_apps("dti_portal.settings.local", DTI_LOAD_TEST="1")

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout).count("ops") == 1


def test_the_test_settings_install_ops() -> None:
    assert "ops" in settings.INSTALLED_APPS
    assert apps.is_installed("ops")


def test_the_production_image_and_package_leave_the_tooling_out() -> None:
    lines = (PROJECT_ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    ignored = {line.strip() for line in lines if line.strip() and not line.startswith("#")}
    copied = re.findall(r"^COPY\s+(\S+)", (PROJECT_ROOT / "Dockerfile").read_text(encoding="utf-8"), flags=re.MULTILINE)
    packaged = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]

    assert {"ops", "loadtest", "tests"} <= ignored
    assert "ops" not in copied
    assert "common" in copied
    assert not [pattern for pattern in packaged["packages"]["find"]["include"] if pattern.startswith("ops")]
