"""Proofreading: the political expressions Party news must word exactly (规范表述), common 错别字,
claims hospital publicity may not make, traditional characters in a simplified site.

The wording lists are data shipped with the package (data/expressions.toml, data/medical-claims.toml,
each entry with its source); a site adds its own in site.toml ([proofread] entries, or a file it
names): the hospital's name, its leaders' names and their usual misspellings. Text is searched
with an Aho-Corasick automaton (pyahocorasick), after masking what is not the article's own
wording: code, link targets and URLs, HTML tags, and quotations (Markdown `>` blocks), where an
old wording may rightly be quoted as it stood.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterator

DATA = Path(__file__).resolve().parent.parent / "data"


@dataclass(frozen=True)
class Entry:
    wrong: str
    right: str                       # empty for a claim that has no right form, only a reason
    source: str                      # the short citation shown in messages
    context_ok: tuple[str, ...] = ()  # longer wordings that contain `wrong` and are correct
    hint_only: bool = False          # needs a person's judgement: reported as 提示
    kind: str = "expression"         # "expression" | "typo" | "claim" | "site"
    reason: str = ""                 # why a claim may not be made


@dataclass(frozen=True)
class Hit:
    entry: Entry
    start: int                       # offset in the text searched
    text: str                        # what was written


def _citation(source: str) -> str:
    """The first 《…》 title of a source (the full source, with URLs, stays in the data file)."""
    m = re.search(r"《[^》]+》", source)
    if m:
        return m.group(0)
    short = re.split(r"[，,；;]\s*(?:转载|报道见|http)|\s+https?://", source)[0].strip()
    return short.split("（")[0] if len(short) > 40 else short


def _correct_longer(wrong: str, right: str, context_ok) -> tuple[str, ...]:
    """The wordings that contain `wrong` and are correct: those listed, and the right form itself when it
    contains the wrong one (张三丰 for a 张三 entry)."""
    return tuple(context_ok) + ((right,) if right and wrong in right else ())


def _entry(row: dict, kind: str) -> Entry:
    note = row.get("note", "")
    return Entry(row["wrong"], row.get("right", ""), _citation(row.get("source", "") or row.get("basis", "")),
                 _correct_longer(row["wrong"], row.get("right", ""), row.get("context_ok", ())), "提示级" in note or "需人工判断" in note or row.get("hint_only", False),
                 kind)


def _claim(row: dict) -> Entry:
    """A medical-advertising claim: no right form; words a news piece may use with care are 提示."""
    reason = row.get("note", "").split("。")[0]
    return Entry(row["term"], "", _citation(row.get("basis", "")), tuple(row.get("context_ok", ())),
                 row.get("news_risk") == "low", "claim", reason)


@lru_cache(maxsize=4)
def shipped() -> tuple[Entry, ...]:
    """The package's own lists: expressions and 错别字, then medical-advertising claims."""
    entries = []
    with open(DATA / "expressions.toml", "rb") as f:
        entries += [_entry(row, "typo" if row.get("kind") == "typo" else "expression") for row in tomllib.load(f)["entry"]]
    with open(DATA / "medical-claims.toml", "rb") as f:
        entries += [_claim(row) for row in tomllib.load(f)["claim"]]
    return tuple(entries)


def site_entries(rows: tuple) -> tuple[Entry, ...]:
    return tuple(Entry(r.wrong.strip(), r.right.strip(), r.source or "本站规定", _correct_longer(r.wrong, r.right, r.context_ok),
                       False, "site") for r in rows if r.wrong.strip())


class Dictionary:
    """Every entry, compiled into one automaton: `hits(text)` finds them all in one pass."""

    def __init__(self, entries: tuple[Entry, ...]):
        import ahocorasick  # loaded only when an article is proofread
        self.automaton = ahocorasick.Automaton()
        for entry in entries:
            found = self.automaton.get(entry.wrong, None)
            self.automaton.add_word(entry.wrong, (found or ()) + (entry,))
        if entries:
            self.automaton.make_automaton()
        self.empty = not entries

    def hits(self, text: str) -> Iterator[Hit]:
        if self.empty:
            return
        for end, entries in self.automaton.iter(text):
            for entry in entries:
                start = end - len(entry.wrong) + 1
                if not _inside_correct(text, start, start + len(entry.wrong), entry.context_ok):
                    yield Hit(entry, start, entry.wrong)


def _inside_correct(text: str, start: int, end: int, context_ok: tuple[str, ...]) -> bool:
    """Is [start, end) part of a longer wording that is correct (二十届三中全会 for 三中全会)?"""
    for longer in context_ok:
        lo = max(0, end - len(longer))
        at = text.find(longer, lo, start + len(longer))
        while at != -1 and at <= start:
            if at + len(longer) >= end:
                return True
            at = text.find(longer, at + 1, start + len(longer))
    return False


# What is not the article's own wording, blanked out (same length, so offsets and lines hold) ----------
_MASKS = [
    re.compile(r"^(?: {4}|\t).*$", re.M),                      # indented code
    re.compile(r"^(`{3,}|~{3,}).*?^\1[^\n]*$", re.M | re.S),   # fenced code
    re.compile(r"`[^`\n]+`"),                                  # inline code
    re.compile(r"^ {0,3}>.*$", re.M),                          # quotations: the original wording stands
    re.compile(r"\]\([^)\n]*\)"),                              # link and image targets
    re.compile(r"<[^>\n]*>"),                                  # HTML tags and their attributes
    re.compile(r"(?:https?|ftp)://\S+|www\.\S+"),             # bare URLs
]


def own_words(markdown: str) -> str:
    """The body with code, URLs, tags and quotations blanked (newlines kept)."""
    for mask in _MASKS:
        markdown = mask.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), markdown)
    return markdown


# Traditional characters ---------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _traditional() -> tuple[frozenset[str], object]:
    """The characters OpenCC turns into others going from traditional to simplified (computed once)."""
    import opencc
    convert = opencc.OpenCC("t2s").convert
    han = "".join(chr(c) for c in range(0x4E00, 0x9FFF + 1))
    simplified = convert(han)
    return frozenset(a for a, b in zip(han, simplified) if a != b), convert


def traditional_runs(text: str) -> Iterator[tuple[int, str, str]]:
    """(offset, run, its simplified form) for each stretch of Chinese with traditional characters in it,
    from its first traditional character to its last (開展黨建活動 is one finding, not three)."""
    chars, convert = _traditional()
    if chars.isdisjoint(text):
        return
    for m in _HAN_RUN.finditer(text):
        found = [i for i, ch in enumerate(m.group(0)) if ch in chars]
        if found:
            run = m.group(0)[found[0]:found[-1] + 1]
            yield m.start() + found[0], run, convert(run)


_HAN_RUN = re.compile(r"[\u3400-\u9fff]+")
