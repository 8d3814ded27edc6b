from django.core.management.base import BaseCommand

from qingqian.core.context import request_context
from qingqian.security.pii import rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt every personal-data field under the active key (PII_ACTIVE_KEY_ID). Add the new key "
        "to PII_KEYS, make it active, run this, then remove the old key."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=500)

    def handle(self, *args: object, **options: object) -> None:
        with request_context(channel="command"):
            counts = rotate(batch=int(options["batch"]))  # type: ignore[call-overload]
        for label, n in counts.items():
            self.stdout.write(f"{label}: {n} re-encrypted")
