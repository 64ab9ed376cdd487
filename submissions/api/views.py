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

from submissions.access import get_answer_for_user, get_submission_for_user
from submissions.models import Submission
from submissions.services import AnswerInput, save_answer, transition_submission, upload_evidence

from .serializers import (
    AnswerInputSerializer,
    AnswerSavedSerializer,
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
    pagination_class = None

    def get_queryset(self) -> QuerySet[Submission]:
        return Submission.objects.visible_to(self.request.user).select_related("organisation", "campaign")  # type: ignore[arg-type]


class SubmissionDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=SubmissionDetailSerializer)
    def get(self, request: Request, submission_id: int) -> Response:
        submission = get_submission_for_user(request.user, submission_id)  # type: ignore[arg-type]
        return Response(SubmissionDetailSerializer(submission).data)


class AnswerApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=AnswerInputSerializer, responses=AnswerSavedSerializer)
    def put(self, request: Request, submission_id: int, leaf_code: str) -> Response:
        answer = get_answer_for_user(request.user, submission_id, leaf_code)  # type: ignore[arg-type]
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
        saved = save_answer(answer_id=answer.pk, user=request.user, given=given, expected_version=data["version"])  # type: ignore[arg-type]
        return Response(AnswerSavedSerializer(saved).data)


class EvidenceApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": EvidenceUploadSerializer}, responses={201: EvidenceSerializer})
    def post(self, request: Request, submission_id: int, leaf_code: str) -> Response:
        answer = get_answer_for_user(request.user, submission_id, leaf_code)  # type: ignore[arg-type]
        payload = EvidenceUploadSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        upload = payload.validated_data["file"]
        evidence = upload_evidence(
            answer_id=answer.pk,
            user=request.user,  # type: ignore[arg-type]
            content=upload.read(),
            original_name=upload.name,
            title=payload.validated_data.get("title", ""),
        )
        return Response(EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)


class TransitionApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=TransitionSerializer, responses=StateSerializer)
    def post(self, request: Request, submission_id: int) -> Response:
        submission = get_submission_for_user(request.user, submission_id)  # type: ignore[arg-type]
        payload = TransitionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        submission = transition_submission(
            submission_id=submission.pk,
            user=request.user,  # type: ignore[arg-type]
            action=payload.validated_data["action"],
            comment=payload.validated_data.get("comment", ""),
        )
        return Response(StateSerializer(submission).data)
