"""The build, as a flat list of named phases: start → gather → model → render → search → publish → save.

`build(options)` runs them all, as the command line does. A caller that
schedules them differently composes the same phases: `serve` publishes the
pages first (`keep_search`), tells the open browser tab, and indexes search in
a later build that a new save may cancel (`search(cancel)` via `Build(cancel=)`).

Nothing is written until the whole site has been planned and every output
path checked; the writer publishes atomically (build/output.py).
"""
from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from typing import TYPE_CHECKING

from ..core.urls import SEARCH_INDEX
from ..incremental.rebuild import CacheCorrupt, Rebuild, Session
from ..options import MARKER, Options
from ..util import memory, parallel
from ..util.parallel import cancelled
from ..util.progress import Laps, Progress, Silent
from .output import Release, check_output_folder

if TYPE_CHECKING:
    from ..core.model import Site
    from ..core.pages import Page
    from .gather import Gathered
    from .render import Renderer

log = logging.getLogger(__name__)


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
    held: int = 0                        # articles awaiting review, not published
    classified: int = 0                  # 涉密 articles, never published


def build(options: Options, progress: Progress | None = None) -> Result:
    """The whole build, as `python build.py` runs it."""
    with memory.tuned_for_build(), Build(options, progress) as b:
        quick = b.shortcut()
        if quick is not None:
            return quick
        b.pages()
        if options.search:
            b.search()
        b.publish()
        b.save()
        return b.result()


