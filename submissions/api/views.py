"""API for units' own systems: their submissions, answers, evidence and approval steps."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.http import api_user
from common.errors import LeafErrors
from common.vocabulary import Stage
from submissions.access import get_rw_answer_for_user, get_rw_submission_for_user, get_submission_for_user
from submissions.models import Submission
from submissions.services.appraisal import (
    LeafDecision,
    appraise_answer,
    check_appraiser,
    decide_answers,
    settle_answer,
)
from submissions.services.approval import transition_submission
from submissions.services.entry import AnswerInput, LeafEntry, save_answer, save_answers, upload_evidence

from .filters import SubmissionFilter
from .serializers import (
    AnswerInputSerializer,
    AnswerSavedSerializer,
    AnswersInputSerializer,
    AnswersSavedSerializer,
    AppraisalInputSerializer,
    AppraisalSerializer,
    DecisionsInputSerializer,
    DecisionsSerializer,
    EvidenceSerializer,
    EvidenceUploadSerializer,
    StateSerializer,
    SubmissionDetailSerializer,
    SubmissionSerializer,
    TransitionSerializer,
)

STALE_ANSWER = "Saved by someone else since `version` was read; nothing saved."
NOT_NOW_OR_STALE = "Not in the appraisal's state now, or decided by someone since `review_version` was read."


class SubmissionListApi(generics.ListAPIView):
    """The submissions the user may see: their own unit's, or all of them for the authority."""

    serializer_class = SubmissionSerializer
    permission_classes = [IsAuthenticated]
    filterset_class = SubmissionFilter

    def get_queryset(self) -> QuerySet[Submission]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator asks without a user
            return Submission.objects.none()
        return Submission.objects.visible_to(api_user(self.request)).select_related("organisation", "campaign")


class SubmissionDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=SubmissionDetailSerializer)
    def get(self, request: Request, submission_id: int) -> Response:
        submission = get_submission_for_user(api_user(request), submission_id)
        return Response(SubmissionDetailSerializer(submission, context={"request": request}).data)


def _answer_input(data: dict[str, Any]) -> AnswerInput:
    """What a client sent for a leaf; sending the value fields as null clears the answer."""
    sent_values = [data[name] for name in ("value", "numerator", "denominator") if name in data]
    return AnswerInput(
        value=data.get("value"),
        numerator=data.get("numerator"),
        denominator=data.get("denominator"),
        choice=data.get("choice"),
        explanation=data.get("explanation"),
        clear_value=bool(sent_values) and all(value is None for value in sent_values),
    )


def _validated_by_leaf(payload: serializers.Serializer, field: str) -> dict[str, Any]:
    """A bulk body's entries, checked by their serializer; errors in entries answer by leaf and field."""
    if payload.is_valid():
        return payload.validated_data[field]
    errors = payload.errors.get(field)
    if isinstance(errors, dict):
        raise LeafErrors(
            {
                key: {name: " ".join(str(message) for message in messages) for name, messages in fields.items()}
                for key, fields in errors.items()
            }
        )
    raise serializers.ValidationError(payload.errors)


class AnswerApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=AnswerInputSerializer,
        responses={200: AnswerSavedSerializer, 409: OpenApiResponse(description=STALE_ANSWER)},
    )
    def put(self, request: Request, submission_id: int, leaf_code: str) -> Response:
        answer = get_rw_answer_for_user(api_user(request), submission_id, leaf_code)
        payload = AnswerInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        saved = save_answer(
            answer_id=answer.pk, user=api_user(request), given=_answer_input(data), expected_version=data["version"]
        )
        return Response(AnswerSavedSerializer(saved).data)


