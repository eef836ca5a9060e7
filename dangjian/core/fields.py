"""Front-matter field types: how each kind of value is parsed, validated and reported.

A row of the field table (content.FIELDS) is a `Field` naming one of these
types; a type raises `Invalid` with the registered check (problems.py) and its
values, and content.py reports it at the right line.
"""
from __future__ import annotations

import posixpath
import re
import reprlib
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from .. import problems as P
from ..config import SiteConfig
from ..errors import Check

_DATE_RE = re.compile(
    r"^\s*(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?"
    r"(?:(?:\s+|T)(\d{1,2})[:：](\d{1,2})(?:[:：](\d{1,2}))?)?\s*$")
_SPLIT_RE = re.compile(r"\s*[、，,；;]\s*")
_CJK_RE = re.compile(r"[\u3400-\u9fff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")       # YAML escapes (\x00, \u0007) can still make them


def plain(text: str) -> str:
    """Text without control characters (invisible, and invalid in HTML)."""
    return _CONTROL.sub("", text) if _CONTROL.search(text) else text


class Invalid(Exception):
    """A value a field type cannot accept: the check to report and its values. `at_top`: the
    problem is the file's, not a written line's (reported at line 1; `quote` shows that line)."""

    def __init__(self, check: Check, at_top: bool = False, quote: bool = False, **values):
        super().__init__(check.code)
        self.check, self.values, self.at_top, self.quote = check, values, at_top, quote


@dataclass(frozen=True)
class Context:
    """What a field type may consult: the file, where it sits, and the site's settings; `notes`
    collects what a type accepts but warns about (a check and its values)."""

    path: Path
    rel: str
    config: SiteConfig
    notes: list = field(default_factory=list)


class FieldType:
    """Parses one front-matter value; `absent` gives the value of a field not written."""

    expects = "一行文字"          # 字段类型不对：key（label）应为…
    example = "{key}: …"          # 例如 …
    empty = '""'                  # what `new` writes for a field it has no value for
    config_keys: tuple[str, ...] = ()   # the settings of site.toml its parsing reads (a change re-reads files)

    def parse(self, value: Any, row: "Field", ctx: Context) -> Any:
        raise NotImplementedError

    def absent(self, row: "Field", ctx: Context) -> Any:
        if row.required:
            raise Invalid(P.MISSING_FIELD, at_top=True, quote=True, label=row.label, key=row.key,
                          placeholder=row.placeholder)
        return self.parse(None, row, ctx)

    def wrong(self, row: "Field", ctx: Context) -> Invalid:
        return Invalid(P.WRONG_TYPE, what=f"{row.key}（{row.label}）应为{self.expects}",
                       example="例如 " + self.example.format(key=row.key))


class Text(FieldType):
    """One line of text (numbers are taken as text). `name`: a person's or an office's name, written
    the way editors paste it (see clean_name); `names`: also a YAML list of names, joined with 、."""

    def __init__(self, name: bool = False, names: bool = False):
        self.name, self.names = name or names, names

    def parse(self, value, row, ctx):
        if value is None:
            return ""
        if self.names and isinstance(value, list) and all(isinstance(v, str) for v in value):
            return "、".join(filter(None, map(clean_name, value)))
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return clean_name(str(value)) if self.name else plain(str(value)).strip()
        raise self.wrong(row, ctx)


