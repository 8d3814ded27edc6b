"""docs/security.md maps each control to the test that proves it: every test it names must exist, in the
file its abbreviation points to, so the table cannot drift from the suite."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
DOC = ROOT / "docs" / "security.md"


def _abbreviations(text: str) -> dict[str, Path]:
    """`AT` = `accounts/tests/test_login_security.py` (paths relative to qingqian/, e2e/ from the root)."""
    found = {}
    for abbr, path in re.findall(r"`([A-Z0-9]{2,4})` = `([\w/]+\.py)`", text):
        found[abbr] = ROOT / path if path.startswith("e2e/") else ROOT / "qingqian" / path
    return found


def _defined(path: Path) -> set[str]:
    return set(re.findall(r"^def (test_\w+)", path.read_text(encoding="utf-8"), re.MULTILINE))


def test_every_test_named_in_docs_security_md_exists_where_the_table_says() -> None:
    text = DOC.read_text(encoding="utf-8")
    files = _abbreviations(text)
    assert {"AT", "SH", "PD", "AC", "CR", "PM", "E2E"} <= set(files)
    every = set().union(
        *(_defined(p) for p in [*ROOT.glob("qingqian/**/tests/test_*.py"), *ROOT.glob("e2e/test_*.py")])
    )
    missing, misplaced = [], []
    for line in text.splitlines():
        if not line.startswith("|"):
            continue
        cells = line.split("|")
        proof = cells[-2] if len(cells) > 2 else ""
        current = None
        for token in re.findall(r"\b(?:[A-Z0-9]{2,4}\b|`test_\w+)", proof):
            if token in files:
                current = files[token]
            elif token.startswith("`test_"):
                name = token[1:]
                if name not in every:
                    missing.append(name)
                elif current is not None and name not in _defined(current):
                    misplaced.append((name, current.name))
    named = set(re.findall(r"`(test_\w+)", text))
    missing += [n for n in named if n not in every]
    assert not missing, sorted(set(missing))
    assert not misplaced, misplaced
    assert len(named) >= 60
