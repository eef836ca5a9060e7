"""Scoring an imported article against what a careful person reads off the old page
(tests/fixtures/import/unseen/*.expected.yaml): used by the import tests and by
benchmarks/import_quality.py, which compares the extractor library with our rules alone."""
from __future__ import annotations

import re
from pathlib import Path

import yaml

UNSEEN = Path(__file__).parent / "fixtures" / "import" / "unseen"
HOLDOUT = UNSEEN.parent / "holdout"      # written after the rules were tuned on UNSEEN, scored blind first
FIELDS = ("title", "date", "source", "author", "editor")
_GLOSS = re.compile(r"[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7}[)）]")


def expectations(*folders: Path) -> list[dict]:
    """Each page's expectations, with `path`: the page itself."""
    out = []
    for folder in folders or (UNSEEN, HOLDOUT):
        for p in sorted(folder.glob("*.expected.yaml")):
            want = yaml.safe_load(p.read_text(encoding="utf-8"))
            out.append({**want, "path": folder / want["file"]})
    return out


def read_output(path: Path) -> tuple[dict, str]:
    text = path.read_text(encoding="utf-8")
    fm, body = text[4:].split("\n---\n", 1)
    return yaml.safe_load(fm), body


def _names(value) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", _GLOSS.sub("", text))


def score(want: dict, fm: dict | None, body: str) -> dict[str, bool]:
    """{field: right?} for title, date, source, author, editor, paragraphs (every real one kept, in
    order), junk (none kept), held (the article waits for review with notes)."""
    fm = fm or {}
    got_date = str(fm.get("date", ""))
    if want["date"] is None:
        date_ok = any("日期" in n for n in fm.get("import_notes", []))
    elif re.fullmatch(r"\d{2}-\d{2}", want["date"]):
        date_ok = got_date[5:10] == want["date"] and any("年份" in n for n in fm.get("import_notes", []))
    else:
        date_ok = got_date == want["date"]
    flat = _squash(body)
    at, order_ok = 0, True
    for piece in want["paragraphs"]:
        found = flat.find(_squash(piece), at)
        if found < 0:
            order_ok = False
            break
        at = found
    return {
        "title": fm.get("title") == want["title"],
        "date": date_ok,
        "source": fm.get("source") == want["source"],
        "author": _names(fm.get("author")) == _names(want["author"]),
        "editor": fm.get("editor") == want["editor"],
        "paragraphs": bool(body) and order_ok,
        "junk": bool(body) and not any(_squash(j) in flat for j in want["junk"]),
        "held": bool(fm.get("import_notes")),
    }


def misses(want: dict, fm: dict | None, body: str) -> list[str]:
    """What is wrong, readably (for assertion messages and the benchmark)."""
    fm = fm or {}
    out = []
    for name in FIELDS:
        if not score(want, fm, body)[name]:
            out.append(f"{name}: want {want[name]!r}, got {fm.get(name)!r}")
    flat = _squash(body)
    out += [f"lost paragraph {p!r}" for p in want["paragraphs"] if _squash(p) not in flat]
    out += [f"junk kept {j!r}" for j in want["junk"] if _squash(j) in flat]
    if not fm.get("import_notes"):
        out.append("not held for review (no import_notes)")
    return out
