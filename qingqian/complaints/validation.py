"""Input checks shared by the portal, staff registration, the API and the upstream import.

Each check raises `InvalidInput` with a Chinese message and `fields={...}`; nothing is written
before every check has passed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from qingqian.core.errors import InvalidInput
from qingqian.core.money import parse_money, quantize_money
from qingqian.registry.uscc import UsccError, check_uscc

MAX_AMOUNT = Decimal("10000000000000000")  # 10^16 yuan
_MARKUP = re.compile(r"<\s*[A-Za-z!/?]|javascript\s*:|\bon[a-z]+\s*=", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class Errors:
    """Collects field errors; `raise_if_any()` raises one InvalidInput with all of them."""

    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.fields.setdefault(field, []).append(str(message))

    def raise_if_any(self, message: str | None = None) -> None:
        if self.fields:
            first = next(iter(self.fields.values()))[0]
            raise InvalidInput(message or first, fields=self.fields)


def text(
    errors: Errors,
    field: str,
    value: Any,
    *,
    label: str,
    max_length: int,
    required: bool = True,
    multiline: bool = False,
) -> str:
    raw = "" if value is None else str(value)
    cleaned = raw.strip()
    if not multiline:
        cleaned = " ".join(cleaned.split())
    if required and not cleaned:
        errors.add(field, _("请填写%(label)s。") % {"label": label})
        return ""
    if len(cleaned) > max_length:
        errors.add(
            field,
            _("%(label)s不能超过%(max)d个字符（当前%(n)d个）。")
            % {"label": label, "max": max_length, "n": len(cleaned)},
        )
        return ""
    if _MARKUP.search(cleaned):
        errors.add(field, _("%(label)s不能包含网页代码（如 <script>、HTML 标签）。") % {"label": label})
        return ""
    if _CONTROL.search(cleaned):
        errors.add(field, _("%(label)s包含无法识别的控制字符。") % {"label": label})
        return ""
    return cleaned


def uscc(errors: Errors, field: str, value: Any, *, label: str, required: bool = True) -> tuple[str, str]:
    raw = "" if value is None else str(value).strip()
    if not raw:
        if required:
            errors.add(field, _("请填写%(label)s。") % {"label": label})
        return "", ""
    try:
        result = check_uscc(raw)
    except UsccError as exc:
        errors.add(field, str(exc))
        return "", ""
    return result.value, result.warning


def money(
    errors: Errors, field: str, value: Any, *, label: str, positive: bool = True, required: bool = True
) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors.add(field, _("请填写%(label)s。") % {"label": label})
        return None
    try:
        amount = parse_money(value)
    except ValueError:
        errors.add(field, _("%(label)s不是有效的金额。") % {"label": label})
        return None
    if positive and amount <= 0:
        errors.add(field, _("%(label)s必须大于0元。") % {"label": label})
        return None
    if amount < 0:
        errors.add(field, _("%(label)s不能为负数。") % {"label": label})
        return None
    if amount >= MAX_AMOUNT:
        errors.add(field, _("%(label)s超出可登记的范围。") % {"label": label})
        return None
    if amount != quantize_money(amount):
        errors.add(field, _("%(label)s最多保留两位小数（分）。") % {"label": label})
        return None
    return amount


def date(
    errors: Errors,
    field: str,
    value: Any,
    *,
    label: str,
    required: bool = True,
    not_future: bool = True,
    today: dt.date | None = None,
) -> dt.date | None:
    if value in (None, ""):
        if required:
            errors.add(field, _("请填写%(label)s。") % {"label": label})
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(str(value).strip()[:10])
        except ValueError:
            errors.add(field, _("%(label)s不是有效的日期（格式：2025-01-31）。") % {"label": label})
            return None
    from django.utils import timezone

    if not_future and value > (today or timezone.localdate()):
        errors.add(field, _("%(label)s不能晚于今天。") % {"label": label})
        return None
    if value.year < 1990:
        errors.add(field, _("%(label)s早于1990年，请核对。") % {"label": label})
        return None
    return value


def choice(
    errors: Errors, field: str, value: Any, *, label: str, choices: list[str], required: bool = True
) -> str:
    v = "" if value is None else str(value).strip()
    if not v:
        if required:
            errors.add(field, _("请选择%(label)s。") % {"label": label})
        return ""
    if v not in choices:
        errors.add(field, _("%(label)s的取值无效。") % {"label": label})
        return ""
    return v


# --- Files: checked by content (magic bytes), not by name ---------------------------------------------


@dataclass(frozen=True)
class FileKind:
    content_type: str
    extensions: tuple[str, ...]
    label: str


PDF = FileKind("application/pdf", (".pdf",), "PDF")
PNG = FileKind("image/png", (".png",), "PNG")
JPEG = FileKind("image/jpeg", (".jpg", ".jpeg"), "JPEG")
DOCX = FileKind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",), "Word")
XLSX = FileKind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",), "Excel")
OLE = FileKind("application/x-ole-storage", (".doc", ".xls"), "Office 97–2003")
OFD = FileKind("application/ofd", (".ofd",), "OFD")
ALLOWED_EXTENSIONS = sorted({e for k in (PDF, PNG, JPEG, DOCX, XLSX, OLE, OFD) for e in k.extensions})


def sniff(head: bytes, stream: Any) -> FileKind | None:
    """What a file is, from its first bytes (and, for ZIP-based formats, its directory)."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return OLE
    if head.startswith(b"PK\x03\x04"):
        try:
            stream.seek(0)
            names = set(zipfile.ZipFile(stream).namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        finally:
            stream.seek(0)
        if "[Content_Types].xml" in names and any(n.startswith("word/") for n in names):
            return DOCX
        if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
            return XLSX
        if "OFD.xml" in names:
            return OFD
    return None


@dataclass(frozen=True)
class CheckedFile:
    name: str
    kind: FileKind
    size: int
    sha256: str


def uploaded_file(errors: Errors, field: str, f: Any, *, max_bytes: int) -> CheckedFile | None:
    """Size limit, allowed extension, and the content must really be that type (an .exe renamed .pdf fails)."""
    name = str(getattr(f, "name", "") or "file")
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip()[:200] or "file"
    size = int(getattr(f, "size", 0) or 0)
    if size <= 0:
        errors.add(field, _("文件“%(name)s”是空文件。") % {"name": base})
        return None
    if size > max_bytes:
        errors.add(
            field,
            _("文件“%(name)s”过大（%(size).1f MB），单个文件不能超过 %(max)d MB。")
            % {"name": base, "size": size / 1048576, "max": max_bytes // 1048576},
        )
        return None
    ext = ("." + base.rsplit(".", 1)[-1].lower()) if "." in base else ""
    if ext not in ALLOWED_EXTENSIONS:
        errors.add(
            field,
            _("文件“%(name)s”的类型不允许，只接受 PDF、图片（PNG/JPEG）和 Office 文档。") % {"name": base},
        )
        return None
    f.seek(0)
    head = f.read(16)
    kind = sniff(head, f)
    if kind is None or ext not in kind.extensions:
        errors.add(
            field,
            _("文件“%(name)s”的内容与扩展名不符或不是允许的类型（可能是改了扩展名的可执行文件），已拒绝。")
            % {"name": base},
        )
        return None
    f.seek(0)
    digest = hashlib.sha256()
    for chunk in iter(lambda: f.read(1 << 20), b""):
        digest.update(chunk)
    f.seek(0)
    return CheckedFile(name=base, kind=kind, size=size, sha256=digest.hexdigest())


def as_stream(data: bytes, name: str) -> Any:
    """Wrap bytes as an uploaded-file-like object (tests, imports)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)
