from __future__ import annotations

from typing import Any

from rest_framework import serializers

from accounts.models import Organisation, Region


class OrganisationSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="short_name", help_text="Tên như bảng xếp hạng in.")
    full_name = serializers.CharField(source="name")
    region: serializers.SlugRelatedField[Region] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    predecessors: serializers.SlugRelatedField[Organisation] = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True
    )

    class Meta:
        model = Organisation
        fields = [
            "code", "name", "full_name", "name_en", "level", "group", "region",
            "valid_from", "valid_to", "predecessors", "variants", "renamed",
        ]  # fmt: skip

    def to_representation(self, instance: Organisation) -> dict[str, Any]:
        """With `?year=`, the names the unit bore that year (a renamed unit's names follow the years)."""
        data: dict[str, Any] = super().to_representation(instance)
        year = self.context.get("year")
        if year is not None:
            data["full_name"], data["name"] = instance.names_in(year)
        return data


class CredentialsSerializer(serializers.Serializer):
    """A username and password, exchanged for an API token."""

    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False, style={"input_type": "password"})


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Gửi trong tiêu đề `Authorization: Token <token>`; chỉ trả về một lần.")
    expiry = serializers.DateTimeField(help_text="Hết hạn lúc này (API_TOKEN_HOURS sau khi cấp).")
