"""`manage.py create_manager <username> <email>`: a programme manager for a fresh install.

Asks for the password twice (checked by the password validators), makes the
user staff and a member of the programme managers' group. An existing user is
promoted and keeps their password.
"""

from __future__ import annotations

import getpass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email
from django.db import transaction

from programmes.access import MANAGER_GROUP

PASSWORD_ATTEMPTS = 3


class Command(BaseCommand):
    help = "Create a programme manager (or promote an existing user) with a prompted password."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("email")

    def handle(self, *args: Any, username: str, email: str, **options: Any) -> None:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise CommandError(f"Not an e-mail address: {email!r}") from exc
        user_model = get_user_model()
        user = user_model.objects.filter(username=username).first()
        password = None if user else self.ask_password(user_model(username=username, email=email))
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
