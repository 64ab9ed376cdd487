from __future__ import annotations

from decimal import Decimal
from functools import cached_property
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from common.text import PlainTextSerializerField
from common.vocabulary import Stage
from submissions.models import Answer, Submission, SubmissionState


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else value.quantize(Decimal("0.000001")).normalize()


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
    # The stubs type `Field.source` as the field's own option; an API field named "source" is still valid.
    source = serializers.CharField(source="node.source")  # type: ignore[assignment]
    rule = serializers.CharField(source="node.rule")
    evidence = serializers.SerializerMethodField()
    version = serializers.IntegerField()
    appraisal_decision = serializers.SerializerMethodField()
    appraised_value = serializers.SerializerMethodField()
    appraised_score = serializers.SerializerMethodField()
    final_value = serializers.SerializerMethodField()
    final_score = serializers.SerializerMethodField()
    points_lost = serializers.SerializerMethodField()
    appraisal_reason = serializers.SerializerMethodField()
    explanation_reply = serializers.CharField()
    final_decision = serializers.SerializerMethodField()
    final_reason = serializers.SerializerMethodField()
    review_version = serializers.SerializerMethodField()

    def _shown(self, answer: Answer) -> bool:
        """The appraisal is internal until it is finished; `shows_appraisal` is set by the parent."""
        return bool(self.context.get("shows_appraisal"))

    def _stage_value(self, answer: Answer, stage: Stage) -> Decimal | None:
        if not self._shown(answer):
            return None
        value = answer.stage_values(stage)
        if value["numerator"] is not None and value["denominator"]:
            return _decimal(value["numerator"] * 100 / value["denominator"])
        if value["choice"]:
            return None
        return _decimal(value["value"])

    def _stage_score(self, answer: Answer, stage: Stage) -> Decimal | None:
        return _decimal(answer.stage_score(stage)) if self._shown(answer) else None

    @extend_schema_field(serializers.DecimalField(max_digits=20, decimal_places=6, allow_null=True))
    def get_appraised_value(self, answer: Answer) -> Decimal | None:
        return self._stage_value(answer, Stage.APPRAISED)

    @extend_schema_field(serializers.DecimalField(max_digits=12, decimal_places=6, allow_null=True))
    def get_appraised_score(self, answer: Answer) -> Decimal | None:
        return self._stage_score(answer, Stage.APPRAISED)

    @extend_schema_field(serializers.DecimalField(max_digits=20, decimal_places=6, allow_null=True))
    def get_final_value(self, answer: Answer) -> Decimal | None:
        return self._stage_value(answer, Stage.FINAL)

    @extend_schema_field(serializers.DecimalField(max_digits=12, decimal_places=6, allow_null=True))
    def get_final_score(self, answer: Answer) -> Decimal | None:
        return self._stage_score(answer, Stage.FINAL)

    @extend_schema_field(serializers.DecimalField(max_digits=12, decimal_places=6, allow_null=True))
    def get_points_lost(self, answer: Answer) -> Decimal | None:
        """The latest stage's loss: the final value is the appraised one until the leaf is settled."""
        return _decimal(answer.points_lost(Stage.FINAL)) if self._shown(answer) else None

    @extend_schema_field(serializers.CharField())
    def get_appraisal_reason(self, answer: Answer) -> str:
        return answer.appraisal_reason if self._shown(answer) else ""

    @extend_schema_field(serializers.CharField())
    def get_appraisal_decision(self, answer: Answer) -> str:
        return answer.appraisal_decision if self._shown(answer) else ""

    @extend_schema_field(serializers.CharField())
    def get_final_decision(self, answer: Answer) -> str:
        return answer.final_decision if self._shown(answer) else ""

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_review_version(self, answer: Answer) -> int | None:
        """How many decisions the leaf has had: appraisal data, so the unit reads nothing until it is sent."""
        return answer.review_version if self._shown(answer) else None

    @extend_schema_field(serializers.CharField())
    def get_final_reason(self, answer: Answer) -> str:
        return answer.final_reason if self._shown(answer) else ""

    @extend_schema_field(EvidenceSerializer(many=True))
    def get_evidence(self, answer: Answer) -> list[dict[str, Any]]:
        files = [item for item in answer.evidence.all() if item.removed_at is None]
        return self._evidence.to_representation(files)

    @cached_property
    def _evidence(self) -> serializers.ListSerializer:
        # One serializer for every answer's files: building a serializer copies its fields, which
        # costs more than writing a handful of files.
        return EvidenceSerializer(many=True)  # type: ignore[return-value]


