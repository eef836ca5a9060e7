"""The site configuration: a declared schema loaded from `site.toml`.

Every key is a dataclass field whose `doc` metadata is its documentation
(docs/configuration.md lists the same). Unknown keys are warnings; every error
in the file is reported at once.
"""
import difflib
import re
import tomllib
from dataclasses import MISSING, dataclass, field, fields, is_dataclass, replace
from datetime import datetime
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
    update_every: int = doc("至少每多少天要有新文章（如工作动态 14、通知公告 180）；超期时 check 提醒。0 表示不要求",
                            0)


@dataclass(frozen=True)
class HomeConfig:
    latest: int = doc("首页“最新动态”显示的文章数", 8)
    per_category: int = doc("首页每个栏目区块显示的文章数", 5)
    pinned: int = doc("首页最多显示的置顶文章数", 3)
    update_every: int = doc("首页至少每多少天要有新文章（政府网站检查指标：两周）；0 表示不检查", 14)


@dataclass(frozen=True)
class StatsConfig:
    page: bool = doc("是否生成“发布统计”页面（stats/index.html，页脚有链接）", False)
    quotas: tuple[tuple[str, int], ...] = doc(
        "发稿考核：每个来源每月至少发稿几篇，如 \"*党支部\" = 1（* 代表任意文字）；stats 列出每月未达标的来源", (),
        mapping="篇数", example='[stats.quotas]\n"*党支部" = 1')


STAGES = {"初审": "review_first", "复审": "review_second", "终审": "review_final", "保密审查": "secrecy_review"}


@dataclass(frozen=True)
class ReviewConfig:
    required: tuple[str, ...] = doc("发布前必须有的审核签字，从 初审、复审、终审、保密审查 中选；不写则不要求", (),
                                    items="审核环节", example='required = ["初审", "复审", "终审", "保密审查"]',
                                    choices=tuple(STAGES))
    since: str = doc("从哪天起发布的文章要求审核签字，如 2026-01-01；之前的文章（如导入的历史文章）不要求。不写则全部要求",
                     "", pattern=r"\d{4}-\d{2}-\d{2}", example="2026-01-01")
    same_person: bool = doc("同一个人能否签两个环节（如初审和复审）", False)
    missing: str = doc("审核不全的文章：hold（暂不发布，列出待审，默认）或 error（构建失败）", "hold",
                       choices=("hold", "error"))
    show_reason: bool = doc("撤稿页面是否显示撤稿原因", False)


@dataclass(frozen=True)
class ProofreadEntry:
    wrong: str = doc("错误写法，如领导姓名的常见错字")
    right: str = doc("规范写法；留空表示这个说法不能用", "")
    source: str = doc("依据，显示在提示中", "本站规定")
    context_ok: tuple[str, ...] = doc("含有错误写法、但本身正确的较长说法", (), items="说法",
                                      example='context_ok = ["张三丰收"]')


@dataclass(frozen=True)
class ProofreadConfig:
    severity: str = doc("表述、错别字、繁体字问题的级别：warning（警告）或 error（错误，check 不通过）", "warning",
                        choices=("warning", "error"))
    shipped: bool = doc("是否使用内置词表（规范表述、常见错别字、医疗广告禁用语）", True)
    traditional: bool = doc("是否提示正文中的繁体字", True)
    file: str = doc("本站的另一个词表文件（TOML，每条写成 [[entries]]，键同下），相对于 site.toml", "")
    entries: tuple[ProofreadEntry, ...] = doc("本站的词条：医院名称、领导姓名及其常见错写等", ())


@dataclass(frozen=True)
class PrivacyConfig:
    public_numbers: tuple[str, ...] = doc("可以公开的号码（服务热线、公开的办公手机等），check 不把它们当作个人信息",
                                          (), items="号码", example='public_numbers = ["13900000000"]',
                                          normalise=lambda v: re.sub(r"\D", "", v))


