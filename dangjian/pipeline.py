"""The build, in explicit phases: gather and validate → plan → render → write.

Every content problem is collected before anything is planned; nothing is
written until the whole site has been planned and every output path checked.
"""
from __future__ import annotations

import gc
import hashlib
import logging
import posixpath
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from . import cache as cache_module
from . import images as img
from . import links, parallel, stats
from .assets import copies as asset_copies, image_cache_folder, inspect_images
from .cache import (BuildCache, CacheCorrupt, HtmlStore, State, cache_dir_for, digest, output_stats_soon,
                    pack_body, pack_source, scan, unpack_body, unpack_source)
from .config import SiteConfig, load_config
from .content import Source, load_file
from .deps import Signer, from_traced, sign_all, template_facets
from .errors import Report
from .model import Body, Picture, build_site
from . import rebuild
from .output import MARKER, IncrementalWriter, Writer, check_output_folder, recover
from .pages import Page, plan
from .progress import Progress, Silent
from .render import Renderer
from .urls import Urls

log = logging.getLogger(__name__)


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
    jobs: int = 0                        # worker processes; 0: one per core
    cache: bool = True                   # keep and use the build cache (incremental builds)
    cache_dir: Path | None = None        # default: .cache/build/<out name> beside the output folder
    progress: Progress | None = None     # None: silent
    search: bool = True                  # build the Pagefind index (--no-search skips it)
    search_later: bool = False           # serve: publish pages now, keeping the old index (Result.search_pending)
    reindex: bool = False                # index even if no article page changed (serve's follow-up build)
    defer_save: bool = False             # serve: save the build cache in Result.finish(), after the reload
    pause_gc: bool = False               # an incremental build leaves the cyclic garbage collector off;
                                         # the caller turns it back on (gc.enable) when time allows


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
    memo: dict = field(default_factory=dict)    # what the build cache keeps of this gathering
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
    rendered: int = 0
    removed: int = 0
    incremental: bool = False
    shortcut: bool = False               # inputs and output unchanged: nothing was even loaded
    images_processed: int = 0
    images_cached: int = 0
    indexed: bool = False                # the search index was (re)built
    search_pending: bool = False         # search_later left the published index out of date
    finish: object = None                # with Options.defer_save: call to save the build cache


_CTX: dict = {}      # what forked workers inherit: set just before a parallel phase
_UNPACKED: dict = {}  # rel -> (cache entry, Source): a long-running serve skips unpacking again
_T0 = [0.0]


def _lap(label: str) -> None:
    """Phase timings for `-v` (and for whoever profiles the next slow build)."""
    now = time.perf_counter()
    log.debug("  %-10s %.2f s", label, now - _T0[0])
    _T0[0] = now


def gather(options: Options, state: State | None = None, store: HtmlStore | None = None,
           scanned: tuple | None = None) -> Gathered:
    """Load config and content, validate everything, render bodies; raise all errors together."""
    g = collect(options, state, store, scanned)
    messages = g.memo["messages"]
    for level, text in messages:
        log.log(level, text)
    g.report.raise_errors(strict=options.strict)
    for problem in g.report.warnings:
        messages.append((logging.WARNING, problem.format(g.report.root)))
        log.warning(messages[-1][1])
    return g


