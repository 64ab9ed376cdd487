"""Create or update one account (idempotent): used by the demo data and by scripts."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import Organisation, Role
from accounts.services import AccountError, save_account


class Command(BaseCommand):
    help = "Create or update an account at an organisation with one or more roles."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", required=True)
        parser.add_argument("--password", help="Required for a new account; changes the password of an existing one.")
        parser.add_argument("--organisation", required=True, help="Organisation code, e.g. 48 or authority.")
        parser.add_argument("--role", action="append", required=True, choices=Role.values, dest="roles")
        parser.add_argument("--full-name", default="")
        parser.add_argument("--email", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = Organisation.objects.filter(code=options["organisation"]).first()
        if organisation is None:
            raise CommandError(f"Không có tổ chức mã {options['organisation']!r}.")
        try:
            user, created = save_account(
                username=options["username"],
                password=options["password"],
                organisation=organisation,
                roles=options["roles"],
                full_name=options["full_name"],
                email=options["email"],
            )
        except AccountError as error:
            raise CommandError("\n".join(error.problems)) from error
        action = "Created" if created else "Updated"
        self.stdout.write(f"{action} {user.username} at {organisation.code}: {', '.join(user.roles)}")
