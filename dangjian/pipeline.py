"""The build, in explicit phases: gather and validate → plan → render → write.

Every content problem is collected before anything is planned; nothing is
written until the whole site has been planned and every output path checked.
"""
from __future__ import annotations

import logging
import posixpath
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from . import images as img
from . import search
from .config import SiteConfig, load_config
from .content import Source, load_all
from .errors import Report
from .markup import ImageRef, Markup
from .model import Body, Picture, Site, build_site
from .output import Writer
from .pages import Page, plan
from . import stats
from .render import THEME, Renderer
from .urls import Urls, relative

log = logging.getLogger(__name__)
MARKER = ".dangjian-site"


@dataclass
class Options:
    content: Path = Path("content")
    templates: Path = Path("templates")
    out: Path = Path("site")
    config: Path = Path("site.toml")
    static: Path | None = None           # the site's own static files; default: static/ beside site.toml
    drafts: bool = False
    future: bool = False
    strict: bool = False
    now: datetime | None = None
    search: bool = True                  # build the Pagefind index (--no-search skips it)


@dataclass
class Gathered:
    config: SiteConfig
    sources: list[Source]                # published ones
    bodies: dict[str, Body]
    urls: Urls
    assets: list[str]                    # files beside the articles, below content/
    report: Report
    skipped_drafts: int = 0
    skipped_future: int = 0
    loaded: list[Source] = field(default_factory=list)   # every valid article, drafts and future ones too
    images: dict[str, img.Source] = field(default_factory=dict)     # the assets published as resized variants
    covers: dict[str, Picture] = field(default_factory=dict)        # article rel → its cover for share metadata
    image_cache: img.ImageCache | None = None


@dataclass
class Result:
    articles: int
    pages: int
    seconds: float
    written: int = 0
    unchanged: int = 0
    warnings: list = field(default_factory=list)
    images_processed: int = 0
    images_cached: int = 0


def gather(options: Options) -> Gathered:
    """Load config and content, validate everything, render bodies; raise all errors together."""
    g = collect(options)
    now = options.now or datetime.now(g.config.tz)
    for src in g.loaded:
        if not (src.draft and not options.drafts) and src.date > now and not options.future:
            log.info("%s: 发布时间 %s 在未来，暂不发布（用 --future 可预览）", src.rel, src.date.date())
    g.report.raise_errors(strict=options.strict)
    for problem in g.report.warnings:
        log.warning(problem.format(g.report.root))
    return g


def collect(options: Options) -> Gathered:
    """Everything `gather` does, but problems stay in the report (for `check`); ConfigError still raises."""
    report = Report(root=Path.cwd())
    config = load_config(options.config, report)
    sources = load_all(options.content, config, report)
    now = options.now or datetime.now(config.tz)
    published, drafts, future = [], 0, 0
    for src in sources:
        if src.draft and not options.drafts:
            drafts += 1
        elif src.date > now and not options.future:
            future += 1
        else:
            published.append(src)
    urls = Urls(config, published, report)
    assets = _assets(options.content)
    asset_set = set(assets)
    cache = img.ImageCache(image_cache_folder(options))
    images = _inspect_images(options.content, assets, cache, report)
    markup = Markup(config.summary_length, config.iframe_hosts)
    bodies, covers = {}, {}
    for src in published:
        if src.rel not in urls.articles:
            continue
        rewrite = _rewriter(src, urls, asset_set, report, images)
        rendered = markup.convert(src.body, src.summary, rewrite, _image_resolver(src, urls, images))
        for missing in rendered.missing_alt:
            line = _line_of(src, missing)
            report.warn(src.path, line, f"图片缺少替代文字（alt）：{missing}",
                        "在方括号里写上图片内容，例如 ![党员志愿者在门诊服务](images/a.jpg)",
                        _source_line(src, line))
        if src.cover and src.cover not in asset_set and posixpath.normpath(
                posixpath.join(posixpath.dirname(src.rel), src.cover)) not in asset_set:
            line = src.lines.get("cover", 1)
            report.warn(src.path, line, f"封面图片不存在：{src.cover}", "检查 cover 的文件名和路径（相对于文章文件）",
                        _source_line(src, line), field="cover", code="missing-cover")
        cover = images.get(_target(src, src.cover)) if src.cover else None
        if cover is not None:
            covers[src.rel] = Picture(urls.image_variant(cover.rel, cover.share_width, img.FORMATS[-1]),
                                      cover.share_width, cover.height_at(cover.share_width))
        bodies[src.rel] = rendered.body
    return Gathered(config, [s for s in published if s.rel in bodies], bodies, urls, assets, report,
                    drafts, future, sources, images, covers, cache)