class Build:
    """One build of the site: its phases, called in order (at most once each)."""

    def __init__(self, options: Options, progress: Progress | None = None, session: Session | None = None,
                 cancel=None, remove=None):
        self.options = options
        self.progress = progress or Silent()
        self.cancel = cancel                 # an Event: set, the build stops (raises Cancelled) at the next phase
        self.remove = remove                 # deletes the search indexer's scratch folders (default: here, now)
        self.laps = Laps(log)
        self.rebuild = Rebuild(options, session)
        self.rebuild.start()
        self.gathered: Gathered | None = None
        self.site: Site | None = None
        self.pages_planned: list[Page] = []
        self.renderer: Renderer | None = None
        self.copies: dict[str, Path] = {}
        self.writer: Release | None = None
        self._writing = False                # a release is being assembled
        self.todo: list[Page] = []           # the pages rendered (the others are current)
        self.indexed = False

    def __enter__(self) -> "Build":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self._drop_writer(exc_type)
        self.rebuild.close()

    def _drop_writer(self, exc_type=None) -> None:
        """Remove the staging folder of a build that will not be published."""
        if self._writing:
            self.writer.__exit__(exc_type or RuntimeError, None, None)
            self._writing = False

    # Phases ----------------------------------------------------------------------------------
    def shortcut(self) -> Result | None:
        """Nothing changed since the last build (inputs and published files): the result, as it was."""
        quick = self.rebuild.unchanged()
        if quick is None:
            return None
        for level, text in quick["messages"]:
            log.log(level, text)
        return Result(quick["articles"], quick["pages"], self.laps.elapsed, 0, quick["files"], [],
                      incremental=True, shortcut=True, held=quick.get("held", 0),
                      classified=quick.get("classified", 0))

    def pages(self) -> None:
        """Gather, model, plan and render every page and copy every file: all staged, nothing published.
        A cache found contradicting itself is dropped, and the pages are made again from scratch."""
        try:
            self._pages()
        except CacheCorrupt as exc:
            log.warning("构建缓存已损坏，本次完整重建（%s）", exc)
            self._drop_writer()
            self.rebuild.discard()
            self._pages()

    def _pages(self) -> None:
        # Loaded here, not at the top: a build that nothing changed (shortcut) never needs them.
        from ..core import plan
        from ..core.model import build_site
        from .gather import gather
        from .render import Renderer
        incremental = self.rebuild.load()
        self.gathered = gather(self.options, self.rebuild, self.progress)
        cancelled(self.cancel)
        g = self.gathered
        self.site = build_site(g.config, g.sources, g.bodies, g.covers, self.rebuild.related if self.options.cache else None,
                               g.withdrawn, g.pending, g.today, g.intros, g.pictures)
        for kind, terms in (("tag", self.site.tags), ("source", self.site.sources), ("author", self.site.authors)):
            self.gathered.urls.assign_terms(kind, terms)
        self.pages_planned = list(plan.plan(self.site, self.gathered.urls))
        self.laps.lap("模型与规划")
        self._open_writer(incremental)
        self.renderer = renderer = Renderer(self.site, self.gathered.urls, self.options.templates,
                                            self.rebuild.compiled_templates(), self.static_names)
        todo, signer = self.rebuild.pages_to_render(self.site, self.gathered.urls, self.pages_planned, renderer.env,
                                                    self.gathered.digests, self.options.jobs)
        self.laps.lap(f"依赖签名（{self.rebuild.signed} 页）")
        cancelled(self.cancel)
        for _ in range(len(self.pages_planned) - len(todo)):
            self.writer.keep("")
        self.rebuild.rendered(self.pages_planned, self._render(renderer, todo, signer))
        self.todo = todo
        self.laps.lap(f"生成 {len(todo)} 页")
        for path, src in self.copies.items():
            if self.rebuild.copy_current(path, src):
                self.writer.keep(path)
            else:
                self.writer.copy(path, src)
        self.writer.write(MARKER, b"Generated by dangjian; this folder is replaced on every build.\n")

    def _open_writer(self, incremental: bool) -> None:
        """Claim every output path before anything is written: clashes and escapes are refused here."""
        options, gathered = self.options, self.gathered
        from .assets import copies, fingerprints, static_files
        check_output_folder(options.out, [options.content, options.config.resolve().parent, options.templates])
        writer = Release(options.out, self.rebuild.published(), self.rebuild.hidden(), fresh=not incremental)
        for page in self.pages_planned:
            writer.reserve(page.path, page.title)
        self.static_names = fingerprints(static_files(options))      # read and hashed once: copied and linked
        self.copies = copies(options, gathered.urls, gathered.published_files, gathered.images, gathered.image_cache,
                             self.static_names)
        for path, src in self.copies.items():
            writer.reserve(path, str(src))
        writer.reserve(MARKER, "marker")
        self.writer = writer.__enter__()
        self._writing = True

    def _render(self, renderer: Renderer, pages: list[Page], signer) -> list:
        """Render and stage pages over worker processes; with a `signer`, also sign them (cold builds)."""
        writer = self.writer
        self.progress.phase("生成页面", len(pages))
        before = (writer.stats.written, writer.stats.unchanged)
        if len(pages) >= parallel.MIN_PARALLEL:
            renderer.compile_all()

        def render(page: Page):
            wrote = writer.write(page.path, renderer.render(page))
            return wrote, signer.sign_traced(page) if signer is not None else None
        results = parallel.run(render, pages, self.options.jobs, self.progress, 32)
        self.progress.close()
        flags = [r[0] for r in results]
        # Workers staged the files; the counts are rebuilt here from what each reported.
        writer.stats.written = before[0] + sum(flags)
        writer.stats.unchanged = before[1] + len(flags) - sum(flags)
        writer.changed.update(dict.fromkeys(p.path for p, wrote in zip(pages, flags) if wrote))
        return [r[1] for r in results]

    def keep_search(self) -> bool:
        """Keep the published search index as it is; True if it no longer matches the pages."""
        stale = not self._search_current()
        self._keep_published_index()
        return stale

    def search(self, force: bool = False) -> bool:
        """Bring the search index up to date when articles changed (or check them all: `force`);
        True if any part of it was made again."""
        if not force and self._search_current():
            self._keep_published_index()
            return False
        from . import search        # loaded only by builds with search on
        gathered, writer, rebuild = self.gathered, self.writer, self.rebuild
        made = search.update(self.site, gathered.urls, writer.read, self.options.out_path.parent,
                             rebuild.search_record(), rebuild.published(), rebuild.page_signatures(),
                             self.options.jobs, self.cancel, self.remove)
        for path in made.keep:
            writer.reserve(path, "search")
            writer.keep(path)
        if made.bundle is not None:
            try:
                for path in sorted(made.bundle.rglob("*")):
                    if path.is_file():
                        rel = f"{SEARCH_INDEX}/{path.relative_to(made.bundle).as_posix()}"
                        writer.reserve(rel, "search")
                        writer.copy(rel, path)
            finally:
                shutil.rmtree(made.bundle.parent, ignore_errors=True)
        rebuild.keep_search_record(made.record)
        self.indexed = bool(made.rebuilt)
        self.laps.lap("搜索索引（%s）" % {"all": "全部重建", "delta": "只重建改动部分"}.get(made.rebuilt, "未变"))
        return self.indexed

    def _search_current(self) -> bool:
        """The published index shows exactly these articles: same pages, no article page re-rendered."""
        return self.rebuild.same_pages(self.pages_planned) and f"{SEARCH_INDEX}/pagefind.js" in self.rebuild.published() \
            and not any(p.kind == "article" for p in self.todo)

    def _keep_published_index(self) -> None:
        for path in self.rebuild.published():
            if path.startswith(SEARCH_INDEX + "/"):
                self.writer.reserve(path, "search")
                self.writer.keep(path)

    def publish(self) -> None:
        """Turn the output link to the new version (build/output.py): readers see the old site or the new."""
        if self.rebuild.incremental:
            for path in self.rebuild.published():
                self.writer.remove(path)
        self.writer.commit()
        self.writer.__exit__(None, None, None)
        self._writing = False
        self.laps.lap("写入")

    def save(self) -> None:
        """Record this build for the next one (after publishing: the cache holds the published files' stats)."""
        gathered, writer = self.gathered, self.writer
        self.rebuild.save(writer, self.copies, {
            "next_publish": gathered.next_publish, "messages": gathered.messages, "articles": len(self.site.articles),
            "pages": len(self.pages_planned), "files": writer.stats.written + writer.stats.unchanged,
            "held": self.held[0], "classified": self.held[1]})
        gathered.image_cache.save_index()
        self.laps.lap("保存缓存")

    def result(self) -> Result:
        gathered, writer = self.gathered, self.writer
        stats = gathered.image_cache.stats
        if gathered.images:
            log.info("图片：%d 张，新处理 %d 张，%d 张未变（使用缓存）", len(gathered.images), stats.processed, stats.cached)
        return Result(len(self.site.articles), len(self.pages_planned), self.laps.elapsed, writer.stats.written,
                      writer.stats.unchanged, gathered.report.warnings, rendered=len(self.todo),
                      removed=len(writer.removed), incremental=self.rebuild.incremental,
                      images_processed=stats.processed, images_cached=stats.cached, indexed=self.indexed,
                      held=self.held[0], classified=self.held[1])

    @property
    def held(self) -> tuple[int, int]:
        """(awaiting review, 涉密): the articles this build kept offline."""
        classified = sum(1 for src in self.gathered.held if src.classified)
        return len(self.gathered.held) - classified, classified
