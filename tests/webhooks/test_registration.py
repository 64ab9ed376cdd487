"""Who registers webhooks, for which events, to which addresses; each person's are their own."""

from __future__ import annotations

import pytest
from django.utils.dateparse import parse_datetime

from accounts.models import User
from webhooks.models import Webhook
from webhooks.services import MAX_WEBHOOKS_PER_OWNER

from .conftest import client_for, register, rows

pytestmark = pytest.mark.django_db

# An address on the Internet (no connection is made to it: registering only resolves the name).
PUBLIC_ADDRESS = "93.184.215.14"
INTERNAL = (
    "Địa chỉ webhook trỏ tới một địa chỉ nội bộ ({address}): loopback, mạng riêng, link-local hay địa chỉ "
    "dành riêng đều không được chấp nhận."
)


def test_an_it_lead_registers_a_webhook_for_their_own_unit_and_sees_its_secret_once(
    danang_it_lead: User, resolver: dict[str, str]
) -> None:
    resolver["hooks.danang.gov.vn"] = PUBLIC_ADDRESS

    created = register(danang_it_lead, "https://hooks.danang.gov.vn/dti?from=portal",
                       ["appraisal.released", "submission.state_changed", "appraisal.released"])  # fmt: skip

    webhook = Webhook.objects.get()
    assert created == {
        "id": webhook.pk,
        "url": "https://hooks.danang.gov.vn/dti?from=portal",
        "events": ["submission.state_changed", "appraisal.released"],
        "secret": webhook.secret,
        "created_at": created["created_at"],
    }
    assert parse_datetime(created["created_at"]) == webhook.created_at
    assert len(webhook.secret) == 64
    assert (webhook.owner, webhook.organisation_id, webhook.active) == (danang_it_lead, danang_it_lead.organisation_id,
                                                                        True)  # fmt: skip
    client = client_for(danang_it_lead)
    listed = {key: value for key, value in created.items() if key != "secret"}
    assert rows(client.get("/api/v1/webhooks/").json()) == [{**listed, "organisation_code": "48", "active": True}]
    assert client.get(f"/api/v1/webhooks/{webhook.pk}/").json() == {
        **listed, "organisation_code": "48", "active": True, "deliveries": [],
    }  # fmt: skip


def test_the_administrators_webhook_hears_every_unit_and_the_publications(
    administrator: User, resolver: dict[str, str]
) -> None:
    resolver["dti.example.vn"] = PUBLIC_ADDRESS

    created = register(administrator, "https://dti.example.vn/hooks", ["publication.published"])

    webhook = Webhook.objects.get(pk=created["id"])
    assert (webhook.owner, webhook.organisation, webhook.events) == (administrator, None, ["publication.published"])
    assert rows(client_for(administrator).get("/api/v1/webhooks/").json())[0]["organisation_code"] is None


@pytest.mark.parametrize("persona", ["danang_reporter", "danang_leader", "appraiser"])
def test_anyone_but_an_it_lead_or_the_administrator_is_refused(
    persona: str, request: pytest.FixtureRequest, resolver: dict[str, str], danang_it_lead: User
) -> None:
    resolver["hooks.danang.gov.vn"] = PUBLIC_ADDRESS
    someone_elses = register(danang_it_lead, "https://hooks.danang.gov.vn/", ["submission.state_changed"])
    client = client_for(request.getfixturevalue(persona))

    answers = [
        client.get("/api/v1/webhooks/"),
        client.post("/api/v1/webhooks/", {"url": "https://hooks.danang.gov.vn/", "events": ["appraisal.released"]},
                    format="json"),
        client.get(f"/api/v1/webhooks/{someone_elses['id']}/"),
        client.delete(f"/api/v1/webhooks/{someone_elses['id']}/"),
    ]  # fmt: skip

    assert [answer.status_code for answer in answers] == [403, 403, 403, 403]
    assert answers[1].json() == {
        "detail": "Chỉ lãnh đạo cơ quan chuyên trách CNTT của đơn vị và quản trị viên hệ thống được đăng ký webhook."
    }
    assert Webhook.objects.count() == 1


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("https://127.0.0.1/hook", INTERNAL.format(address="127.0.0.1")),
        ("https://10.0.0.1/", INTERNAL.format(address="10.0.0.1")),
        ("https://172.16.5.4/", INTERNAL.format(address="172.16.5.4")),
        ("https://192.168.1.10/", INTERNAL.format(address="192.168.1.10")),
        ("https://169.254.169.254/latest/meta-data/", INTERNAL.format(address="169.254.169.254")),
        ("https://100.64.0.1/", INTERNAL.format(address="100.64.0.1")),
        ("https://0.0.0.0/", INTERNAL.format(address="0.0.0.0")),  # noqa: S104 - refused, never bound
        ("https://224.0.0.1/", INTERNAL.format(address="224.0.0.1")),
        ("https://[::1]/", INTERNAL.format(address="::1")),
        ("https://[fe80::1]/", INTERNAL.format(address="fe80::1")),
        ("https://[fd00::1]/", INTERNAL.format(address="fd00::1")),
        ("https://[::ffff:10.0.0.1]/", INTERNAL.format(address="10.0.0.1")),
        ("https://localhost/", INTERNAL.format(address="127.0.0.1")),
        ("https://intranet.danang.gov.vn/", INTERNAL.format(address="10.20.30.40")),
        ("https://mixed.danang.gov.vn/", INTERNAL.format(address="192.168.0.2")),
        ("https://nowhere.danang.gov.vn/", "Không phân giải được tên máy chủ nowhere.danang.gov.vn."),
        ("http://hooks.danang.gov.vn/", "Địa chỉ webhook phải dùng HTTPS."),
        ("https://cntt:mat-khau@hooks.danang.gov.vn/", "Địa chỉ webhook không được chứa tên đăng nhập hay mật khẩu."),
    ],
)
def test_a_url_that_is_not_https_to_a_public_address_is_refused_on_url(
    url: str, message: str, danang_it_lead: User, resolver: dict[str, str]
) -> None:
    resolver.update({
        "hooks.danang.gov.vn": PUBLIC_ADDRESS,
        "localhost": "127.0.0.1",
        "intranet.danang.gov.vn": "10.20.30.40",
        # One public address does not make up for a private one: the sender could reach either.
        "mixed.danang.gov.vn": f"{PUBLIC_ADDRESS},192.168.0.2",
    })  # fmt: skip

    response = client_for(danang_it_lead).post(
        "/api/v1/webhooks/", {"url": url, "events": ["submission.state_changed"]}, format="json"
    )

    assert (response.status_code, response.json()) == (400, {"url": [message]})
    assert not Webhook.objects.exists()


