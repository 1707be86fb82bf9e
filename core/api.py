"""API building blocks every app's API uses: `AccessRules`, the permission that asks the
view who may write, and `validated`, the one way to check what a request sent.

Every app's API checks a request body or query string with a DRF serializer and hands the
cleaned values to a service; reads are scoped by the view's queryset, writes allowed by the
view's `may_write`/`may_change` (which ask the owning app's access rules).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.serializers import Serializer


class AccessRules(BasePermission):
    """Reading is scoped by the queryset; writing is what the view's access rules allow.

    `view.may_write(user)`: may this user make any change here at all (else 403 before
    anything is looked up). `view.may_change(user, obj)`: may they change this object,
    which they can see (else 403).
    """

    message = _("U mag dit niet wijzigen.")

    def has_permission(self, request: Request, view: Any) -> bool:
        return request.method in SAFE_METHODS or view.may_write(request.user)

    def has_object_permission(self, request: Request, view: Any, obj: Model) -> bool:
        return request.method in SAFE_METHODS or view.may_change(request.user, obj)


def validated(serializer_class: type[Serializer], data: Any, **context: Any) -> dict[str, Any]:
    """The validated values of `data` (a request's body or query parameters) as a plain dict.

    `context` is the serializer's context (`request=request`, or what a serializer reads,
    such as the group whose trainers it offers). An invalid `data` raises DRF's
    `ValidationError`, which the API answers as a 400 with a message per field
    (`config.api.exception_handler`); nothing has been changed by then.
    """
    serializer = serializer_class(data=data, context=context)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)
