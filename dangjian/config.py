"""The site configuration: a declared schema loaded from `site.toml`.

Every key is a dataclass field whose `doc` metadata is its documentation
(docs/configuration.md lists the same). Unknown keys are warnings; every error
in the file is reported at once.
"""
import re
import tomllib
from dataclasses import MISSING, dataclass, fields, is_dataclass, replace
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from . import problems as P
from .errors import ConfigError, Report
from .schema import INVALID, build_table, convert, doc, find_line, item_type, line_of, toml_error_line

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class CategoryConfig:
    slug: str = doc("栏目网址中的英文名，只含小写字母、数字和连字符，如 news")
    name: str = doc("栏目中文名，如 工作动态")
    description: str = doc("栏目简介，显示在栏目页顶部", "")
    order: int = doc("排列顺序，数字小的在前", 0)
    update_every: int = doc("至少每多少天要有新文章（如工作动态 14、通知公告 180）；超期时 check 提醒。0 表示不要求",
                            0)


DATE_RE = r"\d{4}-\d{2}-\d{2}"


@dataclass(frozen=True)
class TopicConfig:
    slug: str = doc("专题网址中的英文名，只含小写字母、数字和连字符，如 ershida（网址为 topics/ershida/）")
    name: str = doc("专题名称，如 学习贯彻党的二十大精神")
    short_name: str = doc("导航栏里显示的简称，如 二十大精神；不写则用 name", "")
    intro: str = doc("专题简介（可用 Markdown），显示在专题页顶部", "")
    banner: str = doc("专题横幅图片：放在网站 static/ 文件夹里的文件名，如 topics/ershida.jpg（宽约 1200 像素）", "")
    start: str = doc("专题开始日期，如 2024-04-01；这天之前专题不上线", "", pattern=DATE_RE, example="2024-04-01",
                     date=True)
    end: str = doc("专题结束日期，如 2024-12-31；过了这天专题显示“已归档”，离开首页和导航。不写表示长期", "",
                   pattern=DATE_RE, example="2024-12-31", date=True)
    tags: tuple[str, ...] = doc("带有这些标签的文章属于本专题（文章也可以用 专题 字段加入）", (), items="标签",
                                example='tags = ["党纪学习教育"]')
    order: int = doc("排列顺序，数字小的在前；相同时开始日期晚的在前", 0)

    @property
    def start_day(self) -> date | None:
        return date.fromisoformat(self.start) if self.start else None

    @property
    def end_day(self) -> date | None:
        return date.fromisoformat(self.end) if self.end else None

    def state(self, today: date) -> str:
        """"pending" before its start, "active" through its end date, then "archived"."""
        start, end = self.start_day, self.end_day
        if start and today < start:
            return "pending"
        return "archived" if end and today > end else "active"


