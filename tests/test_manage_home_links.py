from __future__ import annotations

from typing import Any


def test_the_manager_finds_feeds_failed_mail_retention_and_audit_from_the_start_page(
    as_alice: Any,
) -> None:
    page = as_alice.get("/beheer/").content.decode()
    for path in [
        "/agenda/abonnementen/",
        "/berichten/mislukt/",
        "/gegevens/bewaartermijnen/",
        "/inschrijvingen/auditlog/",
    ]:
        assert f'href="{path}"' in page


def test_a_trainer_finds_the_calendar_subscriptions_but_not_the_managers_pages(
    as_dave: Any,
) -> None:
    page = as_dave.get("/beheer/").content.decode()
    assert 'href="/agenda/abonnementen/"' in page
    assert "/berichten/mislukt/" not in page
    assert "/inschrijvingen/auditlog/" not in page
