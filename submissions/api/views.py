"""API for units' own systems: their submissions, answers, evidence and approval steps."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.http import api_user
from submissions.access import get_rw_answer_for_user, get_rw_submission_for_user, get_submission_for_user
from submissions.models import FinalDecision, Submission
from submissions.services.appraisal import appraise_answer, check_appraiser, settle_answer
from submissions.services.approval import transition_submission
from submissions.services.entry import AnswerInput, save_answer, upload_evidence

from .filters import SubmissionFilter
from .serializers import (
    AnswerInputSerializer,
    AnswerSavedSerializer,
    AppraisalInputSerializer,
    AppraisalSerializer,
    EvidenceSerializer,
    EvidenceUploadSerializer,
    StateSerializer,
    SubmissionDetailSerializer,
    SubmissionSerializer,
    TransitionSerializer,
)


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


class AnswerApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=AnswerInputSerializer, responses=AnswerSavedSerializer)
    def put(self, request: Request, submission_id: int, leaf_code: str) -> Response:
        answer = get_rw_answer_for_user(api_user(request), submission_id, leaf_code)
        payload = AnswerInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        sent_values = [data[name] for name in ("value", "numerator", "denominator") if name in data]
        given = AnswerInput(
            value=data.get("value"),
            numerator=data.get("numerator"),
            denominator=data.get("denominator"),
            choice=data.get("choice"),
            explanation=data.get("explanation"),
            # Sending the value fields as null clears the answer.
            clear_value=bool(sent_values) and all(value is None for value in sent_values),
        )
        saved = save_answer(answer_id=answer.pk, user=api_user(request), given=given, expected_version=data["version"])
        return Response(AnswerSavedSerializer(saved).data)


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


class AppraisalApi(APIView):
    """An appraiser's decision on one leaf; 400 when a reason or value is missing, 403 for others."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=AppraisalInputSerializer, responses=AppraisalSerializer)
    def post(self, request: Request, submission_id: int, leaf_code: str) -> Response:
        answer = get_rw_answer_for_user(api_user(request), submission_id, leaf_code)
        check_appraiser(api_user(request))  # who may decide comes before what they sent
        payload = AppraisalInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        step = settle_answer if data["decision"] in FinalDecision.values else appraise_answer
        answer = step(
            answer_id=answer.pk,
            user=api_user(request),
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
        return Response(AppraisalSerializer(answer).data)


class TransitionApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=TransitionSerializer, responses=StateSerializer)
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
