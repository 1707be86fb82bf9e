from __future__ import annotations

import datetime as dt

from django.db import migrations

TEXT_NL = (
    "Ik geef toestemming dat mijn kind meedoet aan de groep die ik heb gekozen. "
    "Ik weet dat de gemeente, de school en de trainers de gegevens op dit formulier "
    "alleen gebruiken om de groep te organiseren, dat alleen de trainers van de groep en de "
    "coördinator van de school ze zien, en dat ze uiterlijk een jaar na afloop van de groep "
    "worden gewist. Ik kan mijn toestemming altijd intrekken via de link in de e-mail."
)
TEXT_EN = (
    "I consent to my child taking part in the group I have chosen. "
    "I understand that the municipality, the school and the trainers use the data on this "
    "form only to organise the group, that only the group's trainers and the school's "
    "coordinator see it, and that it is erased no later than a year after the group ends. "
    "I can withdraw my consent at any time through the link in the e-mail."
)


def add_text(apps, schema_editor):
    ConsentText = apps.get_model("enrolment", "ConsentText")
    ConsentText.objects.get_or_create(
        version="2026-1",
        defaults={
            "text_nl": TEXT_NL,
            "text_en": TEXT_EN,
            "active_from": dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        },
    )


class Migration(migrations.Migration):
    dependencies = [("enrolment", "0001_enrolment_consent_attendance")]
    operations = [migrations.RunPython(add_text, migrations.RunPython.noop)]
