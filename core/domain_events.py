"""A tiny in-process bus for domain events.

Core apps announce what happened (`emit(SessionMoved(...))`) inside their
transaction; listeners (the notifications app) subscribe at start-up and write
outbox rows in that same transaction. No core app knows who listens, and no
message is lost when the broker is down, because nothing here talks to it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

Listener = Callable[[Any], None]

_listeners: dict[type, list[Listener]] = defaultdict(list)


def subscribe(event_type: type, listener: Listener) -> None:
    """Call `listener(event)` for every emitted event of `event_type` (or a subclass)."""
    if listener not in _listeners[event_type]:
        _listeners[event_type].append(listener)


def unsubscribe(event_type: type, listener: Listener) -> None:
    if listener in _listeners[event_type]:
        _listeners[event_type].remove(listener)


def emit(event: Any) -> None:
    """Hand `event` to every listener, in the caller's transaction.

    A listener's exception propagates, so a failing outbox write rolls back the
    change that caused it instead of silently dropping the message.
    """
    for event_type in type(event).__mro__:
        for listener in list(_listeners.get(event_type, ())):
            listener(event)
