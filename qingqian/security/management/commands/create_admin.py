"""`manage.py create_admin` — the createsuperuser of a 三权分立 system: one account, exactly one of the
three administrator roles, never a Django superuser."""

import getpass

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from qingqian.accounts.choices import ADMIN_ROLES, Role
from qingqian.accounts.services import role_grant, user_create
from qingqian.core.context import request_context
from qingqian.core.errors import DomainError

ROLE_NAMES = {"system": Role.SYSTEM_ADMIN, "security": Role.SECURITY_ADMIN, "audit": Role.AUDIT_ADMIN}


class Command(BaseCommand):
    help = "Create an administrator holding exactly one of: system, security, audit (mutually exclusive)."

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        parser.add_argument(
            "--role", action="append", required=True, help="system | security | audit (exactly one)"
        )
        parser.add_argument("--display-name", default="")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--password-stdin", action="store_true", help="read the password from standard input"
        )

    def handle(self, *args: object, **options: object) -> None:
        roles = [str(r) for r in options["role"]]  # type: ignore[attr-defined]
        unknown = [r for r in roles if r not in ROLE_NAMES and r not in ADMIN_ROLES]
        if unknown:
            raise CommandError(f"unknown role(s) {unknown}; choose one of system, security, audit")
        chosen = {ROLE_NAMES.get(r, r) for r in roles}
        if len(chosen) != 1:
            raise CommandError(
                "separation of duties (三权分立): an account holds exactly one of the system, security and "
                "audit administrator roles"
            )
        if options["password_stdin"]:
            password = input().rstrip("\n")
        else:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("the passwords differ")
        try:
            with request_context(channel="command"), transaction.atomic():
                user = user_create(
                    actor=None,
                    username=str(options["username"]),
                    password=password,
                    display_name=str(options["display_name"]),
                    email=str(options["email"]),
                )
                role_grant(actor=None, user=user, role=chosen.pop())
        except DomainError as exc:
            detail = "; ".join(f"{k}: {' '.join(map(str, v))}" for k, v in exc.fields.items())
            raise CommandError(f"{exc.message} {detail}".strip()) from exc
        self.stdout.write(
            f"created administrator {user.username}; the second factor is set up at first login"
        )
