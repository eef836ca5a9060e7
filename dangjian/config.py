"""The site configuration: a declared schema loaded from `site.toml`.

Every key is a dataclass field whose `doc` metadata is its documentation
(docs/configuration.md lists the same). Unknown keys are warnings; every error
in the file is reported at once.
"""
import difflib
import re
import tomllib
from dataclasses import MISSING, dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from . import problems as P
from .errors import ConfigError, Report

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def doc(text: str, default: Any = MISSING, default_factory: Any = MISSING, **meta) -> Any:
    """A key: its documentation, its default, and what its validator needs to know (`meta`)."""
    if default is MISSING and default_factory is MISSING:
        return field(metadata={"doc": text, **meta})
    if default_factory is not MISSING:
        return field(default_factory=default_factory, metadata={"doc": text, **meta})
    return field(default=default, metadata={"doc": text, **meta})


@dataclass(frozen=True)
class CategoryConfig:
    slug: str = doc("栏目网址中的英文名，只含小写字母、数字和连字符，如 news")
    name: str = doc("栏目中文名，如 工作动态")
    description: str = doc("栏目简介，显示在栏目页顶部", "")
    order: int = doc("排列顺序，数字小的在前", 0)


@dataclass(frozen=True)
class HomeConfig:
    latest: int = doc("首页“最新动态”显示的文章数", 8)
    per_category: int = doc("首页每个栏目区块显示的文章数", 5)
    pinned: int = doc("首页最多显示的置顶文章数", 3)


@dataclass(frozen=True)
class StatsConfig:
    page: bool = doc("是否生成“发布统计”页面（stats/index.html，页脚有链接）", False)


@dataclass(frozen=True)
class SiteConfig:
    title: str = doc("网站标题，如 示例医院 · 党建工作")
    hospital: str = doc("医院名称，显示在页眉和页脚", "")
    section: str = doc("栏目总名称，面包屑第二级", "党建工作")
    hospital_url: str = doc("医院网站首页地址，面包屑“首页”指向它；留空则指向本栏目首页", "")
    base_url: str = doc("网站发布地址（含子路径），如 https://www.example.cn/djgz/；用于订阅源和站点地图", "/")
    language: str = doc("页面语言，必须为 zh-CN（搜索分词依赖它）", "zh-CN")
    timezone: str = doc("发布时间所在时区", "Asia/Shanghai")
    description: str = doc("网站简介，用于搜索引擎和订阅源", "")
    copyright: str = doc("页脚版权行", "")
    page_size: int = doc("列表页每页文章数", 20)
    summary_length: int = doc("自动摘要的大致字数", 120)
    feed_entries: int = doc("每个订阅源包含的最新文章数", 20)
    related: int = doc("文章页“相关文章”的数量", 5)
    iframe_hosts: tuple[str, ...] = doc("正文中允许嵌入 iframe 的域名（默认不允许任何 iframe）", (), items="域名",
                                        example='iframe_hosts = ["v.qq.com"]', normalise=str.lower)
    public_folders: tuple[str, ...] = doc("content/ 里整个发布的文件夹（其中的文件不需要文章链接也会发布），"
                                          "如 [\"downloads\"]；其他文件只有被文章链接时才发布", (),
                                          items="文件夹", example='public_folders = ["downloads"]')
    home: HomeConfig = doc("首页设置", default_factory=HomeConfig)
    stats: StatsConfig = doc("发布统计页面设置", default_factory=StatsConfig)
    categories: tuple[CategoryConfig, ...] = doc("栏目列表", ())

    @property
    def base_path(self) -> str:
        """The URL path the site is served under, e.g. `/djgz/`."""
        path = re.sub(r"^[a-z]+://[^/]+", "", self.base_url) or "/"
        return path if path.endswith("/") else path + "/"

    @property
    def absolute_base(self) -> str:
        return self.base_url if self.base_url.endswith("/") else self.base_url + "/"

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def category(self, slug: str) -> CategoryConfig | None:
        for cat in self.categories:
            if cat.slug == slug:
                return cat
        return None


