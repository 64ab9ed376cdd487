"""Writing frameworks: import a version from plain data, read it back, refresh its integrity check."""

from __future__ import annotations

from django.db import transaction

from .framework.integrity import IntegrityReport, check_framework_data
from .framework.parse import AggregateData, DeclaredData, FrameworkData, FrameworkDataError, MissingData, NodeData
from .models import Aggregate, DeclaredStructure, Framework, MissingNode, Node


def framework_data(framework: Framework) -> FrameworkData:
    """Read a stored framework back into plain data, with five queries whatever its size."""
    nodes = list(framework.nodes.select_related("parent").order_by("order"))
    by_id = {node.pk: node for node in nodes}
    aggregates = list(framework.aggregates.prefetch_related("main_indices").order_by("order"))
    declared = DeclaredStructure.objects.filter(node__framework=framework).select_related("node")
    order = {node.pk: node.order for node in nodes}
    return FrameworkData(
        code=framework.code,
        level=framework.level,
        name=framework.name,
        decision_number=framework.decision_number,
        decision_date=framework.decision_date,
        first_year=framework.first_year,
        last_year=framework.last_year,
        max_points=framework.max_points,
        precision=framework.precision,
        source=framework.source,
        nodes=[
            NodeData(
                key=node.key,
                code=node.code,
                parent=by_id[node.parent_id].key if node.parent_id else None,
                kind=node.kind,
                name=node.name,
                name_en=node.name_en,
                max_points=node.max_points.normalize() if node.max_points is not None else None,
                source=node.source,
                unit=node.unit,
                evidence_required=node.evidence_required,
                rule=node.rule,
                parameters=node.parameters,
                not_applicable_groups=node.not_applicable_groups,
                focus=node.focus,
                incomplete=node.incomplete,
                guidance=node.guidance,
                inferred=list(node.inferred),
            )
            for node in nodes
        ],
        aggregates=[
            AggregateData(
                code=aggregate.code,
                name=aggregate.name,
                main_indices=[n.key for n in sorted(aggregate.main_indices.all(), key=lambda n: order[n.pk])],
            )
            for aggregate in aggregates
        ],
        declared=[
            DeclaredData(
                key=item.node.key,
                components=item.components,
                criteria=item.criteria,
                component_names=item.component_names,
            )
            for item in sorted(declared, key=lambda d: order[d.node_id])
        ],
        missing=[
            MissingData(
                parent=by_id[item.parent_id].key if item.parent_id else None,
                what=item.what,
                code=item.code,
                name=item.name,
                reason=item.reason,
            )
            for item in framework.missing.order_by("id")
        ],
    )


@transaction.atomic
def import_framework(*, data: FrameworkData, based_on: Framework | None = None) -> Framework:
    """Store a new framework version from plain data, all or nothing.

    Raises FrameworkDataError when the code is taken or the integrity check finds errors;
    incompleteness is allowed and recorded (`complete=False` with the report).
    """
    if Framework.objects.filter(code=data.code).exists():
        raise FrameworkDataError([f"Mã bộ chỉ số “{data.code}” đã tồn tại; đặt mã mới để nhập phiên bản mới."])
    report = check_framework_data(data)
    if report.errors:
        raise FrameworkDataError(report.errors)
    framework = Framework.objects.create(
        code=data.code,
        level=data.level,
        name=data.name,
        decision_number=data.decision_number,
        decision_date=data.decision_date,
        first_year=data.first_year,
        last_year=data.last_year,
        max_points=data.max_points,
        precision=data.precision,
        source=data.source,
        based_on=based_on,
        complete=report.complete,
        integrity_report=report.to_json(),
    )
    nodes = Node.objects.bulk_create(
        [
            Node(
                framework=framework,
                key=item.key,
                code=item.code,
                kind=item.kind,
                name=item.name,
                name_en=item.name_en,
                max_points=item.max_points,
                order=position,
                guidance=item.guidance,
                source=item.source,
                unit=item.unit,
                evidence_required=item.evidence_required,
                rule=item.rule,
                parameters=item.parameters,
                not_applicable_groups=item.not_applicable_groups,
                focus=item.focus,
                incomplete=item.incomplete,
                inferred=list(item.inferred),
            )
            for position, item in enumerate(data.nodes, start=1)
        ]
    )
    # Parents are linked in a second pass: bulk_create returns primary keys on PostgreSQL and SQLite.
    by_key = {node.key: node for node in nodes}
    for item in data.nodes:
        if item.parent:
            by_key[item.key].parent = by_key[item.parent]
    Node.objects.bulk_update([node for node in nodes if node.parent_id is not None], ["parent"])
    aggregates = [
        Aggregate.objects.create(framework=framework, code=summed.code, name=summed.name, order=position)
        for position, summed in enumerate(data.aggregates, start=1)
    ]
    through = Aggregate.main_indices.through
    through.objects.bulk_create(
        through(aggregate_id=aggregate.pk, node_id=by_key[key].pk)
        for aggregate, summed in zip(aggregates, data.aggregates, strict=True)
        for key in summed.main_indices
    )
    DeclaredStructure.objects.bulk_create(
        DeclaredStructure(
            node=by_key[item.key],
            components=item.components,
            criteria=item.criteria,
            component_names=item.component_names,
        )
        for item in data.declared
    )
    MissingNode.objects.bulk_create(
        MissingNode(
            framework=framework,
            parent=by_key[item.parent] if item.parent else None,
            what=item.what,
            code=item.code,
            name=item.name,
            reason=item.reason,
        )
        for item in data.missing
    )
    return framework


def refresh_integrity(*, framework: Framework) -> IntegrityReport:
    """Re-run the integrity check on a stored framework and record `complete` and the report."""
    report = check_framework_data(framework_data(framework))
    framework.complete = report.complete
    framework.integrity_report = report.to_json()
    framework.save(update_fields=["complete", "integrity_report"])
    return report
