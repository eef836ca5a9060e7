"""Load and validate the Markdown articles under `content/`.

Raw input stays here: every file is decoded, its front matter parsed (with line
numbers for each key) and checked field by field into an immutable `Source`.
Problems go to a `Report`, so one run lists every mistake in every file.
Nothing is written while loading.
"""
from __future__ import annotations

import difflib
import hashlib
import logging
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import frontmatter
import yaml

from .config import SiteConfig
from .errors import Report

log = logging.getLogger(__name__)

FIELDS = ("title", "date", "source", "author", "category", "tags", "summary", "slug",
          "draft", "pinned", "editor", "cover", "updated")
ALIASES = {
    "标题": "title", "日期": "date", "发布时间": "date", "发布日期": "date", "来源": "source",
    "作者": "author", "authors": "author", "栏目": "category", "标签": "tags", "摘要": "summary",
    "责任编辑": "editor", "置顶": "pinned", "草稿": "draft", "封面": "cover", "更新时间": "updated",
}
_FIELD_NAMES = {"title": "标题", "date": "日期", "source": "来源", "author": "作者", "category": "栏目",
                "tags": "标签", "summary": "摘要", "editor": "责任编辑", "pinned": "置顶", "draft": "草稿",
                "cover": "封面", "updated": "更新时间", "slug": "slug"}
_BOUNDARY = frontmatter.YAMLHandler.FM_BOUNDARY
_DATE_RE = re.compile(
    r"^\s*(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?"
    r"(?:(?:\s+|T)(\d{1,2})[:：](\d{1,2})(?:[:：](\d{1,2}))?)?\s*$")
