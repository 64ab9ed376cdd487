from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from submissions.models import Answer, Submission


class SubmissionSerializer(serializers.ModelSerializer):
    organisation_code = serializers.CharField(source="organisation.code")
    year = serializers.IntegerField(source="campaign.year")
    level = serializers.CharField(source="campaign.level")
    campaign = serializers.CharField(source="campaign.name")

    class Meta:
        model = Submission
        fields = ["id", "organisation_code", "year", "level", "campaign", "state"]


class EvidenceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    original_name = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    pages = serializers.IntegerField()
    uploaded_at = serializers.DateTimeField()


class AnswerSerializer(serializers.Serializer):
    value = serializers.DecimalField(max_digits=20, decimal_places=6, allow_null=True)
    numerator = serializers.DecimalField(max_digits=20, decimal_places=6, allow_null=True)
    denominator = serializers.DecimalField(max_digits=20, decimal_places=6, allow_null=True)
    choice = serializers.CharField(allow_blank=True)
    explanation = serializers.CharField(allow_blank=True)
    self_score = serializers.DecimalField(max_digits=12, decimal_places=6, allow_null=True)
    max_points = serializers.DecimalField(source="node.max_points", max_digits=10, decimal_places=4, allow_null=True)
    source = serializers.CharField(source="node.source")
    rule = serializers.CharField(source="node.rule")
    evidence = serializers.SerializerMethodField()
    version = serializers.IntegerField()

    @extend_schema_field(EvidenceSerializer(many=True))
    def get_evidence(self, answer: Answer) -> list[dict[str, Any]]:
        files = [item for item in answer.evidence.all() if item.removed_at is None]
        return EvidenceSerializer(files, many=True).data  # type: ignore[return-value]


class SubmissionDetailSerializer(SubmissionSerializer):
    answers = serializers.SerializerMethodField()

    class Meta(SubmissionSerializer.Meta):
        fields = [*SubmissionSerializer.Meta.fields, "answers"]

    @extend_schema_field({"type": "object", "additionalProperties": {"$ref": "#/components/schemas/Answer"}})
    def get_answers(self, submission: Submission) -> dict[str, Any]:
        answers = submission.answers.select_related("node").prefetch_related("evidence").order_by("node__order")
        return {answer.node.key: AnswerSerializer(answer).data for answer in answers}


class AnswerInputSerializer(serializers.Serializer):
    value = serializers.DecimalField(max_digits=20, decimal_places=6, required=False, allow_null=True)
    numerator = serializers.DecimalField(max_digits=20, decimal_places=6, required=False, allow_null=True)
    denominator = serializers.DecimalField(max_digits=20, decimal_places=6, required=False, allow_null=True)
    choice = serializers.CharField(required=False, allow_blank=True, max_length=200)
    explanation = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    version = serializers.IntegerField(min_value=0)


class AnswerSavedSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    self_score = serializers.DecimalField(max_digits=12, decimal_places=6, allow_null=True)


class EvidenceUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    title = serializers.CharField(max_length=300, required=False, allow_blank=True)


class TransitionSerializer(serializers.Serializer):
    action = serializers.CharField(max_length=32)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class StateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.CharField()
