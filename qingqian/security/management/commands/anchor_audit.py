from django.core.management.base import BaseCommand

from qingqian.core import audit_chain


class Command(BaseCommand):
    help = "Record an HMAC-SM3 anchor of the audit chain's head (run periodically, e.g. hourly)."

    def handle(self, *args: object, **options: object) -> None:
        anchor = audit_chain.anchor()
        if anchor is None:
            self.stdout.write("no new events since the last anchor")
        else:
            # printed so that a log collector outside the database keeps a copy
            self.stdout.write(
                f"anchor seq={anchor.seq} hash={anchor.hash} mac={anchor.mac} at={anchor.created_at.isoformat()}"
            )
