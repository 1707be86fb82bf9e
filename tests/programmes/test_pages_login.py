"""Logging in and out, and who is let into /beheer/."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


def test_a_user_logs_in_with_the_login_page_and_lands_on_their_start_page(alice) -> None:
    client = Client()

    page = client.get(reverse("login"))
    response = client.post(reverse("login"), {"username": "alice", "password": factories.PASSWORD})

    assert page.status_code == 200
    assert 'for="id_username"' in page.text
    assert response.status_code == 302
    assert response.url == reverse("start")
    assert client.get(response.url).url == reverse("start-manager")
    assert client.get(reverse("manage-home")).status_code == 200


def test_a_wrong_password_shows_an_error_and_does_not_log_in(alice) -> None:
    client = Client()

    response = client.post(reverse("login"), {"username": "alice", "password": "wrong"})

    assert response.status_code == 200
    assert "utrecht-alert--error" in response.text
    assert "_auth_user_id" not in client.session


def test_log_out_is_a_post_form_that_logs_out(as_alice: Client) -> None:
    page = as_alice.get(reverse("home")).text
    assert f'action="{reverse("logout")}" method="post"' in page

    response = as_alice.post(reverse("logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in as_alice.session
    assert as_alice.get(reverse("manage-home")).status_code == 302


def test_an_anonymous_visitor_is_sent_to_the_login_page(client: Client) -> None:
    for url in [
        reverse("manage-home"),
        reverse("manage-school-list"),
        reverse("manage-programme-list"),
        reverse("manage-school-year-list"),
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login") + "?next="), url


def test_a_user_without_a_role_gets_a_friendly_403(as_eve: Client) -> None:
    response = as_eve.get(reverse("manage-home"))

    assert response.status_code == 403
    assert "Geen toegang" in response.text
    assert 'id="main"' in response.text


def test_a_user_without_a_role_gets_403_on_every_management_list(as_eve: Client) -> None:
    for name in [
        "manage-programme-list",
        "manage-school-list",
        "manage-trainer-list",
        "manage-school-year-list",
    ]:
        assert as_eve.get(reverse(name)).status_code == 403, name


def test_the_navigation_shows_what_belongs_to_the_role(as_alice: Client, as_bob: Client) -> None:
    manager_page = as_alice.get(reverse("manage-home")).text
    coordinator_page = as_bob.get(reverse("manage-home")).text

    assert reverse("manage-trainer-list") in manager_page
    assert reverse("manage-programme-list") in manager_page
    assert reverse("manage-trainer-list") not in coordinator_page
    assert reverse("manage-programme-list") not in coordinator_page
    assert reverse("manage-school-list") in coordinator_page
