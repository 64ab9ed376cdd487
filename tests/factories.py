"""factory_boy factories and the reference organisations the personas belong to."""

from __future__ import annotations

from typing import Any

import factory

from accounts.models import Organisation, User

REGION = "bac-trung-bo-duyen-hai-mien-trung"

# A slice of fixtures/organisations.json: enough units for every persona and permission test.
TEST_ORGANISATIONS: dict[str, Any] = {
    "regions": [{"code": REGION, "name": "Bắc Trung Bộ và duyên hải miền Trung"}],
    "organisations": [
        {"code": "authority", "level": "authority", "name": "Cục Chuyển đổi số quốc gia",
         "short_name": "Cục Chuyển đổi số quốc gia", "group": "authority"},
        {"code": "BTC", "level": "ministry", "name": "Bộ Tài chính", "short_name": "Bộ Tài chính",
         "group": "public_services"},
        {"code": "46", "level": "province", "name": "Tỉnh Thừa Thiên Huế", "short_name": "Thừa Thiên Huế",
         "variants": ["Thừa Thiên - Huế"], "region": REGION, "group": "province",
         "renamed": [{"from_year": 2025, "name": "Thành phố Huế", "short_name": "Huế"}]},
        {"code": "48", "level": "province", "name": "Thành phố Đà Nẵng", "short_name": "TP. Đà Nẵng",
         "variants": ["Đà Nẵng"], "region": REGION, "group": "province", "valid_to": 2024},
        {"code": "49", "level": "province", "name": "Tỉnh Quảng Nam", "short_name": "Quảng Nam", "region": REGION,
         "group": "province", "valid_to": 2024},
        {"code": "48-2025", "level": "province", "name": "Thành phố Đà Nẵng", "short_name": "Đà Nẵng",
         "region": REGION, "group": "province", "valid_from": 2025, "predecessors": ["48", "49"]},
    ],
}  # fmt: skip


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"nguoidung{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.gov.vn")
    password = factory.django.Password("Mat-khau-thu-2026")
    organisation: Organisation | None = None
    roles: list[str] = factory.LazyFunction(list)  # type: ignore[assignment]
