import datetime as dt
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from qingqian.core import audit_chain
from qingqian.core.context import request_context
from qingqian.security.audit import audit

MINIMUM_DAYS = 184


class Command(BaseCommand):
    help = "Archive audit events older than AUDIT_RETENTION_DAYS (≥ 184) to a gzip file, then remove them."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None)
        parser.add_argument("--archive-dir", default=None)

    def handle(self, *args: object, **options: object) -> None:
        days = int(options["days"] or settings.AUDIT_RETENTION_DAYS)  # type: ignore[call-overload]
        if days < MINIMUM_DAYS:
            raise CommandError(f"audit events are kept at least {MINIMUM_DAYS} days (asked for {days})")
        report = audit_chain.verify()
        if not report.ok:
            raise CommandError(
                "the audit chain does not verify: fix or investigate before pruning (verify_audit)"
            )
        folder = Path(str(options["archive_dir"] or settings.AUDIT_ARCHIVE_DIR))
        cutoff = timezone.now() - dt.timedelta(days=days)
        archive = audit_chain.prune(cutoff=cutoff, archive_dir=folder)
        if archive is None:
            self.stdout.write("nothing older than the retention period")
            return
        with request_context(channel="command"):
            audit(
                None,
                "security.audit.pruned",
                data={
                    "from_seq": archive.from_seq,
                    "to_seq": archive.to_seq,
                    "rows": archive.rows,
                    "file": archive.file_name,
                    "sm3": archive.file_sm3,
                },
            )
        self.stdout.write(
            f"archived {archive.rows} events ({archive.from_seq}–{archive.to_seq}) to {archive.file_name}"
        )
