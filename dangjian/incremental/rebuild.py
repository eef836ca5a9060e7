"""The incremental build's one facade: what a build may reuse from the last one, and what it records.

The build (build/) talks to the cache only through `Rebuild`. It asks, phase by
phase: may I skip everything (`unchanged`)? is this file's parse still good
(`known_source`)? this body's HTML (`known_body`)? which pages must be rendered
(`pages_to_render`)? is this published file still current (`copy_current`)?
and hands over what it made (`keep_source`, `keep_body`, `rendered`), which
`save` writes once the site has been published. Records are typed
(statefile.SourceRecord, BodyRecord); nothing here knows how the build is
scheduled.

With `options.cache` off the facade reuses and records nothing, so the build
has one code path.
"""
from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING

from ..core import plan
from ..core.content import Source, find, table_key
from ..core.model import Body, Site
from ..core.pages import Page
from ..core.urls import Slugger, Urls
from ..options import MARKER, THEME, Options, release_slots
from ..util import memory, parallel
from .cache import (ENGINE, BuildCache, CacheCorrupt, Session, digest, output_stats, pack_body, pack_source,
                    tree_stats, unpack_body, unpack_source)
from .statefile import BodyRecord, SourceRecord, State

if TYPE_CHECKING:
    from .signatures import Signed, Signer

__all__ = ["CacheCorrupt", "Rebuild", "Session"]
RECENT_NS = 2_000_000_000      # a file saved this recently may change again within one timestamp tick


