import datetime as dt
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from qingqian.core.backup import BackupError, backup_database


class Command(BaseCommand):
    help = "Back up the whole database (pg_dump custom format for PostgreSQL, online backup for SQLite)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output", help="file to write (default: var/backups/qingqian-<timestamp>.<ext>)"
        )

    def handle(self, *args: object, **options: object) -> None:
        from django.db import connection

        ext = "dump" if connection.vendor == "postgresql" else "sqlite3"
        default = Path(settings.VAR_DIR) / "backups" / f"qingqian-{dt.datetime.now():%Y%m%d-%H%M%S}.{ext}"
        output = Path(str(options["output"])) if options.get("output") else default
        try:
            path = backup_database(output)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"backup written: {path} ({path.stat().st_size:,} bytes)")
