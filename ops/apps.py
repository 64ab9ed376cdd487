"""The ops tooling as a Django app, so its management commands run through manage.py.

Installed by the local and test settings, and elsewhere only where DTI_LOAD_TEST=1; the production
image leaves the package out. It reads the product through its public services and models only.
"""

from __future__ import annotations

from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "ops"
    verbose_name = "Công cụ tải thử và đo hiệu năng"
