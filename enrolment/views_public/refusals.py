"""The rate limits' verdict on a parent's POST; every public page asks it first."""

from __future__ import annotations

from django.http import HttpRequest

from enrolment import throttle


def _post_refusal(
    request: HttpRequest, action: throttle.Action, *, email: str = "", token: str = ""
) -> throttle.Refusal | None:
    """The rate limits' verdict on a POST (`enrolment.throttle`); reading is never limited."""
    if request.method != "POST":
        return None
    return throttle.verdict(request, action, email=email, token=token)
