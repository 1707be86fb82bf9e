"""The new feed link's web address is labelled with the scheme it has: under `make run`
SITE_URL is http://, and the page used to call that address "Adres (https)"."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

NEW_LINK = "/agenda/abonnementen/nieuw/"


def labelled_address(page: str) -> tuple[str, str]:
    """The label in front of the shown web address, and the address itself."""
    match = re.search(
        r'<dt class="utrecht-data-list__item-key">([^<]+)</dt>\s*'
        r'<dd [^>]*><code data-feed-url="[^"]*">([^<]+)</code>',
        page,
    )
    assert match, page
    return match.group(1), match.group(2)


@pytest.mark.parametrize(
    ("site_url", "label"),
    [("http://127.0.0.1:8101", "Adres (http)"), ("https://zwolle.example.org", "Adres (https)")],
)
def test_the_address_is_labelled_with_its_own_scheme(
    as_dave: Client, dave: Any, settings: Any, site_url: str, label: str
) -> None:
    settings.SITE_URL = site_url
    page = as_dave.post(NEW_LINK, {"kind": "trainer", "target": dave.pk}).content.decode()
    shown_label, address = labelled_address(page)
    assert shown_label == label
    assert address.startswith(f"{site_url}/agenda/feed/")


def test_the_english_page_labels_an_http_address_as_http(
    as_dave: Client, dave: Any, settings: Any
) -> None:
    settings.SITE_URL = "http://127.0.0.1:8101"
    response = as_dave.post(
        NEW_LINK, {"kind": "trainer", "target": dave.pk}, HTTP_ACCEPT_LANGUAGE="en"
    )
    shown_label, address = labelled_address(response.content.decode())
    assert shown_label == "Address (http)"
    assert address.startswith("http://127.0.0.1:8101/")
