"""Public pages of the frameworks: the list, one framework as a tree, and a version comparison."""

from __future__ import annotations

import unicodedata

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from .framework.compare import ChangeKind, compare_frameworks
from .models import Framework, Node, NodeMapping
from .services import framework_data


@require_GET
def framework_list(request: HttpRequest) -> HttpResponse:
    frameworks = Framework.objects.order_by("-decision_date", "level")
    return render(request, "indicators/framework_list.html", {"frameworks": frameworks})


def _folded(text: str) -> str:
    """Case- and accent-insensitive form for search ("chu ky so" finds "Chữ ký số")."""
    decomposed = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@require_GET
def framework_detail(request: HttpRequest, code: str) -> HttpResponse:
    framework = get_object_or_404(Framework, code=code)
    query = request.GET.get("q", "").strip()[:100]
    matches: list[Node] = []
    if query:
        folded = _folded(query)
        matches = [
            node
            for node in framework.nodes.order_by("order")
            if node.code.startswith(query) or node.key.startswith(query) or folded in _folded(node.name)
        ]
    context = {
        "framework": framework,
        "tree": framework.tree(),
        "aggregates": framework.aggregates.prefetch_related("main_indices"),
        "missing": framework.missing.select_related("parent"),
        "report": framework.integrity_report,
        "query": query,
        "matches": matches,
        "others": Framework.objects.filter(level=framework.level).exclude(pk=framework.pk),
    }
    return render(request, "indicators/framework_detail.html", context)


@require_GET
def framework_compare(request: HttpRequest, code: str) -> HttpResponse:
    framework = get_object_or_404(Framework, code=code)
    other = get_object_or_404(Framework, code=request.GET.get("with", ""))
    mapping = dict(
        NodeMapping.objects.filter(earlier__framework=framework, later__framework=other).values_list(
            "earlier__key", "later__key"
        )
    )
    changes = compare_frameworks(framework_data(framework), framework_data(other), mapping)
    counts = {kind: sum(change.kind == kind for change in changes) for kind in ChangeKind}
    return render(
        request,
        "indicators/framework_compare.html",
        {"framework": framework, "other": other, "changes": changes, "counts": counts},
    )
