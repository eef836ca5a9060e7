"""`build.py serve`: build, serve on 127.0.0.1, rebuild on save, reload the browser.

- Builds incrementally (drafts included, and articles awaiting review with a 待审 banner;
  涉密 ones never) into a preview folder of its own
  (default .cache/serve/site), never into the published `site/`.
- Watches content/, templates/, the site's static/ and site.toml with watchdog;
  a burst of saves is coalesced into one rebuild.
- Every HTML page it serves gets a small script (added here, at serving time;
  it is never written into a build) that long-polls `/__dangjian/status` (the
  server answers as soon as a new build is ready) and reloads the page, or
  shows the build error as an overlay until the file is fixed.
- A save of one article publishes that article's page first, at once
  (build/quick.py), then the whole incremental build follows.
- Each build tells the open tabs which pages it changed: a tab reloads only
  when its own page is among them.
- Pages come first: the search index is rebuilt after them, and a new save
  stops an indexing run at once (it starts again once the saves settle).
- Serves only files inside the output folder.
"""
from __future__ import annotations

import http.server
import json
import logging
import mimetypes
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Iterator
from urllib.parse import parse_qs, unquote, urlsplit

from .build.pipeline import Build
from .errors import SiteError
from .incremental.rebuild import Session
from .options import Options
from .util import memory
from .util.parallel import BackgroundRemover, Cancelled
from .util.progress import Progress

log = logging.getLogger(__name__)
DEBOUNCE = 0.05         # seconds of quiet before a rebuild: a save (or "save all") is a burst of events within a few ms
REINDEX_QUIET = 0.5     # seconds of quiet before the search index is rebuilt (a save stops it)
LONG_POLL = 25.0        # the longest a status request waits for a new build
STATUS = "/__dangjian/status"
HISTORY = 32            # versions whose changed pages are kept, for tabs that missed some
MAX_LISTED = 2000       # changed pages listed to the tabs; beyond that every tab reloads
SCRIPT_URL = "/__dangjian/reload.js"
RELOAD_JS = r"""(function () {
  var seen = null, box = null;
  function overlay(text) {
    if (!box) {
      box = document.createElement("div");
      box.id = "dangjian-error";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:0;z-index:99999;overflow:auto;background:rgba(30,0,0,.92);" +
        "color:#fff;padding:24px;font:16px/1.6 monospace;white-space:pre-wrap";
      document.body.appendChild(box);
    }
    box.textContent = "构建失败，请修改后保存（页面会自动刷新）：\n\n" + text;
  }
  function mine(pages) {
    // The pages changed since the version named (output paths), or null: every page.
    if (!pages) return true;
    var path = decodeURIComponent(location.pathname).replace(/^\/+/, "");
    if (path === "" || path.slice(-1) === "/") path += "index.html";
    return pages.indexOf(path) >= 0;
  }
  function poll() {
    // The server holds the request until the version differs from the one named (or a while passes).
    var url = "__STATUS__" + (seen === null ? "" : "?wait=" + seen);
    fetch(url, {cache: "no-store"}).then(function (r) { return r.json(); }).then(function (s) {
      if (s.error) { overlay(s.error); seen = s.version; }
      else if (seen !== null && s.version !== seen && mine(s.pages)) { location.reload(); return; }
      else { seen = s.version; if (box) { box.remove(); box = null; } }
      setTimeout(poll, 0);
    }).catch(function () { setTimeout(poll, 1000); });
  }
  poll();
})();
""".replace("__STATUS__", STATUS)
TAG = f'<script src="{SCRIPT_URL}"></script>'.encode()


