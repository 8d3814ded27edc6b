from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from qingqian.core.context import request_context
from qingqian.demo import data
from qingqian.demo.seed import demo_password, seed_all


class Command(BaseCommand):
    help = "Create the demo city (Shijiazhuang): regions, task force, debtor bodies, enterprises, one user per role. Idempotent."

    def handle(self, *args: object, **options: object) -> None:
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError(
                "seed_demo is refused here: DEMO_DATA_ALLOWED is off (production has no default accounts)."
            )
        with request_context(channel="command"):
            report = seed_all()
        created = (
            ", ".join(f"{k} {v}" for k, v in sorted(report.created.items())) or "nothing new (already seeded)"
        )
        self.stdout.write(f"seed_demo: {created}")
        self.stdout.write("Demo logins (demo only — never in production):")
        for username, display, role, _kind, _key in data.DEMO_USERS:
            self.stdout.write(f"  {username:<11} {demo_password(username):<22} {role:<19} {display}")
