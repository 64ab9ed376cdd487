"""factory_boy factories for the portal's models."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"nguoidung{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.gov.vn")
    password = factory.django.Password("Mat-khau-thu-2026")
