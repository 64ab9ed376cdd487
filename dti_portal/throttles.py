"""The API's request rates: per client address for anonymous clients, per account for signed-in ones.

DRF's throttles read their rates once, when imported; these read them per request, so a changed
setting (a test's) applies, and they find the client's address as login lockout does
(`dti_portal.client_address`: TRUSTED_PROXY_COUNT, with a forged X-Forwarded-For ignored). Counters
live in the default cache: the built-in local-memory cache keeps one per server process, so N
processes allow up to N times the rate (Redis would share them, but the API must keep working while
Redis is down).
"""

from __future__ import annotations

from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

from .client_address import client_address


class _PortalRates(SimpleRateThrottle):
    def get_rate(self) -> str | None:
        # A scope without a rate fails loudly (KeyError); the stubs type rates as numbers, they are "60/minute".
        return str(api_settings.DEFAULT_THROTTLE_RATES[self.scope or ""])

    def get_ident(self, request: Request) -> str:
        return client_address(request._request) or ""


class AnonymousRateThrottle(_PortalRates, AnonRateThrottle):
    """API_THROTTLE_ANON per client address."""


class AccountRateThrottle(_PortalRates, UserRateThrottle):
    """API_THROTTLE_USER per account, whether it came with a token or a session."""