class Title(FieldType):
    def parse(self, value, row, ctx):
        if value is None or (isinstance(value, str) and not value.strip()):
            raise Invalid(P.EMPTY_FIELD, label=row.label, key=row.key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            raise Invalid(P.WRONG_TYPE, what=f"{row.key} 应为一行文字", example="例如 title: 我院召开党建工作会议")
        return " ".join(plain(value).split())


class Names(FieldType):
    """A list of names: a YAML list, or text separated by 、，, ；; (or spaces between Chinese names)."""

    empty = "[]"

    def __init__(self, expects: str, example: str):
        self.expects, self.example = expects, example

    def parse(self, value, row, ctx):
        names = split_names(value)
        if names is None:
            raise self.wrong(row, ctx)
        return names


YES, NO = ("是", "yes", "y", "对"), ("否", "no", "n", "不是")


class Flag(FieldType):
    """true / false (YAML), or 是 / 否 as editors write them."""

    expects, example, empty = " true 或 false（也可写 是 或 否）", "{key}: true", "false"

    def parse(self, value, row, ctx):
        if value is None or value == "":
            return False
        if isinstance(value, str) and value.strip().lower() in YES + NO:
            return value.strip().lower() in YES
        if not isinstance(value, bool):
            raise self.wrong(row, ctx)
        return value


class Signers(FieldType):
    """The people who signed a review stage: names only (a date or an address is a slip of the pen:
    the stage is then not signed)."""

    expects, example, empty = "审核人姓名", "{key}: 王芳", '""'

    def parse(self, value, row, ctx):
        names = split_names(value)
        if names is None:
            raise self.wrong(row, ctx)
        for name in names:
            if _DATE_RE.match(name) or re.search(r"https?://|www\.|\d{3,}|@", name):
                raise Invalid(P.NOT_A_NAME, label=row.label, key=row.key, value=shown(name))
        return names


class Address(FieldType):
    """An http(s) address on the web (原文链接)."""

    expects, example, empty = "以 http:// 或 https:// 开头的网址", "{key}: https://www.example.gov.cn/a.html", '""'

    def parse(self, value, row, ctx):
        if value is None or value == "":
            return ""
        if not isinstance(value, str):
            raise self.wrong(row, ctx)
        from urllib.parse import urlsplit
        text = plain(value).strip()
        parts = urlsplit(text)
        if parts.scheme not in ("http", "https") or not parts.netloc or " " in text:
            raise Invalid(P.NOT_AN_ADDRESS, label=row.label, key=row.key, value=shown(text))
        return text


class Notes(FieldType):
    """A few lines of text for a person to act on: one line, or a YAML list of lines."""

    expects, example, empty = "一行文字或文字列表", "{key}: [未找到发布日期]", "[]"

    def parse(self, value, row, ctx):
        if value is None or value == "" or value == []:
            return ()
        items = value if isinstance(value, list) else [value]
        if not all(isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in items):
            raise self.wrong(row, ctx)
        return tuple(t for t in (plain(str(v)).strip() for v in items) if t)


class Corrections(FieldType):
    """更正: a list of dated notes, each `日期: 说明` (a mapping) or `2025-03-02 说明` (text); kept
    oldest first, as (date, note)."""

    expects, example, empty = "更正说明的列表", "{key}:\n  - 2025-03-02 第二段中“三十名”应为“三十三名”", "[]"
    config_keys = ("timezone",)
    _TEXT = re.compile(r"^\s*(\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?)\s*[:：，,、\s]\s*(.+)$", re.S)

    def parse(self, value, row, ctx):
        if value is None or value == "" or value == []:
            return ()
        items = value if isinstance(value, list) else [value]
        notes = []
        for item in items:
            when, note = self._item(item, row, ctx)
            notes.append((when, note))
        return tuple(sorted(notes, key=lambda n: n[0]))

    def _item(self, item, row, ctx):
        if isinstance(item, dict) and len(item) == 1:
            (when, note), = item.items()
        elif isinstance(item, str) and self._TEXT.match(item):
            when, note = self._TEXT.match(item).groups()
        else:
            raise Invalid(P.CORRECTION_FORM, key=row.key, value=shown(item))
        parsed = parse_date(when, ctx.config)
        note = plain(str(note)).strip() if isinstance(note, (str, int, float)) else ""
        if parsed is None or not note:
            raise Invalid(P.CORRECTION_FORM, key=row.key, value=shown(item))
        return parsed[0], note


class When(FieldType):
    """A date, optionally with a time; with `with_time` the value is (datetime, has_time)."""

    config_keys = ("timezone",)

    def __init__(self, with_time: bool):
        self.with_time = with_time

    def parse(self, value, row, ctx):
        if value in (None, "") and not row.required:
            return (None, False) if self.with_time else None
        parsed = parse_date(value, ctx.config)
        if parsed is None:
            raise Invalid(P.INVALID_DATE, value=shown(value))
        return parsed if self.with_time else parsed[0]


class Waivers(FieldType):
    """Proofreading entries an article waives, each with its reason: a mapping 写法: 理由
    (a quoted historical wording, a proper name that happens to contain an entry)."""

    expects, example, empty = "“写法: 理由”的列表", "{key}:\n  三中全会: 引用一九七八年十一届三中全会原文", "{}"

    def parse(self, value, row, ctx):
        if value is None or value == {} or value == "":
            return ()
        if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
            raise self.wrong(row, ctx)
        waived = []
        for wrong, reason in value.items():
            reason = plain(str(reason)).strip() if isinstance(reason, (str, int, float)) else ""
            if not wrong.strip() or not reason:
                raise Invalid(P.WAIVER_REASON, key=row.key, wrong=wrong.strip() or "…")
            waived.append((plain(wrong).strip(), reason))
        return tuple(waived)


class Addresses(FieldType):
    """Earlier addresses of the article (`/djgz/news/2024/old/` or `news/2024/old/`), as output paths."""

    expects, example, empty = "网址或网址列表", "{key}: [/news/2024/old-name/]", "[]"
    config_keys = ("base_url",)

    def parse(self, value, row, ctx):
        if value is None or value == "":
            return ()
        items = value if isinstance(value, list) else [value]
        if not all(isinstance(v, str) for v in items):
            raise self.wrong(row, ctx)
        out = []
        for item in items:
            path = _address_path(item.strip(), ctx.config.base_path)
            if path is None:
                raise Invalid(P.INVALID_ALIAS, value=item)
            out.append(path)
        return tuple(dict.fromkeys(out))


def _address_path(address: str, base_path: str) -> str | None:
    """An address below the site as its output path: /djgz/news/a/ → news/a/index.html."""
    if _CONTROL.search(address):
        return None
    address = re.sub(r"^[a-z]+://[^/]+", "", address.split("#")[0].split("?")[0])
    if address.startswith(base_path):
        address = address[len(base_path):]
    address = address.lstrip("/")
    if not address or "\\" in address:
        return None
    path = address if address.endswith(".html") else address.rstrip("/") + "/index.html"
    norm = posixpath.normpath(path)
    if norm != path or norm.startswith(("../", "/")) or ":" in norm.split("/")[0] \
            or any(len(part.encode()) > 200 for part in norm.split("/")):
        return None
    return path


class CategoryName(FieldType):
    """A category by slug or Chinese name; by default the top folder below content/."""

    config_keys = ("categories",)

    def parse(self, value, row, ctx):
        if value is None or value == "":
            return self.absent(row, ctx)
        if not isinstance(value, str):
            raise Invalid(P.WRONG_TYPE, what="category 应为栏目名", example=f"可用栏目：{category_list(ctx.config)}")
        found = resolve_category(value.strip(), ctx.config)
        if found is None:
            raise Invalid(P.UNKNOWN_CATEGORY, value=value, choices=category_list(ctx.config))
        folder = ctx.rel.split("/")[0] if "/" in ctx.rel else ""
        if folder != found and ctx.config.category(folder) is not None:
            ctx.notes.append((P.CATEGORY_FOLDER, {"folder": folder, "value": found}))
        return found

    def absent(self, row, ctx):
        parts = ctx.rel.split("/")
        if len(parts) < 2:
            raise Invalid(P.NO_CATEGORY, at_top=True)
        if ctx.config.category(parts[0]) is None:
            raise Invalid(P.UNKNOWN_FOLDER, at_top=True, value=parts[0], choices=category_list(ctx.config))
        return parts[0]


class TopicNames(FieldType):
    """The 专题 an article belongs to, by name, short name or slug (site.toml [[topics]]), kept as slugs."""

    expects, example, empty = "专题名称或名称列表", "{key}: [学习贯彻党的二十大精神]", "[]"
    config_keys = ("topics",)

    def parse(self, value, row, ctx):
        names = split_names(value)
        if names is None:
            raise self.wrong(row, ctx)
        slugs = []
        for name in names:
            topic = ctx.config.topic(name)
            if topic is None:
                raise Invalid(P.UNKNOWN_TOPIC, value=name, choices=topic_list(ctx.config))
            if topic.slug not in slugs:
                slugs.append(topic.slug)
        return tuple(slugs)


def topic_list(config: SiteConfig) -> str:
    return "、".join(f"{t.name}（{t.slug}）" for t in config.topics) or "（site.toml 中还没有配置专题）"


@dataclass(frozen=True, eq=False)
class Field:
    """One front-matter field. `attrs`: the Source/Article attributes it fills (default: `key`).
    A row is itself: compared and hashed by identity (the table is looked up per file)."""

    key: str
    label: str                              # its Chinese name, shown in messages and the guide
    type: FieldType
    aliases: tuple[str, ...] = ()           # other names editors may write (Chinese, plurals)
    required: bool = False
    attrs: tuple[str, ...] = ()
    teaser: bool = False                    # shown wherever the article is linked (lists, neighbours)
    help: str = ""                          # the editors' guide: what it means
    example: str = ""                       # the editors' guide: a line as written
    placeholder: str = ""                   # what to write when a required field is missing
    note: str = ""                          # the comment `new` writes after it (may use {date})
    in_new: bool = True                     # does `new` write it

    @property
    def names(self) -> tuple[str, ...]:
        return self.attrs or (self.key,)


def parse_date(value: Any, config: SiteConfig) -> tuple[datetime, bool] | None:
    """Accept 2024-05-12, 2024/5/12, 2024年5月12日, with an optional HH:MM[:SS]."""
    tz = config.tz
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=tz)), True
    if isinstance(value, date):
        return datetime.combine(value, time(), tz), False
    if isinstance(value, int) and not isinstance(value, bool) and 19000101 <= value <= 29991231:
        value = str(value)
        value = f"{value[:4]}-{value[4:6]}-{value[6:]}"
    if not isinstance(value, str):
        return None
    m = _DATE_RE.match(value)
    try:
        if m:
            y, mo, d, hh, mm, ss = m.groups()
            return datetime(int(y), int(mo), int(d), int(hh or 0), int(mm or 0), int(ss or 0), tzinfo=tz), hh is not None
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)), True


