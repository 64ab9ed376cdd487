"""What a locked-out login attempt is told (django-axes' AXES_LOCKOUT_CALLABLE).

429 Too Many Requests with Retry-After set to the cool-off (a failed attempt while locked starts it
again, so the whole cool-off is left): the API's JSON under /api/, the lockout page elsewhere. A wrong
password stays 400 on the API, so a unit's system can tell "check the password" from "wait".
"""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

from axes.helpers import get_cool_off
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict[str, Any] | None
) -> HttpResponse:
    cool_off = get_cool_off(request) or timedelta(minutes=15)
    seconds = math.ceil(cool_off.total_seconds())
    if request.path.startswith("/api/"):
        message = _(
            "Đăng nhập tạm bị khóa vì nhập sai mật khẩu quá nhiều lần; vui lòng thử lại sau %(minutes)s phút "
            "hoặc liên hệ quản trị viên."
        ) % {"minutes": math.ceil(seconds / 60)}
        response: HttpResponse = JsonResponse({"detail": message}, status=429)
    else:
        response = render(request, "registration/locked_out.html", status=429)
    response["Retry-After"] = str(seconds)
    return response
