"""Spam that hacked or scraped pages carry (gambling, pornography, 代开发票 and the like): a line
dense with the shipped vocabulary (data/spam-words.txt, traditional forms included) is suspected spam. The importer drops such
lines; the per-file rule holds back any article that still has one, so none is ever published.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from .. import problems as P
from .lines import shown_texts, source_line

_SHARE = 0.2          # entries covering a fifth of a line make it spam, even one entry in a short line


@dataclass(frozen=True)
class SpamLine:
    start: int            # offset of the line in the text
    line: str
    words: tuple[str, ...]    # the distinct entries found, in order


def _rows() -> list[list[str]]:
    """Each entry: its simplified form first, then its traditional forms, as the file lists them."""
    text = (Path(__file__).parent.parent / "data" / "spam-words.txt").read_text(encoding="utf-8")
    return [line.lower().split() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def vocabulary() -> tuple[str, ...]:
    return tuple(row[0] for row in _rows())


@lru_cache(maxsize=1)
def _automaton():
    """Every entry in every form, in one Aho-Corasick automaton (built once a process, in ms: the
    traditional forms are in the file, so no converter is loaded for an edit build)."""
    import ahocorasick
    automaton = ahocorasick.Automaton()
    for row in _rows():
        for form in row:
            automaton.add_word(form, row[0])
    automaton.make_automaton()
    return automaton


def words_in(line: str) -> list[tuple[int, int, str]]:
    """(start, end, entry) of every vocabulary entry in `line`, longest first where they overlap."""
    found = [(end - len(word) + 1, end + 1, word) for end, word in _automaton().iter(line.lower())]
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    kept, reach = [], -1
    for start, end, word in found:
        if start >= reach:
            kept.append((start, end, word))
            reach = end
    return kept


def is_spam(line: str) -> tuple[str, ...]:
    """The entries that make `line` suspected spam (two different ones, or a fifth of its text); ()
    when it is not."""
    found = words_in(line)
    if not found:
        return ()
    words = tuple(dict.fromkeys(w for _, _, w in found))
    visible = len(re.sub(r"\s", "", line)) or 1
    covered = sum(end - start for start, end, _ in found)
    return words if len(words) >= 2 or covered / visible >= _SHARE else ()


def spam_lines(text: str) -> Iterator[SpamLine]:
    if next(_automaton().iter(text.lower()), None) is None:
        return                      # most articles: one pass over the text, no line looked at
    at = 0
    for line in text.split("\n"):
        words = is_spam(line)
        if words:
            yield SpamLine(at, line, words)
        at += len(line) + 1


def spam_rule(src, report, config) -> None:
    """The per-file rule (core/content.RULES): an article with a line of suspected spam is held
    back, the line named, until an editor deletes it."""
    for key, text, line_at in shown_texts(src):
        for found in spam_lines(text):
            line = line_at(found.start)
            report.add(P.SPAM_SUSPECTED, src.path, line, source_line(src, line), key,
                       words="、".join(found.words[:4]))