_WRAPPERS = {"【": "】", "[": "]", "〔": "〕", "〖": "〗", "「": "」", "『": "』", "‘": "’", "“": "”", "'": "'", '"': '"'}
_QUOTES = "‘’“”'\"「」『』"
_BETWEEN_HAN = re.compile(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])")
_BRACKET_BREAK = re.compile(r"[】\]〕〗」』]\s*[【\[〔〖「『]")


_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxlist, _REPR.maxdict, _REPR.maxstring, _REPR.maxother = 2, 4, 4, 60, 60


def shown(value) -> str:
    """A value as a message shows it: short, whatever it is (a YAML alias bomb is a few nested lists
    shared a billion times over: printing it whole would never end)."""
    if isinstance(value, str):
        return value if len(value) <= 80 else value[:80] + "……"
    return str(value) if isinstance(value, (int, float, bool, type(None))) else _REPR.repr(value)


def unwrap(text: str) -> str:
    """Without the brackets or quotes wrapped round the whole of it: 【党建，支部】 → 党建，支部."""
    text = text.strip()
    while len(text) >= 2 and _WRAPPERS.get(text[0]) == text[-1]:
        text = text[1:-1].strip()
    return text


def clean_name(text: str) -> str:
    """A name as editors paste it, made one spelling: full-width forms folded (NFKC), quotes round it
    dropped, no space between Chinese characters (王　芳 and 党委 宣传部 are one name each)."""
    text = unwrap(unicodedata.normalize("NFKC", plain(text))).strip(_QUOTES).strip()
    return " ".join(_BETWEEN_HAN.sub("", text).split())


