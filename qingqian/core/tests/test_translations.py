"""The English catalogue is current, complete and compiled, and English pages show no Chinese UI text.

Fails when someone adds a Chinese source string and does not run `make messages` (the catalogue is
not current), or does not translate the new entries in locale/en/LC_MESSAGES/django.po, or leaves
Chinese on a page unwrapped; see docs/i18n.md.
"""

from __future__ import annotations

import gettext
import json
import re
import shutil
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.commands.makemessages import Command as MakeMessages
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import translation

LOCALE_DIR = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
PO = LOCALE_DIR / "django.po"
MO = LOCALE_DIR / "django.mo"

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%%|%[sd]|\{\w*\}")
QUOTED = re.compile(r"“([^”]*)”")  # a literal the user types, e.g. “金额单位：元”, may stay Chinese
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
            if CJK.search(_without_quoted_literals(text, entry)):
                problems.append(f"{entry.label}: msgstr[{index}] is still Chinese: {text!r}")
    assert not problems, "untranslated entries (see docs/i18n.md):\n" + "\n".join(problems)


def _without_quoted_literals(text: str, entry: PoEntry) -> str:
    """Drops “…” quotations the msgid has word for word: what a user types into a Chinese file
    (“金额单位：元”) is quoted, not translated."""
    source = entry.msgid + (entry.msgid_plural or "")
    return QUOTED.sub(lambda m: "" if m.group(1) in source else m.group(0), text)


# --- the catalogue is current --------------------------------------------------------------------
class _ExtractInto(MakeMessages):
    """Django's own extraction (what `make messages` runs), writing into a temporary directory instead of
    locale/: the source files are found exactly as makemessages finds them, then every file's catalogue
    directory is redirected."""

    def __init__(self, target: Path) -> None:
        super().__init__()
        self.target = str(target)

    def find_files(self, root: str) -> list[Any]:
        files = super().find_files(root)
        self.locale_paths = [self.target]
        for f in files:
            f.locale_dir = self.target
        return files

    def remove_potfiles(self) -> None:
        Path(self.target, f"{self.domain}.pot").unlink(missing_ok=True)


