"""The first phase: load the config and every article, validate them, convert their bodies.

Every content problem is collected (nothing is planned before all are known).
What the last build already parsed or converted is reused through the
incremental facade (`Rebuild`), whose records replay the problems found then,
so the output and the messages are the same either way.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from .. import problems as P
from ..body import images as img
from ..body import links
from ..body.images import ImageCache, inspect_all
from ..config import SiteConfig, load_config
from ..core import review
from ..core.content import Source, find, is_junk, load_file, parse_conditions
from ..core.model import Body, Image, Picture
from ..core.urls import Urls, page_dir
from ..errors import Report
from ..incremental.rebuild import Rebuild
from ..options import Options
from ..util import parallel
from ..util.progress import Progress, Silent
from .assets import picture_size, static_files

log = logging.getLogger(__name__)


@dataclass
class Gathered:
    config: SiteConfig
    sources: list[Source]                # published, each with a body
    bodies: dict[str, Body]
    urls: Urls
    assets: list[str]                    # files beside the articles, below content/
    report: Report
    skipped_drafts: int = 0
    skipped_future: int = 0
    loaded: list[Source] = field(default_factory=list)   # every valid article, drafts and future ones too
    images: dict[str, img.Source] = field(default_factory=dict)     # the assets published as resized variants
    covers: dict[str, Picture] = field(default_factory=dict)        # article rel → its cover for share metadata
    image_cache: ImageCache | None = None
    messages: list[tuple[int, str]] = field(default_factory=list)   # logged, and replayed by the no-change shortcut
    next_publish: float = float("inf")   # when the next scheduled article is due (a timestamp)
    digests: dict[str, str] = field(default_factory=dict)          # article rel → its file's digest
    published_files: set[str] = field(default_factory=set)         # files below content/ that go online
    held: list[Source] = field(default_factory=list)               # awaiting review (or 涉密): not published
    withdrawn: list[Source] = field(default_factory=list)          # 撤稿: a notice at their address
    pending: dict[str, str] = field(default_factory=dict)          # preview: held article rel → what it lacks
    today: date | None = None                                       # the build's day (which topics run)
    intros: dict[str, Body] = field(default_factory=dict)          # topic slug → its introduction, converted
    pictures: dict[str, Image] = field(default_factory=dict)       # static pictures site.toml names, sized


def gather(options: Options, rebuild: Rebuild, progress: Progress | None = None) -> Gathered:
    """Load config and content, validate everything, render bodies; raise all errors together."""
    gathered = collect(options, rebuild, progress)
    for level, text in gathered.messages:
        log.log(level, text)
    gathered.report.raise_errors(strict=options.strict)
    held = [] if options.preview else [p for p in gathered.report.problems if p.code in review.HELD]
    for problem in gathered.report.warnings + held:
        label = "" if problem.code in review.HELD else None       # 待审 is said as it is, not as a 警告
        gathered.messages.append((logging.WARNING, problem.format(gathered.report.root, label=label)))
        log.warning(gathered.messages[-1][1])
    return gathered


def collect(options: Options, rebuild: Rebuild, progress: Progress | None = None) -> Gathered:
    """Everything `gather` does, but problems stay in the report (for `check`); ConfigError still raises."""
    progress = progress or Silent()
    report = Report(root=Path.cwd())
    config = load_config(options.config, report)
    pictures = _pictures(options, config, report)
    if not options.content.is_dir():
        report.add(P.NO_CONTENT_FOLDER, options.content, None)
    files, asset_stats = rebuild.scanned or find(options.content)
    sources = _sources(options, config, files, rebuild, progress, report)
    flagged = {p.path: p.message for p in report.problems if p.code == P.SPAM_SUSPECTED.code}
    chosen = _select(sources, options, config, flagged)
    published, drafts, future, messages = chosen.published, chosen.drafts, chosen.future, chosen.messages
    today = chosen.now.date()
    next_publish = min(chosen.next_publish, _next_topic_change(config, today))
    urls = Urls(config, published + chosen.withdrawn, report, rebuild.slugger, {s.rel for s in chosen.withdrawn})
    _addresses_gone(options, rebuild.vanished(urls), sources, urls, report)
    assets = [rel for rel, _ in asset_stats]
    image_cache = ImageCache(options.image_cache)
    images = inspect_all(options.content, asset_stats, image_cache, report)
    bodies, lookups = _bodies(options, config, published, urls, set(assets), images, rebuild, progress, report)
    covers = {}
    for src in published:
        cover = images.get(links.target(src, src.cover)) if src.cover else None
        if cover is not None:
            small = cover.widths[0]
            covers[src.rel] = Picture(urls.image_variant(cover.rel, cover.share_width, img.FORMATS[-1]),
                                      cover.share_width, cover.height_at(cover.share_width),
                                      urls.image_variant(cover.rel, small, img.FORMATS[-1]),
                                      urls.image_variant(cover.rel, small, img.FORMATS[0]), small, cover.height_at(small))
        if src.body:        # the Markdown text is done with: free it before rendering (memory at 100k)
            object.__setattr__(src, "body", "")
    return Gathered(config, [s for s in published if s.rel in bodies], bodies, urls, assets, report, drafts, future,
                    sources, images, covers, image_cache, messages, next_publish,
                    {s.rel: s.digest for s in published + chosen.withdrawn},
                    published_files(options, config, assets, lookups), chosen.held,
                    [s for s in chosen.withdrawn if s.rel in urls.articles], chosen.pending, today,
                    _intros(config), pictures)


def _pictures(options: Options, config: SiteConfig, report: Report) -> dict[str, Image]:
    """The pictures site.toml names from static/ (badge, logo, banners), with their pixel sizes; each one
    missing reported at its line."""
    statics = static_files(options)
    named = [("identity.badge", "网站标识", config.identity.badge), ("header.logo", "页眉标志", config.header.logo),
             ("header.banner", "页眉横幅", config.header.banner),
             *((f"topics（{t.slug}）的 banner", "专题横幅", t.banner) for t in config.topics)]
    found, lines = {}, None
    for key, what, name in named:
        if not name:
            continue
        if name not in statics:                # site.toml read again only to name the line
            lines = lines if lines is not None else options.config.read_text("utf-8-sig", "replace").splitlines()
            line = next((i for i, text in enumerate(lines, 1) if f'"{name}"' in text or f"'{name}'" in text), None)
            check = P.BADGE_MISSING if key == "identity.badge" else P.STATIC_IMAGE_MISSING
            report.add(check, options.config, line, lines[line - 1] if line else None, value=name, what=what, key=key)
        elif name not in found:
            found[name] = Image(name, *picture_size(statics[name]))
    return found


def _intros(config: SiteConfig) -> dict[str, Body]:
    """Each topic's introduction, Markdown made safe HTML (and its summary) like an article body."""
    from ..body.markup import Markup
    markup = Markup(config.summary_length, config.iframe_hosts) if any(t.intro for t in config.topics) else None
    return {t.slug: markup.convert(t.intro).body for t in config.topics if t.intro}