class Preview:
    """The build side: the latest build's version and error, rebuilt on demand.

    It composes the build's phases as a preview wants them: a save publishes the
    pages at once (keeping the old search index), the tab reloads, then the cache
    is saved; the index follows in a later build that the next save cancels."""

    def __init__(self, options: Options, progress: Progress | None = None):
        self.options = options
        self.progress = progress
        self.session = Session()             # what builds keep in memory between saves
        self.remove = BackgroundRemover()    # the indexer's scratch folders go in the background
        self.cancel = _shared_event()        # set by a save: stops a search build at once
        self.version = 0
        self.error: str | None = None
        self.complete = True                 # False while a fast page waits for its whole build
        self.history: list[tuple[int, tuple[str, ...] | None]] = []     # (version, pages it changed)
        self.last: Build | None = None       # the last whole build: the model a fast page renders against
        self.saved: set[str] = set()         # paths saved since the last build began
        self.lock = threading.Lock()
        self.new_version = threading.Condition(self.lock)
        self.indexing = False
        self.wanted = threading.Event()
        self.last_change = 0.0
        self.search_pending = False

    def _build(self, **extra) -> Build:
        return Build(self.options, self.progress, self.session, remove=self.remove, **extra)

    def refresh(self, saved: set[str]) -> None:
        """After a burst of saves: the edited article's page first when it qualifies, then everything."""
        files = {Path(p) for p in saved if not Path(p).is_dir()}    # a save also reports its folder
        self.rebuild(search=len(files) == 1 and self._fast_page(files.pop()))

    def _fast_page(self, path: Path) -> bool:
        """The saved article's page, rendered against the last build's model and published (build/quick.py)."""
        if self.last is None:
            return False
        from .build.quick import render_edited
        try:
            written = render_edited(self.last, path)
        except Exception:      # noqa: BLE001 - the whole build that follows reports what is wrong
            log.debug("先行生成的页面未能完成", exc_info=True)
            return False
        if written is None:
            return False
        self._publish(None, (written,), complete=False)
        return True

    def rebuild(self, search: bool = False) -> None:
        """Publish the pages, let the tab reload, then save the cache; search waits. With `search`
        (the edited page is out already): the index too, in this build, unless a save stops it."""
        started = time.perf_counter()
        try:
            with memory.tuned_for_build(), self._build(cancel=self.cancel) as build:
                # Serve's first build makes the model even when nothing changed: saves render against it.
                done = build.shortcut() if self.last is not None else None
                if done is None:
                    self.last = None           # its model goes while the next one is built
                    build.pages()
                    stale = self.options.search and not (search and self._index(build)) and build.keep_search()
                    build.publish()
                    self.last = build
                    changed = (*build.writer.changed, *build.writer.removed)
                self._publish(None, changed if done is None else ())      # the tab reloads meanwhile
                if done is None:
                    self._save(build)
                    done = build.result()
                    self.search_pending = self.search_pending or stale
        except SiteError as exc:
            text = "\n".join(exc.lines())
            print(text, file=sys.stderr)
            print("构建失败：网站预览保留上一次的结果，修改并保存后会自动重试。", file=sys.stderr, flush=True)
            self._publish(text)
            return
        except Exception as exc:      # noqa: BLE001 - the preview server must survive anything
            log.exception("构建出错")
            self._publish(f"{type(exc).__name__}: {exc}")
            return
        finally:
            memory.resume()           # an incremental build may have paused it: collect after the reload
        print(f"已更新：{done.articles} 篇文章，写入 {done.written} 个文件，用时 "
              f"{time.perf_counter() - started:.2f} 秒", flush=True)

    @contextmanager
    def _indexing(self) -> Iterator[None]:
        """While the search index is built, a save stops it (Cancelled); one made already stops it at once."""
        self.cancel.clear()
        self.indexing = True
        try:
            if self.wanted.is_set():
                raise Cancelled()
            yield
        finally:
            self.indexing = False
            self.cancel.clear()

    def _index(self, build: Build) -> bool:
        """The search index, in the page build; False if a save stopped it (the pages go out without it)."""
        try:
            with self._indexing():
                build.search()
        except Cancelled:
            log.debug("搜索索引更新让位于新的保存")
            return False
        self.search_pending = False
        return True

    @staticmethod
    def _save(build: Build) -> None:
        try:
            build.save()
        except Exception:      # noqa: BLE001 - a cache not saved only costs the next build time
            log.warning("构建缓存未能保存，下次重建会慢一些", exc_info=True)

    def _publish(self, error: str | None, pages: tuple[str, ...] | None = None, complete: bool = True) -> None:
        """A new version: its error (None: the build succeeded) and the output paths it changed (None: any)."""
        with self.lock:
            self.error, self.version, self.complete = error, self.version + 1, complete
            self.history = [*self.history[-(HISTORY - 1):], (self.version, pages)]
            self.new_version.notify_all()

    def _pages_since(self, version: int | None) -> list[str] | None:
        """The output paths changed by the versions after `version`; None when not known (reload anyway)."""
        newer = [pages for v, pages in self.history if version is not None and v > version]
        if version is None or len(newer) != self.version - version or any(p is None for p in newer):
            return None
        changed = sorted({path for pages in newer for path in pages})
        return changed if len(changed) <= MAX_LISTED else None

    def reindex(self) -> None:
        """The search index, brought up to date after the pages (the tab has reloaded already).
        Not a new version: the pages are the same, so the open tab need not reload again.
        A save meanwhile stops it; it runs again once the saves settle."""
        self.search_pending = False     # once: a broken file must not make this retry every 0.2 s
        try:
            with self._indexing(), memory.tuned_for_build(), self._build(cancel=self.cancel) as build:
                build.pages()
                build.search(force=True)
                build.publish()
                build.save()
        except Cancelled:
            self.search_pending = True
            log.debug("搜索索引更新让位于新的保存")
        except Exception:      # noqa: BLE001 - the next page build reports content errors
            log.debug("搜索索引未能更新", exc_info=True)
        finally:
            memory.resume()

    def changed(self, path: str) -> None:
        with self.lock:
            self.saved.add(path)
        self.last_change = time.monotonic()
        self.wanted.set()
        if self.indexing:
            self.cancel.set()       # pages first: stop indexing, it runs again afterwards

    def loop(self, stop: threading.Event) -> None:
        while not stop.is_set():
            quiet = time.monotonic() - self.last_change
            if not self.wanted.wait(max(0.01, REINDEX_QUIET - quiet) if self.search_pending else 0.2):
                if self.search_pending and time.monotonic() - self.last_change >= REINDEX_QUIET:
                    self.reindex()
                continue
            while time.monotonic() - self.last_change < DEBOUNCE:     # let the burst finish
                time.sleep(DEBOUNCE / 3)
            self.wanted.clear()
            with self.lock:
                saved, self.saved = self.saved, set()
            self.refresh(saved)

    def status(self, wait_for: int | None = None) -> bytes:
        """The current version and error; with `wait_for`, first wait (a while) until the version differs."""
        with self.lock:
            if wait_for is not None:
                self.new_version.wait_for(lambda: self.version != wait_for, timeout=LONG_POLL)
            return json.dumps({"version": self.version, "error": self.error, "complete": self.complete,
                               "pages": self._pages_since(wait_for)}, ensure_ascii=False).encode()