def build(options: Options) -> Result:
    started = time.perf_counter()
    g = gather(options)
    site = build_site(g.config, g.sources, g.bodies, g.covers)
    for kind, terms in (("tag", site.tags), ("source", site.sources), ("author", site.authors)):
        g.urls.assign_terms(kind, terms)
    pages = list(plan(site, g.urls))
    if g.config.stats.page:
        pages.append(stats.plan_page(site))
    writer = Writer(options.out)
    _check_output_folder(options)
    for page in pages:
        writer.reserve(page.path, page.title)
    # Originals of photos are never published, nor camera formats we cannot strip of GPS data.
    plain_assets = [rel for rel in g.assets if not img.is_image(rel) and not img.is_withheld(rel)]
    variants = list(_variants(g))
    for rel in plain_assets:
        writer.reserve(g.urls.asset(rel) or rel, f"content/{rel}")
    for path, source, _, _ in variants:
        writer.reserve(path, f"content/{source.rel}")
    statics = _static_files(options)
    for rel in statics:
        writer.reserve(f"static/{rel}", f"static/{rel}")
    if "favicon.ico" in statics:         # browsers and audits ask for /favicon.ico when served at the host root
        writer.reserve("favicon.ico", "static/favicon.ico")
    writer.reserve(MARKER, "marker")
    renderer = Renderer(site, g.urls, options.templates)
    with writer:
        for page in pages:
            writer.write(page.path, renderer.render(page))
        for rel in plain_assets:
            writer.copy(g.urls.asset(rel) or rel, options.content / rel)
        for path, source, width, fmt in variants:
            writer.write(path, g.image_cache.variant(source, width, fmt))
        for rel, src in statics.items():
            writer.copy(f"static/{rel}", src)
        if "favicon.ico" in statics:
            writer.copy("favicon.ico", statics["favicon.ico"])
        writer.write(MARKER, b"Generated by dangjian; this folder is replaced on every build.\n")
        if options.search:
            # Indexed in the staging folder, so a failed build keeps the old index too.
            search.index(site, g.urls, writer.staging)
        writer.commit()
    image_stats = g.image_cache.stats
    if g.images:
        log.info("图片：%d 张，新处理 %d 张，%d 张未变（使用缓存）", len(g.images), image_stats.processed,
                 image_stats.cached)
    return Result(len(site.articles), len(pages), time.perf_counter() - started,
                  writer.stats.written, writer.stats.unchanged, g.report.warnings,
                  image_stats.processed, image_stats.cached)


def check(options: Options) -> Gathered:
    """Validate everything a build would, write nothing."""
    return gather(options)


def _check_output_folder(options: Options) -> None:
    from .errors import OutputError
    out = options.out.resolve()
    protected = [options.content.resolve(), options.config.resolve().parent, Path.cwd().resolve(), Path.home()]
    if options.templates:
        protected.append(options.templates.resolve())
    for place in protected:
        if out == place or place.is_relative_to(out):
            raise OutputError(f"输出文件夹 {options.out} 包含内容、模板或配置，拒绝覆盖 — 请用 --out 指定单独的文件夹，如 site")
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).exists())):
        raise OutputError(f"输出文件夹 {options.out} 已存在且不是本工具生成的，拒绝覆盖 — 请换一个 --out 文件夹，或先手动删除它")


def _assets(content: Path) -> list[str]:
    if not content.is_dir():
        return []
    out = []
    for path in sorted(content.rglob("*")):
        rel = path.relative_to(content)
        if path.is_file() and path.suffix.lower() != ".md" and not any(p.startswith((".", "_")) for p in rel.parts):
            out.append(rel.as_posix())
    return out


def _static_files(options: Options) -> dict[str, Path]:
    """Theme static files, overridden file by file by the site's own static/ folder."""
    files = {}
    own = options.static if options.static is not None else options.config.parent / "static"
    for root in (THEME / "static", own):
        if root and root.is_dir():
            for path in sorted(root.rglob("*")):
                if path.is_file() and not path.name.startswith("."):
                    files[path.relative_to(root).as_posix()] = path
    return files


def image_cache_folder(options: Options) -> Path:
    """Processed images are kept beside the output folder, in .cache/images/ (git-ignored)."""
    return options.out.resolve().parent / ".cache" / "images"


