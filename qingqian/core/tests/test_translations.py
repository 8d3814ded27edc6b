"""The English catalogue is complete and compiled, and English pages show no Chinese UI text.

Fails when someone adds a Chinese source string and does not translate it: run `make messages`,
translate the new entries in locale/en/LC_MESSAGES/django.po, and `make messages` again (see
docs/i18n.md).
"""

from __future__ import annotations

import gettext
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

LOCALE_DIR = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
PO = LOCALE_DIR / "django.po"
MO = LOCALE_DIR / "django.mo"

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%%|%[sd]|\{\w*\}")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


# --- a small .po reader (polib is not a dependency) ----------------------------------------------
@dataclass
class PoEntry:
    line: int
    flags: set[str] = field(default_factory=set)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)  # plain msgstr is index 0

    @property
    def label(self) -> str:
        ctx = f"[{self.msgctxt}] " if self.msgctxt is not None else ""
        return f"django.po:{self.line} {ctx}{self.msgid!r}"


def _unquote(text: str) -> str:
    body = text.strip()
    assert body.startswith('"') and body.endswith('"'), body
    body = body[1:-1]
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), body)


def read_po(path: Path) -> list[PoEntry]:
    entries: list[PoEntry] = []
    current: PoEntry | None = None
    target: tuple[str, int] | None = None
    keyword = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(".*")\s*$')
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            current, target = None, None
            continue
        if line.startswith("#~"):  # obsolete entries are not compiled
            continue
        if current is None:
            current = PoEntry(line=number)
            entries.append(current)
        if line.startswith("#,"):
            current.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif match := keyword.match(line):
            name, index, value = match.group(1), match.group(2), _unquote(match.group(3))
            if name == "msgstr":
                target = ("msgstr", int(index or 0))
                current.msgstr[target[1]] = value
            else:
                target = (name, 0)
                setattr(current, name, value)
        elif line.startswith('"') and target is not None:
            name, index = target
            if name == "msgstr":
                current.msgstr[index] += _unquote(line)
            else:
                setattr(current, name, (getattr(current, name) or "") + _unquote(line))
        else:
            raise AssertionError(f"django.po:{number}: cannot parse {raw!r}")
    return entries


def catalogue() -> list[PoEntry]:
    assert PO.exists(), f"{PO} is missing: run `make messages`"
    return [e for e in read_po(PO) if e.msgid != ""]  # the header has an empty msgid


# --- the catalogue -------------------------------------------------------------------------------
def test_the_english_catalogue_has_entries() -> None:
    entries = catalogue()
    assert len(entries) > 100
    header = next(e for e in read_po(PO) if e.msgid == "")
    assert "Language: en" in header.msgstr[0]
    assert "fuzzy" not in header.flags


def test_every_entry_is_translated_and_none_is_fuzzy() -> None:
    problems = []
    for entry in catalogue():
        if "fuzzy" in entry.flags:
            problems.append(f"{entry.label}: fuzzy")
        expected = [0, 1] if entry.msgid_plural is not None else [0]
        for index in expected:
            if not entry.msgstr.get(index, "").strip():
                problems.append(f"{entry.label}: empty msgstr[{index}]")
        for index, text in entry.msgstr.items():
            if CJK.search(text):
                problems.append(f"{entry.label}: msgstr[{index}] is still Chinese: {text!r}")
    assert not problems, "untranslated entries (see docs/i18n.md):\n" + "\n".join(problems)