def load_config(path: Path, report: Report | None = None) -> SiteConfig:
    """Read and validate `site.toml`; raise ConfigError with every problem found."""
    report = report if report is not None else Report(root=path.parent)
    try:
        raw_bytes = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError([P.CONFIG_MISSING.problem(path, None)])
    try:
        data = tomllib.loads(raw_bytes.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ConfigError([P.CONFIG_NOT_UTF8.problem(path, None)])
    except tomllib.TOMLDecodeError as exc:
        line = _toml_error_line(str(exc))
        raise ConfigError([P.TOML_SYNTAX.problem(path, line, _line_of(raw_bytes, line), detail=exc)])
    lines = raw_bytes.decode("utf-8-sig").splitlines()
    local = Report(root=report.root)
    config = _build(SiteConfig, data, "", path, lines, local)
    if config is not None:
        _check_site(config, path, lines, local)
    report.extend(local)
    local.raise_errors(kind=ConfigError)
    return config


def _toml_error_line(text: str) -> int | None:
    m = re.search(r"line (\d+)", text)
    return int(m.group(1)) if m else None


def _line_of(raw: bytes, line: int | None) -> str | None:
    if not line:
        return None
    rows = raw.decode("utf-8-sig", "replace").splitlines()
    return rows[line - 1] if 0 < line <= len(rows) else None


def _find_line(lines: list[str], key: str) -> int | None:
    """Best effort: the first line that assigns `key` (TOML keeps no positions)."""
    leaf = key.split(".")[-1].split("[")[0]
    pattern = re.compile(rf"^\s*{re.escape(leaf)}\s*=")
    for i, text in enumerate(lines, 1):
        if pattern.match(text):
            return i
    return None


_TYPE_NAMES = {str: "文字", int: "整数", bool: "true 或 false"}


def _build(cls, data: Any, prefix: str, path: Path, lines: list[str], report: Report):
    if not isinstance(data, dict):
        report.add(P.CONFIG_NOT_TABLE, path, _find_line(lines, prefix), key=prefix)
        return None
    known = {f.name: f for f in fields(cls)}
    values: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if key not in known:
            close = difflib.get_close_matches(key, known, n=1)
            hint = f"是否想写 “{close[0]}”？" if close else f"可用的键：{', '.join(known)}"
            line = _find_line(lines, key)
            report.add(P.CONFIG_UNKNOWN_KEY, path, line, lines[line - 1] if line else None, key=name, suggestion=hint)
            continue
        values[key] = _convert(known[key], value, name, path, lines, report)
    for f in known.values():
        if f.default is MISSING and f.default_factory is MISSING and f.name not in values:
            report.add(P.CONFIG_REQUIRED, path, None, key=f"{prefix}{f.name}", name=f.name, doc=f.metadata["doc"])
            values[f.name] = ""   # placeholder so the remaining checks still run
    if any(v is _INVALID for v in values.values()) or report.errors:
        values = {k: v for k, v in values.items() if v is not _INVALID}
    try:
        return cls(**values)
    except TypeError:
        return None


_INVALID = object()


def _convert(f, value, name, path, lines, report):
    """One key's value checked against its declared type: a table, a list of tables, a list of
    text, true/false, a whole number or text."""
    kind = f.type
    line = _find_line(lines, name)
    where = lines[line - 1] if line else None
    if is_dataclass(kind):
        return _build(kind, value, name + ".", path, lines, report) or _INVALID
    item = _item_type(kind)
    if item is not None and is_dataclass(item):
        if not isinstance(value, list):
            report.add(P.CONFIG_TABLE_LIST, path, line, key=name)
            return _INVALID
        tables = [_build(item, entry, name + ".", path, lines, report) for entry in value]
        return tuple(t for t in tables if t is not None)
    if item is str:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            report.add(P.CONFIG_TEXT_LIST, path, line, where, key=name, what=f.metadata.get("items", "文字"),
                       example=f.metadata.get("example", f'{name} = ["…"]'))
            return _INVALID
        normalise = f.metadata.get("normalise", str)
        return tuple(normalise(v) for v in value)
    checks = {bool: (P.CONFIG_NOT_BOOL, lambda v: isinstance(v, bool)),
              int: (P.CONFIG_NOT_INT, lambda v: isinstance(v, int) and not isinstance(v, bool)),
              str: (P.CONFIG_NOT_TEXT, lambda v: isinstance(v, str))}
    check, accepts = checks[kind]
    if not accepts(value):
        report.add(check, path, line, where, key=name, name=name.split(".")[-1])
        return _INVALID
    if kind is int and value < 0:
        report.add(P.CONFIG_NEGATIVE, path, line, where, key=name)
        return _INVALID
    return value


def _item_type(kind) -> Any:
    """X for tuple[X, ...], else None."""
    args = getattr(kind, "__args__", ())
    return args[0] if getattr(kind, "__origin__", None) is tuple and len(args) == 2 and args[1] is Ellipsis else None


def _check_site(config: SiteConfig, path: Path, lines: list[str], report: Report) -> None:
    if config.language != "zh-CN":
        report.add(P.CONFIG_LANGUAGE, path, _find_line(lines, "language"))
    try:
        ZoneInfo(config.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        report.add(P.CONFIG_TIMEZONE, path, _find_line(lines, "timezone"), value=config.timezone)
    if config.page_size < 1:
        report.add(P.CONFIG_PAGE_SIZE, path, _find_line(lines, "page_size"))
    if not config.categories:
        report.add(P.CONFIG_NO_CATEGORIES, path, None)
    seen: set[str] = set()
    for cat in config.categories:
        line = _find_slug_line(lines, cat.slug)
        if not SLUG_RE.match(cat.slug):
            report.add(P.CONFIG_CATEGORY_SLUG, path, line, lines[line - 1] if line else None, slug=cat.slug)
        if cat.slug in seen:
            report.add(P.CONFIG_CATEGORY_TWICE, path, line, slug=cat.slug)
        seen.add(cat.slug)
        if not cat.name.strip():
            report.add(P.CONFIG_CATEGORY_NAME, path, line, slug=cat.slug)


def _find_slug_line(lines: list[str], slug: str) -> int | None:
    pattern = re.compile(rf"^\s*slug\s*=\s*[\"']{re.escape(slug)}[\"']")
    for i, text in enumerate(lines, 1):
        if pattern.match(text):
            return i
    return None


def schema_doc() -> str:
    """Markdown table of every key: the source of docs/configuration.md's reference."""
    rows = ["| 键 | 默认值 | 说明 |", "| --- | --- | --- |"]

    def walk(cls, prefix):
        for f in fields(cls):
            table = f.type if is_dataclass(f.type) else _item_type(f.type)
            if f.default is MISSING and f.default_factory is MISSING:
                default = "（必填）"
            elif is_dataclass(f.type):
                default = ""
            elif f.default is MISSING or f.default in ("", ()):
                default = "（空）"
            else:
                default = f"`{f.default}`"
            rows.append(f"| `{prefix}{f.name}` | {default} | {f.metadata['doc']} |")
            if is_dataclass(table):
                walk(table, f"{prefix}{f.name}{'' if is_dataclass(f.type) else '[]'}.")

    walk(SiteConfig, "")
    return "\n".join(rows)