def _shared_event():
    """An Event the forked workers writing the indexer's input see too."""
    import multiprocessing
    if "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork").Event()
    return threading.Event()


def _watch(preview: Preview, options: Options):
    from watchdog.events import FileSystemEventHandler
    from watchdog.observers import Observer

    out = options.out_path
    config = options.config.resolve()
    ignored = [out, out.parent / f".{out.name}.slots", (options.cache_dir or out).resolve(), config.parent / ".cache"]

    class Handler(FileSystemEventHandler):
        def on_any_event(self, event):
            if event.event_type in ("opened", "closed_no_write"):
                return
            for raw in (event.src_path, getattr(event, "dest_path", "") or ""):
                if not raw:
                    continue
                path = Path(raw).resolve()
                if any(path.is_relative_to(i) for i in ignored) or path.name.startswith((".", "#")) \
                        or path.name.endswith("~"):
                    continue
                if path.parent == config.parent and path != config and not path.is_dir() \
                        and not any(path.is_relative_to(w) for w, _ in recursive):
                    continue          # the site folder itself: only site.toml matters there
                preview.changed(raw)
                return

    recursive = [(p.resolve(), True) for p in (options.content, options.templates, options.static_dir)
                 if p and p.is_dir()]
    observer = Observer()
    handler = Handler()
    for folder, _ in recursive:
        observer.schedule(handler, str(folder), recursive=True)
    if not any(config.parent == f for f, _ in recursive):
        observer.schedule(handler, str(config.parent), recursive=False)
    observer.daemon = True
    observer.start()
    return observer


