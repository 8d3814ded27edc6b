from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from qingqian.core.backup import BackupError, restore_database


class Command(BaseCommand):
    help = "Restore a backup made by `manage.py backup` into the configured database. Replaces its content."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("backup")
        parser.add_argument("--yes", action="store_true", help="confirm that the current content is replaced")

    def handle(self, *args: object, **options: object) -> None:
        if not options["yes"]:
            raise CommandError("restore replaces the whole database: run again with --yes to confirm")
        try:
            restore_database(Path(str(options["backup"])))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            "restore complete; run `manage.py verify_audit` (if installed) and `manage.py check`"
        )
