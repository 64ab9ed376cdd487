"""The apps form a one-way stack, and each app's API is its own.

webhooks → rankings → scoring → submissions → indicators → accounts → common: an app may import itself and
any app to its right, never one to its left, so each layer can be understood, tested and changed
without the ones above it. An app's `api` package is an entry point for HTTP clients, wired up by
the URL confs of `dti_portal/`: no other module builds on it.

The imports are read from the source with `ast`, those inside functions included, so an import
moved into a function to dodge a cycle still counts.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]

# Left to right: each app may import only itself and the apps after it.
LAYERS = ("webhooks", "plans", "rankings", "scoring", "submissions", "indicators", "accounts", "common")

# Violations that exist in code being restructured elsewhere, as (file, imported module), to be
# removed as they are fixed. A new violation is fixed, never added here.
KNOWN_VIOLATIONS_TO_REMOVE: frozenset[tuple[str, str]] = frozenset()


@dataclass(frozen=True)
class Import:
    path: str  # relative to the project root, with forward slashes
    line: int
    importer: str  # the importing module's dotted name
    target: str  # the imported module, or a name in it, as a dotted name

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.importer} imports {self.target}"

    def breaks_the_order(self) -> bool:
        source, target = self.importer.split(".")[0], self.target.split(".")[0]
        return target in LAYERS and LAYERS.index(target) < LAYERS.index(source)

    def reaches_into_an_api(self) -> bool:
        """An import of `<app>.api` or below, from outside that same `api` package."""
        target = self.target.split(".")
        if len(target) < 2 or target[0] not in LAYERS or target[1] != "api":
            return False
        return self.importer.split(".")[:2] != target[:2]

    def is_known(self) -> bool:
        return (self.path, self.target) in KNOWN_VIOLATIONS_TO_REMOVE


def imports_in(source: str, *, path: str) -> list[Import]:
    """Every import in one file's source, relative ones resolved against `path` (relative to the root).

    `from a import b` yields both a and a.b, since b may be a module (`from indicators import api`).
    """
    parts = path.removesuffix(".py").split("/")
    is_package = parts[-1] == "__init__"
    if is_package:
        parts.pop()
    importer = ".".join(parts)
    package = parts if is_package else parts[:-1]
    found: list[Import] = []
    for node in ast.walk(ast.parse(source, filename=path)):
        if isinstance(node, ast.Import):
            found.extend(Import(path, node.lineno, importer, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.append(Import(path, node.lineno, importer, module))
            found.extend(Import(path, node.lineno, importer, f"{module}.{alias.name}") for alias in node.names)
    return found


def project_imports() -> list[Import]:
    """The imports of every Python file of the apps, migrations aside."""
    found: list[Import] = []
    for layer in LAYERS:
        for file in sorted((PROJECT_ROOT / layer).rglob("*.py")):
            path = file.relative_to(PROJECT_ROOT).as_posix()
            if "migrations" not in path.split("/"):
                found.extend(imports_in(file.read_text(encoding="utf-8"), path=path))
    return found


def report(offending: list[Import]) -> str:
    # `from a.b import c` is found as a.b and as a.b.c: one line per file, line and module is enough.
    lines: dict[tuple[str, int], Import] = {}
    for found in offending:
        lines.setdefault((found.path, found.line), found)
    return "\n".join(str(found) for _place, found in sorted(lines.items()))


def test_the_walk_reads_every_app_and_resolves_relative_imports() -> None:
    found = project_imports()

    assert {item.importer.split(".")[0] for item in found} == set(LAYERS)
    assert any(item.path == "indicators/models.py" and item.target == "indicators.rules" for item in found)


def test_the_walk_finds_imports_against_the_rules_wherever_they_are() -> None:
    source = (
        "from ..scoring import services\n"
        "import rankings.views\n"
        "from . import api\n"
        "def late():\n"
        "    from indicators.api.serializers import NodeSerializer\n"
        "    from common.rules import Rule\n"
    )

    found = imports_in(source, path="submissions/views.py")

    assert {(item.line, item.target) for item in found if item.breaks_the_order()} == {
        (1, "scoring"),
        (1, "scoring.services"),
        (2, "rankings.views"),
    }
    assert {(item.line, item.target) for item in found if item.reaches_into_an_api()} == {
        (3, "submissions.api"),
        (5, "indicators.api.serializers"),
        (5, "indicators.api.serializers.NodeSerializer"),
    }
    assert not [
        item
        for item in imports_in(source, path="submissions/api/views.py")
        if item.line == 3 and item.reaches_into_an_api()
    ]


def test_no_app_imports_an_app_to_its_left() -> None:
    offending = [found for found in project_imports() if found.breaks_the_order() and not found.is_known()]

    assert offending == [], f"Imports against the order {' → '.join(LAYERS)}:\n{report(offending)}"


def test_no_module_builds_on_an_api_package_but_its_own() -> None:
    offending = [found for found in project_imports() if found.reaches_into_an_api() and not found.is_known()]

    assert offending == [], f"Imports of an api module from outside its own api package:\n{report(offending)}"


def test_every_known_violation_still_exists() -> None:
    # A fixed violation leaves the list, so the list only ever shrinks.
    found = {
        (item.path, item.target) for item in project_imports() if item.breaks_the_order() or item.reaches_into_an_api()
    }

    assert sorted(KNOWN_VIOLATIONS_TO_REMOVE - found) == []


# The one writer of a submission's state, and the one door from the results stage into submissions.
STATE_WRITER = "submissions/services/workflow.py"
PUBLICATION_DOOR = "submissions.services.publication"
PRODUCT_PACKAGES = (*LAYERS, "ops", "dti_portal")


def state_assignments(source: str, *, path: str) -> list[str]:
    """Places that assign a submission's state: `<…submission…>.state = …`, or a queryset of submissions
    `update(state=…)`. Read with `ast`, so a comment or a string never counts."""
    found = []
    for node in ast.walk(ast.parse(source)):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = list(node.targets)
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        for target in targets:
            if (
                isinstance(target, ast.Attribute)
                and target.attr == "state"
                and "submission" in ast.unparse(target.value).lower()
            ):
                found.append(f"{path}:{getattr(node, 'lineno', 0)}")
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "update"
            and any(keyword.arg == "state" for keyword in node.keywords)
            and "submission" in ast.unparse(node.func.value).lower()
        ):
            found.append(f"{path}:{node.lineno}")
    return found


def product_files() -> list[tuple[str, str]]:
    files = []
    for package in PRODUCT_PACKAGES:
        for file in sorted((PROJECT_ROOT / package).rglob("*.py")):
            path = file.relative_to(PROJECT_ROOT).as_posix()
            if "migrations" not in path.split("/"):
                files.append((path, file.read_text(encoding="utf-8")))
    return files


def test_the_state_finder_sees_assignments_and_updates_but_not_other_objects() -> None:
    source = (
        "submission.state = 'draft'\n"
        "campaign.state = 'open'\n"
        "Submission.objects.filter(pk=1).update(state='published')\n"
        "ReportExport.objects.update(state='running')\n"
        "# submission.state = 'x'\n"
    )

    assert state_assignments(source, path="x.py") == ["x.py:1", "x.py:3"]


def test_only_the_transition_primitive_assigns_a_submissions_state() -> None:
    found = [place for path, source in product_files() for place in state_assignments(source, path=path)]

    assert len(found) == 1
    assert found[0].startswith(f"{STATE_WRITER}:")


def test_the_results_stage_reaches_the_submission_services_only_through_publication() -> None:
    services = [
        found
        for found in project_imports()
        if found.importer.startswith("rankings") and found.target.startswith("submissions.services")
    ]

    outside = [
        found
        for found in services
        if found.target != PUBLICATION_DOOR and not found.target.startswith(PUBLICATION_DOOR + ".")
    ]
    assert services  # publishing does go through the door
    assert outside == [], report(outside)
