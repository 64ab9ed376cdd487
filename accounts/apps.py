"""Organisations (with their years and predecessors), users, roles and permissions."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Tổ chức và tài khoản")
