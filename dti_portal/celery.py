"""The Celery application, configured from Django settings (the `CELERY_` names).

Tasks derive from Celery's `DjangoTask`, so `task.delay_on_commit(...)` queues them only after
the surrounding transaction commits: a worker never sees rows that are not yet there.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dti_portal.settings.local")

app = Celery("dti_portal", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