def _next_topic_change(config: SiteConfig, today: date) -> float:
    """When a topic next starts or is archived (a timestamp): the build after it must not be skipped."""
    flips = [day for topic in config.topics for day in (
        topic.start_day, topic.end_day and topic.end_day + timedelta(days=1))]    # archived the day after its end
    return min((datetime.combine(day, datetime.min.time(), config.tz).timestamp() for day in flips if day and day > today),
               default=float("inf"))


def _conditions(*values) -> str:
    return repr(values)


def _sources(options: Options, config: SiteConfig, files: list, rebuild: Rebuild, progress: Progress,
             report: Report) -> list[Source]:
    """Every valid article, in file order; the last build's parse where the file is unchanged."""
    conditions = parse_conditions(config, options.content)
    found: dict[str, tuple[Source | None, list]] = {}
    todo = []
    for rel, st in files:
        known = rebuild.known_source(rel, st, conditions)
        if known is not None:
            found[rel] = known
        else:
            todo.append(rel)

    def parse(path: Path):
        local = Report(root=Path.cwd())
        return load_file(path, options.content, config, local), local.problems

    progress.phase("读取文章", len(todo))
    scanned_ns = time.time_ns()
    stats = dict(files)
    parsed = parallel.run(lambda rel: rebuild.parse(rel, conditions, parse), todo, options.jobs, progress)
    for rel, (src, problems, record) in zip(todo, parsed):
        found[rel] = (src, problems)
        if record is not None:
            rebuild.keep_source(rel, stats[rel], record, scanned_ns)
    sources = []
    for rel, _ in files:
        src, problems = found[rel]
        report.problems.extend(problems)
        if src is not None:
            sources.append(src)
    return sources