def _inspect_images(content: Path, assets: list[str], cache: img.ImageCache, report: Report) -> dict[str, img.Source]:
    found = {}
    for rel in assets:
        if img.is_withheld(rel):
            report.warn(content / rel, None, f"不支持这种图片格式，未发布：{rel}（这类照片常带拍摄地点等信息）",
                        "用看图软件或手机把它另存为 JPG，再在正文中引用 .jpg 文件")
            continue
        if not img.is_image(rel):
            continue
        try:
            found[rel] = cache.inspect(rel, content / rel)
        except ValueError as exc:
            # Not published at all: a file we cannot decode might still carry GPS data.
            report.warn(content / rel, None, f"图片无法读取，未发布：{rel}（{exc}）",
                        "用看图软件打开检查；可另存为 JPG 或 PNG 后替换")
    return found


def _variants(g: Gathered):
    """(output path, source, width, format) of every resized copy of every published image."""
    for rel, source in g.images.items():
        for width in source.widths:
            for fmt in img.FORMATS:
                yield g.urls.image_variant(rel, width, fmt) or rel, source, width, fmt


def _target(src: Source, value: str) -> str:
    """The content path that a link written in `src` points to (query and fragment dropped)."""
    path = value.strip().partition("#")[0].partition("?")[0]
    return posixpath.normpath(posixpath.join(posixpath.dirname(src.rel), _unquote(path)))


def _image_resolver(src: Source, urls: Urls, images: dict[str, img.Source]):
    """For markup: the resized variants of an image written in `src`, as srcsets relative to its page."""
    page = urls.articles[src.rel]

    def resolve(value: str) -> ImageRef | None:
        value = value.strip()
        if not value or value.startswith(("#", "/", "//", "data:")) or ":" in value.split("/")[0]:
            return None
        source = images.get(_target(src, value))
        if source is None:
            return None

        def srcset(fmt: str) -> str:
            return ", ".join(f"{quote(relative(page, urls.image_variant(source.rel, w, fmt)))} {w}w"
                             for w in source.widths)
        return ImageRef(srcset(img.FORMATS[-1]), tuple((f"image/{f}", srcset(f)) for f in img.FORMATS[:-1]),
                        source.widths[-1], source.height_at(source.widths[-1]))

    return resolve


def _rewriter(src: Source, urls: Urls, assets: set[str], report: Report, images: dict[str, img.Source] | None = None):
    """Turn links written relative to the Markdown file into links relative to its page."""
    page = urls.articles[src.rel]
    folder = posixpath.dirname(src.rel)
    content = src.path.parents[src.rel.count("/")]
    images = images or {}

    def rewrite(attribute: str, value: str) -> str | None:
        value = value.strip()
        if not value or value.startswith(("#", "/", "//", "data:")) or ":" in value.split("/")[0]:
            return value
        path, _, fragment = value.partition("#")
        path, _, query = path.partition("?")
        target = posixpath.normpath(posixpath.join(folder, _unquote(path)))
        suffix = ("?" + query if query else "") + ("#" + fragment if fragment else "")
        if target.startswith("../"):
            return value
        if target.endswith(".md"):
            dest = urls.articles.get(target)
            if dest is None:
                line = _line_of(src, path)
                if (content / target).is_file():
                    report.warn(src.path, line, f"链接的文章未发布（草稿、未来日期或有错误）：{path}",
                                "等对方发布后再链接，或先去掉这个链接", _source_line(src, line), code="unpublished-link")
                else:
                    report.warn(src.path, line, f"链接的文章不存在：{path}",
                                "检查文件名和相对路径（如 ../2024/文件名.md）", _source_line(src, line),
                                code="broken-link")
                return None
            return relative(page, dest) + ("#" + fragment if fragment else "")
        if target in images:           # the original is not published: point at a resized copy
            source = images[target]
            return relative(page, urls.image_variant(target, source.share_width, img.FORMATS[-1])) + suffix
        if target in assets:
            return relative(page, urls.asset(target) or target) + suffix
        line = _line_of(src, path)
        kind = "图片" if attribute == "src" else "链接的文件"
        report.warn(src.path, line, f"{kind}不存在：{path}", "检查文件名（区分大小写）和相对路径；文件应放在文章旁边",
                    _source_line(src, line), code="missing-image" if attribute == "src" else "missing-file")
        return value

    return rewrite


def _unquote(path: str) -> str:
    from urllib.parse import unquote
    return unquote(path)


def quote(path: str) -> str:
    """Percent-encode a URL path for srcset, where a space or comma would split the list."""
    from urllib.parse import quote as _quote
    return _quote(path, safe="/")


def _line_of(src: Source, needle: str) -> int:
    """The file line where `needle` first appears in the body (for messages)."""
    at = src.body.find(needle) if needle else -1
    return src.body_line + src.body.count("\n", 0, at) if at >= 0 else src.body_line


def _source_line(src: Source, line: int) -> str | None:
    rows = src.body.split("\n")
    i = line - src.body_line
    return rows[i] if 0 <= i < len(rows) else None
