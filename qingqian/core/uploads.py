"""Upload checks by content, not by name (ASVS 5.0 V5.2, 等保 8.1.4.4 入侵防范).

    from qingqian.core.uploads import check_upload, EVIDENCE
    kind = check_upload(request.FILES["file"], allowed=EVIDENCE)   # raises InvalidInput

The first bytes decide the type (PDF, PNG, JPEG, GIF, WebP, ZIP-based Office files whose
`[Content_Types].xml` says what they are, legacy OLE Office, plain text/CSV); the file name's
extension must agree with it; executables, HTML/SVG (script carriers) and archives that are not Office
documents are refused; the size is capped.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePath
from typing import Any

from django.utils.translation import gettext as _

from qingqian.core.errors import InvalidInput

MAX_UPLOAD_BYTES = 20 * 1024 * 1024

EXTENSIONS = {
    "pdf": {".pdf"},
    "png": {".png"},
    "jpeg": {".jpg", ".jpeg"},
    "gif": {".gif"},
    "webp": {".webp"},
    "docx": {".docx"},
    "xlsx": {".xlsx"},
    "pptx": {".pptx"},
    "ole": {".doc", ".xls", ".ppt", ".wps", ".et"},
    "ofd": {".ofd"},
    "text": {".txt", ".csv"},
}
EVIDENCE = frozenset({"pdf", "png", "jpeg", "gif", "webp", "docx", "xlsx", "ole", "ofd", "text"})
SPREADSHEETS = frozenset({"xlsx", "ole", "text"})
IMAGES = frozenset({"png", "jpeg", "gif", "webp"})

_REFUSED_MARKERS = (b"MZ", b"\x7fELF", b"#!", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe")
_HTML_MARKERS = (b"<!doctype html", b"<html", b"<script", b"<svg", b"<?xml")


def sniff(head: bytes, data: Any = None) -> str | None:
    """The content type of a file from its first bytes (and, for ZIP, its manifest)."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if head.startswith(b"PK\x03\x04") and data is not None:
        return _zip_kind(data)
    if head.startswith(_REFUSED_MARKERS):
        return None
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if lowered.startswith(_HTML_MARKERS):
        return None
    if b"\x00" in head:
        return None
    for encoding in ("utf-8", "gb18030"):
        try:
            head.decode(encoding)
            return "text"
        except UnicodeDecodeError as exc:
            if exc.start >= len(head) - 4:  # a multi-byte character cut at the sample's end
                return "text"
    return None


def _zip_kind(data: Any) -> str | None:
    try:
        with zipfile.ZipFile(data) as archive:
            names = set(archive.namelist())
            if "OFD.xml" in names:
                return "ofd"
            if "[Content_Types].xml" not in names:
                return None
            manifest = archive.read("[Content_Types].xml")[:20000]
    except (zipfile.BadZipFile, KeyError, OSError):
        return None
    if b"wordprocessingml" in manifest:
        return "docx"
    if b"spreadsheetml" in manifest:
        return "xlsx"
    if b"presentationml" in manifest:
        return "pptx"
    return None


def check_upload(
    upload: Any, *, allowed: frozenset[str] = EVIDENCE, max_bytes: int = MAX_UPLOAD_BYTES
) -> str:
    """Return the detected kind, or raise InvalidInput (field `file`) with a Chinese message."""
    name = getattr(upload, "name", "") or ""
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise InvalidInput(
            _("文件过大：单个文件不能超过 %(mb)d MB。") % {"mb": max_bytes // (1024 * 1024)},
            fields={"file": [_("文件过大。")]},
            code="upload_too_large",
        )
    if hasattr(upload, "seek"):
        upload.seek(0)
    content = upload.read() if hasattr(upload, "read") else bytes(upload)
    if hasattr(upload, "seek"):
        upload.seek(0)
    if len(content) > max_bytes:
        raise InvalidInput(
            _("文件过大：单个文件不能超过 %(mb)d MB。") % {"mb": max_bytes // (1024 * 1024)},
            fields={"file": [_("文件过大。")]},
            code="upload_too_large",
        )
    if not content:
        raise InvalidInput(_("文件为空。"), fields={"file": [_("文件为空。")]}, code="upload_empty")
    kind = sniff(content[:4096], io.BytesIO(content))
    if kind is None or kind not in allowed:
        raise InvalidInput(
            _("不支持的文件类型：请上传 PDF、图片、Word 或 Excel 文件。"),
            fields={"file": [_("不支持的文件类型。")]},
            code="upload_type",
        )
    extension = PurePath(name).suffix.lower()
    if extension not in EXTENSIONS[kind]:
        raise InvalidInput(
            _("文件扩展名与文件内容不符。"),
            fields={"file": [_("文件扩展名与文件内容不符。")]},
            code="upload_extension_mismatch",
        )
    return kind