def collect(options: Options, state: State | None = None, store: HtmlStore | None = None,
            scanned: tuple | None = None) -> Gathered:
    """Everything `gather` does, but problems stay in the report (for `check`); ConfigError still raises.

    With a previous build's `state`, files whose stat or digest is unchanged are
    not parsed again and bodies whose source and resolved links are unchanged
    are not converted again; their problems are replayed so output is the same.
    """
    report = Report(root=Path.cwd())
    config = load_config(options.config, report)
    progress = options.progress or Silent()
    jobs = options.jobs or parallel.default_jobs()
    if not options.content.is_dir():
        report.error(options.content, None, "找不到内容文件夹", "请创建 content/ 文件夹或用 --content 指定")
    files, asset_stats = scanned or scan(options.content)
    assets = [rel for rel, _ in asset_stats]
    messages: list[tuple[int, str]] = []      # replayed by a no-change rebuild
    skey = repr((config.timezone, config.categories, str(options.content)))
    old_sources = state.sources if state else {}
    memo_sources: dict = {}
    loaded: dict[str, tuple[Source | None, list]] = {}
    todo = []
    for rel, st in files:
        entry = old_sources.get(rel)
        if entry and entry[3] == skey and entry[0] == st.st_mtime_ns and entry[1] == st.st_size:
            kept = _UNPACKED.get(rel)
            if kept is None or kept[0] is not entry:       # serve keeps them from the last build
                kept = (entry, unpack_source(entry[4], options.content))
                if cache_module.KEEP_IN_MEMORY:
                    _UNPACKED[rel] = kept
            loaded[rel] = (kept[1], entry[5])
            memo_sources[rel] = entry
        else:
            todo.append(rel)
    _CTX.update(content=options.content, config=config, old=old_sources, skey=skey)
    progress.phase("读取文章", len(todo))
    scan_ns = time.time_ns()
    stats = dict(files)
    for rel, (src, problems, entry) in zip(todo, parallel.run(_load_one, todo, jobs, progress)):
        loaded[rel] = (src, problems)
        if entry is not None:
            st = stats[rel]
            # A file changed within the last seconds may change again unseen in the same
            # timestamp tick: record it so that its bytes, not its stat, decide next time.
            racy = st.st_mtime_ns >= scan_ns - 2_000_000_000
            memo_sources[rel] = (-1 if racy else st.st_mtime_ns, st.st_size, *entry)
    sources = []
    _lap("读取文章")
    for rel, _ in files:
        src, problems = loaded[rel]
        report.problems.extend(problems)
        if src is not None:
            sources.append(src)
    now = options.now or datetime.now(config.tz)
    published, drafts, future = [], 0, 0
    next_publish = float("inf")
    for src in sources:
        if src.draft and not options.drafts:
            drafts += 1
        elif src.date > now and not options.future:
            future += 1
            next_publish = min(next_publish, src.date.timestamp())
            messages.append((logging.INFO, f"{src.rel}: 发布时间 {src.date.date()} 在未来，暂不发布（用 --future 可预览）"))
        else:
            published.append(src)
    urls = Urls(config, published, report)
    asset_set = set(assets)
    image_cache = img.ImageCache(image_cache_folder(options))
    images = inspect_images(options.content, asset_stats, image_cache, report)
    mkey = repr((config.summary_length, config.iframe_hosts))
    old_bodies = state.bodies if state else {}
    memo_bodies: dict = {}
    bodies, body_problems, hashes, convert = {}, {}, {}, []
    for i, src in enumerate(published):
        if src.rel not in urls.articles:
            continue
        entry = old_bodies.get(src.rel)
        if entry and store is not None and entry[0] == src.digest and entry[1] == mkey \
                and rebuild.deps_hold(entry[2], src.rel, urls, asset_set, images):
            bodies[src.rel] = unpack_body(entry[3], store)
            body_problems[src.rel] = entry[4]
            hashes[src.rel] = entry[3][4]
            memo_bodies[src.rel] = entry
            continue
        if not src.body and src.digest:      # cached Source without its text: read it again
            fresh = load_file(src.path, options.content, config, Report())
            if fresh is not None:
                published[i] = src = fresh
        convert.append(src)
    _CTX.update(urls=urls, assets=asset_set, markup=None, config=config, images=images, content=options.content)
    progress.phase("转换正文", len(convert))
    fresh_html = {}
    for src, (body, problems, deps) in zip(convert, parallel.run(_convert_one, convert, jobs, progress)):
        bodies[src.rel] = body
        body_problems[src.rel] = problems
        hashes[src.rel] = key = digest(body.html)
        fresh_html[key] = body.html
        memo_bodies[src.rel] = (src.digest, mkey, deps, pack_body(body, key), problems)
    _lap("转换正文")
    covers = {}
    for src in published:
        report.problems.extend(body_problems.get(src.rel, ()))
        cover = images.get(links.target(src, src.cover)) if src.cover else None
        if cover is not None:
            covers[src.rel] = Picture(urls.image_variant(cover.rel, cover.share_width, img.FORMATS[-1]),
                                      cover.share_width, cover.height_at(cover.share_width))
        if src.body:        # the Markdown text is done with: free it before rendering (memory at 100k)
            object.__setattr__(src, "body", "")
    _CTX.clear()
    memo = dict(messages=messages, next_publish=next_publish, sources=memo_sources, bodies=memo_bodies, hashes=hashes, fresh_html=fresh_html,
                fresh=len(todo) + len(convert) + (len(memo_sources) != len(old_sources)),
                digests={s.rel: s.digest for s in published})
    return Gathered(config, [s for s in published if s.rel in bodies], bodies, urls, assets, report,
                    drafts, future, memo, sources, images, covers, image_cache)


