from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from knox.auth import TokenAuthentication
from knox.models import AuthToken
from rest_framework import serializers, viewsets
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Organisation, User
from common.errors import InvalidInput

from .serializers import CredentialsSerializer, OrganisationSerializer, TokenSerializer


class OrganisationFilter(serializers.Serializer):
    level = serializers.ChoiceField(choices=Organisation.Level.choices, required=False)
    year = serializers.IntegerField(min_value=2000, max_value=2100, required=False)


@extend_schema(
    parameters=[
        OpenApiParameter("level", OpenApiTypes.STR, enum=Organisation.Level.values, description="Cấp của tổ chức."),
        OpenApiParameter("year", OpenApiTypes.INT, description="Chỉ các tổ chức tồn tại trong năm đánh giá này."),
    ]
)
class OrganisationViewSet(viewsets.ReadOnlyModelViewSet):
    """Provinces, ministries and the authority, with the years they exist and their predecessors."""

    serializer_class = OrganisationSerializer
    permission_classes = [AllowAny]
    lookup_field = "code"
    pagination_class = None

    def get_queryset(self) -> QuerySet[Organisation]:
        queryset = Organisation.objects.select_related("region").prefetch_related("predecessors")
        if self.action != "list":
            return queryset
        filters = OrganisationFilter(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        if "level" in filters.validated_data:
            queryset = queryset.of_level(filters.validated_data["level"])
        if "year" in filters.validated_data:
            queryset = queryset.valid_in(filters.validated_data["year"])
        return queryset

    def get_serializer_context(self) -> dict[str, Any]:
        year = self.request.query_params.get("year", "") if self.request else ""
        # Only ASCII digits make a year ("²" passes isdigit and not int); the list's filter refuses others.
        return {**super().get_serializer_context(), "year": int(year) if year.isascii() and year.isdigit() else None}


class TokenApi(APIView):
    """API tokens: POST exchanges a username and password for a new token with its expiry
    (API_TOKEN_HOURS); DELETE ends the token the request came with.

    Login lockout (django-axes) counts these attempts like the login page's: a wrong password answers
    400; once locked, AxesMiddleware replaces the answer with `accounts.lockout.locked_out` (429).
    """

    def get_authenticators(self) -> list[BaseAuthentication]:
        # A login needs no credentials (a stale token left in the header must not refuse it); a
        # revocation needs the token it revokes.
        return [TokenAuthentication()] if self._revoking() else []

    def get_permissions(self) -> list[BasePermission]:
        return [IsAuthenticated()] if self._revoking() else [AllowAny()]

    def _revoking(self) -> bool:
        # Any other method is a login or a 405. The schema generator asks without a request, for
        # DELETE's security; POST's schema says it needs none.
        return getattr(self.request, "method", "DELETE") == "DELETE"

    @extend_schema(request=CredentialsSerializer, responses={200: TokenSerializer}, auth=[])
    def post(self, request: Request) -> Response:
        credentials = CredentialsSerializer(data=request.data)
        credentials.is_valid(raise_exception=True)
        # The Django request, not DRF's wrapper: axes marks a lockout on it for its middleware to see.
        user = authenticate(request._request, **credentials.validated_data)
        if not isinstance(user, User):
            raise InvalidInput({"non_field_errors": _("Tên đăng nhập hoặc mật khẩu không đúng.")})
        user_logged_in.send(sender=User, request=request._request, user=user)
        stored, token = AuthToken.objects.create(user=user, expiry=timedelta(hours=settings.API_TOKEN_HOURS))
        return Response(TokenSerializer({"token": token, "expiry": stored.expiry}).data)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request) -> Response:
        request.auth.delete()  # the token this request authenticated with (knox's AuthToken)
        return Response(status=204)
