"""The declared-schema validator: TOML values checked against frozen dataclasses.

A key is a dataclass field made with `doc` (its documentation, default and what its validator
needs to know); a table is a dataclass; a list of tables a tuple of one. Every problem goes to the
report at the key's line, so one run names every mistake in the file (config.py uses this for
site.toml and its word list).
"""
from __future__ import annotations

import difflib
import re
from dataclasses import MISSING, field, fields, is_dataclass
from datetime import date
from pathlib import Path
from typing import Any

from . import problems as P
from .errors import Report


def doc(text: str, default: Any = MISSING, default_factory: Any = MISSING, **meta) -> Any:
    """A key: its documentation, its default, and what its validator needs to know (`meta`)."""
    if default is MISSING and default_factory is MISSING:
        return field(metadata={"doc": text, **meta})
    if default_factory is not MISSING:
        return field(default_factory=default_factory, metadata={"doc": text, **meta})
    return field(default=default, metadata={"doc": text, **meta})


def toml_error_line(text: str) -> int | None:
    m = re.search(r"line (\d+)", text)
    return int(m.group(1)) if m else None


def line_of(raw: bytes, line: int | None) -> str | None:
    if not line:
        return None
    rows = raw.decode("utf-8-sig", "replace").splitlines()
    return rows[line - 1] if 0 < line <= len(rows) else None


def find_line(lines: list[str], key: str) -> int | None:
    """Best effort: the first line that assigns `key` (TOML keeps no positions)."""
    leaf = key.split(".")[-1].split("[")[0]
    pattern = re.compile(rf"^\s*{re.escape(leaf)}\s*=")
    for i, text in enumerate(lines, 1):
        if pattern.match(text):
            return i
    return None


_TYPE_NAMES = {str: "文字", int: "整数", bool: "true 或 false"}


def build_table(cls, data: Any, prefix: str, path: Path, lines: list[str], report: Report):
    if not isinstance(data, dict):
        report.add(P.CONFIG_NOT_TABLE, path, find_line(lines, prefix), key=prefix)
        return None
    known = {f.name: f for f in fields(cls)}
    values: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if key not in known:
            close = difflib.get_close_matches(key, known, n=1)
            hint = f"是否想写 “{close[0]}”？" if close else f"可用的键：{', '.join(known)}"
            line = find_line(lines, key)
            report.add(P.CONFIG_UNKNOWN_KEY, path, line, lines[line - 1] if line else None, key=name, suggestion=hint)
            continue
        values[key] = convert(known[key], value, name, path, lines, report)
    for f in known.values():
        if f.default is MISSING and f.default_factory is MISSING and f.name not in values:
            report.add(P.CONFIG_REQUIRED, path, None, key=f"{prefix}{f.name}", name=f.name, doc=f.metadata["doc"])
            values[f.name] = ""   # placeholder so the remaining checks still run
    if any(v is INVALID for v in values.values()) or report.errors:
        values = {k: v for k, v in values.items() if v is not INVALID}
    try:
        return cls(**values)
    except TypeError:
        return None


INVALID = object()


def convert(f, value, name, path, lines, report):
    """One key's value checked against its declared type: a table, a list of tables, a list of
    text, true/false, a whole number or text."""
    kind = f.type
    line = find_line(lines, name)
    where = lines[line - 1] if line else None
    if is_dataclass(kind):
        return build_table(kind, value, name + ".", path, lines, report) or INVALID
    if "mapping" in f.metadata:
        return _mapping(f, value, name, path, lines, report)
    item = item_type(kind)
    if item is not None and is_dataclass(item):
        if not isinstance(value, list):
            report.add(P.CONFIG_TABLE_LIST, path, line, key=name)
            return INVALID
        tables = [build_table(item, entry, name + ".", path, lines, report) for entry in value]
        return tuple(t for t in tables if t is not None)
    if item is str:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            report.add(P.CONFIG_TEXT_LIST, path, line, where, key=name, what=f.metadata.get("items", "文字"),
                       example=f.metadata.get("example", f'{name} = ["…"]'))
            return INVALID
        normalise = f.metadata.get("normalise", str)
        values = tuple(normalise(v) for v in value)
        wrong = [v for v in values if "choices" in f.metadata and v not in f.metadata["choices"]]
        if wrong:
            report.add(P.CONFIG_CHOICE, path, line, where, key=f"{name}（“{wrong[0]}”）",
                       choices="、".join(f.metadata["choices"]))
            return INVALID
        return values
    checks = {bool: (P.CONFIG_NOT_BOOL, lambda v: isinstance(v, bool)),
              int: (P.CONFIG_NOT_INT, lambda v: isinstance(v, int) and not isinstance(v, bool)),
              str: (P.CONFIG_NOT_TEXT, lambda v: isinstance(v, str))}
    check, accepts = checks[kind]
    if kind is str and f.metadata.get("date") and isinstance(value, date):
        value = value.isoformat()          # an unquoted TOML date (start = 2024-04-01) is meant as text
    if not accepts(value):
        report.add(check, path, line, where, key=name, name=name.split(".")[-1])
        return INVALID
    if kind is int and value < 0:
        report.add(P.CONFIG_NEGATIVE, path, line, where, key=name)
        return INVALID
    if kind is str and value and "choices" in f.metadata and value not in f.metadata["choices"]:
        report.add(P.CONFIG_CHOICE, path, line, where, key=name, choices="、".join(f.metadata["choices"]))
        return INVALID
    if kind is str and value and "pattern" in f.metadata and not re.fullmatch(f.metadata["pattern"], value.strip()):
        report.add(P.CONFIG_FORMAT, path, line, where, key=name, name=name.split(".")[-1],
                   example=f.metadata["example"])
        return INVALID
    return value.strip() if kind is str and "pattern" in f.metadata else value


def _mapping(f, value, name, path, lines, report):
    """A table of names to whole numbers, kept in order as (name, number) pairs."""
    line = find_line(lines, name)
    if not isinstance(value, dict) or not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0
                                              for v in value.values()):
        report.add(P.CONFIG_MAPPING, path, line, lines[line - 1] if line else None, key=name,
                   what=f.metadata["mapping"], example=f.metadata["example"])
        return INVALID
    return tuple((str(k), v) for k, v in value.items())


def item_type(kind) -> Any:
    """X for tuple[X, ...], else None."""
    args = getattr(kind, "__args__", ())
    return args[0] if getattr(kind, "__origin__", None) is tuple and len(args) == 2 and args[1] is Ellipsis else None
