"""Keep only the SHA-256 of each Idempotency-Key, and add the request fingerprint.

Existing keys are hashed in place (the raw keys are client secrets and leave the
database). Their fingerprint stays empty: which body made them is not known, so
`services.submission_replay` refuses any reuse of such a key (a 422) rather than replay
a submission to whoever holds the key. Old keys are minutes-old retries at most; a
client that still retries one after the upgrade gets the refusal, nothing is lost.
"""

from __future__ import annotations

import hashlib

from django.db import migrations, models


def hash_existing_keys(apps, schema_editor) -> None:
    Submission = apps.get_model("enrolment", "Submission")
    rows = Submission.objects.exclude(idempotency_key__isnull=True).exclude(idempotency_key="")
    for row in rows.only("pk", "idempotency_key").iterator():
        digest = hashlib.sha256(row.idempotency_key.encode()).hexdigest()
        Submission.objects.filter(pk=row.pk).update(idempotency_key_hash=digest)


class Migration(migrations.Migration):
    dependencies = [
        ("enrolment", "0002_first_consent_text"),
    ]

    operations = [
        migrations.AddField(
            model_name="submission",
            name="idempotency_key_hash",
            field=models.CharField(
                blank=True, editable=False, max_length=64, null=True, unique=True
            ),
        ),
        migrations.AddField(
            model_name="submission",
            name="request_fingerprint",
            field=models.CharField(blank=True, default="", editable=False, max_length=64),
        ),
        # Hashing cannot be undone; going back leaves the old column empty (no replays).
        migrations.RunPython(hash_existing_keys, migrations.RunPython.noop, elidable=True),
        migrations.RemoveField(model_name="submission", name="idempotency_key"),
    ]