_SPLIT_RE = re.compile(r"\s*[、，,；;]\s*")
_CJK_RE = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True)
class Source:
    """One article file, parsed and validated; the model is built from these."""

    path: Path
    rel: str                      # path below content/, posix
    title: str
    date: datetime                # aware, in the site's time zone
    has_time: bool
    category: str
    source: str = ""
    authors: tuple[str, ...] = ()
    editor: str = ""
    tags: tuple[str, ...] = ()
    summary: str = ""
    slug: str = ""                # as written; urls.py validates and derives
    draft: bool = False
    pinned: bool = False
    cover: str = ""
    updated: datetime | None = None
    body: str = ""
    body_line: int = 1            # file line of the first body line
    lines: dict[str, int] = field(default_factory=dict, compare=False, hash=False)
    digest: str = ""              # sha256 of the file's bytes


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps dates as text, so we parse and report them ourselves."""


_Loader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

# libyaml parses front matter ~10x faster; the pure-Python loader stays the
# reference for error messages (they are translated from its English wording).
_FastLoader = type("_FastLoader", (yaml.CSafeLoader,), {
    "yaml_implicit_resolvers": _Loader.yaml_implicit_resolvers}) if getattr(yaml, "__with_libyaml__", False) else None


def load_file(path: Path, content_dir: Path, config: SiteConfig, report: Report) -> Source | None:
    raw = path.read_bytes()
    text = _decode(path, raw, report)
    if text is None:
        return None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        report.error(path, 1, "文件是空的", "请补全 front matter（以 --- 开头的标题、日期等）和正文，或删除此文件")
        return None
    lines = text.split("\n")
    marks = list(_BOUNDARY.finditer(text))
    if not marks or marks[0].start() != 0:
        report.error(path, 1, "缺少 front matter", "文件第一行必须是 ---，接着写 title: 和 date: 等字段，再用一行 --- 结束",
                     lines[0])
        return None
    if len(marks) < 2:
        report.error(path, 1, "front matter 没有结束", "在字段后面加一行 ---，再写正文", lines[0])
        return None
    fm_text = text[marks[0].end():marks[1].start()]
    body_line = text.count("\n", 0, marks[1].end()) + 2
    data, key_lines = _parse_yaml(path, fm_text, lines, report)
    if data is None:
        return None
    return _validate(path, content_dir, config, data, key_lines, lines,
                     text[marks[1].end():].lstrip("\n"), body_line, raw, report)


def _decode(path: Path, raw: bytes, report: Report) -> str | None:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        guess = ""
        for enc, label in (("gb18030", "GBK/GB18030"), ("big5", "Big5")):
            try:
                raw.decode(enc)
                guess = f"（看起来是 {label}）"
                break
            except UnicodeDecodeError:
                continue
        report.error(path, line, f"文件不是 UTF-8 编码{guess}",
                     "请在编辑器中选择“另存为”，编码选 UTF-8 后保存")
        return None


def _parse_yaml(path, fm_text, lines, report) -> tuple[dict | None, dict[str, int]]:
    if _FastLoader is not None:
        fast = _FastLoader(fm_text)
        try:
            node = fast.get_single_node()
            data = {} if node is None else fast.construct_document(node)
        except yaml.YAMLError:
            node = None     # report it with the reference loader below
        else:
            return _keys(path, node, data, lines, report)
        finally:
            fast.dispose()
    loader = _Loader(fm_text)
    try:
        node = loader.get_single_node()
        if node is None:
            data = {}
        else:
            data = loader.construct_document(node)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark is not None else 2
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        report.error(path, line, f"YAML 格式错误：{_yaml_problem_zh(problem)}",
                     "检查这一行的冒号、引号和缩进；标题里有冒号时请用英文双引号把整个标题括起来",
                     lines[line - 1] if line <= len(lines) else None)
        return None, {}
    finally:
        loader.dispose()
    return _keys(path, node, data, lines, report)


def _keys(path, node, data, lines, report) -> tuple[dict | None, dict[str, int]]:
    if not isinstance(data, dict):
        report.error(path, 2, "front matter 应为“字段: 值”的形式", "例如 title: 我院召开党建工作会议", lines[1] if len(lines) > 1 else None)
        return None, {}
    key_lines: dict[str, int] = {}
    for key_node, _ in node.value:
        key = str(key_node.value)
        line = key_node.start_mark.line + 1
        if key in key_lines:
            report.error(path, line, f"字段重复：“{key}”", f"删除其中一行（另一处在第 {key_lines[key]} 行）",
                         lines[line - 1])
        key_lines[key] = line
    return data, key_lines


def _yaml_problem_zh(problem: str) -> str:
    known = {
        "mapping values are not allowed here": "这里不能出现冒号（值里有冒号时请加引号），或上一行缺少冒号",
        "could not find expected ':'": "缺少冒号",
        "found character '\\t' that cannot start any token": "不能用 Tab 缩进，请用空格",
        "found unexpected end of stream": "引号没有闭合",
        "found undefined alias": "未定义的别名",
        "expected <block end>, but found '<block mapping start>'": "缩进不一致",
    }
    return known.get(problem, problem)


def _validate(path, content_dir, config, data, key_lines, lines, body, body_line, raw, report) -> Source | None:
    errors_before = len(report.errors)
    values: dict[str, Any] = {}
    line_of: dict[str, int] = {}
    for key, value in data.items():
        key = str(key)
        name = ALIASES.get(key, key)
        line = key_lines.get(key, 2)
        if name not in FIELDS:
            close = difflib.get_close_matches(key, list(FIELDS) + list(ALIASES), n=1, cutoff=0.6)
            hint = f"是否想写 “{close[0]}”？" if close else f"可用字段：{', '.join(FIELDS)}"
            report.warn(path, line, f"未知字段：“{key}”", hint, lines[line - 1], field=key)
            continue
        if name in values:
            report.error(path, line, f"字段重复：“{key}” 与第 {line_of[name]} 行表示同一个字段",
                         "删除其中一行", lines[line - 1], field=name)
            continue
        values[name] = value
        line_of[name] = line

    def problem(name, message, hint):
        line = line_of.get(name, 2)
        report.error(path, line, message, hint, lines[line - 1] if name in line_of else None, field=name)

    title = values.get("title")
    if "title" not in values:
        report.error(path, 1, "缺少标题（title）", "在 front matter 中加一行：title: 文章标题", lines[0], field="title")
    elif title is None or (isinstance(title, str) and not title.strip()):
        problem("title", "标题为空", "在 title: 后面写上文章标题")
    elif isinstance(title, (int, float)) and not isinstance(title, bool):
        title = str(title)
    elif not isinstance(title, str):
        problem("title", "字段类型不对：title 应为一行文字", "例如 title: 我院召开党建工作会议")

    when, has_time = None, False
    if "date" not in values:
        report.error(path, 1, "缺少日期（date）", "在 front matter 中加一行：date: 2024-05-12", lines[0], field="date")
    else:
        parsed = parse_date(values["date"], config)
        if parsed is None:
            problem("date", f"日期无效：“{values['date']}”", "请写成 2024-05-12 或 2024-05-12 09:30")
        else:
            when, has_time = parsed

    updated = None
    if values.get("updated") not in (None, ""):
        parsed = parse_date(values["updated"], config)
        if parsed is None:
            problem("updated", f"日期无效：“{values['updated']}”", "请写成 2024-05-12 或 2024-05-12 09:30")
        else:
            updated = parsed[0]

    top = Path(path).relative_to(content_dir).parts
    category = values.get("category")
    if category is None or category == "":
        category = top[0] if len(top) > 1 else None
        if category is None:
            report.error(path, 1, "没有指定栏目", "把文件放进栏目文件夹（如 content/news/），或加一行 category: news",
                         field="category")
        elif config.category(category) is None:
            report.error(path, 1, f"未知栏目：“{category}”（来自文件夹名）",
                         f"可用栏目：{_category_list(config)}；请把文件移到对应文件夹或写明 category", field="category")
            category = None
    elif not isinstance(category, str):
        problem("category", "字段类型不对：category 应为栏目名", f"可用栏目：{_category_list(config)}")
        category = None
    else:
        category = _resolve_category(category.strip(), config)
        if category is None:
            problem("category", f"未知栏目：“{values['category']}”", f"可用栏目：{_category_list(config)}")

    text_fields = {}
    for name in ("source", "summary", "slug", "cover", "editor"):
        value = values.get(name)
        if value is None:
            text_fields[name] = ""
        elif isinstance(value, list) and name == "editor" and all(isinstance(v, str) for v in value):
            text_fields[name] = "、".join(v.strip() for v in value)
        elif isinstance(value, (str, int, float)) and not isinstance(value, bool):
            text_fields[name] = str(value).strip()
        else:
            problem(name, f"字段类型不对：{name}（{_FIELD_NAMES[name]}）应为一行文字", f"例如 {name}: …")
            text_fields[name] = ""

    authors = _names(values.get("author"))
    if authors is None:
        problem("author", "字段类型不对：author（作者）应为姓名或姓名列表", "例如 author: 王芳 或 author: [王芳, 李明]")
    tags = _names(values.get("tags"))
    if tags is None:
        problem("tags", "字段类型不对：tags（标签）应为列表或用逗号分隔的文字", "例如 tags: [义诊, 志愿服务]")

    flags = {}
    for name in ("draft", "pinned"):
        value = values.get(name, False)
        if value is None:
            value = False
        if not isinstance(value, bool):
            problem(name, f"字段类型不对：{name}（{_FIELD_NAMES[name]}）应为 true 或 false", f"例如 {name}: true")
            value = False
        flags[name] = value

    if len(report.errors) > errors_before:
        return None
    return Source(
        path=path, rel=Path(path).relative_to(content_dir).as_posix(), title=" ".join(title.split()),
        date=when, has_time=has_time, category=category, source=text_fields["source"],
        authors=authors or (), editor=text_fields["editor"], tags=tags or (),
        summary=text_fields["summary"], slug=text_fields["slug"], draft=flags["draft"],
        pinned=flags["pinned"], cover=text_fields["cover"], updated=updated, body=body,
        body_line=body_line, lines=line_of, digest=hashlib.sha256(raw).hexdigest())


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


def _names(value) -> tuple[str, ...] | None:
    """A name list from a YAML list or a string separated by 、，, (or spaces between Chinese names)."""
    if value is None or value == "":
        return ()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str):
        parts = _SPLIT_RE.split(value.strip())
        if len(parts) == 1 and all(_CJK_RE.search(p) for p in value.split()):
            parts = value.split()
    elif isinstance(value, list) and all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in value):
        parts = [str(v) for v in value]
    else:
        return None
    seen: dict[str, None] = {}
    for part in parts:
        part = " ".join(part.split())
        if part:
            seen.setdefault(part)
    return tuple(seen)


def _resolve_category(value: str, config: SiteConfig) -> str | None:
    """A category by slug or by its Chinese name."""
    for cat in config.categories:
        if value in (cat.slug, cat.name):
            return cat.slug
    return None


def _category_list(config: SiteConfig) -> str:
    return "、".join(f"{c.slug}（{c.name}）" for c in config.categories)
