"""Every change to the relatiedesk texts: a save and a restore, each a new version."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from programmes.models import Programme
from relatiedesk.models import Audience, Language, PageText
from relatiedesk.selectors import audiences_of, page_versions

TITLE_MAX = 150


def _validate_address(programme: Programme | None, audience: str, language: str) -> None:
    if language not in Language.values:
        raise ValidationError(_("Deze taal bestaat niet."))
    if audience not in audiences_of(programme):
        raise ValidationError(_("Dit programma heeft geen pagina voor deze doelgroep."))


def page_text_save(
    *,
    programme: Programme | None,
    audience: str,
    language: str,
    title: str,
    body: str,
    checklist: str = "",
    author: Any,
    based_on_version: int | None,
    restored_from: int | None = None,
) -> PageText:
    """Save a text as its next version; the page shows it at once.

    Refuses an empty title or text, an audience the programme has no page for, and a save
    based on an older version than the newest (someone else saved in between: nothing is
    lost, the editor reloads and merges). Old versions never change.
    """
    _validate_address(programme, audience, language)
    title, body, checklist = title.strip(), body.strip(), checklist.strip()
    if not title or not body:
        raise ValidationError(_("Een titel en een tekst zijn nodig."))
    if len(title) > TITLE_MAX:
        raise ValidationError(_("De titel is te lang."))
    if audience == Audience.PARENTS:
        checklist = ""
    try:
        with transaction.atomic():
            versions = page_versions(programme=programme, audience=audience, language=language)
            newest = versions.aggregate(newest=Max("version"))["newest"]
            if newest != based_on_version:
                raise ValidationError(
                    _(
                        "Iemand anders heeft deze tekst intussen opgeslagen (versie %(version)s)."
                        " Open de tekst opnieuw en breng uw wijziging nog eens aan."
                    )
                    % {"version": newest}
                )
            return PageText.objects.create(
                programme=programme,
                audience=audience,
                language=language,
                version=(newest or 0) + 1,
                title=title,
                body=body,
                checklist=checklist,
                author=author if getattr(author, "is_authenticated", False) else None,
                restored_from=restored_from,
            )
    except IntegrityError as error:
        # Two saves of the same version at the same moment: the unique constraint decides.
        raise ValidationError(
            _("Iemand anders sloeg deze tekst op hetzelfde moment op. Probeer het opnieuw.")
        ) from error


def page_text_restore(
    *, programme: Programme | None, audience: str, language: str, version: int, author: Any
) -> PageText:
    """Make an old version the newest again, as a new version (the history stays whole).

    Refuses a version that does not exist.
    """
    with transaction.atomic():
        versions = page_versions(programme=programme, audience=audience, language=language)
        old = versions.filter(version=version).first()
        if old is None:
            raise ValidationError(_("Deze versie bestaat niet."))
        return page_text_save(
            programme=programme,
            audience=audience,
            language=language,
            title=old.title,
            body=old.body,
            checklist=old.checklist,
            author=author,
            based_on_version=versions.values_list("version", flat=True).first(),
            restored_from=old.version,
        )