def _load_one(rel: str):
    """Worker: parse one article file; reuse the cached parse when only its stat changed."""
    content, config = _CTX["content"], _CTX["config"]
    path = content / rel
    old = _CTX["old"].get(rel)
    if old is not None and old[3] == _CTX["skey"]:
        try:
            raw = path.read_bytes()
        except OSError:
            raw = None
        if raw is not None and hashlib.sha256(raw).hexdigest() == old[2]:
            return unpack_source(old[4], content), old[5], old[2:]
    local = Report(root=Path.cwd())
    src = load_file(path, content, config, local)
    if src is None or local.errors:
        return src, local.problems, None
    return src, local.problems, (src.digest, _CTX["skey"], pack_source(src), local.problems)


def _convert_one(src: Source):
    """Worker: Markdown → safe HTML for one article, with its problems and the links it resolved."""
    if _CTX.get("markup") is None:
        from .markup import Markup      # Markdown and nh3 load only when a body must be converted
        config = _CTX["config"]
        _CTX["markup"] = Markup(config.summary_length, config.iframe_hosts)
    urls, assets = _CTX["urls"], _CTX["assets"]
    local = Report(root=Path.cwd())
    deps: list[tuple] = [("self", src.rel, urls.articles[src.rel])]
    images = _CTX["images"]
    rewrite = links.rewriter(src, urls, assets, local, images, _CTX["content"], deps)
    rendered = _CTX["markup"].convert(src.body, src.summary, rewrite, links.image_resolver(src, urls, images, deps))
    for missing in rendered.missing_alt:
        line = links.line_of(src, missing)
        local.warn(src.path, line, f"图片缺少替代文字（alt）：{missing}",
                   "在方括号里写上图片内容，例如 ![党员志愿者在门诊服务](images/a.jpg)",
                   links.source_line(src, line))
    if src.cover:
        near = posixpath.normpath(posixpath.join(posixpath.dirname(src.rel), src.cover))
        found = src.cover in assets or near in assets
        deps += [("asset", src.cover, src.cover in assets), ("asset", near, near in assets)]
        if not found:
            line = src.lines.get("cover", 1)
            local.warn(src.path, line, f"封面图片不存在：{src.cover}", "检查 cover 的文件名和路径（相对于文章文件）",
                       links.source_line(src, line), field="cover", code="missing-cover")
    return rendered.body, local.problems, tuple(deps)


def build(options: Options) -> Result:
    # A build allocates millions of long-lived objects (sources, model, pages, cache state):
    # with the default thresholds the collector walks them hundreds of times (≈15% of an
    # incremental build at 10,000 articles). Young garbage is still collected, just in bigger batches.
    thresholds = gc.get_threshold()
    gc.set_threshold(50_000, 20, 50)
    try:
        return _build_with_cache(options)
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()           # what loading the build cache set aside (cache.BuildCache.load)


