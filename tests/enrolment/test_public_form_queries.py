"""The enrolment form page lists its school and group options once for all child blocks,
and costs the same number of queries however many groups a school offers."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from enrolment.forms_public import MAX_CHILDREN, group_label
from tests.enrolment.conftest import make_published_group
from tests.enrolment.test_public_enrolment_form import form_data, form_url

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limit() -> None:
    # The posting throttle counts in the cache, which outlives a test.
    cache.clear()


def _form_page(group: Any, school: Any) -> tuple[str, list[str]]:
    """A parent's first visit (a new browser: the page starts its session)."""
    with CaptureQueriesContext(connection) as context:
        response = Client().get(f"/aanmelden/groep/{group.pk}/?school={school.pk}")
    assert response.status_code == 200
    return response.content.decode(), [q["sql"] for q in context.captured_queries]


def test_every_child_block_offers_the_options_of_one_query_each(
    kies: Any, host: Any, consent_text: Any
) -> None:
    group = make_published_group(kies, host)
    sibling_group = make_published_group(kies, host)
    page, sqls = _form_page(group, host)
    assert len(re.findall(rf'<option value="{host.pk}"[^>]*>{re.escape(str(host))}<', page)) == (
        MAX_CHILDREN
    )
    sibling_label = re.escape(group_label(sibling_group))
    assert len(re.findall(rf'<option value="{sibling_group.pk}"[^>]*>{sibling_label}<', page)) == (
        MAX_CHILDREN
    )
    school_options = [s for s in sqls if s.startswith('SELECT DISTINCT "programmes_school"')]
    group_options = [
        s
        for s in sqls
        if 'ORDER BY "scheduler_group"."first_date" ASC, "scheduler_group"."id"' in s
    ]
    assert len(school_options) == 1, school_options
    assert len(group_options) == 1, group_options


def test_the_form_page_query_count_does_not_grow_with_the_groups_offered(
    kies: Any, host: Any, consent_text: Any
) -> None:
    group = make_published_group(kies, host)
    make_published_group(kies, host)
    _page, few = _form_page(group, host)
    for _ in range(5):
        make_published_group(kies, host)
    page, many = _form_page(group, host)
    assert page.count("<option") > 0
    assert len(many) == len(few)


def test_a_valid_post_goes_on_without_drawing_the_options(
    client: Client, kies: Any, host: Any, consent_text: Any
) -> None:
    group = make_published_group(kies, host)
    with CaptureQueriesContext(connection) as context:
        response = client.post(form_url(group, host), form_data(group, host))
    assert response.status_code == 302, response.content.decode()[:300]
    sqls = [q["sql"] for q in context.captured_queries]
    # The choice is checked with a look-up by id; the list of options is never read.
    options = [s for s in sqls if s.startswith('SELECT DISTINCT "programmes_school"')]
    assert len(options) == 1
    assert "ORDER BY" not in options[0] and '"programmes_school"."id" = ' in options[0]


def _option_queries(sqls: list[str]) -> list[str]:
    return [s for s in sqls if s.startswith('SELECT DISTINCT "programmes_school"')]


def test_the_next_parent_gets_the_child_blocks_drawn_before(
    kies: Any, host: Any, consent_text: Any
) -> None:
    group = make_published_group(kies, host)
    first, first_sqls = _form_page(group, host)
    again, again_sqls = _form_page(group, host)
    assert len(_option_queries(first_sqls)) == 1
    assert _option_queries(again_sqls) == []  # not drawn again
    strip = re.compile(r'name="(csrfmiddlewaretoken|idempotency_key)" value="[^"]*"')
    assert strip.sub("", again) == strip.sub("", first)


def test_a_new_group_shows_in_the_child_blocks_at_once(
    kies: Any, host: Any, consent_text: Any
) -> None:
    group = make_published_group(kies, host)
    _form_page(group, host)
    sibling_group = make_published_group(kies, host)
    page, _sqls = _form_page(group, host)
    label = re.escape(group_label(sibling_group))
    assert len(re.findall(rf'<option value="{sibling_group.pk}"[^>]*>{label}<', page)) == (
        MAX_CHILDREN
    )