def make_handler(link: Path, preview: Preview):
    link = link.absolute()               # a link each build turns: resolved per request, never kept

    class Handler(http.server.BaseHTTPRequestHandler):
        server_version = "dangjian-preview"

        def log_message(self, *args):
            pass

        def do_HEAD(self):
            self.do_GET(head=True)

        def do_GET(self, head: bool = False):
            parts = urlsplit(self.path)
            path = parts.path
            if path == STATUS:
                wait = parse_qs(parts.query).get("wait", [""])[0]
                body = preview.status(int(wait) if wait.lstrip("-").isdigit() else None)
                return self._send(200, "application/json; charset=utf-8", body, head, cache=False)
            if path == SCRIPT_URL:
                return self._send(200, "text/javascript; charset=utf-8", RELOAD_JS.encode(), head, cache=False)
            root = link.resolve()
            target = self._resolve(root, path)
            if target is not None and target.is_dir():
                if not path.endswith("/"):
                    self.send_response(301)
                    self.send_header("Location", path + "/")
                    self.send_header("Content-Length", "0")
                    return self.end_headers()
                target = target / "index.html"
            if target is None or not target.is_file():
                missing = root / "404.html"
                body = missing.read_bytes() if missing.is_file() else "<!DOCTYPE html><title>404</title><h1>404</h1>".encode()
                return self._send(404, "text/html; charset=utf-8", _inject(body), head, cache=False)
            data = target.read_bytes()
            kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            if kind == "text/html":
                data, kind = _inject(data), "text/html; charset=utf-8"
            elif kind.startswith("text/") or kind in ("application/xml", "application/atom+xml"):
                kind += "; charset=utf-8"
            return self._send(200, kind, data, head)

        @staticmethod
        def _resolve(root: Path, path: str) -> Path | None:
            """The file for a URL path, or None when it would fall outside the output folder."""
            try:
                candidate = (root / unquote(path).lstrip("/")).resolve()
            except (ValueError, OSError):
                return None
            return candidate if candidate == root or candidate.is_relative_to(root) else None

        def _send(self, code: int, kind: str, data: bytes, head: bool, cache: bool = True):
            self.send_response(code)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-cache" if cache else "no-store")
            self.end_headers()
            if not head:
                self.wfile.write(data)

    return Handler


def _inject(page: bytes) -> bytes:
    at = page.rfind(b"</body>")
    return page[:at] + TAG + page[at:] if at >= 0 else page + TAG


def serve(options: Options, host: str = "127.0.0.1", port: int = 8000, progress: Progress | None = None) -> int:
    if options.cache_dir is None:
        options = replace(options, cache_dir=options.out.parent / "build-cache")
    options.out.parent.mkdir(parents=True, exist_ok=True)
    memory.allow_pausing()                 # serve collects after each reload (Preview.rebuild)
    preview = Preview(options, progress)
    preview.rebuild()
    try:
        httpd = http.server.ThreadingHTTPServer((host, port), make_handler(options.out, preview))
    except OSError as exc:
        print(f"无法在 {host}:{port} 上启动预览（{exc.strerror}）— 换一个端口，例如 --port 8001", file=sys.stderr)
        return 1
    httpd.daemon_threads = True
    stop = threading.Event()
    observer = _watch(preview, options)
    worker = threading.Thread(target=preview.loop, args=(stop,), daemon=True)
    worker.start()
    shown = host if ":" not in host else f"[{host}]"
    print(f"预览地址：http://{shown}:{httpd.server_address[1]}/ （保存文件后自动刷新；按 Ctrl+C 退出）", flush=True)
    try:
        httpd.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        print("\n预览已停止。", flush=True)
    finally:
        stop.set()
        observer.stop()
        httpd.server_close()
    return 0
