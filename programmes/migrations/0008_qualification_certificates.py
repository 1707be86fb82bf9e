"""A trainer's qualification gets a model with the certificate that proves it.

The qualifications were a plain many-to-many (table programmes_trainer_qualifications:
id, trainer_id, programme_id, unique per pair). That table becomes the `Qualification`
model as it is (state only), then gains the certificate number and its end date. No row
changes: an existing qualification has no end date, so it stays valid.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0007_hashed_api_tokens_replace_authtoken"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="Qualification",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "trainer",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="certificates",
                                to="programmes.trainer",
                                verbose_name="trainer",
                            ),
                        ),
                        (
                            "programme",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="trainer_certificates",
                                to="programmes.programme",
                                verbose_name="programma",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "kwalificatie",
                        "verbose_name_plural": "kwalificaties",
                        "db_table": "programmes_trainer_qualifications",
                        "unique_together": {("trainer", "programme")},
                    },
                ),
                migrations.AlterField(
                    model_name="trainer",
                    name="qualifications",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="qualified_trainers",
                        through="programmes.Qualification",
                        to="programmes.programme",
                        verbose_name="kwalificaties (programma's die deze trainer mag geven)",
                    ),
                ),
            ],
        ),
        migrations.AddField(
            model_name="qualification",
            name="certificate_number",
            field=models.CharField(
                blank=True, default="", max_length=40, verbose_name="certificaatnummer"
            ),
        ),
        migrations.AddField(
            model_name="qualification",
            name="valid_until",
            field=models.DateField(
                blank=True,
                help_text="Leeg als het certificaat niet verloopt.",
                null=True,
                verbose_name="geldig tot en met",
            ),
        ),
    ]
