"""Findings catalogue and explanation texts, kept as data (``data/findings.yaml``, ``data/reasons.yaml``).

``finding(code, version)`` returns the shared, immutable ``Finding`` for a regulation version
(``"2020"``, ``"2025"`` or ``None``): the version's own entry if the catalogue has one, else its
``any`` entry. ``reason(code, **values)`` fills a zh/en template; ``reason_from_ref(ref)`` fills it
again from a stored ``Reason.as_ref()``. Both files are validated when first used; a fault raises
``ParameterError`` naming the file and key.
"""

from __future__ import annotations

import functools
import string
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .model import Finding, Reason
from .params import ParameterError, load_yaml

DATA_DIRECTORY = Path(__file__).with_name("data")
FINDINGS_FILE = DATA_DIRECTORY / "findings.yaml"
REASONS_FILE = DATA_DIRECTORY / "reasons.yaml"

VERSION_KEYS = ("2020", "2025", "any")
_FINDING_FIELDS = ("message_zh", "message_en", "citation")


class Catalogue:
    """Findings by code and version."""

    __slots__ = ("_entries",)

    def __init__(self, entries: dict[str, dict[str, Finding]]) -> None:
        self._entries = entries

    def codes(self) -> list[str]:
        return sorted(self._entries)

    def versions(self, code: str) -> tuple[str, ...]:
        return tuple(self._entries[code])

    def get(self, code: str, version: str | None) -> Finding:
        """The finding for ``version``; ``KeyError`` if the code has neither that version nor ``any``."""
        by_version = self._entries[code]
        if version is not None and version in by_version:
            return by_version[version]
        return by_version["any"]


def _text(file: str, key: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ParameterError(file, key, "must be non-empty text")
    return value.strip()


def load_catalogue(path: Path = FINDINGS_FILE) -> Catalogue:
    file = path.name
    data = load_yaml(path)
    if not isinstance(data, dict) or not data:
        raise ParameterError(file, None, "top level must be a non-empty mapping of finding codes")
    entries: dict[str, dict[str, Finding]] = {}
    for code, versions in data.items():
        if not isinstance(versions, dict) or not versions:
            raise ParameterError(file, str(code), "must map versions (2020, 2025, any) to messages")
        by_version: dict[str, Finding] = {}
        for version, entry in versions.items():
            key = f"{code}.{version}"
            if version not in VERSION_KEYS:
                raise ParameterError(file, key, f"unknown version; one of {', '.join(VERSION_KEYS)}")
            if not isinstance(entry, dict):
                raise ParameterError(file, key, "must be a mapping")
            extra = sorted(str(k) for k in entry if k not in _FINDING_FIELDS)
            if extra:
                raise ParameterError(file, f"{key}.{extra[0]}", "unknown key")
            zh, en, citation = (_text(file, f"{key}.{name}", entry.get(name)) for name in _FINDING_FIELDS)
            by_version[version] = Finding(code=str(code), message_zh=zh, message_en=en, citation=citation)
        entries[str(code)] = by_version
    return Catalogue(entries)


def load_reasons(path: Path = REASONS_FILE) -> dict[str, tuple[str, str]]:
    file = path.name
    data = load_yaml(path)
    if not isinstance(data, dict) or not data:
        raise ParameterError(file, None, "top level must be a non-empty mapping of reason codes")
    reasons: dict[str, tuple[str, str]] = {}
    for code, entry in data.items():
        if not isinstance(entry, dict) or set(entry) != {"zh", "en"}:
            raise ParameterError(file, str(code), "must have exactly the keys zh and en")
        zh, en = _text(file, f"{code}.zh", entry["zh"]), _text(file, f"{code}.en", entry["en"])
        if _fields(zh) != _fields(en):
            raise ParameterError(file, str(code), "zh and en templates use different fields")
        reasons[str(code)] = (zh, en)
    return reasons


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@functools.cache
def get_catalogue() -> Catalogue:
    return load_catalogue()


@functools.cache
def _reasons() -> dict[str, tuple[str, str]]:
    return load_reasons()


def finding(code: str, version: str | None) -> Finding:
    """The catalogue entry for ``code`` under ``version`` (shared instance)."""
    return get_catalogue().get(code, version)


def reason(code: str, **values: str | int) -> Reason:
    """Fill the zh/en templates of reason ``code`` (the values are kept on the ``Reason``)."""
    zh, en = _reasons()[code]
    return Reason(code=code, zh=zh.format(**values), en=en.format(**values), values=tuple(values.items()))


def reason_from_ref(ref: Mapping[str, Any]) -> Reason:
    """The ``Reason`` a stored reference (``Reason.as_ref()``) stands for, its texts from the catalogue.

    A reference that carries its own ``zh``/``en`` texts (kept from before references existed, when the
    texts could not be matched to the templates) is returned with those texts."""
    code = str(ref["code"])
    if "zh" in ref:
        return Reason(code=code, zh=str(ref["zh"]), en=str(ref["en"]))
    return reason(code, **ref.get("values", {}))
