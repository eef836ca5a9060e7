"""What an incremental build may skip, and what it records for the next one.

Helpers of `pipeline.build`: the no-change shortcut (inputs fingerprint),
whether a published page or copied file is still current, the keys that make
a cache valid, and saving the build cache after the site was swapped in.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from .cache import ENGINE, BuildCache, State, digest, output_stats, tree_stats
from .config import SiteConfig
from .output import MARKER
from .render import THEME, Renderer
from .urls import Urls

if TYPE_CHECKING:
    from .pipeline import Gathered, Options, Result

LAST: dict = {}      # what the running build hands to `save_quick`


def deps_hold(deps, rel: str, urls: Urls, assets: set[str], images: dict | None = None) -> bool:
    """Do the links a cached body resolved still resolve the same way (and its photos keep their bytes)?"""
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


def fingerprint(options: Options, scanned: tuple) -> tuple[str, int]:
    """Everything a build reads, by stat: equal fingerprints mean equal inputs.

    Also returns the newest modification time seen: a file changed in the last
    seconds may change again within one timestamp tick, so it is not trusted."""
    files, assets = scanned
    parts = [ENGINE, repr(options_key(options))]
    newest = 0
    try:
        st = options.config.stat()
        parts.append(f"{st.st_size}:{st.st_mtime_ns}")
        newest = st.st_mtime_ns
    except OSError:
        parts.append("-")
    own_static = options.static if options.static is not None else options.config.parent / "static"
    for path, size, mtime in tree_stats(options.templates, THEME, own_static):
        parts.append(f"{path}:{size}:{mtime}")
        newest = max(newest, mtime)
    for rel, st in (*files, *assets):
        parts.append(f"{rel}:{st.st_size}:{st.st_mtime_ns}")
        newest = max(newest, st.st_mtime_ns)
    return digest("\x1f".join(parts)), newest


def nothing_changed(options: Options, quick: dict, fingerprint: str, newest: int) -> bool:
    if options.now is not None or quick.get("fingerprint") != fingerprint:
        return False
    if newest >= quick.get("built_ns", 0) - 2_000_000_000:
        return False                     # a recent save: let the full path look at the bytes
    if time.time() >= quick.get("next_publish", 0):
        return False                     # a scheduled article is due
    return (options.out / MARKER).is_file() and output_stats(options.out) == quick.get("outputs")


def save_quick(cache: BuildCache, options: Options, result: Result, fingerprint: str) -> None:
    memo = LAST.pop("memo", None)
    if memo is None:
        return
    outputs = LAST.pop("outputs", None)
    cache.save_quick({"fingerprint": fingerprint, "built_ns": LAST.pop("started_ns"),
                      "next_publish": memo["next_publish"],
                      "outputs": outputs if outputs is not None else output_stats(options.out),
                      "messages": memo["messages"], "articles": result.articles, "pages": result.pages,
                      "files": result.written + result.unchanged})


def still_current(path: str, sig: str, state: State, current: dict) -> bool:
    """Same inputs as last time, and the published file is the one that build wrote."""
    return state.pages.get(path) == sig and path in current and current[path] == state.outputs.get(path)


def copy_current(path: str, src: Path, state: State, current: dict) -> bool:
    try:
        st = src.stat()
    except OSError:
        return False
    return state.copies.get(path) == (str(src), st.st_size, st.st_mtime_ns) and path in current \
        and current[path] == state.outputs.get(path)


def options_key(options: Options) -> tuple:
    return (str(options.content.resolve()), str(options.content), str(options.config.resolve()),
            str(options.templates.resolve()) if options.templates else "", str(options.static or ""),
            options.drafts, options.future, str(options.out.resolve()), options.search)


def global_key(renderer: Renderer, config: SiteConfig) -> str:
    """Engine, every template's text and the whole config: a change re-renders every page."""
    env = renderer.env
    parts = [ENGINE, repr(config), *env.loader.searchpath]
    for name in env.list_templates():
        try:
            parts += [name, env.loader.get_source(env, name)[0]]
        except Exception:      # noqa: BLE001 - an unreadable template fails at render time
            parts.append(name)
    return digest("\x1f".join(parts))


def previous_signed(state: State | None):
    """The last build's signatures as deps.sign_all takes them, or None when it kept none."""
    from .deps import Signed
    if state is None or not state.structure:
        return None
    return Signed(state.pages, state.uses, state.cards, state.structure)


def save(cache: BuildCache, options: Options, g: Gathered, signed, copies: dict, writer,
          current: dict | None) -> None:
    """Record what this build saw and wrote (after the site was swapped in)."""
    if current is None:
        outputs = output_stats(options.out)
    else:
        outputs = dict(current)
        for path in writer.removed:
            outputs.pop(path, None)
        for path in [*writer.changed, MARKER]:
            try:
                st = (options.out / path).stat()
                outputs[path] = (st.st_size, st.st_mtime_ns, st.st_ino)
            except OSError:
                outputs.pop(path, None)
    copied = {}
    for path, src in copies.items():
        try:
            st = src.stat()
            copied[path] = (str(src), st.st_size, st.st_mtime_ns)
        except OSError:
            pass
    for key, html in g.memo["fresh_html"].items():
        cache.html.put(key, html)
    cache.html.flush(set(g.memo["hashes"].values()))
    cache.save(State(engine=ENGINE, options=options_key(options), sources=g.memo["sources"], bodies=g.memo["bodies"],
                     pages=signed.sigs, uses=signed.uses, cards=signed.cards,
                     structure=signed.structure, outputs=outputs, copies=copied, slugs=dict(slugs()), related=g.memo["related"],
                     teasers_key=signed.teasers[0] if signed.teasers else "",
                     teasers=signed.teasers[1] if signed.teasers else {}, facets=g.memo.get("facets", ())))
    return outputs


def slugs():
    from .urls import SLUGS
    return SLUGS
