from __future__ import annotations

from decimal import Decimal
from functools import cached_property
from typing import Any

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from common.rules import Direction
from common.text import PlainTextSerializerField
from common.vocabulary import Stage
from submissions.models import (
    FOCUS_NOTE,
    TRANSITIONS,
    Answer,
    Evidence,
    EvidenceWarning,
    FocusIndex,
    FocusMark,
    FocusMarks,
    Submission,
    SubmissionState,
    TextStatus,
)


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


class SignatureSerializer(serializers.Serializer):
    signer = serializers.CharField(help_text="The signing certificate's holder (its common name).")
    organisation = serializers.CharField(help_text="The holder's organisation, as the certificate names it.")
    signed_at = serializers.DateTimeField(allow_null=True)
    intact = serializers.BooleanField(help_text="Nothing but what the signature allows was changed after signing.")
    trusted = serializers.BooleanField(help_text="The certificate chains to the trust roots the portal is given.")


class EvidenceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    document = serializers.IntegerField(
        source="document_id", allow_null=True, help_text="The unit's document; one document may support many leaves."
    )
    title = serializers.CharField()
    original_name = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    pages = serializers.IntegerField()
    uploaded_at = serializers.DateTimeField()
    text_status = serializers.SerializerMethodField()
    document_number = serializers.SerializerMethodField()
    document_date = serializers.SerializerMethodField()
    issuer = serializers.SerializerMethodField()
    signatures = serializers.SerializerMethodField()
    warnings = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ChoiceField(choices=TextStatus.values))
    def get_text_status(self, evidence: Evidence) -> str:
        return evidence.document.text_status if evidence.document else TextStatus.PENDING

    @extend_schema_field(serializers.CharField())
    def get_document_number(self, evidence: Evidence) -> str:
        return evidence.document.document_number if evidence.document else ""

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_document_date(self, evidence: Evidence) -> str | None:
        date = evidence.document.document_date if evidence.document else None
        return date.isoformat() if date else None

    @extend_schema_field(serializers.CharField())
    def get_issuer(self, evidence: Evidence) -> str:
        return evidence.document.issuer if evidence.document else ""

    @extend_schema_field(SignatureSerializer(many=True))
    def get_signatures(self, evidence: Evidence) -> list[dict[str, Any]]:
        fields = ("signer", "organisation", "signed_at", "intact", "trusted")
        return [
            {name: item.get(name) for name in fields}
            for item in (evidence.document.signatures if evidence.document else [])
        ]

    @extend_schema_field(
        serializers.ListField(child=serializers.ChoiceField(choices=[w.value for w in EvidenceWarning]))
    )
    def get_warnings(self, evidence: Evidence) -> list[str]:
        return [str(warning) for warning in evidence.warnings()]


class LevelSerializer(serializers.Serializer):
    key = serializers.CharField(help_text='The level\'s place, "1" first; `choice` takes the key or the label.')
    # As AnswerSerializer.source: a declared field, not Field.label (djangorestframework-stubs#158).
    label = serializers.CharField()  # type: ignore[assignment]
    fraction = serializers.DecimalField(max_digits=6, decimal_places=4, help_text="The share of the leaf's points.")


class ParametersSerializer(serializers.Serializer):
    """The rule's parameters; each rule has only its own (levels; target and direction; cap; bound)."""

    levels = LevelSerializer(many=True, required=False)
    target = serializers.DecimalField(max_digits=20, decimal_places=6, required=False)
    cap = serializers.DecimalField(max_digits=20, decimal_places=6, required=False)
    bound = serializers.DecimalField(max_digits=20, decimal_places=6, required=False)
    direction = serializers.ChoiceField(choices=[direction.value for direction in Direction], required=False)