class SubmissionDetailSerializer(SubmissionSerializer):
    answers = serializers.SerializerMethodField()

    class Meta(SubmissionSerializer.Meta):
        fields = [*SubmissionSerializer.Meta.fields, "answers"]

    @extend_schema_field({"type": "object", "additionalProperties": {"$ref": "#/components/schemas/Answer"}})
    def get_answers(self, submission: Submission) -> dict[str, Any]:
        answers = list(submission.answers.select_related("node").prefetch_related("evidence").order_by("node__order"))
        user = self.context["request"].user if "request" in self.context else None
        context = {"shows_appraisal": user is not None and submission.shows_appraisal_to(user)}
        # One list serializer for all the answers: a serializer per answer copies its ~20 fields each
        # time, which took nine tenths of the response's time.
        rows = AnswerSerializer(answers, many=True, context=context).data
        return {answer.node.key: row for answer, row in zip(answers, rows, strict=True)}


# Every text an API client sends is a PlainTextSerializerField: line endings read as LF, control and
# bidi characters refused with 400 and a message naming them (`common.text`).


class AnswerInputSerializer(serializers.Serializer):
    value = serializers.DecimalField(max_digits=20, decimal_places=6, required=False, allow_null=True)
    numerator = serializers.DecimalField(max_digits=20, decimal_places=6, required=False, allow_null=True)
    denominator = serializers.DecimalField(max_digits=20, decimal_places=6, required=False, allow_null=True)
    choice = PlainTextSerializerField(required=False, allow_blank=True, max_length=200)
    explanation = PlainTextSerializerField(required=False, allow_blank=True, max_length=10000)
    version = serializers.IntegerField(min_value=0)


class AnswerSavedSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    self_score = serializers.DecimalField(max_digits=12, decimal_places=6, allow_null=True)


class EvidenceUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    title = PlainTextSerializerField(max_length=300, required=False, allow_blank=True)


class TransitionSerializer(serializers.Serializer):
    action = serializers.CharField(max_length=32)
    from_state = serializers.ChoiceField(
        choices=SubmissionState.choices,
        help_text="The state the client saw; a submission that has moved on since answers 409 with its state.",
    )
    comment = PlainTextSerializerField(required=False, allow_blank=True, max_length=5000)


class AppraisalInputSerializer(serializers.Serializer):
    """A decision on one leaf. While appraising: accept, adjust (a value and a reason) or question (the
    reason is the question). After the explanation round: keep or revise (a value and a reason)."""

    decision = serializers.ChoiceField(choices=["accept", "adjust", "question", "keep", "revise"])
    value = serializers.DecimalField(max_digits=20, decimal_places=6, required=False, allow_null=True)
    numerator = serializers.DecimalField(max_digits=20, decimal_places=6, required=False, allow_null=True)
    denominator = serializers.DecimalField(max_digits=20, decimal_places=6, required=False, allow_null=True)
    choice = PlainTextSerializerField(required=False, allow_blank=True, max_length=200)
    reason = PlainTextSerializerField(required=False, allow_blank=True, max_length=5000)
    review_version = serializers.IntegerField(
        min_value=0, help_text="The review_version the appraiser decided on; another decision since answers 409."
    )


class AppraisalSerializer(serializers.Serializer):
    decision = serializers.CharField(source="appraisal_decision")
    final_decision = serializers.CharField()
    appraised_value = serializers.DecimalField(max_digits=20, decimal_places=6, allow_null=True)
    final_value = serializers.DecimalField(max_digits=20, decimal_places=6, allow_null=True)
    appraisal_reason = serializers.CharField()
    final_reason = serializers.CharField()
    review_version = serializers.IntegerField()


class StateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.CharField()