@dataclass(frozen=True)
class HeaderConfig:
    logo: str = doc("页眉左侧的医院标志：放在网站 static/ 文件夹里的图片文件名，如 logo.png（高约 96 像素）", "")
    banner: str = doc("电脑上页眉的背景横幅：static/ 里的图片文件名，如 header.jpg（宽约 1920、高约 240 像素）；"
                      "手机上不显示", "")


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
    target: str = doc("deploy 发布到的文件夹：网站服务器提供访问的目录（本机路径或挂载的共享文件夹），如 /var/www/djgz，"
                      "或 rsync 目标（用户@服务器:/路径，经 ssh 上传）；其中的 current 是网站根目录，releases/ 保存各个版本；"
                      "相对路径相对于 site.toml", "")
    keep: int = doc("保留的版本数（含当前版本，至少 2），供 deploy --rollback 回退", 3)
    ssh: str = doc("target 是 rsync 目标（用户@服务器:/路径，如 deploy@www.example.cn:/var/www/djgz）时使用的 ssh 命令，"
                   "如 ssh -p 2222 -i ~/.ssh/djgz_deploy", "ssh")


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
    header: HeaderConfig = doc("页眉：医院标志和横幅图片", default_factory=HeaderConfig)
    categories: tuple[CategoryConfig, ...] = doc("栏目列表", ())
    topics: tuple[TopicConfig, ...] = doc("专题列表（学习贯彻党的二十大精神、主题教育、党纪学习教育……），每个写成一个 [[topics]] 表",
                                          ())

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

    def topic(self, name: str) -> TopicConfig | None:
        """A topic by slug, name or short name (as editors write it in an article's 专题 field)."""
        for topic in self.topics:
            if name in (topic.slug, topic.name, topic.short_name):
                return topic
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
        line = toml_error_line(str(exc))
        raise ConfigError([P.TOML_SYNTAX.problem(path, line, line_of(raw_bytes, line), detail=exc)])
    lines = raw_bytes.decode("utf-8-sig").splitlines()
    local = Report(root=report.root)
    config = build_table(SiteConfig, data, "", path, lines, local)
    if config is not None:
        _check_site(config, path, lines, local)
        config = _with_word_list(config, path, lines, local)
        for entry in config.proofread.entries:
            if not entry.wrong.strip() or entry.wrong == entry.right:
                line = find_line(lines, "wrong")
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
    line = find_line(lines, "file")
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
        at = toml_error_line(str(exc))
        report.add(P.TOML_SYNTAX, words, at, line_of(raw, at), detail=exc)
        return config
    rows = raw.decode("utf-8-sig").splitlines()
    unknown = set(data) - {"entries"}
    for key in sorted(unknown):
        report.add(P.CONFIG_UNKNOWN_KEY, words, find_line(rows, key), key=key, suggestion="词表文件只含 [[entries]] 表")
    entries = convert(next(f for f in fields(ProofreadConfig) if f.name == "entries"), data.get("entries", []),
                      "entries", words, rows, report)
    if entries is INVALID:
        return config
    proofread = replace(config.proofread, entries=config.proofread.entries + entries)
    return replace(config, proofread=proofread)


def _check_site(config: SiteConfig, path: Path, lines: list[str], report: Report) -> None:
    if config.language != "zh-CN":
        report.add(P.CONFIG_LANGUAGE, path, find_line(lines, "language"))
    try:
        ZoneInfo(config.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        report.add(P.CONFIG_TIMEZONE, path, find_line(lines, "timezone"), value=config.timezone)
    if config.page_size < 1:
        report.add(P.CONFIG_PAGE_SIZE, path, find_line(lines, "page_size"))
    if not config.categories:
        report.add(P.CONFIG_NO_CATEGORIES, path, None)
    if not _is_day(config.review.since):
        line = find_line(lines, "since")
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
    _check_topics(config, path, lines, report)


def _is_day(text: str) -> bool:
    """Empty, or a real day written 2024-04-01."""
    try:
        return not text or bool(datetime.strptime(text, "%Y-%m-%d"))
    except ValueError:
        return False


def _check_topics(config: SiteConfig, path: Path, lines: list[str], report: Report) -> None:
    seen: set[str] = set()
    for topic in config.topics:
        line = slug_line(lines, topic.slug)
        where = lines[line - 1] if line else None
        if not SLUG_RE.match(topic.slug):
            report.add(P.CONFIG_TOPIC_SLUG, path, line, where, slug=topic.slug)
        if topic.slug in seen:
            report.add(P.CONFIG_TOPIC_TWICE, path, line, where, slug=topic.slug)
        seen.add(topic.slug)
        if not topic.name.strip():
            report.add(P.CONFIG_TOPIC_NAME, path, line, where, slug=topic.slug)
        for key in [k for k in ("start", "end") if not _is_day(getattr(topic, k))]:
            report.add(P.CONFIG_FORMAT, path, line, where, key=f"topics.{key}", name=key, example="2024-04-01")
        if topic.start and topic.end and topic.end < topic.start:
            report.add(P.CONFIG_TOPIC_DATES, path, line, where, slug=topic.slug, start=topic.start, end=topic.end)


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
            table = f.type if is_dataclass(f.type) else item_type(f.type)
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