class Rebuild:
    def __init__(self, options: Options, session: Session | None = None):
        self.options = options
        self.enabled = options.cache
        self.session = session
        self.cache = BuildCache(options.cache_folder, session) if self.enabled else None
        self.started_ns = time.time_ns()
        self.scanned = self.fingerprint = None
        self.newest = 0
        self._forget()

    def _forget(self) -> None:
        """No previous build, nothing recorded yet."""
        self.state: State | None = None
        self.incremental = False
        self.slugger = Slugger()
        self.related: dict = {}                 # model.build_site's memo, kept between builds
        # Rows are kept as plain tuples (read through SourceRecord/BodyRecord views): a typed record
        # costs a Python-level constructor call per row when 20,000 of them are unpickled.
        self._sources: dict[str, tuple] = {}
        self._bodies: dict[str, tuple] = {}
        self._hashes: dict[str, str] = {}       # article rel -> its body HTML's hash
        self._changed = 0                       # files parsed, bodies converted anew
        self._current: dict | None = None       # the published files' stats, when incremental
        self._hidden: dict = {}                 # the hidden slot's files' stats (output.Release)
        self._outputs_soon = None
        self._signer: Signer | None = None
        self._signed: Signed | None = None
        self._facets: tuple = ()
        self._articles: dict[str, str] = {}
        self._search_record: dict | None = None    # the search index this build publishes, to save

    # Before anything ---------------------------------------------------------------------------
    def start(self) -> None:
        """Look at the inputs (their stats make the fingerprint the next build compares)."""
        self.scanned = find(self.options.content)
        if self.enabled:
            self.fingerprint, self.newest = self._fingerprint()

    def unchanged(self) -> dict | None:
        """The last build's quick record when no input and no published file changed since it:
        then nothing needs even loading."""
        if not self.enabled:
            return None
        quick = self.cache.load_quick()
        if quick is None or self.options.now is not None or quick.get("fingerprint") != self.fingerprint:
            return None
        if self.newest >= quick.get("built_ns", 0) - RECENT_NS or time.time() >= quick.get("next_publish", 0):
            return None                          # a recent save, or a scheduled article now due
        out = self.options.out
        if not (out / MARKER).is_file() or output_stats(out) != quick.get("outputs"):
            return None
        return quick

    def _fingerprint(self) -> tuple[str, int]:
        """Everything a build reads, by stat: equal fingerprints mean equal inputs; and the newest
        modification time seen."""
        options = self.options
        files, assets = self.scanned
        parts, newest = [ENGINE, repr(self.options_key())], 0
        try:
            st = options.config.stat()
            parts.append(f"{st.st_size}:{st.st_mtime_ns}")
            newest = st.st_mtime_ns
        except OSError:
            parts.append("-")
        for path, size, mtime in tree_stats(options.templates, THEME, options.static_dir):
            parts.append(f"{path}:{size}:{mtime}")
            newest = max(newest, mtime)
        for rel, st in (*files, *assets):
            parts.append(f"{rel}:{st.st_size}:{st.st_mtime_ns}")
            newest = max(newest, st.st_mtime_ns)
        return digest("\x1f".join(parts)), newest

    def options_key(self) -> tuple:
        o = self.options
        return (str(o.content.resolve()), str(o.content), str(o.config.resolve()),
                str(o.templates.resolve()) if o.templates else "", str(o.static or ""),
                o.drafts, o.future, str(o.out_path), o.search)

    def load(self) -> bool:
        """Load the last build's state; True when this build is incremental (its output is ours)."""
        if not self.enabled:
            return False
        self.state = self.cache.load(self.options_key())
        if self.state is not None:
            memory.pause_if_allowed()
            self.slugger = Slugger(self.state.slugs)
            self.related = dict(self.state.related)
        self.incremental = self.state is not None and (self.options.out / MARKER).is_file()
        if self.incremental:             # both slots' files' stats, taken by a child meanwhile
            out, (_, hidden) = self.options.out, release_slots(self.options.out)
            self._outputs_soon = parallel.soon(lambda: (output_stats(out), output_stats(hidden)))
        return self.incremental

    def discard(self) -> None:
        """The cache contradicted itself: forget it (the build starts again, cold)."""
        self.published()                 # never leave the child behind
        self.cache.discard()
        self._forget()

    # Sources and bodies -------------------------------------------------------------------------
    def known_source(self, rel: str, st: os.stat_result, conditions: str) -> tuple[Source, list] | None:
        """The last build's parse of a file whose stat and parsing conditions are unchanged."""
        row = self.state.sources.get(rel) if self.state is not None else None
        record = SourceRecord._make(row) if row is not None else None
        if record is None or record.conditions != conditions or record.mtime_ns != st.st_mtime_ns \
                or record.size != st.st_size:
            return None
        kept = self.session.sources.get(rel) if self.session is not None else None
        if kept is None or kept[0] is not row:       # serve keeps them from the last build
            kept = (row, unpack_source(record.packed, self.options.content))
            if self.session is not None:
                self.session.sources[rel] = kept
        self._sources[rel] = row
        return kept[1], record.problems

    def parse(self, rel: str, conditions: str, parse) -> tuple[Source | None, list, SourceRecord | None]:
        """(In a worker.) A file whose stat changed: the last build's parse if its bytes did not,
        else `parse(path)` → (Source or None, problems); with the record to keep for it."""
        path = self.options.content / rel
        row = self.state.sources.get(rel) if self.state is not None else None
        record = SourceRecord._make(row) if row is not None else None
        if record is not None and record.conditions == conditions:
            try:
                raw = path.read_bytes()
            except OSError:
                raw = None
            if raw is not None and hashlib.sha256(raw).hexdigest() == record.digest:
                return unpack_source(record.packed, self.options.content), record.problems, record
        src, problems = parse(path)
        if src is None or any(not p.warning for p in problems) or not self.enabled:
            return src, problems, None
        return src, problems, SourceRecord(0, 0, src.digest, conditions, pack_source(src), problems)

    def keep_source(self, rel: str, st: os.stat_result, record: SourceRecord, scanned_ns: int) -> None:
        self._changed += 1
        # A file changed within the last seconds may change again unseen in the same timestamp
        # tick: record it so that its bytes, not its stat, decide next time.
        racy = st.st_mtime_ns >= scanned_ns - RECENT_NS
        self._sources[rel] = tuple(record._replace(mtime_ns=-1 if racy else st.st_mtime_ns, size=st.st_size))

    def known_body(self, src: Source, conditions: str, urls: Urls, assets: set[str],
                   images: dict) -> tuple[Body, list, tuple] | None:
        """The last build's body of an unchanged file whose links still resolve the same way: the
        body, its problems and its lookups."""
        row = self.state.bodies.get(src.rel) if self.state is not None else None
        record = BodyRecord._make(row) if row is not None else None
        if record is None or record.digest != src.digest or record.conditions != conditions \
                or not deps_hold(record.deps, urls, assets, images):
            return None
        self._bodies[src.rel] = row
        self._hashes[src.rel] = record.packed[4]
        return unpack_body(record.packed, self.cache.html), record.problems, record.deps

    def keep_body(self, src: Source, conditions: str, body: Body, problems: list, deps: tuple) -> Body:
        """Record a body converted anew; the Body to hold instead: its HTML goes to the cache's store
        (written out in batches) and is read back when a page needs it."""
        self._changed += 1
        self._hashes[src.rel] = key = digest(body.html)
        if not self.enabled:
            return body
        packed = pack_body(body, key)
        self._bodies[src.rel] = tuple(BodyRecord(src.digest, conditions, deps, packed, problems))
        self.cache.html.put(key, body.html)
        return unpack_body(packed, self.cache.html)

    def vanished(self, urls: Urls) -> list[tuple[str, str, str]]:
        """Article addresses the last build published that this one has no page for (a file renamed,
        moved, deleted, made a draft): (its file, its output path, its digest then)."""
        self._articles = dict(urls.articles)
        if self.state is None:
            return []
        now = set(urls.articles.values()) | set(urls.aliases)
        sources = self.state.sources
        return [(rel, path, SourceRecord._make(sources[rel]).digest if rel in sources else "")
                for rel, path in self.state.articles.items() if path not in now]

    # Pages ---------------------------------------------------------------------------------------
    def compiled_templates(self) -> Path | None:
        return self.cache.compiled_templates() if self.enabled else None

    def pages_to_render(self, site: Site, urls: Urls, pages: list[Page], env, digests: dict[str, str],
                        jobs: int) -> tuple[list[Page], Signer | None]:
        """The pages whose published file is not current, and the signer the render workers must sign
        them with (a cold build signs as it renders; an incremental one has signed already)."""
        if not self.enabled:
            return pages, None
        from .signatures import Signed, Signer, sign_all, template_facets     # Jinja's parser: only when signing
        key = global_key(env, site.config, plan.navigation(site))
        state = self.state
        facets = state.facets[1] if state is not None and state.facets and state.facets[0] == key \
            else template_facets(env)            # they follow from the templates' text, in the key
        self._facets = (key, facets)
        signer = Signer(site, urls, key, facets, digests, self._hashes,
                        (state.teasers_key, state.teasers) if state is not None else None)
        self._signer = signer
        if not self.incremental:
            return pages, signer
        previous = Signed(state.pages, state.uses, state.cards, state.structure) if state.structure else None
        self._signed = sign_all(signer, pages, jobs, previous)
        current, sigs = self.published(), self._signed.sigs
        todo = [p for p in pages if not (state.pages.get(p.path) == sigs[p.path] and self._same_file(p.path, current))]
        self.cache.html.prefetch([a.body for p in todo for a in ((p.article,) if p.article else ()) + p.articles])
        return todo, None

    def rendered(self, pages: list[Page], traced: list) -> None:
        """A cold build's signatures, made by the render workers (`traced`, in page order)."""
        if self._signer is not None and self._signed is None:
            from .signatures import from_traced
            self._signed = from_traced(self._signer, pages, traced)

    @property
    def signed(self) -> int:
        return self._signed.signed if self._signed is not None else 0

    def published(self) -> dict:
        """The published files' stats at the start of an incremental build ({} otherwise)."""
        if self._outputs_soon is not None:
            (self._current, self._hidden), self._outputs_soon = self._outputs_soon(), None
        return self._current or {}

    def hidden(self) -> dict:
        """The hidden slot's files' stats at the start of an incremental build ({} otherwise)."""
        self.published()
        return self._hidden

    def _same_file(self, path: str, current: dict) -> bool:
        """The published file is the one the last build wrote."""
        return path in current and current[path] == self.state.outputs.get(path)

    def copy_current(self, path: str, src: Path) -> bool:
        if not self.incremental:
            return False
        try:
            st = src.stat()
        except OSError:
            return False
        return self.state.copies.get(path) == (str(src), st.st_size, st.st_mtime_ns) \
            and self._same_file(path, self.published())

    def search_record(self) -> dict | None:
        """The record of the search index the last build published (incremental builds only)."""
        return self.cache.load_search() if self.incremental else None

    def keep_search_record(self, record: dict | None) -> None:
        self._search_record = record

    def page_signatures(self) -> dict[str, str] | None:
        """Every page's signature (equal signatures: equal pages), when the cache is on."""
        return self._signed.sigs if self._signed is not None else None

    def same_pages(self, pages: list[Page]) -> bool:
        """The same set of pages as the last build (nothing added, nothing removed)."""
        return self.incremental and {p.path for p in pages} == set(self.state.pages)

    # After publishing ----------------------------------------------------------------------------
    def nothing_new(self, writer) -> bool:
        """An incremental build that changed nothing at all: even the cache stays as it is."""
        state = self.state
        return self.incremental and not self._changed and len(self._sources) == len(state.sources) \
            and writer.stats.written == 0 and not writer.removed and self._signed is not None \
            and self._signed.sigs == state.pages and len(state.bodies) == len(self._bodies)

    def save(self, writer, copies: dict[str, Path], quick: dict) -> None:
        """Record what this build saw and wrote (after the site was swapped in), and the quick record."""
        if not self.enabled:
            return
        outputs = self._outputs_after(writer) if self.incremental else output_stats(self.options.out)
        if not self.nothing_new(writer):
            self._save_state(outputs, copies)
        if self._search_record is not None:
            self.cache.save_search(self._search_record)
        self.cache.save_quick({**quick, "fingerprint": self.fingerprint, "built_ns": self.started_ns,
                               "outputs": outputs})

    def _outputs_after(self, writer) -> dict:
        outputs = dict(self.published())
        for path in writer.removed:
            outputs.pop(path, None)
        for path in [*writer.changed, MARKER]:
            try:
                st = (self.options.out / path).stat()
                outputs[path] = (st.st_size, st.st_mtime_ns, st.st_ino)
            except OSError:
                outputs.pop(path, None)
        return outputs

    def _save_state(self, outputs: dict, copies: dict[str, Path]) -> None:
        copied = {}
        for path, src in copies.items():
            try:
                st = src.stat()
                copied[path] = (str(src), st.st_size, st.st_mtime_ns)
            except OSError:
                pass
        self.cache.html.flush(set(self._hashes.values()))
        signed = self._signed
        self.cache.save(State(
            engine=ENGINE, options=self.options_key(), sources=self._sources, bodies=self._bodies,
            pages=signed.sigs, uses=signed.uses, cards=signed.cards, structure=signed.structure, outputs=outputs,
            copies=copied, slugs=dict(self.slugger.known), related=self.related,
            teasers_key=signed.teasers[0] if signed.teasers else "",
            teasers=signed.teasers[1] if signed.teasers else {}, facets=self._facets, articles=self._articles))

    def close(self) -> None:
        self.published()                 # wait for the child, whatever happened
        if self.cache is not None:
            self.cache.html.close()


def deps_hold(deps, urls: Urls, assets: set[str], images: dict | None = None) -> bool:
    """Do the lookups a cached body made still answer the same (links, files, photos' bytes)?"""
    images = images or {}
    for kind, target, value in deps:
        if kind == "image":
            image = images.get(target)
            if (image.digest if image else None) != value:
                return False
        elif kind == "asset":
            if (target in assets) != value:
                return False
        elif urls.articles.get(target) != value:      # "self" and "md": an article's output path
            return False
    return True


def global_key(env, config, shown: tuple = ()) -> str:
    """Engine, field table, every template's text, the whole config, what every page's navigation shows
    (plan.navigation: the categories with articles, the topics with their state) and the hashed names of the stylesheets and
    scripts: a change re-renders every page."""
    parts = [ENGINE, table_key(), repr(config), repr(shown), *env.loader.searchpath,
             repr(sorted(env.globals.get("static_names", {}).items()))]      # hashed names every page links
    for name in env.list_templates():
        try:
            parts += [name, env.loader.get_source(env, name)[0]]
        except Exception:      # noqa: BLE001 - an unreadable template fails at render time
            parts.append(name)
    return digest("\x1f".join(parts))
