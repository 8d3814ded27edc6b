from django.core.management.base import BaseCommand, CommandError

from qingqian.core import audit_chain
from qingqian.core.context import request_context
from qingqian.security.audit import audit


class Command(BaseCommand):
    help = "Verify the SM3 hash chain of the audit events; names every edited, deleted or reordered row."

    def add_arguments(self, parser):
        parser.add_argument("--quiet-ok", action="store_true", help="print nothing when the chain is intact")
        parser.add_argument("--no-record", action="store_true", help="do not append a verification event")

    def handle(self, *args: object, **options: object) -> None:
        report = audit_chain.verify()
        problems = report.problems or []
        if not options["no_record"]:
            with request_context(channel="command"):
                audit(
                    None,
                    "security.audit.verified",
                    data={"rows": report.rows, "problems": len(problems), "last_seq": report.last_seq},
                )
        if problems:
            for problem in problems:
                self.stderr.write(f"TAMPERED [{problem.kind}] {problem.message}")
            raise CommandError(
                f"audit chain verification FAILED: {len(problems)} problem(s) in {report.rows} rows"
            )
        if not options["quiet_ok"]:
            self.stdout.write(
                f"audit chain OK: {report.rows} rows (seq {report.first_seq}–{report.last_seq}), "
                f"{report.anchors} anchors verified"
            )