def _addresses_gone(options: Options, gone: list, sources: list[Source], urls: Urls, report: Report) -> None:
    """Say so when an address the last build published has no page now, and how to keep it."""
    for rel, path, digest in gone:
        url, slug = page_dir(path), path.rsplit("/", 2)[-2]
        moved = next((s for s in sources if s.rel != rel and s.digest == digest), None)
        if moved is not None and moved.rel in urls.articles:
            report.add(P.URL_GONE, moved.path, moved.lines.get("slug", 1), url=url, why=f"（{rel} 改名为 {moved.rel}）",
                       fix=f"在这篇文章开头加一行 slug: {slug} 保持原网址；或加 aliases: [/{url}] 让旧网址转到新网址")
        else:
            report.add(P.URL_GONE, options.content / rel, None, url=url, why=f"（{rel} 已删除、改名或不再发布）",
                       fix=f"有意删除可以不管；文章换了文件名或栏目的，在新文件开头加 aliases: [/{url}]")


@dataclass
class Selection:
    published: list[Source] = field(default_factory=list)
    withdrawn: list[Source] = field(default_factory=list)
    held: list[Source] = field(default_factory=list)
    pending: dict[str, str] = field(default_factory=dict)
    drafts: int = 0
    future: int = 0
    messages: list[tuple[int, str]] = field(default_factory=list)
    next_publish: float = float("inf")
    now: datetime | None = None


def _select(sources: list[Source], options: Options, config: SiteConfig, flagged: dict) -> Selection:
    """The articles to publish now. 涉密 ones never are; drafts, future ones and those awaiting review
    (三审, 保密审查, an import not yet checked) or with a line of suspected spam (`flagged`: file →
    what the per-file rule said) wait; withdrawn ones leave a notice. A preview shows those waiting."""
    now = options.now or datetime.now(config.tz)
    chosen = Selection(now=now)
    for src in sources:
        if src.classified:
            chosen.held.append(src)
        elif src.draft and not options.drafts:
            chosen.drafts += 1
        elif src.withdrawn:
            chosen.withdrawn.append(src)
        elif src.date > now and not options.future:
            chosen.future += 1
            chosen.next_publish = min(chosen.next_publish, src.date.timestamp())
            chosen.messages.append((logging.INFO, f"{src.rel}: 发布时间 {src.date.date()} 在未来，暂不发布（用 --future 可预览）"))
        elif (lacking := awaiting(src, config, flagged.get(src.path) if flagged else None)) is not None:
            if options.preview:
                chosen.published.append(src)
                chosen.pending[src.rel] = lacking
            else:
                chosen.held.append(src)
        else:
            chosen.published.append(src)
    return chosen


