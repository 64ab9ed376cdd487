# ruff: noqa: E501 - the table of routes reads best one route per line
"""Deny by default: every URL of the portal is classified, and anonymous visitors are refused everywhere
but on the explicit public list. A new URL fails this test until it is added below."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib import admin as admin_module
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

PUBLIC = "public"
PAGE = "page"  # a signed-in person's page: anonymous visitors are sent to the login page
API = "api"  # an API endpoint needing a token or a session: anonymous requests answer 401

# route → (kind, a concrete URL to try)
ROUTES: dict[str, tuple[str, str]] = {
    "": (PUBLIC, "/"),
    "start/": (PAGE, "/start/"),
    "results/": (PUBLIC, "/results/"),
    "results/<int:year>/national/": (PUBLIC, "/results/2021/national/"),
    "results/<int:year>/<str:level>/": (PUBLIC, "/results/2021/province/"),
    "results/<int:year>/<str:level>/preview.png": (PUBLIC, "/results/2021/province/preview.png"),
    "results/<int:year>/<str:level>/methodology/": (PUBLIC, "/results/2021/province/methodology/"),
    "results/<int:year>/<str:level>/report/": (PUBLIC, "/results/2021/province/report/"),
    "results/units/<str:code>/": (PUBLIC, "/results/units/48/"),
    "results/units/<str:code>/what-if/": (PUBLIC, "/results/units/48/what-if/?set=1:0.9"),
    "results/compare/": (PUBLIC, "/results/compare/"),
    "results/explore/": (PUBLIC, "/results/explore/?level=province&index=dti"),
    "healthz": (PUBLIC, "/healthz"),
    "frameworks/": (PUBLIC, "/frameworks/"),
    "frameworks/<slug:code>/": (PUBLIC, "/frameworks/dti-2022-province/"),
    "frameworks/<slug:code>/compare/": (PUBLIC, "/frameworks/dti-2022-province/compare/"),
    "submissions/": (PAGE, "/submissions/"),
    "submissions/notifications/": (PAGE, "/submissions/notifications/"),
    "submissions/appraisal/": (PAGE, "/submissions/appraisal/"),
    "submissions/campaigns/<int:campaign_id>/authority-values/": (PAGE, "/submissions/campaigns/1/authority-values/"),
    "submissions/campaigns/<int:campaign_id>/coverage/": (PAGE, "/submissions/campaigns/1/coverage/"),
    "submissions/campaigns/<int:campaign_id>/dashboard/": (PAGE, "/submissions/campaigns/1/dashboard/"),
    "submissions/campaigns/<int:campaign_id>/focus/": (PAGE, "/submissions/campaigns/1/focus/"),
    "submissions/campaigns/<int:campaign_id>/remind/": (PAGE, "/submissions/campaigns/1/remind/"),
    "submissions/<int:submission_id>/review/": (PAGE, "/submissions/1/review/"),
    "submissions/<int:submission_id>/review/accept/": (PAGE, "/submissions/1/review/accept/"),
    "submissions/<int:submission_id>/experts/": (PAGE, "/submissions/1/experts/"),
    "submissions/<int:submission_id>/": (PAGE, "/submissions/1/"),
    "submissions/<int:submission_id>/transition/": (PAGE, "/submissions/1/transition/"),
    "submissions/<int:submission_id>/comment/": (PAGE, "/submissions/1/comment/"),
    "submissions/<int:submission_id>/excel/": (PAGE, "/submissions/1/excel/"),
    "submissions/<int:submission_id>/excel/import/": (PAGE, "/submissions/1/excel/import/"),
    "submissions/<int:submission_id>/excel/import/apply/": (PAGE, "/submissions/1/excel/import/apply/"),
    "submissions/<int:submission_id>/answers/<path:leaf_key>/evidence/": (PAGE, "/submissions/1/answers/1.1.1/evidence/"),
    "submissions/<int:submission_id>/answers/<path:leaf_key>/appraisal/": (PAGE, "/submissions/1/answers/1.1.1/appraisal/"),
    "submissions/<int:submission_id>/answers/<path:leaf_key>/authority/": (PAGE, "/submissions/1/answers/1.1.1/authority/"),
    "submissions/<int:submission_id>/answers/<path:leaf_key>/reply/": (PAGE, "/submissions/1/answers/1.1.1/reply/"),
    "submissions/<int:submission_id>/answers/<path:leaf_key>/": (PAGE, "/submissions/1/answers/1.1.1/"),
    "submissions/<int:submission_id>/answers/<path:leaf_key>/card/": (PAGE, "/submissions/1/answers/1.1.1/card/"),
    "submissions/<int:submission_id>/sections/<path:section_key>/": (PAGE, "/submissions/1/sections/1/"),
    "submissions/<int:submission_id>/submit/": (PAGE, "/submissions/1/submit/"),
    "submissions/<int:submission_id>/approval/": (PAGE, "/submissions/1/approval/"),
    "submissions/<int:submission_id>/totals/": (PAGE, "/submissions/1/totals/"),
    "submissions/evidence/<int:evidence_id>/": (PAGE, "/submissions/evidence/1/"),
    "submissions/evidence/<int:evidence_id>/remove/": (PAGE, "/submissions/evidence/1/remove/"),
    "submissions/evidence/<int:evidence_id>/view/": (PAGE, "/submissions/evidence/1/view/"),
    "submissions/evidence/<int:evidence_id>/pages/<int:page>.png": (PAGE, "/submissions/evidence/1/pages/1.png"),
    "submissions/<int:submission_id>/documents/": (PAGE, "/submissions/1/documents/"),
    "submissions/<int:submission_id>/documents/attach/": (PAGE, "/submissions/1/documents/attach/"),
    "submissions/<int:submission_id>/documents/<int:document_id>/identity/": (
        PAGE,
        "/submissions/1/documents/1/identity/",
    ),
    "submissions/campaigns/<int:campaign_id>/evidence-search/": (PAGE, "/submissions/campaigns/1/evidence-search/"),
    "submissions/<int:submission_id>/points-lost/": (PAGE, "/submissions/1/points-lost/"),
    "plans/": (PAGE, "/plans/"),
    "plans/generate/": (PAGE, "/plans/generate/"),
    "plans/<int:plan_id>/": (PAGE, "/plans/1/"),
    "plans/<int:plan_id>/items/<int:item_id>/": (PAGE, "/plans/1/items/1/"),
    "plans/<int:plan_id>/approve/": (PAGE, "/plans/1/approve/"),
    "plans/<int:plan_id>/reopen/": (PAGE, "/plans/1/reopen/"),
    "plans/<int:plan_id>/plan.docx": (PAGE, "/plans/1/plan.docx"),
    "plans/<int:plan_id>/plan.pdf": (PAGE, "/plans/1/plan.pdf"),
    "accounts/profile/": (PAGE, "/accounts/profile/"),
    "accounts/profile/tokens/revoke/": (PAGE, "/accounts/profile/tokens/revoke/"),
    "accounts/departments/": (PAGE, "/accounts/departments/"),
    "accounts/departments/import/": (PAGE, "/accounts/departments/import/"),
    "accounts/departments/template.xlsx": (PAGE, "/accounts/departments/template.xlsx"),
    "accounts/departments/<int:department_id>/": (PAGE, "/accounts/departments/1/"),
    "accounts/departments/<int:department_id>/remove/": (PAGE, "/accounts/departments/1/remove/"),
    "accounts/login/": (PUBLIC, "/accounts/login/"),
    "accounts/logout/": (PUBLIC, "/accounts/logout/"),
    "accounts/password_change/": (PAGE, "/accounts/password_change/"),
    "accounts/password_change/done/": (PAGE, "/accounts/password_change/done/"),
    "accounts/password_reset/": (PUBLIC, "/accounts/password_reset/"),
    "accounts/password_reset/done/": (PUBLIC, "/accounts/password_reset/done/"),
    "accounts/reset/<uidb64>/<token>/": (PUBLIC, "/accounts/reset/MQ/set-password/"),
    "accounts/reset/done/": (PUBLIC, "/accounts/reset/done/"),
    "i18n/setlang/": (PUBLIC, "/i18n/setlang/"),
    "api/v1/auth/token/": (PUBLIC, "/api/v1/auth/token/"),
    "api/v1/rankings/robustness/": (PUBLIC, "/api/v1/rankings/robustness/?year=2021&level=province"),
    "api/v1/rankings/": (PUBLIC, "/api/v1/rankings/?year=2021&level=province"),
    "api/v1/rankings/explore/": (PUBLIC, "/api/v1/rankings/explore/?level=province&units=48&years=2021"),
    "api/v1/campaigns/": (PUBLIC, "/api/v1/campaigns/"),
    "api/v1/organisations/<str:code>/results/": (PUBLIC, "/api/v1/organisations/48/results/"),
    "api/v1/organisations/<str:code>/what-if/": (PUBLIC, "/api/v1/organisations/48/what-if/?set=1:0.9"),
    "api/v1/submissions/<int:submission_id>/what-if/": (API, "/api/v1/submissions/1/what-if/?set=1.1.1:1"),
    "api/v1/submissions/": (API, "/api/v1/submissions/"),
    "api/v1/submissions/<int:submission_id>/": (API, "/api/v1/submissions/1/"),
    "api/v1/submissions/<int:submission_id>/transitions/": (API, "/api/v1/submissions/1/transitions/"),
    "api/v1/submissions/<int:submission_id>/answers/": (API, "/api/v1/submissions/1/answers/"),
    "api/v1/submissions/<int:submission_id>/appraisal/": (API, "/api/v1/submissions/1/appraisal/"),
    "api/v1/submissions/<int:submission_id>/answers/<path:leaf_code>/evidence/": (API, "/api/v1/submissions/1/answers/1.1.1/evidence/"),
    "api/v1/submissions/<int:submission_id>/answers/<path:leaf_code>/appraisal/": (API, "/api/v1/submissions/1/answers/1.1.1/appraisal/"),
    "api/v1/submissions/<int:submission_id>/answers/<path:leaf_code>/": (API, "/api/v1/submissions/1/answers/1.1.1/"),
    "api/v1/webhooks/": (API, "/api/v1/webhooks/"),
    "api/v1/webhooks/<int:webhook_id>/": (API, "/api/v1/webhooks/1/"),
    "api/v1/submissions/<int:submission_id>/answers/<path:leaf_code>/evidence/<str:evidence_id>/": (API, "/api/v1/submissions/1/answers/1.1.1/evidence/1/"),
    "api/v1/submissions/<int:submission_id>/answers/<path:leaf_code>/reply/": (API, "/api/v1/submissions/1/answers/1.1.1/reply/"),
    "api/v1/submissions/<int:submission_id>/comments/": (API, "/api/v1/submissions/1/comments/"),
    "api/v1/submissions/<int:submission_id>/history/": (API, "/api/v1/submissions/1/history/"),
    "api/v1/campaigns/<int:campaign_id>/authority-values/": (API, "/api/v1/campaigns/1/authority-values/"),
    "api/v1/^frameworks/$": (PUBLIC, "/api/v1/frameworks/"),
    "api/v1/^frameworks\\.(?P<format>[a-z0-9]+)/?$": (PUBLIC, "/api/v1/frameworks.json"),
    "api/v1/^frameworks/(?P<code>[^/.]+)/$": (PUBLIC, "/api/v1/frameworks/dti-2022-province/"),
    "api/v1/^frameworks/(?P<code>[^/.]+)\\.(?P<format>[a-z0-9]+)/?$": (PUBLIC, "/api/v1/frameworks/dti-2022-province.json"),
    "api/v1/^organisations/$": (PUBLIC, "/api/v1/organisations/"),
    "api/v1/^organisations\\.(?P<format>[a-z0-9]+)/?$": (PUBLIC, "/api/v1/organisations.json"),
    "api/v1/^organisations/(?P<code>[^/.]+)/$": (PUBLIC, "/api/v1/organisations/48/"),
    "api/v1/^organisations/(?P<code>[^/.]+)\\.(?P<format>[a-z0-9]+)/?$": (PUBLIC, "/api/v1/organisations/48.json"),
    "api/v1/": (API, "/api/v1/"),
    "api/v1/<drf_format_suffix:format>": (API, "/api/v1/.json"),
    "api/schema/": (PUBLIC, "/api/schema/"),
    "api/docs/": (PUBLIC, "/api/docs/"),
}  # fmt: skip


def routes(patterns: list[Any], prefix: str = "") -> Iterator[str]:
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if route == "admin/":
                continue  # the admin site: checked as a whole below
            yield from routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route


def test_every_url_is_classified() -> None:
    found = set(routes(get_resolver().url_patterns))

    assert sorted(found - set(ROUTES)) == []  # a new URL: classify it in ROUTES
    assert sorted(set(ROUTES) - found) == []  # a URL that no longer exists: remove it


@pytest.mark.parametrize("route", [route for route, (kind, _url) in ROUTES.items() if kind != PUBLIC])
def test_anonymous_visitors_are_refused_everywhere_else(route: str, client: Client, organisations: object) -> None:
    kind, url = ROUTES[route]

    answers = [client.get(url), client.post(url, {})]

    if kind == PAGE:
        assert [answer.status_code for answer in answers] == [302, 302]
        assert all(answer["Location"].startswith("/accounts/login/?next=") for answer in answers)
    else:
        assert [answer.status_code for answer in answers] == [401, 401]


@pytest.mark.parametrize("route", [route for route, (kind, _url) in ROUTES.items() if kind == PUBLIC])
def test_public_urls_open_without_a_login(route: str, client: Client, organisations: object) -> None:
    _kind, url = ROUTES[route]

    answer = client.get(url)

    # 404: the sample object is not published in an empty database; 405: a POST-only form (logout).
    assert answer.status_code in (200, 302, 404, 405), answer.status_code
    assert not (answer.status_code == 302 and answer["Location"].startswith("/accounts/login/"))


def test_every_admin_page_sends_anonymous_visitors_to_the_admin_login(client: Client) -> None:
    samples = ["/admin/"] + [
        f"/admin/{model._meta.app_label}/{model._meta.model_name}/" for model in admin_module.site._registry
    ]

    statuses = {url: client.get(url) for url in samples}

    assert len(samples) > 10
    assert all(answer.status_code == 302 for answer in statuses.values())
    assert all(answer["Location"].startswith("/admin/login/") for answer in statuses.values())
