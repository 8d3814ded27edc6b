"""The drills' e-mail relay: the spool backend (one file per delivery, named by Message-ID, which is
also the receipt) with the latency of a real relay around the hand-over, so a `kill -9` of the
worker lands mid-send often — before the message left and after it left but before the outbox row
was marked sent.

    EMAIL_BACKEND=drills.mail.SlowSpoolEmailBackend  DRILL_MAIL_LATENCY=0.02
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence

from django.core.mail import EmailMessage

from qingqian.notifications.spool import SpoolEmailBackend


class SlowSpoolEmailBackend(SpoolEmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        latency = float(os.environ.get("DRILL_MAIL_LATENCY", "0.02"))
        time.sleep(latency)  # connecting, greeting, sending DATA
        sent = super().send_messages(email_messages)
        time.sleep(latency)  # the relay's "250 OK" travelling back, QUIT
        return sent