def test_with_the_setting_on_plain_http_to_the_loopback_is_accepted(
    danang_it_lead: User, private_urls_allowed: None
) -> None:
    created = register(danang_it_lead, "http://127.0.0.1:8765/hook", ["submission.state_changed"])

    assert Webhook.objects.get(pk=created["id"]).url == "http://127.0.0.1:8765/hook"


@pytest.mark.parametrize("events", [[], ["submission.deleted"], "submission.state_changed"])
def test_an_unknown_or_missing_event_is_refused_on_events(
    events: object, danang_it_lead: User, resolver: dict[str, str]
) -> None:
    resolver["hooks.danang.gov.vn"] = PUBLIC_ADDRESS

    response = client_for(danang_it_lead).post(
        "/api/v1/webhooks/", {"url": "https://hooks.danang.gov.vn/", "events": events}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["events"]
    assert not Webhook.objects.exists()


def test_an_owner_keeps_at_most_ten_webhooks(danang_it_lead: User, resolver: dict[str, str]) -> None:
    resolver["hooks.danang.gov.vn"] = PUBLIC_ADDRESS
    for number in range(MAX_WEBHOOKS_PER_OWNER):
        register(danang_it_lead, f"https://hooks.danang.gov.vn/{number}", ["submission.state_changed"])

    response = client_for(danang_it_lead).post(
        "/api/v1/webhooks/", {"url": "https://hooks.danang.gov.vn/11", "events": ["submission.state_changed"]},
        format="json",
    )  # fmt: skip

    assert (response.status_code, response.json()) == (
        400,
        {"non_field_errors": ["Mỗi tài khoản đăng ký tối đa 10 webhook."]},
    )
    assert Webhook.objects.count() == MAX_WEBHOOKS_PER_OWNER


def test_each_person_sees_and_deletes_only_their_own_webhooks(
    danang_it_lead: User, hue_it_lead: User, administrator: User, resolver: dict[str, str]
) -> None:
    resolver["hooks.danang.gov.vn"] = PUBLIC_ADDRESS
    danangs = register(danang_it_lead, "https://hooks.danang.gov.vn/", ["submission.state_changed"])
    administrators = register(administrator, "https://hooks.danang.gov.vn/all", ["submission.state_changed"])
    url = f"/api/v1/webhooks/{danangs['id']}/"

    assert [row["id"] for row in rows(client_for(hue_it_lead).get("/api/v1/webhooks/").json())] == []
    assert [row["id"] for row in rows(client_for(administrator).get("/api/v1/webhooks/").json())] == [
        administrators["id"]
    ]
    assert [client_for(user).get(url).status_code for user in (hue_it_lead, administrator)] == [404, 404]
    assert [client_for(user).delete(url).status_code for user in (hue_it_lead, administrator)] == [404, 404]
    assert Webhook.objects.filter(pk=danangs["id"]).exists()

    owner = client_for(danang_it_lead)
    assert owner.delete(url).status_code == 204
    assert owner.get(url).status_code == 404
    assert not Webhook.objects.filter(pk=danangs["id"]).exists()