class AnswerSerializer(serializers.Serializer):
    name = serializers.CharField(source="node.name")
    code = serializers.CharField(source="node.code", help_text="The code as the framework prints it.")
    path = serializers.SerializerMethodField()
    evidence_required = serializers.BooleanField(source="node.evidence_required")
    unit_of_measure = serializers.CharField(source="node.unit", allow_blank=True)
    parameters = serializers.SerializerMethodField()
    applicable = serializers.SerializerMethodField()
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
    focus = serializers.SerializerMethodField()
    focus_note = serializers.SerializerMethodField()

    def _focus(self, answer: Answer) -> FocusMark | None:
        marks: FocusMarks = self.context["focus"]
        return marks.of(answer.node, self.context["nodes"]) if marks else None

    @extend_schema_field(serializers.BooleanField())
    def get_focus(self, answer: Answer) -> bool:
        """True where the leaf is, or lies under, a component index the authority marked for the campaign
        as one to focus on ("chỉ số cần tập trung")."""
        return self._focus(answer) is not None

    @extend_schema_field(serializers.CharField())
    def get_focus_note(self, answer: Answer) -> str:
        """The authority's note on that focus index; empty where the leaf is not flagged."""
        mark = self._focus(answer)
        return mark.note if mark else ""

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_path(self, answer: Answer) -> list[str]:
        """The names of the nodes above the leaf: its pillar, main index and component, the root first."""
        return [node.name for node in answer.node.ancestors(self.context["nodes"])]

    @extend_schema_field(ParametersSerializer)
    def get_parameters(self, answer: Answer) -> dict[str, Any]:
        return answer.node.described_parameters()

    @extend_schema_field(serializers.BooleanField())
    def get_applicable(self, answer: Answer) -> bool:
        """False where the leaf does not count for the unit's peer group."""
        return answer.node.applies_to_group(self.context["group"])

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
        prefetched = getattr(answer, "_prefetched_objects_cache", {}).get("evidence")
        files = list(prefetched) if prefetched is not None else list(answer.evidence.attached().with_reading())
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

    # By leaf key; the serializer itself, so the schema declares its component (a bare $ref named none).
    @extend_schema_field(serializers.DictField(child=AnswerSerializer()))
    def get_answers(self, submission: Submission) -> dict[str, Any]:
        # The whole tree in one query, for the leaves' nodes and the path above each, with the campaign's
        # focus indices.
        nodes = {
            node.pk: node
            for node in submission.campaign.framework.nodes.annotate(
                **{FOCUS_NOTE: FocusIndex.objects.note_of_outer_node(submission.campaign_id)}
            )
        }
        answers = sorted(
            submission.answers.prefetch_related(
                Prefetch("evidence", queryset=Evidence.objects.attached().with_reading())
            ),
            key=lambda answer: nodes[answer.node_id].order,
        )
        for answer in answers:
            answer.node = nodes[answer.node_id]
        user = self.context["request"].user if "request" in self.context else None
        context = {
            "shows_appraisal": user is not None and submission.shows_appraisal_to(user),
            "nodes": nodes,
            "group": submission.organisation.group,
            "focus": FocusMarks.annotated(nodes.values()),
        }
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


# A framework has a few hundred leaves; a bulk body larger than this is not a submission's.
MOST_LEAVES_PER_REQUEST = 1000


class ByLeafField(serializers.DictField):
    """A bulk body's entries by leaf key, each checked by the child serializer; at most
    MOST_LEAVES_PER_REQUEST of them, counted before any is checked."""

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if isinstance(data, dict) and len(data) > MOST_LEAVES_PER_REQUEST:
            raise serializers.ValidationError(
                _("Tối đa %(count)s chỉ số trong một yêu cầu.") % {"count": MOST_LEAVES_PER_REQUEST}
            )
        return super().to_internal_value(data)


class AnswersInputSerializer(serializers.Serializer):
    answers = ByLeafField(
        child=AnswerInputSerializer(),
        allow_empty=False,
        help_text="By leaf key, each as the single PUT's body; all are saved, or none.",
    )


class AnswersSavedSerializer(serializers.Serializer):
    answers = serializers.DictField(child=AnswerSavedSerializer())


@extend_schema_field({"type": "string", "format": "binary"})
class PdfFileField(serializers.FileField):
    """An uploaded file, described as the bytes it is (a plain FileField reads as a URI in a shared schema)."""


class EvidenceUploadSerializer(serializers.Serializer):
    file = PdfFileField(help_text="The PDF itself, as a multipart file part.")
    title = PlainTextSerializerField(max_length=300, required=False, allow_blank=True)


def _actions_help() -> str:
    """Each step a person takes, with the states it is taken from (the transition table's rows)."""
    sources: dict[str, list[str]] = {}
    for row in TRANSITIONS:
        if not row.by_system:
            sources.setdefault(row.action, []).append(row.source)
    return "; ".join(f"`{action}` from {', '.join(states)}" for action, states in sources.items())


class TransitionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(
        choices=sorted({row.action for row in TRANSITIONS if not row.by_system}),
        help_text=f"The step to take: {_actions_help()}.",
    )
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


class DecisionsInputSerializer(serializers.Serializer):
    decisions = ByLeafField(
        child=AppraisalInputSerializer(),
        allow_empty=False,
        help_text="By leaf key, each as the single appraisal POST's body; all are recorded, or none.",
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


class DecisionsSerializer(serializers.Serializer):
    decisions = serializers.DictField(child=AppraisalSerializer())
