"""`manage.py demo_logins`: print where and how each demo role logs in.

`make run` calls it just before the server starts. Passwords are only shown
with DEBUG on or `--demo`, and only while the account still has its demo
password (someone may have changed it).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser
from django.urls import NoReverseMatch, reverse

from programmes.access import Role
from programmes.management.commands.seed_demo import DEMO_ACCOUNTS

ROLE_LABELS = {
    Role.MANAGER: "programmabeheerder",
    Role.COORDINATOR: "schoolcoördinator",
    Role.TRAINER: "trainer",
    Role.WIJKTEAM: "wijkteammedewerker",
}


def login_url() -> str:
    try:
        path = reverse(settings.LOGIN_URL)
    except NoReverseMatch:
        path = reverse("admin:login")
    return f"{settings.SITE_URL}{path}"


class Command(BaseCommand):
    help = "Print the demo log-ins (URL, username, password) per role."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--demo", action="store_true", help="Show the demo passwords even with DEBUG off."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        show_passwords = settings.DEBUG or options["demo"]
        users = get_user_model().objects.in_bulk(
            [account.username for account in DEMO_ACCOUNTS], field_name="username"
        )
        url = login_url()
        rows = [("rol", "inloggen op", "gebruikersnaam", "wachtwoord")]
        for account in DEMO_ACCOUNTS:
            user = users.get(account.username)
            if user is None:
                password = "(ontbreekt: draai manage.py seed_demo)"
            elif not show_passwords:
                password = "(verborgen: DEBUG staat uit)"
            elif user.check_password(account.password):
                password = account.password
            else:
                password = "(gewijzigd)"
            rows.append((ROLE_LABELS[account.role], url, account.username, password))

        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        lines = [
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
            for row in rows
        ]
        rule = "-" * max(len(line) for line in lines)
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING("Demo log-ins"))
        self.stdout.write(rule)
        self.stdout.write(lines[0])
        self.stdout.write(rule)
        for line in lines[1:]:
            self.stdout.write(line)
        self.stdout.write(rule)
        self.stdout.write(f"Site: {settings.SITE_URL}/   API docs: {settings.SITE_URL}/api/docs/")
        self.stdout.write("")
