from __future__ import annotations

from datetime import timedelta
from typing import Any

import django_filters
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from knox.auth import TokenAuthentication
from knox.models import AuthToken
from rest_framework import viewsets
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Organisation, Region, User
from common.errors import InvalidInput
from common.filters import year_filter

from .serializers import CredentialsSerializer, OrganisationSerializer, TokenSerializer


class OrganisationFilter(django_filters.FilterSet):
    year = year_filter(method="exists_in", help_text="Chỉ các tổ chức tồn tại trong năm đánh giá này.")
    level = django_filters.ChoiceFilter(choices=Organisation.Level.choices, help_text="Cấp của tổ chức.")
    group = django_filters.ChoiceFilter(choices=Organisation.Group.choices, help_text="Nhóm xếp hạng.")
    region = django_filters.ModelChoiceFilter(
        queryset=Region.objects.all(), to_field_name="code", help_text="Mã vùng kinh tế - xã hội."
    )

    class Meta:
        model = Organisation
        fields = ["year", "level", "group", "region"]

    def exists_in(self, queryset: QuerySet[Organisation], name: str, value: int) -> QuerySet[Organisation]:
        return queryset.valid_in(value)  # type: ignore[attr-defined]


class OrganisationViewSet(viewsets.ReadOnlyModelViewSet):
    """Provinces, ministries and the authority, with the years they exist and their predecessors."""

    serializer_class = OrganisationSerializer
    permission_classes = [AllowAny]
    lookup_field = "code"
    filterset_class = OrganisationFilter

    def get_queryset(self) -> QuerySet[Organisation]:
        return Organisation.objects.select_related("region").prefetch_related("predecessors")

    def filter_queryset(self, queryset: QuerySet[Any, Any]) -> QuerySet[Any, Any]:
        # The list's filters; one organisation is found by its code whatever the query says of years.
        return super().filter_queryset(queryset) if self.action == "list" else queryset

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
