"""Render a monthly report's .docx to PDF and PNG pages for a person to look at (run by hand).

    manage.py render_report                      # the latest report in the database
    manage.py render_report --report 12
    manage.py render_report --file var/screenshots/monthly-report.docx --out var/screenshots

Needs LibreOffice (``soffice``) and poppler (``pdftoppm``): ``apt-get install libreoffice-writer-nogui
poppler-utils``. The test suite never depends on them.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from qingqian.disclosure.models import MonthlyReport


class Command(BaseCommand):
    help = "Render a monthly report (.docx) to PDF and PNG with LibreOffice and pdftoppm."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--report", type=int, help="MonthlyReport id (default: the latest)")
        parser.add_argument("--file", help="a .docx file instead of a stored report")
        parser.add_argument("--out", default=str(Path(settings.BASE_DIR) / "var" / "screenshots"))
        parser.add_argument("--dpi", type=int, default=80)

    def handle(self, *args: Any, **options: Any) -> None:
        soffice = shutil.which("soffice") or shutil.which("libreoffice")
        pdftoppm = shutil.which("pdftoppm")
        if not soffice or not pdftoppm:
            raise CommandError("needs soffice (LibreOffice) and pdftoppm (poppler-utils) on PATH")
        out = Path(options["out"])
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory() as tmp:
            if options["file"]:
                source = Path(options["file"])
                stem = source.stem
            else:
                qs = MonthlyReport.objects.order_by("-pk")
                report = qs.filter(pk=options["report"]).first() if options["report"] else qs.first()
                if report is None:
                    raise CommandError("no report found")
                stem = f"monthly-report-{report.pk}"
                source = Path(tmp) / f"{stem}.docx"
                source.write_bytes(bytes(report.docx))
            subprocess.run(  # noqa: S603 - fixed tools, paths we chose
                [soffice, "--headless", "--convert-to", "pdf", "--outdir", tmp, str(source)],
                check=True,
                capture_output=True,
                timeout=180,
            )
            pdf = Path(tmp) / f"{source.stem}.pdf"
            shutil.copy(pdf, out / f"{stem}.pdf")
            subprocess.run(  # noqa: S603 - fixed tools, paths we chose
                [pdftoppm, "-png", "-r", str(options["dpi"]), str(pdf), str(out / stem)],
                check=True,
                timeout=120,
            )
        pages = sorted(out.glob(f"{stem}-*.png"))
        for p in pages:
            self.stdout.write(str(p))