# Formats of the identity every page footer shows (政府网站与政务新媒体检查指标; 工信部 and 公安部 备案).
# ICP numbers use 蜀 黔 滇 陇 where 公安 numbers use 川 贵 云 甘 (docs/dev-inspection-sources.md).
ICP_PROVINCES = "京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝蜀川黔滇藏陕陇青宁新"
POLICE_PROVINCES = "京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川贵滇云藏陕甘青宁新"
ICP_RE = rf"[{ICP_PROVINCES}]ICP备\d{{6,10}}号(?:-\d{{1,3}})?"
POLICE_RE = rf"[{POLICE_PROVINCES}]公网安备 ?\d{{14}}号"
SITE_CODE_RE = r"[0-9A-Za-z]{10}"
PHONE_RE = r"[0-9０-９+()（）\- ，,、/转]{7,60}"


@dataclass(frozen=True)
class IdentityConfig:
    sponsor: str = doc("主办单位，如 示例市人民医院党委", "")
    organizer: str = doc("承办单位，如 示例市人民医院党委宣传部", "")
    phone: str = doc("联系电话，如 0710-1234567", "", pattern=PHONE_RE, example="0710-1234567")
    address: str = doc("地址", "")
    icp: str = doc("ICP备案号，如 鄂ICP备12345678号-1（页脚链接到工信部备案系统）", "", pattern=ICP_RE,
                   example="鄂ICP备12345678号-1")
    police: str = doc("公安机关备案号，如 鄂公网安备42010602000123号（页脚链接到备案信息页）", "", pattern=POLICE_RE,
                      example="鄂公网安备42010602000123号")
    site_code: str = doc("网站标识码（10 位字母或数字），政府网站和部分医院网站有", "", pattern=SITE_CODE_RE,
                         example="4201000001")
    badge: str = doc("党政机关（或事业单位）标识图片：放在网站 static/ 文件夹里的文件名，如 dzjg.png；页脚居中显示", "")
    badge_url: str = doc("标识的核验链接，如 https://bszs.conac.cn/sitename?method=show&id=…", "")

    ICP_URL = "https://beian.miit.gov.cn/"          # the MIIT 备案 system (the www. address is dead)

    @property
    def police_url(self) -> str:
        """The 公安 record page of this site's number (全国互联网安全管理服务平台)."""
        return "https://beian.mps.gov.cn/#/query/webSearch?code=" + re.sub(r"\D", "", self.police)

    @property
    def phone_href(self) -> str:
        """A tap-to-call link for the first number (readers are mostly on phones)."""
        first = re.split(r"[，,、/；;]|转", self.phone)[0]
        return "tel:" + re.sub(r"[^0-9+]", "", first)


@dataclass(frozen=True)
class DeployConfig:
    target: str = doc("deploy 发布到的文件夹：网站服务器提供访问的目录（本机路径或挂载的共享文件夹），如 /var/www/djgz；"
                      "其中的 current 是网站根目录，releases/ 保存各个版本；相对路径相对于 site.toml", "")
    keep: int = doc("保留的版本数（含当前版本，至少 2），供 deploy --rollback 回退", 3)


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
    identity: IdentityConfig = doc("网站标识：页脚显示的主办单位、备案号等", default_factory=IdentityConfig)
    proofread: ProofreadConfig = doc("校对：规范表述、错别字、繁体字", default_factory=ProofreadConfig)
    privacy: PrivacyConfig = doc("个人信息检查", default_factory=PrivacyConfig)
    review: ReviewConfig = doc("三审签发和保密审查", default_factory=ReviewConfig)
    deploy: DeployConfig = doc("发布到网站服务器（python build.py deploy）", default_factory=DeployConfig)
    categories: tuple[CategoryConfig, ...] = doc("栏目列表", ())

    @property
    def base_path(self) -> str:
        """The URL path the site is served under, e.g. `/djgz/`."""
        path = re.sub(r"^[a-z]+://[^/]+", "", self.base_url) or "/"
        return path if path.endswith("/") else path + "/"

    @property
    def domain(self) -> str:
        """The host readers reach the site at (www.example.cn), or empty when base_url has none."""
        m = re.match(r"^[a-z]+://([^/:]+)", self.base_url)
        return m.group(1) if m else ""

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
        config = _with_word_list(config, path, lines, local)
        for entry in config.proofread.entries:
            if not entry.wrong.strip() or entry.wrong == entry.right:
                line = _find_line(lines, "wrong")
                local.add(P.CONFIG_WORD_ENTRY, path, line, lines[line - 1] if line else None, wrong=entry.wrong)
    report.extend(local)
    local.raise_errors(kind=ConfigError)
    return config


