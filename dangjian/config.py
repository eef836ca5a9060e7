"""The site configuration: a declared schema loaded from `site.toml`.

Every key is a dataclass field whose `doc` metadata is its documentation
(docs/configuration.md lists the same). Unknown keys are warnings; every error
in the file is reported at once.
"""
import difflib
import re
import tomllib
from dataclasses import MISSING, dataclass, field, fields
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import ConfigError, Report

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def doc(text: str, default: Any = MISSING, **kw) -> Any:
    if default is MISSING and "default_factory" not in kw:
        return field(metadata={"doc": text}, **kw)
    return field(default=default, metadata={"doc": text}, **kw)


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
    iframe_hosts: tuple[str, ...] = doc("正文中允许嵌入 iframe 的域名（默认不允许任何 iframe）", ())
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
        raise ConfigError([_problem(path, None, "找不到配置文件", "请在网站根目录放一个 site.toml，或用 --config 指定")])
    try:
        data = tomllib.loads(raw_bytes.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ConfigError([_problem(path, None, "配置文件不是 UTF-8 编码", "请用编辑器另存为 UTF-8")])
    except tomllib.TOMLDecodeError as exc:
        line = _toml_error_line(str(exc))
        raise ConfigError([_problem(path, line, f"TOML 格式错误：{exc}", "检查这一行的等号、引号和方括号",
                                    _line_of(raw_bytes, line))])
    lines = raw_bytes.decode("utf-8-sig").splitlines()
    local = Report(root=report.root)
    config = _build(SiteConfig, data, "", path, lines, local)
    if config is not None:
        _check_site(config, path, lines, local)
    report.extend(local)
    local.raise_errors(kind=ConfigError)
    return config


def _problem(path, line, message, hint="", source=None):
    from .errors import Problem
    return Problem(path, line, message, hint, source)


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
        report.error(path, _find_line(lines, prefix), f"“{prefix}” 应该是一个表（[{prefix}]）")
        return None
    known = {f.name: f for f in fields(cls)}
    values: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if key not in known:
            close = difflib.get_close_matches(key, known, n=1)
            hint = f"是否想写 “{close[0]}”？" if close else f"可用的键：{', '.join(known)}"
            line = _find_line(lines, key)
            report.warn(path, line, f"未知配置项：“{name}”", hint, lines[line - 1] if line else None)
            continue
        values[key] = _convert(known[key], value, name, path, lines, report)
    for f in known.values():
        if f.default is MISSING and f.default_factory is MISSING and f.name not in values:
            report.error(path, None, f"缺少必填配置项：“{prefix}{f.name}”", f"请加一行 {f.name} = …（{f.metadata['doc']}）")
            values[f.name] = ""   # placeholder so the remaining checks still run
    if any(v is _INVALID for v in values.values()) or report.errors:
        values = {k: v for k, v in values.items() if v is not _INVALID}
    try:
        return cls(**values)
    except TypeError:
        return None


_INVALID = object()


def _convert(f, value, name, path, lines, report):
    kind = f.type
    line = _find_line(lines, name)
    where = lines[line - 1] if line else None
    if kind in (HomeConfig, StatsConfig):
        return _build(kind, value, name + ".", path, lines, report) or _INVALID
    if name == "categories":
        if not isinstance(value, list):
            report.error(path, line, "categories 应写成多个 [[categories]] 表", "参见 docs/configuration.md")
            return _INVALID
        cats = [_build(CategoryConfig, item, "categories.", path, lines, report) for item in value]
        return tuple(c for c in cats if c is not None)
    if name == "iframe_hosts":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            report.error(path, line, "iframe_hosts 应为域名列表", '例如 iframe_hosts = ["v.qq.com"]', where)
            return _INVALID
        return tuple(v.lower() for v in value)
    if kind is bool and not isinstance(value, bool):
        report.error(path, line, f"配置项 “{name}” 应为 true 或 false", f"例如 {name.split('.')[-1]} = true", where)
        return _INVALID
    if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
        report.error(path, line, f"配置项 “{name}” 应为整数", f"例如 {name.split('.')[-1]} = 20", where)
        return _INVALID
    if kind is str and not isinstance(value, str):
        report.error(path, line, f"配置项 “{name}” 应为文字", f'请用双引号括起来，如 {name.split(".")[-1]} = "…"', where)
        return _INVALID
    if kind is int and value < 0:
        report.error(path, line, f"配置项 “{name}” 不能为负数", "", where)
        return _INVALID
    return value


def _check_site(config: SiteConfig, path: Path, lines: list[str], report: Report) -> None:
    if config.language != "zh-CN":
        report.error(path, _find_line(lines, "language"), "language 必须为 zh-CN",
                     "中文搜索分词依赖页面语言 zh-CN")
    try:
        ZoneInfo(config.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        report.error(path, _find_line(lines, "timezone"), f"未知时区：“{config.timezone}”", '例如 timezone = "Asia/Shanghai"')
    if config.page_size < 1:
        report.error(path, _find_line(lines, "page_size"), "page_size 至少为 1")
    if not config.categories:
        report.error(path, None, "没有配置任何栏目", "请添加 [[categories]] 表，每个含 slug 和 name")
    seen: set[str] = set()
    for cat in config.categories:
        line = _find_slug_line(lines, cat.slug)
        if not SLUG_RE.match(cat.slug):
            report.error(path, line, f"栏目 slug 无效：“{cat.slug}”", "只能用小写字母、数字和连字符，如 theme-education",
                         lines[line - 1] if line else None)
        if cat.slug in seen:
            report.error(path, line, f"栏目 slug 重复：“{cat.slug}”", "每个栏目的 slug 必须不同")
        seen.add(cat.slug)
        if not cat.name.strip():
            report.error(path, line, f"栏目 “{cat.slug}” 的 name 为空", "请填写栏目中文名")


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
            if f.default is MISSING and f.default_factory is MISSING:
                default = "（必填）"
            elif f.default is MISSING or f.default in ("", ()):
                default = "（空）" if f.name not in ("home",) else ""
            else:
                default = f"`{f.default}`"
            rows.append(f"| `{prefix}{f.name}` | {default} | {f.metadata['doc']} |")
            if f.name == "home":
                walk(HomeConfig, "home.")
            if f.name == "stats":
                walk(StatsConfig, "stats.")
            if f.name == "categories":
                walk(CategoryConfig, "categories[].")

    walk(SiteConfig, "")
    return "\n".join(rows)