def _makefile_ignores() -> list[str]:
    """The --ignore patterns of the Makefile's `messages` target (one list, so the test and the
    command look at the same files)."""
    makefile = (Path(settings.BASE_DIR) / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^messages:.*?\n((?:\t.*\n)+)", makefile, re.M)
    assert recipe, "the Makefile has no `messages` target"
    patterns = [
        p.strip("'\"") for p in re.findall(r"--ignore=(\S+)", recipe.group(1).split("compilemessages")[0])
    ]
    assert patterns, "the `messages` target ignores nothing?"
    return patterns


def _keys(entries: Iterable[PoEntry]) -> set[tuple[str | None, str, str | None]]:
    return {(e.msgctxt, e.msgid, e.msgid_plural) for e in entries if e.msgid}


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext's xgettext is not installed")
def test_the_catalogue_is_current_with_the_source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every msgid the source tree marks for translation is in django.po, and django.po has nothing the
    source no longer marks: what `make messages` would change, it has already changed."""
    monkeypatch.chdir(settings.BASE_DIR)
    call_command(
        _ExtractInto(tmp_path),
        locale=["en"],
        ignore_patterns=_makefile_ignores(),
        no_obsolete=True,
        verbosity=0,
    )
    fresh = _keys(read_po(tmp_path / "en" / "LC_MESSAGES" / "django.po"))
    committed = _keys(catalogue())
    assert len(fresh) > 100

    missing, stale = sorted(fresh - committed, key=repr), sorted(committed - fresh, key=repr)
    assert not missing, f"not in the catalogue yet: run `make messages` and translate them: {missing}"
    assert not stale, f"in the catalogue but no longer in the source: run `make messages`: {stale}"


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


# --- whole pages in English: no Chinese outside data ---------------------------------------------
class _PageText(HTMLParser):
    """Everything a reader meets on a page: text, the attributes that are read out or shown (aria-label,
    placeholder, title, alt, data-confirm) and the strings of json_script blocks (chart labels). Leaves
    out other scripts, styles and elements marked lang="zh…" (Chinese on purpose, e.g. a citation)."""

    _ATTRIBUTES = ("aria-label", "placeholder", "title", "alt", "data-confirm")
    _VOID = _TextIn._VOID

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool, str]] = []  # (tag, in lang=zh, script kind)
        self.texts: list[str] = []
        self.html_lang = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "html":
            self.html_lang = attributes.get("lang") or ""
        zh = (self.stack[-1][1] if self.stack else False) or (
            tag != "html" and (attributes.get("lang") or "").lower().startswith("zh")
        )
        if not zh:
            self.texts += [str(attributes[a]) for a in self._ATTRIBUTES if attributes.get(a)]
        if tag not in self._VOID:
            kind = "json" if attributes.get("type") == "application/json" else "code"
            self.stack.append((tag, zh, kind if tag in ("script", "style") else ""))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        _tag, zh, kind = self.stack[-1] if self.stack else ("", False, "")
        if zh or kind == "code" or not data.strip():
            return
        self.texts += list(_strings_in(json.loads(data))) if kind == "json" else [data]


def _strings_in(value: Any, skip: frozenset[str] = frozenset()) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in skip:
                yield from _strings_in(item, skip)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings_in(item, skip)


# The rules' bilingual texts are stored with both languages; the English page must show the "en" one,
# so the Chinese one is not counted as data.
_BILINGUAL_KEYS = frozenset({"zh", "message_zh", "name_zh", "reason_zh"})


@pytest.fixture
def data_values(world: Any) -> list[str]:
    """Every Chinese text the database holds (names, contract names, reasons, messages recorded at the
    time, event details): data, shown as entered whatever the language. Longest first."""
    values: set[str] = set()
    for model in apps.get_models():
        text_fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        if not text_fields:
            continue
        for row in model._default_manager.values_list(*text_fields).iterator():
            values.update(s.strip() for s in _strings_in(list(row), _BILINGUAL_KEYS) if CJK.search(s))
    return sorted((v for v in values if len(v) >= 2), key=len, reverse=True)


def _chinese_ui_text(html: str, data: list[str]) -> list[str]:
    """The Chinese left on an English page once data values are taken out. A data value cut short by
    `truncatechars` ("测试合同…") counts as data too, and so does a “quoted” literal the user is to type
    into a Chinese file (“金额单位：元”)."""
    page = _PageText()
    page.feed(html)
    assert page.html_lang == "en"
    leftovers = []
    for text in page.texts:
        if not CJK.search(text):
            continue
        for value in data:
            if value in text:
                text = text.replace(value, " ")
                if not CJK.search(text):
                    break
        for cut in re.findall(r"\S*…", text):
            if any(v.startswith(cut[:-1]) for v in data):
                text = text.replace(cut, " ")
        text = QUOTED.sub(" ", text)
        if CJK.search(text):
            leftovers.append(" ".join(text.split()))
    return leftovers


def _english(client: Client) -> Client:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    return client


def _assert_english_pages(client: Client, urls: list[str], data: list[str]) -> None:
    problems = []
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, f"{url}: {response.status_code}"
        problems += [f"{url}: {text}" for text in _chinese_ui_text(response.content.decode(), data)]
    assert not problems, "Chinese UI text on English pages (wrap it for translation):\n" + "\n".join(problems)


def test_the_ledger_pages_are_english_for_a_clerk(
    world: Any, client_for: Any, data_values: list[str]
) -> None:
    from qingqian.ledger.models import ArrearsItem

    def one_of_each(items: Any) -> set[Any]:
        """An item of each kind the detail page shows differently."""
        return {
            items.filter(plans__isnull=False).first(),
            items.filter(disputes__isnull=False).first(),
            items.filter(payment_reports__isnull=False).first(),
            items.filter(warnings__isnull=False).first(),
            items.filter(status="closed").first(),
            items.filter(due_on__isnull=True).first(),
            items.filter(entries__kind="reversal").first(),
        } - {None}

    mine = one_of_each(ArrearsItem.objects.restrict(world.clerk, "view"))
    others = one_of_each(ArrearsItem.objects.all()) - mine
    assert len(mine) >= 3 and len(mine | others) >= 6
    debtor = next(iter(mine)).debtor_id
    urls = [
        reverse("ledger:item_list"),
        reverse("ledger:item_list") + "?disputed=1&overdue=1",
        reverse("ledger:warning_list") + "?all=1",
        reverse("ledger:cleared") + "?by=period&period=quarter",
        reverse("ledger:cleared") + "?by=debtor_kind",
        reverse("ledger:debtor_detail", args=[debtor]),
        reverse("ledger:item_create"),
        reverse("ledger:import_upload"),
        *(reverse("ledger:item_detail", args=[i.pk]) for i in mine),
    ]
    _assert_english_pages(_english(client_for(world.clerk)), urls, data_values)
    office = [reverse("ledger:item_detail", args=[i.pk]) for i in others]
    _assert_english_pages(_english(client_for(world.office)), office, data_values)


def test_the_enterprise_portal_and_campaigns_are_english(
    world: Any, client_for: Any, data_values: list[str]
) -> None:
    from qingqian.ledger.models import Campaign

    _assert_english_pages(_english(client_for(world.enterprise)), [reverse("ledger:portal")], data_values)
    campaigns = [reverse("ledger:campaign_detail", args=[c.pk]) for c in Campaign.objects.all()[:3]]
    office = _english(client_for(world.office))
    _assert_english_pages(office, [reverse("ledger:campaign_list"), *campaigns], data_values)


def test_the_disclosure_board_is_english_for_the_office(
    world: Any, client_for: Any, data_values: list[str]
) -> None:
    from qingqian.disclosure.models import DisclosureReturn

    one_per_status = {r.status: r.pk for r in DisclosureReturn.objects.order_by("-version", "-pk")}
    returns = [reverse("disclosure:return_detail", args=[pk]) for pk in one_per_status.values()]
    urls = [reverse("disclosure:board"), reverse("disclosure:reports"), *returns]
    _assert_english_pages(_english(client_for(world.office)), urls, data_values)


def test_the_public_disclosure_pages_are_english(world: Any, data_values: list[str]) -> None:
    from qingqian.disclosure.models import PublishedDisclosure

    published = PublishedDisclosure.objects.order_by("-version", "body_id").first()
    assert published is not None
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    urls = [
        reverse("public:bodies"),
        reverse("public:bodies") + "?q=%E5%B1%80&kind=organ",  # a search: q=局
        reverse("public:body", args=[published.body_id]),
        reverse("public:regions"),
        reverse("public:methodology"),
        reverse("public:open_data"),
    ]
    _assert_english_pages(client, urls, data_values)


def test_the_dashboard_is_english_for_the_leader(world: Any, client_for: Any, data_values: list[str]) -> None:
    from django.core.cache import cache

    cache.clear()
    body = world.clerk.grants.values_list("organisation_id", flat=True).first()
    urls = [
        reverse("dashboards:home"),
        reverse("dashboards:items") + "?disputed=1&debtor_kind=organ",
        reverse("dashboards:payments") + f"?debtor={body}",
        reverse("dashboards:performance") + f"?body={body}",
    ]
    _assert_english_pages(_english(client_for(world.leader)), urls, data_values)


# --- files that stay Chinese by design (docs/i18n.md) ----------------------------------------------
def test_a_ledger_exported_in_english_is_the_chinese_template_and_imports_back(
    world: Any, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """The xlsx keeps the documented Chinese headers and labels (货物, 小型, …) whatever language the
    person exporting reads the pages in, so the file round-trips through the importer."""
    import io

    import openpyxl

    from qingqian.ledger.models import ArrearsItem, ImportJob

    client = _english(client_for(world.clerk))
    exported = client.get(reverse("ledger:export"))
    assert exported.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(exported.content)).active
    assert sheet["A1"].value == "金额单位：元"
    cells = [c.value for row in sheet.iter_rows(min_row=2) for c in row if isinstance(c.value, str)]
    assert "标的类型" in cells and "工程" in cells
    assert not {"Works", "Goods", "Services", "Small"} & set(cells)

    upload = io.BytesIO(exported.content)
    upload.name = "ledger.xlsx"
    with django_capture_on_commit_callbacks(execute=True):  # the import task runs inside the request
        response = client.post(reverse("ledger:import_upload"), {"file": upload, "unit": "auto"})
    assert response.status_code == 302
    job = ImportJob.objects.order_by("-pk").first()
    assert job is not None and job.status == "succeeded", (job and job.message, job and job.errors)
    rows = ArrearsItem.objects.restrict(world.clerk, "view").count()
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 0, rows)
    assert CJK.search(job.message)  # recorded in the source language, like the database worker does