def _build_with_cache(options: Options) -> Result:
    started = _T0[0] = time.perf_counter()
    cache = BuildCache(options.cache_dir or cache_dir_for(options.out)) if options.cache else None
    state = scanned = None
    if cache is not None:
        if recover(cache.journal):
            cache.discard()                 # the recorded output stats predate that update
        scanned = scan(options.content)
        fingerprint, newest = rebuild.fingerprint(options, scanned)
        quick = cache.load_quick()
        if quick is not None and not options.reindex and rebuild.nothing_changed(options, quick, fingerprint, newest):
            for level, text in quick["messages"]:
                log.log(level, text)
            cache.html.close()
            return Result(quick["articles"], quick["pages"], time.perf_counter() - started, 0, quick["files"],
                          [], incremental=True, shortcut=True)
        state = cache.load(rebuild.options_key(options))
        if state is not None and options.pause_gc:
            # An incremental build makes some 100,000 long-lived objects and no cyclic garbage worth
            # collecting; walking them cost two collections, 0.05 s, of a 10k edit rebuild. serve
            # collects after the page is published; the command line exits instead.
            gc.disable()
        if state is not None:
            from . import urls
            for key, slug in state.slugs.items():
                urls.SLUGS.setdefault(key, slug)
    try:
        try:
            result = _build(options, cache, state, started, scanned)
        except CacheCorrupt as exc:
            log.warning("构建缓存已损坏，本次完整重建（%s）", exc)
            cache.discard()
            result = _build(options, cache, None, started, scanned)
    except BaseException:
        if cache is not None:
            cache.html.close()
        raise
    persist = result.finish

    def finish() -> None:
        try:
            persist()
            if cache is not None:
                rebuild.save_quick(cache, options, result, fingerprint)
        finally:
            if cache is not None:
                cache.html.close()
    result.finish = finish if options.defer_save else None
    if not options.defer_save:
        finish()
    return result




def _build(options: Options, cache: BuildCache | None, state: State | None, started: float,
           scanned: tuple | None = None) -> Result:
    rebuild.LAST["started_ns"] = time.time_ns()
    incremental = state is not None and (options.out / MARKER).is_file()
    # The published files' stats (for the incremental check) are taken meanwhile, by a child process.
    looked = output_stats_soon(options.out) if incremental else dict
    try:
        g = gather(options, state, cache.html if cache else None, scanned)
        if options.reindex:
            from . import search
            search.check_cancelled()
        rebuild.LAST["memo"] = g.memo
        related = dict(state.related) if state is not None else {}
        site = build_site(g.config, g.sources, g.bodies, g.covers, related if cache is not None else None)
        g.memo["related"] = related
        for kind, terms in (("tag", site.tags), ("source", site.sources), ("author", site.authors)):
            g.urls.assign_terms(kind, terms)
        pages = list(plan(site, g.urls))
        if g.config.stats.page:
            pages.append(stats.plan_page(site))
    finally:
        current = looked()        # always waited for, so a failed build leaves no child behind
    _lap("模型与规划")
    check_output_folder(options.out, [options.content, options.config.resolve().parent, options.templates])
    writer = IncrementalWriter(options.out, cache.journal) if incremental else Writer(options.out)
    for page in pages:
        writer.reserve(page.path, page.title)
    copies = asset_copies(options, g)
    for path, src in copies.items():
        writer.reserve(path, str(src))
    writer.reserve(MARKER, "marker")
    renderer = Renderer(site, g.urls, options.templates, cache.compiled_templates() if cache is not None else None)
    sigs, signer, signed = {}, None, None
    if cache is not None:
        gkey = rebuild.global_key(renderer, g.config)
        # The templates' facets follow from their text, which the global key covers.
        facets = state.facets[1] if state is not None and state.facets and state.facets[0] == gkey \
            else template_facets(renderer.env)
        g.memo["facets"] = (gkey, facets)
        signer = Signer(site, g.urls, gkey, facets, g.memo["digests"], g.memo["hashes"],
                        (state.teasers_key, state.teasers) if state is not None else None)
        if incremental:     # needed before rendering, to pick the pages to render
            signed = sign_all(signer, pages, options.jobs or parallel.default_jobs(), rebuild.previous_signed(state))
            sigs, signer = signed.sigs, None
        # A cold build renders every page anyway: its workers sign them as they go.
    _lap(f"依赖签名（{signed.signed if signed else 0} 页）")
    if options.reindex:
        from . import search
        search.check_cancelled()
    with writer:
        todo = pages
        if incremental:
            todo = [p for p in pages if not rebuild.still_current(p.path, sigs[p.path], state, current)]
            for _ in range(len(pages) - len(todo)):
                writer.keep("")
            if cache is not None:
                cache.html.prefetch([a.body for p in todo for a in ((p.article,) if p.article else ()) + p.articles])
        traced = _render_all(writer, renderer, todo, options, signer)
        if signer is not None:
            signed = from_traced(signer, pages, traced)
            sigs = signed.sigs
        _lap(f"生成 {len(todo)} 页")
        for path, src in copies.items():
            if incremental and rebuild.copy_current(path, src, state, current):
                writer.keep(path)
            else:
                writer.copy(path, src)
        writer.write(MARKER, b"Generated by dangjian; this folder is replaced on every build.\n")
        indexed = options.search and _search(options, site, g, writer, todo, sigs, state, current, incremental)
        if incremental:
            for path in current:
                writer.remove(path)
        writer.commit()
    _lap("写入")
    same = incremental and not g.memo["fresh"] and writer.stats.written == 0 and not writer.removed \
        and sigs == state.pages and len(state.bodies) == len(g.memo["bodies"])
    rebuild.LAST["outputs"] = current

    def persist() -> None:
        if cache is not None and not same:       # a no-change rebuild writes nothing, not even the cache
            rebuild.LAST["outputs"] = rebuild.save(cache, options, g, signed, copies, writer,
                                                   current if incremental else None)
            _lap("保存缓存")
        g.image_cache.save_index()
    image_stats = g.image_cache.stats
    if g.images:
        log.info("图片：%d 张，新处理 %d 张，%d 张未变（使用缓存）", len(g.images), image_stats.processed,
                 image_stats.cached)
    return Result(len(site.articles), len(pages), time.perf_counter() - started,
                  writer.stats.written, writer.stats.unchanged, g.report.warnings,
                  rendered=len(todo), removed=len(getattr(writer, "removed", ())), incremental=incremental,
                  images_processed=image_stats.processed, images_cached=image_stats.cached, indexed=bool(indexed),
                  search_pending=options.search and indexed is None, finish=persist)


