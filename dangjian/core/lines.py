"""Where a text is in an article's file, for messages: the file as parsed, its body, the texts
readers see with the file line of any offset in them, and one file line as written (the line a
problem quotes). Takes any parsed article (core/content.Source); imports nothing of the core, so
the per-file rules that core/content runs can use it too."""
from __future__ import annotations

import re
from typing import Callable, Iterator

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")       # invisible, and invalid in HTML and YAML


def normalised(text: str) -> str:
    """A file's text as it is parsed: one kind of line break, no control characters."""
    return CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _file_text(src) -> str:
    return normalised(src.path.read_bytes().decode("utf-8-sig", "replace"))


def read_body(src) -> str:
    """The body as it was parsed (the build frees `body` once it is converted): the file from
    `body_line` on, so offsets in it count lines from there."""
    return src.body or _file_text(src).split("\n", src.body_line - 1)[-1]


def line_of(src, needle: str) -> int:
    """The file line where `needle` first appears in the body (for messages)."""
    body = read_body(src)
    at = body.find(needle) if needle else -1
    return src.body_line + body.count("\n", 0, at) if at >= 0 else src.body_line


def source_line(src, line: int) -> str | None:
    """File line `line` as written (front matter or body), to quote under a message about it."""
    rows, first = (read_body(src), src.body_line) if line >= src.body_line else (_file_text(src), 1)
    rows = rows.split("\n")
    return rows[line - first] if 0 <= line - first < len(rows) else None


def shown_texts(src) -> Iterator[tuple[str, str, Callable[[int], int]]]:
    """(field, text, file line of an offset in it): the title, summary and tags as written, and the body."""
    for key, text in (("title", src.title), ("summary", src.summary), ("tags", "、".join(src.tags))):
        if text:
            yield key, text, lambda at, key=key: src.lines.get(key, 1)
    body = read_body(src)
    yield "body", body, lambda at: src.body_line + body.count("\n", 0, at)
