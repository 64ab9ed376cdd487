"""Published answers served from Django's cache framework: each public page and API answer is built once
per publication version, then read from the `published` cache (Redis in production, shared by every web
process; a local-memory cache of each process without CACHE_URL).

Each answer is kept with the cache's *generation*, a random token that any change to a publication (or to
what its pages show of a unit, a campaign or a framework) replaces, in whatever process makes it; an
answer of another generation than the current one is never served. So nothing is ever deleted: a new
version's first reader builds the answer again, in place of the old one. The token and the answer are
read together, in one round trip to Redis. An answer's key holds the reader's audience (the public, or a
signed-in user who may see trial publications), the language and the answer's parameters, so a trial's
table built for a signed-in reader never answers an anonymous one and an English page never answers a
Vietnamese reader.

The HTTP side: an answer the public may share (an anonymous reader's, of official publications) carries
`Cache-Control: public`, a strong ETag and Last-Modified, and a conditional request for it is answered
304 (a weak `W/"…"` ETag, as a compressing proxy sends it back, included); anything else is private.

The cache only saves work: while it fails (Redis down), answers are built from the database.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date

from accounts.models import Organisation, Region
from indicators.models import Aggregate, Framework, Node
from submissions.models import Campaign

from .models import (
    PrintedFigure,
    Publication,
    PublicationQuerySet,
    PublishedResult,
    RobustnessResult,
    SocialPreview,
)

logger = logging.getLogger(__name__)

ALIAS = "published"
GENERATION = "generation"
# After the cache fails, each process leaves it alone this long rather than wait on it at every request.
RETRY_SECONDS = 5.0


class Audience(StrEnum):
    """Whom an answer is built for, by what they may see (`Publication.objects.visible_to`)."""

    PUBLIC = "public"  # the official publications only
    SIGNED_IN = "signed-in"  # trial publications too, marked as such

    @classmethod
    def of(cls, user: AbstractBaseUser | AnonymousUser) -> Audience:
        return cls.SIGNED_IN if user.is_authenticated and user.is_active else cls.PUBLIC

    def publications(self) -> PublicationQuerySet:
        return Publication.objects.all() if self is Audience.SIGNED_IN else Publication.objects.official()


@dataclass(frozen=True)
class Answer:
    """A page's or an API answer's body as built once, with what its HTTP validators are made of."""

    body: Any
    # The publications read (id, version, time) and the answer's parameters: the ETag's source.
    fingerprint: str
    last_modified: datetime.datetime | None
    trial: bool
    # The generation it was built in, taken before it read anything: a change made while it was being
    # built has started a later one, so the answer is never taken for that change's.
    generation: str


def build(
    key: tuple[object, ...], make: Callable[[], tuple[Any, Iterable[Publication]]], *, within: Answer | None = None
) -> Answer:
    """The answer for `key`: `make` gives its body and every publication it read. Made from a cached answer
    (`within`), it belongs to that answer's generation."""
    current = within.generation if within is not None else generation()
    body, read = make()
    publications = list(read)
    return Answer(
        body=body,
        fingerprint=repr((sorted({(p.pk, p.version, p.published_at.isoformat()) for p in publications}), key)),
        last_modified=max((p.published_at for p in publications), default=None),
        trial=any(p.is_trial for p in publications),
        generation=current,
    )


class _Down:
    """When this process last saw the cache fail."""

    until = 0.0


def _guarded(action: Callable[[], Any]) -> Any:
    if time.monotonic() < _Down.until:
        return None
    try:
        return action()
    except Exception:  # noqa: BLE001 - any backend failure (Redis down, a timeout) means "no cache"
        if _Down.until == 0.0 or time.monotonic() - _Down.until > RETRY_SECONDS:
            logger.warning("The published-answers cache is not answering; building answers from the database")
        _Down.until = time.monotonic() + RETRY_SECONDS
        return None


