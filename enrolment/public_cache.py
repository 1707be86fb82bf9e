"""Cached answers of the public reads every parent makes at the opening of a round.

What is cached (Django's cache: Redis in production, in-process memory without
`REDIS_URL`), and what is never:

- the school search (`GET public/schools/?search=`): one page per search terms and page;
- a school's open groups (`enrolment.catalogue.open_groups_with_seats`, which the school
  page, the enrolment form and `GET public/schools/{id}/groups/` call): per school,
  programme and local date, everything except the seat figures, and the API's rows of
  them per language as well. `seats_left` and `waitlist` are counted on every request,
  so a seat taken a moment ago shows at once;
- the consent text in force (`enrolment.services.consent_text_current`, also used by
  the enrolment form and the POST), never past the moment the next version takes effect.

Every entry carries the "public catalogue version" it was built under and is used only
while that version is current and its own deadline has not passed. The version is a
random token (never reused, so an evicted version key cannot revive old entries) that
`catalogue_changed` replaces. It is replaced when a School, Programme, Group, Session or
ConsentText is saved or deleted, when a group's admitted schools change (signals,
connected by `connect` from `EnrolmentConfig.ready`), and when the scheduler announces a
change to a group's sessions (its domain events). Bulk writes send no signals, so they
are covered otherwise: the scheduler's `bulk_create` of a new group's sessions and the
`update` of a cancelled group's sessions happen in the transaction that also saves that
group, and the change of version waits for that transaction's commit (below);
`group_replace_trainer`'s `update` only counts revisions, which no public answer shows.
Whatever escapes all that (a bulk seed command, a raw SQL repair) is outdated for at most
`CATALOGUE_TTL` seconds, the lifetime of every entry.

Why the version changes twice, at once and after the commit: an entry built between the
change and its commit would hold the old rows under the new version, so the version
changes again when the transaction commits; the change at once lets a test (which never
commits) and the writing transaction itself see their own change. An entry built under
an older version, even one written after the change, is never used again. (A transaction
that changed the catalogue, read a public answer and then rolled back would leave that
answer cached until the next change or `CATALOGUE_TTL`; no code path reads them there.)
When the cache cannot be reached, a change is still saved: the failure is logged and the
old entries expire within `CATALOGUE_TTL`.

Without Redis the cache belongs to one process: fine for the development server, but
several processes without Redis could each answer from their own cache for up to
`CATALOGUE_TTL` seconds after a change made through another.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone
from django.utils.translation import get_language

T = TypeVar("T")

logger = logging.getLogger(__name__)

VERSION_KEY = "public-catalogue:version"
KEY_PREFIX = "public-catalogue:"
# The lifetime of every entry: how long a change that sends no signal can go unseen.
CATALOGUE_TTL = 60


# --- the version ---------------------------------------------------------------------------


def _new_version() -> str:
    return uuid.uuid4().hex


def reset() -> None:
    """Make every cached public answer unusable at once (tests start with this)."""
    cache.set(VERSION_KEY, _new_version(), timeout=None)


def catalogue_changed() -> None:
    """Something parents see changed: new answers now, and again once it is committed."""
    _reset_quietly()
    connection = transaction.get_connection()
    if connection.in_atomic_block and not any(
        callback is _reset_quietly for _ids, callback, *_rest in connection.run_on_commit
    ):
        transaction.on_commit(_reset_quietly)


def _reset_quietly() -> None:
    # A staff change must not fail (or, after its commit, answer 500) because the cache is
    # unreachable; the entries it could not retire expire within CATALOGUE_TTL.
    try:
        reset()
    except Exception:
        logger.warning("Public cache: the catalogue version could not be changed.", exc_info=True)


def current_version() -> str:
    """The catalogue version now, for whatever else keys a cached fragment on it."""
    return _current_version(cache.get(VERSION_KEY))


def _current_version(found: Any) -> str:
    if found is not None:
        return found
    # First use, or the key was evicted: a new token, unless another process was quicker.
    version = _new_version()
    if cache.add(VERSION_KEY, version, timeout=None):
        return version
    return cache.get(VERSION_KEY) or version


# --- entries -------------------------------------------------------------------------------


def _key(parts: tuple[Hashable, ...]) -> str:
    # Hashed: search terms are free text, and cache keys must be short and printable.
    return KEY_PREFIX + hashlib.sha256(repr(parts).encode()).hexdigest()


def cached(parts: tuple[Hashable, ...], build: Callable[[], tuple[T, float | None]]) -> T:
    """The value for `parts` built under the current version, else `build()`'s, stored.

    `build` returns the value and the moment (a POSIX timestamp) it stops being true, or
    None when only a change of version ends it. One cache round trip when warm.
    """
    return cached_with_version(parts, build)[0]


def cached_with_version(
    parts: tuple[Hashable, ...], build: Callable[[], tuple[T, float | None]]
) -> tuple[T, str]:
    """`cached`, and the catalogue version the value was built under. Whatever is made from
    the value and cached in turn (the API's rows of a school's open groups) keys on that
    version, so it is never kept under a newer version than the value it was made from."""
    key = _key(parts)
    found = cache.get_many([VERSION_KEY, key])
    version = _current_version(found.get(VERSION_KEY))
    now = timezone.now().timestamp()
    entry = found.get(key)
    if entry is not None:
        entry_version, valid_until, value = entry
        if entry_version == version and now < valid_until:
            return value, version
    value, ends_at = build()
    valid_until = now + CATALOGUE_TTL
    if ends_at is not None:
        valid_until = min(valid_until, ends_at)
    if valid_until > now:
        cache.set(key, (version, valid_until, value), timeout=max(1, int(valid_until - now) + 1))
    return value, version


def school_search_key(terms: tuple[str, ...], page: str) -> tuple[Hashable, ...]:
    return ("schools", terms, page)


def school_groups_key(school_id: int, today: Any, version: str) -> tuple[Hashable, ...]:
    """The API's rows of a school's open groups (`enrolment.catalogue.open_groups_with_seats`
    read under catalogue `version`). The language: programme names and weekdays are
    translated."""
    return ("school-groups", school_id, today.isoformat(), get_language() or "", version)


CONSENT_TEXT_KEY: tuple[Hashable, ...] = ("consent-text",)


# --- what changes the version --------------------------------------------------------------


def _on_change(sender: Any, **kwargs: Any) -> None:
    catalogue_changed()


def _on_admitted_schools_changed(sender: Any, action: str, **kwargs: Any) -> None:
    if action.startswith("post_"):
        catalogue_changed()


def _on_event(event: Any) -> None:
    catalogue_changed()


def connect() -> None:
    """Change the version on every change parents could see (from `EnrolmentConfig.ready`)."""
    from core.domain_events import subscribe
    from enrolment.models import ConsentText
    from programmes.models import Programme, School
    from scheduler import events
    from scheduler.models import Group, Session

    for model in (School, Programme, Group, Session, ConsentText):
        uid = f"public-cache-{model._meta.label_lower}"
        post_save.connect(_on_change, sender=model, dispatch_uid=uid + "-save")
        post_delete.connect(_on_change, sender=model, dispatch_uid=uid + "-delete")
    m2m_changed.connect(
        _on_admitted_schools_changed,
        sender=Group.admitted_schools.through,
        dispatch_uid="public-cache-group-admitted-schools",
    )
    # Session changes that are (or may one day be) written without a signal.
    for event_type in (
        events.GroupPublished,
        events.GroupCancelled,
        events.SessionMoved,
        events.SessionCancelled,
        events.SessionAdded,
    ):
        subscribe(event_type, _on_event)