def split_names(value) -> tuple[str, ...] | None:
    """A name list from a YAML list or from text separated by 、，,；; (or by spaces between Chinese
    names of two characters or more; 王　芳 is one name with padding), each name cleaned."""
    if value is None or value == "":
        return ()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str):
        items = [value]
    elif isinstance(value, list) and all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in value):
        items = [str(v) for v in value]
    else:
        return None
    seen: dict[str, None] = {}
    for item in items:
        for part in _parts(item):
            name = clean_name(part)
            if name:
                seen.setdefault(name)
    return tuple(seen)


def _parts(text: str) -> list[str]:
    text = _BRACKET_BREAK.sub("、", unwrap(unicodedata.normalize("NFKC", text)))      # 【党建】【支部】
    parts = _SPLIT_RE.split(text.strip())
    words = text.split()
    if len(parts) == 1 and len(words) > 1 and all(_CJK_RE.search(w) and len(w) >= 2 for w in words):
        return words                                   # 王建新 刘明辉: two names
    return parts


def resolve_category(value: str, config: SiteConfig) -> str | None:
    """A category by slug or by its Chinese name."""
    for cat in config.categories:
        if value in (cat.slug, cat.name):
            return cat.slug
    return None


def category_list(config: SiteConfig) -> str:
    return "、".join(f"{c.slug}（{c.name}）" for c in config.categories)