def _with_word_list(config: SiteConfig, path: Path, lines: list[str], report: Report) -> SiteConfig:
    """[proofread] file: the site's own word list, kept apart from site.toml (it grows long), read
    and validated as `[[entries]]` tables."""
    if not config.proofread.file:
        return config
    words = path.parent / config.proofread.file
    line = _find_line(lines, "file")
    try:
        raw = words.read_bytes()
        data = tomllib.loads(raw.decode("utf-8-sig"))
    except (FileNotFoundError, IsADirectoryError):
        report.add(P.CONFIG_WORD_LIST, path, line, lines[line - 1] if line else None, value=config.proofread.file)
        return config
    except UnicodeDecodeError:
        report.add(P.CONFIG_NOT_UTF8, words, None)
        return config
    except tomllib.TOMLDecodeError as exc:
        at = _toml_error_line(str(exc))
        report.add(P.TOML_SYNTAX, words, at, _line_of(raw, at), detail=exc)
        return config
    rows = raw.decode("utf-8-sig").splitlines()
    unknown = set(data) - {"entries"}
    for key in sorted(unknown):
        report.add(P.CONFIG_UNKNOWN_KEY, words, _find_line(rows, key), key=key, suggestion="词表文件只含 [[entries]] 表")
    entries = _convert(next(f for f in fields(ProofreadConfig) if f.name == "entries"), data.get("entries", []),
                      "entries", words, rows, report)
    if entries is _INVALID:
        return config
    proofread = replace(config.proofread, entries=config.proofread.entries + entries)
    return replace(config, proofread=proofread)


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
    if "mapping" in f.metadata:
        return _mapping(f, value, name, path, lines, report)
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
        values = tuple(normalise(v) for v in value)
        wrong = [v for v in values if "choices" in f.metadata and v not in f.metadata["choices"]]
        if wrong:
            report.add(P.CONFIG_CHOICE, path, line, where, key=f"{name}（“{wrong[0]}”）",
                       choices="、".join(f.metadata["choices"]))
            return _INVALID
        return values
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
    if kind is str and value and "choices" in f.metadata and value not in f.metadata["choices"]:
        report.add(P.CONFIG_CHOICE, path, line, where, key=name, choices="、".join(f.metadata["choices"]))
        return _INVALID
    if kind is str and value and "pattern" in f.metadata and not re.fullmatch(f.metadata["pattern"], value.strip()):
        report.add(P.CONFIG_FORMAT, path, line, where, key=name, name=name.split(".")[-1],
                   example=f.metadata["example"])
        return _INVALID
    return value.strip() if kind is str and "pattern" in f.metadata else value


def _mapping(f, value, name, path, lines, report):
    """A table of names to whole numbers, kept in order as (name, number) pairs."""
    line = _find_line(lines, name)
    if not isinstance(value, dict) or not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0
                                              for v in value.values()):
        report.add(P.CONFIG_MAPPING, path, line, lines[line - 1] if line else None, key=name,
                   what=f.metadata["mapping"], example=f.metadata["example"])
        return _INVALID
    return tuple((str(k), v) for k, v in value.items())


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
    if config.review.since:
        try:
            datetime.strptime(config.review.since, "%Y-%m-%d")
        except ValueError:
            line = _find_line(lines, "since")
            report.add(P.CONFIG_FORMAT, path, line, lines[line - 1] if line else None, key="review.since",
                       name="since", example="2026-01-01")
    seen: set[str] = set()
    for cat in config.categories:
        line = slug_line(lines, cat.slug)
        if not SLUG_RE.match(cat.slug):
            report.add(P.CONFIG_CATEGORY_SLUG, path, line, lines[line - 1] if line else None, slug=cat.slug)
        if cat.slug in seen:
            report.add(P.CONFIG_CATEGORY_TWICE, path, line, slug=cat.slug)
        seen.add(cat.slug)
        if not cat.name.strip():
            report.add(P.CONFIG_CATEGORY_NAME, path, line, slug=cat.slug)


def slug_line(lines: list[str], slug: str) -> int | None:
    """The line of site.toml that declares the category `slug` (for messages)."""
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
