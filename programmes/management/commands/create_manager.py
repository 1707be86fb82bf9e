"""`manage.py create_manager <username> <email>`: a programme manager for a fresh install.

Asks for the password twice (checked by the password validators), or reads it
from an environment variable with `--password-from-env VAR` (for scripted
installs: the password never appears in the shell history or the process list).
The user becomes staff and a member of the programme managers' group.

Refuses, changing nothing: a user who already is a programme manager, an
e-mail address that another account uses, and a weak password. An existing user
without the role is promoted and keeps their password.
"""

from __future__ import annotations

import getpass
import os
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email
from django.db import transaction

from programmes.access import MANAGER_GROUP, is_manager

PASSWORD_ATTEMPTS = 3


class Command(BaseCommand):
    help = (
        "Create a programme manager (or promote an existing user); the password is asked "
        "for, or read from the environment variable named by --password-from-env."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("email")
        parser.add_argument(
            "--password-from-env",
            metavar="VAR",
            help="Read the password from environment variable VAR instead of asking for it.",
        )

    def handle(
        self,
        *args: Any,
        username: str,
        email: str,
        password_from_env: str | None = None,
        **options: Any,
    ) -> None:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise CommandError(f"Not an e-mail address: {email!r}") from exc
        user_model = get_user_model()
        user = user_model.objects.filter(username=username).first()
        if user is not None and is_manager(user):
            raise CommandError(f"{username!r} is already a programme manager; nothing changed.")
        others = user_model.objects.filter(email__iexact=email)
        if user is not None:
            others = others.exclude(pk=user.pk)
        other = others.first()
        if other is not None:
            raise CommandError(
                f"The e-mail address {email!r} belongs to another account "
                f"({other.get_username()!r}); nothing was created."
            )
        password = None
        if user is None:
            candidate = user_model(username=username, email=email)
            if password_from_env:
                password = self.password_from_env(password_from_env, candidate)
            else:
                password = self.ask_password(candidate)
        with transaction.atomic():
            if user is None:
                user = user_model.objects.create_user(
                    username=username, email=email, password=password, is_staff=True
                )
                action = "created"
            else:
                user.is_staff = True
                user.save(update_fields=["is_staff"])
                action = "promoted (password unchanged)"
            user.groups.add(Group.objects.get_or_create(name=MANAGER_GROUP)[0])
        self.stdout.write(self.style.SUCCESS(f"Programme manager {username!r} {action}."))

    def password_from_env(self, variable: str, user: Any) -> str:
        password = os.environ.get(variable, "")
        if not password:
            raise CommandError(
                f"Environment variable {variable} is not set or empty; nothing was created."
            )
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError(
                f"The password in {variable} is refused: {' '.join(exc.messages)} "
                "Nothing was created."
            ) from exc
        return password

    def ask_password(self, user: Any) -> str:
        for _attempt in range(PASSWORD_ATTEMPTS):
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                self.stderr.write("The passwords differ; try again.")
                continue
            try:
                validate_password(password, user)
            except ValidationError as exc:
                self.stderr.write(" ".join(exc.messages))
                continue
            return password
        raise CommandError("No valid password given; nothing was created.")
