"""An e-mail backend that writes each message as one file into a spool folder (`EMAIL_SPOOL_DIR`),
the way a local relay's pickup directory works, and keeps a *receipt*: the file name carries the
message's Message-ID, so the outbox worker can ask afterwards whether a message already left.

A file appears atomically (written under `tmp/`, then renamed into `new/`): a message either left
or it did not. Sending the same Message-ID twice makes two files — that is how a drill counts a
duplicate delivery.

    EMAIL_BACKEND=qingqian.notifications.spool.SpoolEmailBackend
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Sequence
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend

_UNSAFE = re.compile(r"[^A-Za-z0-9@._-]")


def spool_dir() -> Path:
    return Path(settings.EMAIL_SPOOL_DIR)


def file_key(message_id: str) -> str:
    """The file-name form of a Message-ID: `<qq-notification-7@host>` → `qq-notification-7@host`."""
    return _UNSAFE.sub("_", message_id.strip().strip("<>"))[:180]


class SpoolEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        root = spool_dir()
        (root / "tmp").mkdir(parents=True, exist_ok=True)
        (root / "new").mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            mime = message.message()
            key = file_key(str(mime["Message-ID"] or uuid.uuid4().hex))
            name = f"{key}.{uuid.uuid4().hex}.eml"
            tmp = root / "tmp" / name
            with tmp.open("wb") as out:
                out.write(mime.as_bytes(linesep="\r\n"))
                out.flush()
                os.fsync(out.fileno())
            tmp.rename(root / "new" / name)
            sent += 1
        return sent

    @staticmethod
    def delivered(message_id: str) -> bool:
        """The receipt: has a message with this Message-ID been written to the spool?"""
        folder = spool_dir() / "new"
        return folder.is_dir() and any(folder.glob(f"{file_key(message_id)}.*.eml"))


def deliveries() -> dict[str, int]:
    """How many files each Message-ID (file form) has in the spool: 1 is a delivery, 2 a duplicate."""
    counts: dict[str, int] = {}
    folder = spool_dir() / "new"
    if folder.is_dir():
        for path in folder.iterdir():
            key = path.name.rsplit(".", 2)[0]
            counts[key] = counts.get(key, 0) + 1
    return counts
