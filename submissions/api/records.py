"""The rest of a submission's year through the API: the files of each leaf, the unit's replies in the
explanation round, comments, and the history, each as the pages show it to the same person."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.http import api_user
from submissions.access import (
    get_answer_for_user,
    get_evidence_for_user,
    get_rw_answer_for_user,
    get_rw_evidence_for_user,
    get_submission_for_user,
)
from submissions.files import evidence_response
from submissions.models import Event, Evidence
from submissions.services.appraisal import reply_to_appraisal
from submissions.services.entry import add_comment, remove_evidence

from .record_serializers import (
    CommentInputSerializer,
    CommentSerializer,
    EventSerializer,
    ReplyInputSerializer,
    ReplySerializer,
)
from .serializers import EvidenceSerializer
from .views import EvidenceApi


class AnswerEvidenceApi(generics.ListAPIView, EvidenceApi):
    """A leaf's files: GET lists those attached now (a withdrawn file stays in the history), POST adds one."""

    serializer_class = EvidenceSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self) -> QuerySet[Evidence]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator asks without a user
            return Evidence.objects.none()
        answer = get_answer_for_user(api_user(self.request), self.kwargs["submission_id"], self.kwargs["leaf_code"])
        return answer.evidence.attached().with_reading().order_by("uploaded_at", "pk")


EVIDENCE_ID = OpenApiParameter("evidence_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Mã số (id) tệp.")


def _file_number(text: str) -> int:
    """A file's id from the address; anything but digits names no file (the route takes any segment)."""
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        raise Http404("No such file")
    return int(text)


class EvidenceFileApi(APIView):
    """One file of a leaf: GET is the PDF, with the same headers as the page's download; DELETE withdraws it
    while the unit may edit (the file stays stored and in the history)."""

    permission_classes = [IsAuthenticated]

    def perform_content_negotiation(self, request: Request, force: bool = False) -> tuple[BaseRenderer, str]:
        # A client asking for application/pdf gets the file; a refusal then comes as JSON, not 406.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        parameters=[EVIDENCE_ID],
        responses={
            (200, "application/pdf"): OpenApiResponse(
                response=OpenApiTypes.BINARY, description="Tệp PDF, tải về với tên tệp gốc."
            )
        },
    )
    def get(self, request: Request, submission_id: int, leaf_code: str, evidence_id: str) -> FileResponse:
        user = api_user(request)
        answer = get_answer_for_user(user, submission_id, leaf_code)
        return evidence_response(get_evidence_for_user(user, _file_number(evidence_id), answer=answer))

    # Once the unit may no longer edit, the withdrawal is refused with 403, as on the page.
    @extend_schema(parameters=[EVIDENCE_ID], responses={204: None})
    def delete(self, request: Request, submission_id: int, leaf_code: str, evidence_id: str) -> Response:
        user = api_user(request)
        answer = get_rw_answer_for_user(user, submission_id, leaf_code)
        evidence = get_rw_evidence_for_user(user, _file_number(evidence_id), answer=answer)
        remove_evidence(evidence_id=evidence.pk, user=user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ReplyApi(APIView):
    """The unit's explanation of an adjusted or questioned leaf, during the explanation round; files for it
    go through the leaf's evidence endpoint."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=ReplyInputSerializer,
        responses={
            200: ReplySerializer,
            409: OpenApiResponse(description="Không trong thời gian giải trình, hoặc chỉ số không bị điều chỉnh."),
        },
    )
    def put(self, request: Request, submission_id: int, leaf_code: str) -> Response:
        user = api_user(request)
        answer = get_rw_answer_for_user(user, submission_id, leaf_code)
        payload = ReplyInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        answer = reply_to_appraisal(answer_id=answer.pk, user=user, reply=payload.validated_data["reply"])
        return Response(ReplySerializer(answer).data)


class CommentListApi(generics.ListAPIView):
    """The submission's comments, newest first; POST adds one (anyone who sees the submission may)."""

    serializer_class = CommentSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self) -> QuerySet[Event]:
        if getattr(self, "swagger_fake_view", False):
            return Event.objects.none()
        user = api_user(self.request)
        submission = get_submission_for_user(user, self.kwargs["submission_id"])
        return (
            Event.objects.readable_by(user, submission)
            .filter(kind=Event.Kind.COMMENT)
            .select_related("actor__organisation")
            .order_by("-at", "-id")
        )

    @extend_schema(request=CommentInputSerializer, responses={201: CommentSerializer})
    def post(self, request: Request, submission_id: int) -> Response:
        user = api_user(request)
        submission = get_submission_for_user(user, submission_id)
        payload = CommentInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        comment = add_comment(submission_id=submission.pk, user=user, text=payload.validated_data["text"])
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)


@extend_schema(
    parameters=[
        OpenApiParameter(
            "leaf", OpenApiTypes.STR, description="Chỉ lịch sử của một chỉ số (khóa, ví dụ 1.1.2); 400 nếu hồ sơ "
            "không có chỉ số này."
        )
    ]
)  # fmt: skip
class HistoryApi(generics.ListAPIView):
    """Every change and step of the submission, newest first, as its page shows them to the same person:
    the authority's appraisal stays out of the unit's history until the appraisal is sent to it."""

    serializer_class = EventSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self) -> QuerySet[Event]:
        if getattr(self, "swagger_fake_view", False):
            return Event.objects.none()
        user = api_user(self.request)
        submission = get_submission_for_user(user, self.kwargs["submission_id"])
        events = Event.objects.readable_by(user, submission)
        leaf = self.request.query_params.get("leaf")
        if leaf is not None:
            # A NUL character never gets here (`refuse_nul_characters`).
            # No ordering: the (submission, node) index finds the answer (`access._answer_of`).
            found = list(submission.answers.filter(node__key=leaf).order_by().values_list("pk", flat=True)[:1])
            if not found:
                raise ValidationError({"leaf": [_("Hồ sơ không có chỉ số “%(key)s”.") % {"key": leaf[:100]}]})
            events = events.filter(answer_id=found[0])
        return events.select_related("actor", "answer__node").order_by("-at", "-id")
