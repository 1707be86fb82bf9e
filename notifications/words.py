"""What the failed-mail page says, in the manager's words: which message it was (not its
internal kind) and why it did not go out (not the mail server's raw reply, which stays
one click away)."""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

KIND_LABELS = {
    "enrolment_received": _("Aanmelding ontvangen, met de bevestigingslink"),
    "consent_request": _("Verzoek om toestemming aan de andere ouder"),
    "consent_request_child": _("Link voor de toestemming van het kind"),
    "consent_given": _("Toestemming gegeven"),
    "consent_refused": _("Aanmelding gaat niet door (geen toestemming)"),
    "consent_withdrawn": _("Toestemming ingetrokken (aan de ouders)"),
    "consent_withdrawn_coordinator": _("Toestemming ingetrokken (aan de coördinator)"),
    "consent_withdrawn_receipt": _("Toestemming ingetrokken (bevestiging aan wie introk)"),
    "email_change": _("Nieuw e-mailadres bevestigen"),
    "invitation": _("Inschrijving bevestigd, met de agenda"),
    "waitlisted": _("Op de wachtlijst"),
    "seat_offered": _("Plaats aangeboden"),
    "offer_expired": _("Aanbod verlopen"),
    "withdrawn": _("Afgemeld"),
    "duplicate_notice": _("Tweede aanmelding voor hetzelfde kind"),
    "duplicate_merged": _("Aanmeldingen samengevoegd"),
    "erased": _("Gegevens gewist"),
    "absent_twice": _("Kind twee keer afwezig"),
    "session_moved": _("Bijeenkomst verplaatst"),
    "session_cancelled": _("Bijeenkomst vervalt"),
    "session_added": _("Bijeenkomst toegevoegd"),
    "group_cancelled": _("Groep gaat niet door"),
    "group_postponed": _("Groep begint later"),
    "group_pooled": _("Nieuwe groep na samenvoegen, met de agenda"),
    "decision_reminder": _("Herinnering: beslissen over een groep met te weinig kinderen"),
    "trainer_assigned": _("Trainer ingedeeld bij een groep"),
    "trainer_removed": _("Trainer niet meer bij een groep"),
    "reminder_first_session": _("Herinnering eerste bijeenkomst"),
    "reminder_parent_meeting": _("Herinnering ouderbijeenkomst"),
    "trainer_agenda": _("Weekagenda voor de trainer"),
    "coordinator_digest": _("Overzicht voor de coördinator"),
    "consent_reminder": _("Herinnering toestemming"),
    "pool_reminder": _("Herinnering: antwoord op de samenvoeging"),
    "account_locked": _("Account tijdelijk geblokkeerd"),
    "evaluation_invitation": _("Uitnodiging voor een vragenlijst"),
    "referral_invitation": _("Persoonlijke uitnodiging van school of wijkteam"),
    "talk_booked": _("Gesprek met het wijkteam gepland"),
    "talk_moved": _("Gesprek met het wijkteam verplaatst"),
    "talk_cancelled": _("Gesprek met het wijkteam gaat niet door"),
    "talk_reminder": _("Herinnering: gesprek met het wijkteam"),
    # No longer written (their calendar files now travel in the message of the event
    # itself), but rows written before stay in the outbox (failed ones on the failed-mail
    # page) until they are purged, and keep their name there.
    "group_pooled_calendar": _("Data van de oude groep uit de agenda"),
    "parent_meeting_calendar": _("Agenda van de ouderbijeenkomsten"),
}

SMTP_CODE = re.compile(r"(?:^|[:;] |: )([245]\d\d)\b")
GAVE_UP = re.compile(r"^Opgegeven na (\d+) pogingen")
UNREACHABLE = re.compile(
    r"ConnectionRefused|ConnectionError|SMTPServerDisconnected|TimeoutError|timed out|OSError"
)


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


def failure_explained(last_error: str) -> str:
    """Why a message did not go out, in plain words, from the reply that was stored."""
    if not last_error:
        return ""
    code_match = SMTP_CODE.search(last_error)
    code = int(code_match[1]) if code_match else None
    gave_up = GAVE_UP.match(last_error)
    if code in (550, 551, 553) or (code and 510 <= code <= 512):
        reason = _(
            "Het e-mailadres bestaat niet, of de mailserver van de ontvanger weigert het. "
            "Controleer het adres en verstuur het bericht opnieuw."
        )
    elif code == 552:
        reason = _("De mailbox van de ontvanger is vol. Probeer het later opnieuw.")
    elif code and 500 <= code < 600:
        reason = _(
            "De mailserver van de ontvanger weigerde het bericht. Controleer het adres of "
            "vraag de ontvanger om het via een ander adres te sturen."
        )
    elif code and 400 <= code < 500:
        reason = _("De mailserver van de ontvanger had een tijdelijk probleem.")
    elif UNREACHABLE.search(last_error):
        reason = _("Onze eigen mailserver was niet bereikbaar.")
    else:
        reason = _("Het versturen ging mis door een onbekende fout.")
    if gave_up:
        return str(
            _("Na %(attempts)s pogingen opgegeven. %(reason)s")
            % {"attempts": gave_up[1], "reason": reason}
        )
    return str(reason)