def generation() -> str:
    """The current generation; the first reader after a change (or after the token expired) starts one."""
    store = caches[ALIAS]
    token = _guarded(lambda: store.get(GENERATION))
    if isinstance(token, str):
        return token
    token = secrets.token_hex(8)
    if _guarded(lambda: store.add(GENERATION, token, settings.PUBLISHED_CACHE_SECONDS)) is False:
        # Another process started one first: share it.
        found = _guarded(lambda: store.get(GENERATION))
        return found if isinstance(found, str) else token
    return token


def renew() -> None:
    """Something the published answers show changed: start a new generation, so that no answer kept so far
    is read again."""
    _guarded(lambda: caches[ALIAS].set(GENERATION, secrets.token_hex(8), settings.PUBLISHED_CACHE_SECONDS))


def _name(key: tuple[object, ...]) -> str:
    return hashlib.sha256(repr(key).encode()).hexdigest()


def lookup(key: tuple[object, ...]) -> Answer | None:
    """The answer stored under `key` if it is of the current generation; one round trip to the cache."""
    name = _name(key)
    found = _guarded(lambda: caches[ALIAS].get_many([GENERATION, name])) or {}
    if not isinstance(found.get(GENERATION), str):
        generation()
        return None
    answer = found.get(name)
    return answer if isinstance(answer, Answer) and answer.generation == found[GENERATION] else None


def store(key: tuple[object, ...], found: Answer) -> None:
    """Keep `found` under `key`, in place of any earlier generation's answer."""
    _guarded(lambda: caches[ALIAS].set(_name(key), found, settings.PUBLISHED_CACHE_SECONDS))


def cached(key: tuple[object, ...], make: Callable[[], tuple[Any, Iterable[Publication]]]) -> Answer:
    """The answer kept under `key` in the current generation, built (see `build`) and kept when absent."""
    found = lookup(key)
    if found is None:
        found = build(key, make)
        store(key, found)
    return found


def _changed(**kwargs: Any) -> None:
    # At once, for what this transaction shows next (the admin's page after publishing) ...
    renew()
    # ... and again once it commits: meanwhile a reader in another process may have read the rows as they
    # were and kept its answer in the generation just started.
    transaction.on_commit(renew, using=kwargs.get("using"))


def connect_signals() -> None:
    """Renew the generation whenever something the published answers show is saved or deleted."""
    # The rank bands are computed after their publication: the pages built meanwhile show none, and their
    # arrival starts a new generation. So do the preview images, which the pages' og:image names once built.
    shown = (Publication, PublishedResult, RobustnessResult, SocialPreview, PrintedFigure, Campaign, Organisation,
             Region, Framework, Node)  # fmt: skip
    for model in (*shown, Aggregate):
        post_save.connect(_changed, sender=model, dispatch_uid=f"published-answers-{model.__name__}-saved")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"published-answers-{model.__name__}-deleted")


def shareable(audience: Audience, found: Answer) -> bool:
    """Whether a shared cache (a proxy) may keep the answer: the public's, showing no trial."""
    return audience is Audience.PUBLIC and not found.trial


def not_modified(request: HttpRequest, found: Answer) -> HttpResponseBase | None:
    """304 when the reader's copy is the answer's (If-None-Match, weak ETags included, or If-Modified-Since)."""
    # HTTP dates are whole seconds.
    modified = int(found.last_modified.timestamp()) if found.last_modified else None
    return get_conditional_response(request, etag=etag(request, found), last_modified=modified)


def etag(request: HttpRequest, found: Answer) -> str:
    """A strong ETag: the same for the same bytes, which the answer and the address (repeated in a page's
    links) decide."""
    digest = hashlib.sha256(f"{found.fingerprint}|{request.get_full_path()}".encode()).hexdigest()
    return f'"{digest[:32]}"'


def validate(request: HttpRequest, response: HttpResponseBase, found: Answer, *, shared: bool) -> HttpResponseBase:
    """Mark `response` public with its validators when a shared cache may keep it, else private."""
    if shared:
        response["ETag"] = etag(request, found)
        if found.last_modified is not None:
            response["Last-Modified"] = http_date(int(found.last_modified.timestamp()))
        patch_cache_control(response, public=True, max_age=settings.PUBLISHED_CACHE_SECONDS)
    else:
        patch_cache_control(response, private=True)
    return response
