"""The enrolment's confirmation mail and the invitation link to the relatiedesk's page about
the programme (issue 18, item 3): for parents who want to know what happens in the group
and who to talk to. A programme with discreet titles gets the general page, since its
own page's address names it."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings

from notifications.messages import render_message
from tests.clock import on_day

pytestmark = [pytest.mark.django_db, on_day("2026-10-01")]


@pytest.mark.parametrize("kind", ["enrolment_received", "invitation"])
@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_mail_links_the_programmes_page_for_parents(
    mail_group: Any, kind: str, language: str
) -> None:
    programme = mail_group.programme
    programme.discreet_titles = False
    programme.save()
    rendered = render_message(
        kind, language=language, context={"group": mail_group, "enrolments": []}
    )
    url = f"{settings.SITE_URL}/relatiedesk/{programme.code}/ouders/"
    assert url in rendered.text
    assert f'href="{url}"' in rendered.html


def test_a_discreet_programme_links_the_general_page(mail_group: Any) -> None:
    programme = mail_group.programme
    programme.discreet_titles = True
    programme.save()
    rendered = render_message("invitation", language="nl", context={"group": mail_group})
    assert f"{settings.SITE_URL}/relatiedesk/ouders/" in rendered.text
    assert f"/relatiedesk/{programme.code}/" not in rendered.text + rendered.html