def test_placeholders_survive_translation() -> None:
    problems = []
    for entry in catalogue():
        sources = [entry.msgid] + ([entry.msgid_plural] if entry.msgid_plural is not None else [])
        wanted = {tuple(sorted(PLACEHOLDER.findall(s))) for s in sources}
        for index, text in entry.msgstr.items():
            found = tuple(sorted(PLACEHOLDER.findall(text)))
            if found not in wanted:
                problems.append(f"{entry.label}: msgstr[{index}] has {found}, source has {wanted}")
    assert not problems, "\n".join(problems)


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext's msgfmt is not installed")
def test_msgfmt_accepts_the_catalogue(tmp_path: Path) -> None:
    result = subprocess.run(
        ["msgfmt", "--check", "-o", str(tmp_path / "django.mo"), str(PO)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_the_compiled_catalogue_matches_the_po_file() -> None:
    """The committed .mo must say exactly what the .po says (run `make messages` after editing)."""
    assert MO.exists(), f"{MO} is missing: run `make messages`"
    with MO.open("rb") as fh:
        mo = gettext.GNUTranslations(fh)
    problems = []
    expected_keys: set[Any] = {""}
    for entry in catalogue():
        key = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural is None:
            expected_keys.add(key)
            got = (
                mo.gettext(entry.msgid) if entry.msgctxt is None else mo.pgettext(entry.msgctxt, entry.msgid)
            )
            if got != entry.msgstr[0]:
                problems.append(f"{entry.label}: .mo has {got!r}, .po has {entry.msgstr[0]!r}")
            continue
        for index, n in ((0, 1), (1, 2)):
            expected_keys.add((key, index))
            if entry.msgctxt is None:
                got = mo.ngettext(entry.msgid, entry.msgid_plural, n)
            else:
                got = mo.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, n)
            if got != entry.msgstr[index]:
                problems.append(f"{entry.label}: .mo has {got!r} for n={n}, .po has {entry.msgstr[index]!r}")
    # GNUTranslations keeps every key in its private _catalog; nothing public lists them.
    stale = set(vars(mo)["_catalog"]) - expected_keys
    problems += [f".mo has an entry the .po does not: {key!r}" for key in sorted(stale, key=repr)]
    assert not problems, "the .mo is out of date, run `make messages`:\n" + "\n".join(problems)


# --- rendered pages ------------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def _restore_the_active_language() -> Iterator[None]:
    """LocaleMiddleware activates English for the thread and nothing deactivates it; without this,
    later tests that call gettext() outside a request would see English."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


class _TextIn(HTMLParser):
    """Collects the text inside the given tags, leaving out elements marked lang="zh…" inside the
    page (the language switch names Chinese in Chinese on purpose)."""

    def __init__(self, tags: set[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.tags = tags
        self.stack: list[tuple[str, str | None, bool]] = []  # (tag, wanted tag we are in, in lang=zh)
        self.text: dict[str, list[str]] = {t: [] for t in tags}
        self.html_lang = ""

    _VOID = frozenset({"br", "hr", "img", "input", "link", "meta", "source", "wbr", "area", "col"})

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "html":
            self.html_lang = attributes.get("lang") or ""
        if tag in self._VOID:
            return
        parent_wanted, parent_zh = (self.stack[-1][1], self.stack[-1][2]) if self.stack else (None, False)
        marked_zh = tag != "html" and (attributes.get("lang") or "").lower().startswith("zh")
        zh = parent_zh or marked_zh
        wanted = tag if tag in self.tags else parent_wanted
        self.stack.append((tag, wanted, zh))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        if self.stack:
            _, wanted, zh = self.stack[-1]
            if wanted is not None and not zh:
                self.text[wanted].append(data)


def _read(html: str, *tags: str) -> _TextIn:
    parser = _TextIn(set(tags))
    parser.feed(html)
    return parser


def _assert_english(page: _TextIn, *tags: str) -> None:
    assert page.html_lang == "en"
    for tag in tags:
        text = " ".join(" ".join(page.text[tag]).split())
        assert text, f"no <{tag}> text"
        assert not CJK.search(text), f"Chinese inside <{tag}>: {text}"


@pytest.mark.django_db
def test_the_public_home_is_english_for_an_english_browser() -> None:
    response = Client().get("/", HTTP_ACCEPT_LANGUAGE="en")
    page = _read(response.content.decode(), "h1", "nav", "footer")
    _assert_english(page, "h1", "nav", "footer")
    assert "Arrears" in " ".join(page.text["h1"])


@pytest.mark.django_db
def test_the_language_switch_turns_the_public_home_english() -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert _read(client.get("/").content.decode(), "h1").html_lang == "zh-CN"
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    page = _read(client.get("/").content.decode(), "h1", "nav")
    _assert_english(page, "h1", "nav")
    assert "Arrears" in " ".join(page.text["h1"])


@pytest.mark.django_db
def test_the_public_home_stays_chinese_by_default() -> None:
    page = _read(Client().get("/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode(), "h1")
    assert page.html_lang == "zh-CN"
    assert "清理拖欠中小企业账款" in "".join(page.text["h1"])


def test_the_calculator_explains_the_result_in_english(world: Any, client_for: Any) -> None:
    client = client_for(world.clerk)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.post(
        "/rules/calculator/",
        {
            "payer_kind": "organ",
            "amount": "100000.00",
            "signed_on": "2025-07-01",
            "delivered_on": "2025-07-10",
            "agreed_term_days": "90",
            "payments": "2025-09-30 40000.00",
            "as_of": "2025-12-31",
            "regulation_version_by": "signing",
            "payment_allocation": "principal_first",
        },
    ).content.decode()
    page = _read(html, "h1", "h2", "h3", "dl", "label", "legend", "summary", "th", "strong")
    _assert_english(page, "h1", "h2", "h3", "dl", "label", "legend", "summary", "th", "strong")
    assert "2025 edition" in html
    assert "The term runs from delivery" in html  # the rules' English reason, not the Chinese one
    assert "60 days" in html
