from django.core.management.base import BaseCommand

from qingqian.core.idempotency import prune_expired_keys


class Command(BaseCommand):
    help = "Delete idempotency keys past their expiry (IDEMPOTENCY_KEY_TTL_HOURS). Idempotent."

    def handle(self, *args: object, **options: object) -> None:
        deleted = prune_expired_keys()
        if int(str(options["verbosity"])) > 0:
            self.stdout.write(f"idempotency keys pruned: {deleted}")
