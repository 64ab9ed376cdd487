from __future__ import annotations

from decimal import Decimal
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from indicators.models import Framework, Node


class FrameworkSerializer(serializers.ModelSerializer):
    decision = serializers.CharField(source="decision_number")

    class Meta:
        model = Framework
        fields = [
            "code", "level", "name", "decision", "decision_date", "first_year", "last_year",
            "max_points", "precision", "complete",
        ]  # fmt: skip


class NodeSerializer(serializers.Serializer):
    key = serializers.CharField()
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=Node.Kind.choices)
    max_points = serializers.DecimalField(max_digits=10, decimal_places=4, allow_null=True)
    # DRF's metaclass takes declared fields off the class, so a field may share a name with an attribute
    # of Field; the stubs read it as overriding Field.source (typeddjango/djangorestframework-stubs#158).
    source = serializers.CharField(allow_blank=True)  # type: ignore[assignment]
    rule = serializers.CharField(allow_blank=True)
    parameters = serializers.JSONField()
    rule_text = serializers.CharField(source="describe_rule")
    unit = serializers.CharField(allow_blank=True)
    evidence_required = serializers.BooleanField()
    not_applicable_groups = serializers.ListField(child=serializers.CharField())
    focus = serializers.BooleanField()
    incomplete = serializers.BooleanField()
    # the printed cells (code, name, max_points) the source does not print: inferred values
    inferred = serializers.ListField(child=serializers.ChoiceField(choices=Node.Cell.choices))
    children = serializers.SerializerMethodField()

    @extend_schema_field({"type": "array", "items": {"$ref": "#/components/schemas/Node"}})
    def get_children(self, node: Node) -> list[dict[str, Any]]:
        tree: dict[int | None, list[Node]] = self.context["tree"]
        return [NodeSerializer(child, context=self.context).data for child in tree.get(node.pk, [])]


class AggregateSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    max_points = serializers.DecimalField(max_digits=10, decimal_places=4, allow_null=True)
    main_indices = serializers.ListField(child=serializers.CharField())


class MissingSerializer(serializers.Serializer):
    # As NodeSerializer.source: a declared field, not Field.parent (djangorestframework-stubs#158).
    parent = serializers.CharField(allow_null=True)  # type: ignore[assignment]
    what = serializers.CharField()
    code = serializers.CharField(allow_blank=True)
    name = serializers.CharField(allow_blank=True)
    reason = serializers.CharField()


class FrameworkDetailSerializer(FrameworkSerializer):
    nodes = serializers.SerializerMethodField()
    aggregates = serializers.SerializerMethodField()
    missing = serializers.SerializerMethodField()

    class Meta(FrameworkSerializer.Meta):
        fields = [*FrameworkSerializer.Meta.fields, "nodes", "aggregates", "missing"]

    @extend_schema_field(NodeSerializer(many=True))
    def get_nodes(self, framework: Framework) -> list[dict[str, Any]]:
        tree: dict[int | None, list[Node]] = {}
        for node in framework.nodes.all():
            tree.setdefault(node.parent_id, []).append(node)
        context = {**self.context, "tree": tree}
        return [NodeSerializer(node, context=context).data for node in tree.get(None, [])]

    @extend_schema_field(AggregateSerializer(many=True))
    def get_aggregates(self, framework: Framework) -> list[dict[str, Any]]:
        rows = []
        for aggregate in framework.aggregates.all():
            main = sorted(aggregate.main_indices.all(), key=lambda node: node.order)
            points = [node.max_points for node in main if node.max_points is not None]
            rows.append(
                {
                    "code": aggregate.code,
                    "name": aggregate.name,
                    # A main index whose points the source lost leaves the aggregate's unknown too.
                    "max_points": sum(points, Decimal(0)) if len(points) == len(main) else None,
                    "main_indices": [node.key for node in main],
                }
            )
        return AggregateSerializer(rows, many=True).data  # type: ignore[return-value]

    @extend_schema_field(MissingSerializer(many=True))
    def get_missing(self, framework: Framework) -> list[dict[str, Any]]:
        rows = [
            {"parent": item.parent.key if item.parent else None, "what": item.what, "code": item.code,
             "name": item.name, "reason": item.reason}
            for item in framework.missing.all()
        ]  # fmt: skip
        return MissingSerializer(rows, many=True).data  # type: ignore[return-value]