def awaiting(src: Source, config: SiteConfig, flagged: str | None) -> str | None:
    """What an article lacks before it may go online (三审, 保密审查, a line of suspected spam: `flagged`),
    or None: a preview shows it under a 待审 banner saying this, a build holds it back."""
    state = review.status(src, config)
    if state.complete and not flagged:
        return None
    return "；".join(filter(None, (state.pending, flagged)))


def _bodies(options: Options, config: SiteConfig, published: list[Source], urls: Urls, assets: set[str],
            images: dict, rebuild: Rebuild, progress: Progress, report: Report) -> tuple[dict[str, Body], list]:
    """Every published article's body as safe HTML (the last build's where nothing it used changed),
    and every lookup the bodies made (what they link)."""
    conditions = _conditions(config.summary_length, config.iframe_hosts)
    bodies, problems_of, convert, lookups = {}, {}, [], []
    for i, src in enumerate(published):
        if src.rel not in urls.articles:
            continue
        known = rebuild.known_body(src, conditions, urls, assets, images)
        if known is not None:
            bodies[src.rel], problems_of[src.rel], deps = known
            lookups.extend(deps)
            continue
        if not src.body and src.digest:      # a cached Source keeps no text: read the file again
            fresh = load_file(src.path, options.content, config, Report())
            if fresh is not None:
                published[i] = src = fresh
        convert.append(src)
    converter = _Converter(config, urls, assets, images, options.content)
    if convert:
        converter.load()         # here, before forking: each worker (a fresh fork every ~2,000) inherits it
    progress.phase("转换正文", len(convert))

    def kept(src: Source, made: tuple) -> tuple:       # as each arrives: 100,000 bodies' HTML is 0.8 GB
        body, problems, deps = made
        return rebuild.keep_body(src, conditions, body, problems, deps), problems, deps
    for src, (body, problems, deps) in zip(convert, parallel.run(converter, convert, options.jobs, progress,
                                                                  each=kept)):
        bodies[src.rel], problems_of[src.rel] = body, problems
        lookups.extend(deps)
    for src in published:
        report.problems.extend(problems_of.get(src.rel, ()))
    return bodies, lookups


def published_files(options: Options, config: SiteConfig, assets: list[str], lookups: list) -> set[str]:
    """The files below content/ that are published: those a published article links (body or cover),
    and those in the site's public folders; never editors' junk."""
    linked = {target for kind, target, value in lookups if kind in ("asset", "image") and value}
    public = tuple(folder.strip("/") + "/" for folder in config.public_folders)
    return {rel for rel in assets if (rel in linked or rel.startswith(public)) and not is_junk(rel)}


class _Converter:
    """Markdown → safe HTML for one article, with its problems and the lookups it made (run in workers)."""

    def __init__(self, config: SiteConfig, urls: Urls, assets: set[str], images: dict, content: Path):
        self.config, self.urls, self.assets, self.images, self.content = config, urls, assets, images, content
        self.markup = None

    def load(self) -> None:
        """Markdown and nh3, loaded only when a body must be converted."""
        if self.markup is None:
            from ..body.markup import Markup
            self.markup = Markup(self.config.summary_length, self.config.iframe_hosts)

    def __call__(self, src: Source):
        from ..body.markup import TooDeep
        self.load()
        local = Report(root=Path.cwd())
        deps: list[tuple] = [("self", src.rel, self.urls.articles[src.rel])]
        rewrite = links.rewriter(src, self.urls, self.assets, local, self.images, self.content, deps)
        try:
            rendered = self.markup.convert(src.body, src.summary, rewrite,
                                           links.image_resolver(src, self.urls, self.images, deps))
        except (TooDeep, RecursionError):     # Python-Markdown recurses per level of lists and quotes
            local.add(P.BODY_TOO_DEEP, src.path, src.body_line)
            return Body("", "", 1, 0), local.problems, tuple(deps)
        links.report_missing_alt(src, rendered.missing_alt, local)
        links.check_cover(src, self.assets, local, deps)
        return rendered.body, local.problems, tuple(deps)