class AnswersApi(APIView):
    """Many leaves in one request, all or nothing, with one recompute."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="v1_submissions_answers_bulk_update",
        request=AnswersInputSerializer,
        responses={
            200: AnswersSavedSerializer,
            400: OpenApiResponse(description="Nothing saved: `errors` by leaf key, then by field."),
            409: OpenApiResponse(description="Nothing saved: `stale` lists the leaves saved by someone since read."),
        },
        examples=[
            OpenApiExample(
                "Three leaves",
                request_only=True,
                value={
                    "answers": {
                        "1.1": {"value": 1, "explanation": "Quyết định số 12/QĐ-UBND", "version": 0},
                        "4.10": {"numerator": 45, "denominator": 60, "version": 0},
                        "1.8": {"choice": "1", "version": 2},
                    }
                },
            ),
            OpenApiExample(
                "Saved",
                response_only=True,
                value={"answers": {"1.1": {"version": 1, "self_score": 10}, "4.10": {"version": 1, "self_score": 7.5}}},
            ),
        ],
    )
    def put(self, request: Request, submission_id: int) -> Response:
        submission = get_rw_submission_for_user(api_user(request), submission_id)
        entries = _validated_by_leaf(AnswersInputSerializer(data=request.data), "answers")
        saved = save_answers(
            submission_id=submission.pk,
            user=api_user(request),
            entries=[
                LeafEntry(key=key, given=_answer_input(data), expected_version=data["version"])
                for key, data in entries.items()
            ],
        )
        return Response(AnswersSavedSerializer({"answers": saved}).data)


class EvidenceApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": EvidenceUploadSerializer}, responses={201: EvidenceSerializer})
    def post(self, request: Request, submission_id: int, leaf_code: str) -> Response:
        answer = get_rw_answer_for_user(api_user(request), submission_id, leaf_code)
        payload = EvidenceUploadSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        upload = payload.validated_data["file"]
        evidence = upload_evidence(
            answer_id=answer.pk,
            user=api_user(request),
            content=upload.read(),
            original_name=upload.name,
            title=payload.validated_data.get("title", ""),
        )
        return Response(EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)


def _decision(key: str, data: dict[str, Any]) -> LeafDecision:
    return LeafDecision(
        key=key,
        decision=data["decision"],
        reason=data.get("reason", ""),
        given=AnswerInput(
            value=data.get("value"),
            numerator=data.get("numerator"),
            denominator=data.get("denominator"),
            choice=data.get("choice") or None,
        ),
        expected_review_version=data["review_version"],
    )


class AppraisalApi(APIView):
    """An appraiser's decision on one leaf; 400 when a reason or value is missing, 403 for others."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=AppraisalInputSerializer,
        responses={200: AppraisalSerializer, 409: OpenApiResponse(description=NOT_NOW_OR_STALE)},
    )
    def post(self, request: Request, submission_id: int, leaf_code: str) -> Response:
        answer = get_rw_answer_for_user(api_user(request), submission_id, leaf_code)
        check_appraiser(api_user(request))  # who may decide comes before what they sent
        payload = AppraisalInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        decision = _decision(leaf_code, payload.validated_data)
        step = settle_answer if decision.stage == Stage.FINAL else appraise_answer
        answer = step(
            answer_id=answer.pk,
            user=api_user(request),
            decision=decision.decision,
            reason=decision.reason,
            given=decision.given,
            expected_review_version=decision.expected_review_version,
        )
        return Response(AppraisalSerializer(answer).data)


class AppraisalBulkApi(APIView):
    """An appraiser's decisions on many leaves in one request, all or nothing, with one recompute."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="v1_submissions_appraisal_bulk_create",
        request=DecisionsInputSerializer,
        responses={
            200: DecisionsSerializer,
            400: OpenApiResponse(description="Nothing recorded: `errors` by leaf key, then by field."),
            409: OpenApiResponse(description=NOT_NOW_OR_STALE + " Nothing recorded; `stale` lists such leaves."),
        },
        examples=[
            OpenApiExample(
                "Accept two, adjust one",
                request_only=True,
                value={
                    "decisions": {
                        "1.1": {"decision": "accept", "review_version": 0},
                        "1.2": {"decision": "accept", "review_version": 0},
                        "4.10": {
                            "decision": "adjust",
                            "numerator": 30,
                            "denominator": 60,
                            "reason": "Văn bản chỉ chứng minh 30 thủ tục.",
                            "review_version": 0,
                        },
                    }
                },
            )
        ],
    )
    def post(self, request: Request, submission_id: int) -> Response:
        submission = get_rw_submission_for_user(api_user(request), submission_id)
        check_appraiser(api_user(request))
        entries = _validated_by_leaf(DecisionsInputSerializer(data=request.data), "decisions")
        decided = decide_answers(
            submission_id=submission.pk,
            user=api_user(request),
            decisions=[_decision(key, data) for key, data in entries.items()],
        )
        return Response(DecisionsSerializer({"decisions": decided}).data)


class TransitionApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=TransitionSerializer,
        responses={
            200: StateSerializer,
            409: OpenApiResponse(
                description="Not allowed now: `code` says why (`missing_evidence`, `entry_closed`, "
                "`appraisal_incomplete`, `explanations_unsettled`, `state_changed` with the `state` it is in, "
                "`not_allowed`), `detail` says it in words and `leaves` lists every blocking leaf's key."
            ),
        },
    )
    def post(self, request: Request, submission_id: int) -> Response:
        submission = get_rw_submission_for_user(api_user(request), submission_id)
        payload = TransitionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        submission = transition_submission(
            submission_id=submission.pk,
            user=api_user(request),
            action=payload.validated_data["action"],
            from_state=payload.validated_data["from_state"],
            comment=payload.validated_data.get("comment", ""),
        )
        return Response(StateSerializer(submission).data)
