"""The client's address as the trusted reverse proxy saw it, for login lockout and API throttling.

Behind TRUSTED_PROXY_COUNT proxies (each appending the address it received the request from to
X-Forwarded-For), the client's address is that many hops from the right; anything further left was
written by the client and proves nothing. With no proxy (0, the default), it is the connection's
address and X-Forwarded-For is ignored. DRF's throttles read the same number as NUM_PROXIES.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    """The client's IP address: REMOTE_ADDR, or the one the outermost trusted proxy saw."""
    remote = request.META.get("REMOTE_ADDR")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    if not proxies or not hops:
        return remote
    candidate = hops[-min(proxies, len(hops))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        # Not an address (a proxy that does not append, or a client reaching the portal around it).
        return remote