def _search(options: Options, site, g: Gathered, writer, todo, sigs, state, current, incremental) -> bool:
    """(Re)build the Pagefind index when articles changed; otherwise keep the published one."""
    from . import search        # loaded only by builds with search on
    published = [p for p in current if p.startswith(search.OUTPUT_DIR + "/")]
    unchanged = incremental and state is not None and set(sigs) == set(state.pages) \
        and not any(p.kind == "article" for p in todo) and f"{search.OUTPUT_DIR}/pagefind.js" in current
    if (unchanged and not options.reindex) or options.search_later:
        for path in published:
            writer.reserve(path, "search")
            writer.keep(path)
        return False if unchanged or not options.search_later else None      # None: index now out of date
    bundle = search.index(site, g.urls, writer.read, options.out.resolve().parent, options.jobs)
    try:
        for path in sorted(bundle.rglob("*")):
            if path.is_file():
                rel = f"{search.OUTPUT_DIR}/{path.relative_to(bundle).as_posix()}"
                writer.reserve(rel, "search")
                writer.copy(rel, path)
    finally:
        import shutil
        shutil.rmtree(bundle.parent, ignore_errors=True)
    return True


def _render_all(writer, renderer: Renderer, pages: list[Page], options: Options, signer: Signer | None = None) -> list:
    """Render and stage pages, over worker processes when there are many; with a `signer`, also sign them."""
    progress = options.progress or Silent()
    progress.phase("生成页面", len(pages))
    before = (writer.stats.written, writer.stats.unchanged, len(getattr(writer, "changed", ())))
    _CTX.update(writer=writer, renderer=renderer, signer=signer)
    try:
        results = parallel.run(_render_one, pages, options.jobs or parallel.default_jobs(), progress, 32)
    finally:
        _CTX.clear()
    progress.close()
    flags = [r[0] for r in results]
    # Workers staged the files; the counts are rebuilt here from what each reported.
    writer.stats.written = before[0] + sum(flags)
    writer.stats.unchanged = before[1] + len(flags) - sum(flags)
    if hasattr(writer, "changed"):
        writer.changed[before[2]:] = [p.path for p, wrote in zip(pages, flags) if wrote]
    return [r[1] for r in results]


def _render_one(page: Page) -> tuple[bool, str | None]:
    signer = _CTX["signer"]
    wrote = _CTX["writer"].write(page.path, _CTX["renderer"].render(page))
    return wrote, signer.sign_traced(page) if signer is not None else None
