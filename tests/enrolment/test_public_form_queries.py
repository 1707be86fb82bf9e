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
from tests.enrolment.test_public_enrolment_form import form_data, form_url
from tests.enrolment.world import make_published_group

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
        if re.search(r'"scheduler_group"\."id" IN \(\d', s)  # the form's ids, no subquery
        and 'ORDER BY "scheduler_group"."first_date" ASC, "scheduler_group"."id"' in s
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


def test_a_valid_post_checks_the_choices_without_reading_schools_or_groups_again(
    client: Client, kies: Any, host: Any, consent_text: Any
) -> None:
    group = make_published_group(kies, host)
    assert client.get(form_url(group, host)).status_code == 200  # the parent's form
    with CaptureQueriesContext(connection) as context:
        response = client.post(form_url(group, host), form_data(group, host))
    assert response.status_code == 302, response.content.decode()[:300]
    # The school and group chosen are checked against the form's options, which the
    # form page left in the public cache; only the seat lock reads the group again.
    reads = [
        q["sql"]
        for q in context.captured_queries
        if q["sql"].startswith("SELECT")
        and ('FROM "programmes_school"' in q["sql"] or 'FROM "scheduler_group"' in q["sql"])
    ]
    assert len(reads) == 1, reads
    assert 'WHERE "scheduler_group"."id" = ' in reads[0]
    assert connection.vendor != "postgresql" or "FOR UPDATE" in reads[0]


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


def test_the_next_parent_gets_the_form_without_its_child_forms_being_built(
    kies: Any, host: Any, consent_text: Any, monkeypatch: Any
) -> None:
    from enrolment import forms_public

    group = make_published_group(kies, host)
    built: list[str] = []
    original = forms_public.ChildForm.__init__

    def counting(self: Any, *args: Any, **kwargs: Any) -> None:
        built.append(kwargs.get("prefix", ""))
        original(self, *args, **kwargs)

    monkeypatch.setattr(forms_public.ChildForm, "__init__", counting)
    _first, _sqls = _form_page(group, host)
    assert built == ["child-0", "child-1", "child-2"]
    again, _sqls = _form_page(group, host)
    assert built == ["child-0", "child-1", "child-2"]  # the drawn blocks came from the cache
    assert again.count('name="child-0-first_name"') == 1
