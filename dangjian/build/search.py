"""Full-text search: a Pagefind index of every article, kept up to date in proportion to what
changed. What is indexed of an article (tokens for Chinese substring matching, the copy handed
to Pagefind, the order key) is build/search_tokens.py.

The index is cut in parts (see "The index in parts" below); search.js answers from any cut
alike, since it orders results from facts of each article alone.
"""
from __future__ import annotations

import gzip
import json
import logging
import shutil
import subprocess
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from ..core.model import Article, Site
from ..core.urls import SEARCH_INDEX, Urls
from ..util import parallel
from ..util.parallel import Cancelled, cancelled
from .search_tokens import SearchError, doc_hash, indexable_html

log = logging.getLogger(__name__)

__all__ = ["SearchError", "Update", "update"]

# Articles per base part, one Pagefind run each: Pagefind holds a part's whole index in
# memory (≈0.28 MB an article), so this bounds the build's peak memory. Our own process grows
# with the site too (≈16 KB an article: 1.6 GB at 100,000), so past LARGE_SITE articles the
# parts are halved and the two together stay under 2 GB.
SHARD_SIZE = 2500
LARGE_SITE = 50_000


def part_size(articles: int) -> int:
    return SHARD_SIZE if articles <= LARGE_SITE else SHARD_SIZE // 2

# Articles changed since the base parts were made, indexed again on every build as the
# `delta` part; past this many the whole index is made again (and the delta is empty).
DELTA_LIMIT = 400
RECORD_VERSION = 2
LANGUAGE = "und"                          # no stemmer, no segmenter: every indexed word is an ASCII token
UNUSED = ("pagefind-component-ui.css", "pagefind-component-ui.js", "pagefind-highlight.js",
          "pagefind-modular-ui.css", "pagefind-modular-ui.js", "pagefind-ui.css", "pagefind-ui.js",
          "pagefind-worker.js")           # never loaded: search.js has its own page and searches without a worker


# The index in parts ------------------------------------------------------------------------------
# Base parts: SHARD_SIZE articles each in site order (newest first), the first in pagefind/, the
# others in pagefind/part-N/. The delta part (pagefind/delta/): every article whose indexed copy
# differs from the one in the base parts (edited, added). parts.json lists the parts and the base
# entries the delta replaces or that were deleted (`superseded`, by Pagefind page id); search.js
# drops those. The record (kept with the build cache) says, per article page, where it is indexed:
#   docs[path] = [base part or None, base page id, base copy's hash, current copy's hash, page signature]
# A deleted article keeps its row (current hash "") while its base entry must stay superseded.

@dataclass
class Update:
    """What the search phase publishes: the files to keep as they are, and a folder of new ones."""
    keep: list[str] = field(default_factory=list)     # published paths under pagefind/ kept
    bundle: Path | None = None                        # new files, laid out as under pagefind/
    record: dict | None = None                        # for the next build
    rebuilt: str = ""                                 # "", "delta" or "all"


def update(site: Site, urls: Urls, read_page, workdir: Path, record: dict | None, published: dict,
           sigs: dict | None, jobs: int = 0, cancel=None, remove=None) -> Update:
    """Bring the index up to date with the article pages this build produced (`read_page(path)`
    gives their bytes): nothing, the delta part only, or all parts. `record` is the last index's,
    `published` the output's files now, `sigs` the pages' signatures (equal signature: same page)."""
    paths = {article.key: urls.article(article) for article in site.articles}
    if not _record_holds(record, published) or sigs is None:
        return _index_all(site, paths, read_page, workdir, sigs, jobs, cancel, remove)
    docs, fresh = _current_docs(site, paths, read_page, record["docs"], sigs)
    delta, superseded = _delta(docs), _superseded(docs)
    if delta == _delta(record["docs"]) and superseded == _superseded(record["docs"]):
        return Update(keep=list(record["files"]), record={**record, "docs": docs})
    if len(delta) + len(superseded) > DELTA_LIMIT or not record["base"]:
        return _index_all(site, paths, read_page, workdir, sigs, jobs, cancel, remove)
    return _index_delta(site, paths, read_page, workdir, record, docs, (delta, superseded), fresh, jobs, cancel,
                        remove)


def _record_holds(record: dict | None, published: dict) -> bool:
    """The record describes the published index: same version, every file there at its size."""
    if not record or record.get("version") != RECORD_VERSION:
        return False
    files = record.get("files", {})
    return bool(files) and all(published.get(path, (None,))[0] == size for path, size in files.items()) \
        and not any(p.startswith(SEARCH_INDEX + "/") and p not in files for p in published)


def _current_docs(site: Site, paths: dict, read_page, old: dict, sigs: dict) -> tuple[dict, dict]:
    """Each article page's row, its copy's hash computed again only where the page changed since
    the record was made; and those new copies ({path: html})."""
    docs, fresh = {}, {}
    for article in site.articles:
        path = paths[article.key]
        row, sig = old.get(path), sigs.get(path)
        if row is not None and row[3] and row[4] == sig:
            docs[path] = list(row)
            continue
        doc = indexable_html(read_page(path).decode("utf-8"), article)
        fresh[path] = doc
        base = row[:3] if row is not None else [None, "", ""]
        docs[path] = [*base, doc_hash(doc), sig]
    for path, row in old.items():
        if path not in docs and row[0] is not None:
            docs[path] = [*row[:3], "", ""]              # deleted: its base entry stays superseded
    return docs, fresh


def _delta(docs: dict) -> dict:
    return {path: row[3] for path, row in docs.items() if row[3] and row[3] != row[2]}


def _superseded(docs: dict) -> list[str]:
    return sorted(row[1] for row in docs.values() if row[0] is not None and row[3] != row[2])


def _index_all(site: Site, paths: dict, read_page, workdir: Path, sigs: dict | None, jobs, cancel,
               remove) -> Update:
    """Every article in base parts, the delta empty (what a cold build makes). Part n+1's copies
    are prepared while Pagefind indexes part n (one Pagefind at a time: its memory is the limit)."""
    binary, remove = _executable(), remove or _remove
    work = Path(tempfile.mkdtemp(prefix=".search-", dir=workdir))
    bundle = work / SEARCH_INDEX
    docs: dict = {}
    size = part_size(len(site.articles))
    shards = [site.articles[i:i + size] for i in range(0, len(site.articles), size)]
    runs: list[Running] = []              # submitted, not yet finished, oldest first
    try:
        bundle.mkdir(parents=True)
        # One worker: Pagefind runs one part at a time; the next part is prepared meanwhile.
        with ThreadPoolExecutor(1) as indexer:
            try:
                for n, articles in enumerate(shards):
                    if len(runs) == 2:
                        _finish(runs.pop(0), docs, paths, sigs, remove)
                    scratch, hashes = _prepare(articles, paths, read_page, {}, jobs, cancel, remove)
                    out = bundle / _part(n) if n else bundle
                    runs.append(Running(indexer.submit(_run, _command(binary, scratch, out), cancel), scratch, out,
                                        n, articles, hashes))
                while runs:
                    _finish(runs.pop(0), docs, paths, sigs, remove)
            finally:
                for run in runs:                  # stopped midway: a queued run never starts, a started one ends
                    if not run.job.cancel():
                        run.job.exception()
                    remove(run.scratch)
        _write_parts(bundle, len(shards), False, [])
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    log.info("搜索索引：%d 篇文章%s", len(site.articles), "" if shards else "（没有已发布的文章）")
    return Update(bundle=bundle, record=_record(bundle, docs, len(shards)), rebuilt="all")


@dataclass
class Running:
    """A Pagefind run over one part, in the background."""
    job: Future
    scratch: Path
    out: Path
    n: int
    articles: list
    hashes: list


def _finish(running: Running, docs: dict, paths: dict, sigs: dict | None, remove) -> None:
    """Wait for a part's Pagefind run; record where its articles are indexed."""
    try:
        done = running.job.result()
    finally:
        remove(running.scratch)
    _check(done, len(running.articles))
    ids = _page_ids(running.out)
    for article, digest_ in zip(running.articles, running.hashes):
        path = paths[article.key]
        if path not in ids:
            raise SearchError(f"Pagefind 没有收录 {path}（{article.key}）")
        docs[path] = [running.n, ids[path], digest_, digest_, (sigs or {}).get(path)]
    _drop_unused(running.out, engine=not running.n)


def _index_delta(site: Site, paths: dict, read_page, workdir: Path, record: dict, docs: dict, changed: tuple,
                 fresh: dict, jobs, cancel, remove) -> Update:
    """The base parts as published; the delta part made again from the changed articles."""
    binary = _executable()
    delta, superseded = changed
    articles = [a for a in site.articles if paths[a.key] in delta]
    work = Path(tempfile.mkdtemp(prefix=".search-", dir=workdir))
    bundle = work / SEARCH_INDEX
    try:
        bundle.mkdir(parents=True)
        if articles:
            remove = remove or _remove
            scratch, _ = _prepare(articles, paths, read_page, fresh, jobs, cancel, remove)
            try:
                done = _run(_command(binary, scratch, bundle / "delta"), cancel)
            finally:
                remove(scratch)
            _check(done, len(articles))
            _drop_unused(bundle / "delta", engine=False)
        _write_parts(bundle, record["base"], bool(articles), superseded)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    replaced = f"{SEARCH_INDEX}/delta/"
    kept = {p: size for p, size in record["files"].items()
            if not p.startswith(replaced) and p != f"{SEARCH_INDEX}/parts.json"}
    log.info("搜索索引：%d 篇文章有改动，只重建改动部分", len(articles))
    new = _record(bundle, docs, record["base"])
    new["files"].update(kept)
    return Update(keep=list(kept), bundle=bundle, record=new, rebuilt="delta")


def _record(bundle: Path, docs: dict, base: int) -> dict:
    files = {f"{SEARCH_INDEX}/{p.relative_to(bundle).as_posix()}": p.stat().st_size
             for p in bundle.rglob("*") if p.is_file()}
    return {"version": RECORD_VERSION, "base": base, "files": files, "docs": docs}


def _write_parts(bundle: Path, base: int, delta: bool, superseded: list[str]) -> None:
    """pagefind/parts.json, which search.js reads first."""
    parts = {"parts": [_part(n) + "/" for n in range(1, base)], "delta": "delta/" if delta else None,
             "superseded": superseded}
    (bundle / "parts.json").write_text(json.dumps(parts, separators=(",", ":")), encoding="utf-8")


def _part(n: int) -> str:
    return f"part-{n + 1}"


def _page_ids(bundle: Path) -> dict[str, str]:
    """Page path → Pagefind page id (its fragment's name), read from the fragments."""
    ids = {}
    for path in (bundle / "fragment").glob("*.pf_fragment"):
        raw = gzip.decompress(path.read_bytes())
        url = json.loads(raw[raw.index(b"{"):])["url"]
        ids[url.lstrip("/")] = path.name[:-len(".pf_fragment")]
    return ids


def _drop_unused(bundle: Path, engine: bool) -> None:
    """Remove what the browser never loads from a part; the script and WebAssembly only the
    first part's `engine` serves (the others are merged into it)."""
    engine_files = () if engine else ("pagefind.js", "wasm.unknown.pagefind", f"wasm.{LANGUAGE}.pagefind")
    for name in (*UNUSED, *engine_files):
        (bundle / name).unlink(missing_ok=True)


def _prepare(articles, paths: dict[str, str], read_page, fresh: dict, jobs: int, cancel,
             remove) -> tuple[Path, list[str]]:
    """A scratch folder holding the articles' indexable copies (`fresh` holds some already made,
    {path: html}); and the copies' hashes, in order. Written by `jobs` forked workers into the
    system's temporary folder (throwaway files; measured 10x cheaper to create there than beside
    this machine's output)."""
    scratch = Path(tempfile.mkdtemp(prefix="dangjian-search-"))

    def write(article: Article) -> str:
        cancelled(cancel)
        path = paths[article.key]
        doc = fresh.get(path)
        if doc is None:
            doc = indexable_html(read_page(path).decode("utf-8"), article)
        (scratch / path).write_text(doc, encoding="utf-8")
        return doc_hash(doc)

    try:
        for i, folder in enumerate(sorted({str(Path(paths[a.key]).parent) for a in articles})):
            if i % 256 == 0:
                # A folder per article: after mass deletions this disk took seconds over 10,000 of
                # them, so a save must be able to stop this loop too.
                cancelled(cancel)
            (scratch / folder).mkdir(parents=True, exist_ok=True)
        return scratch, parallel.run(write, articles, jobs)
    except BaseException:
        remove(scratch)              # serve's remover deletes it in the background
        raise


def _command(binary: Path, scratch: Path, out: Path) -> list[str]:
    """Pagefind over a scratch folder, into the bundle folder `out`; the copies' paths are the
    pages' paths, so result URLs come out right."""
    return [str(binary), "--site", str(scratch), "--output-path", str(out.resolve()),
            "--force-language", LANGUAGE, "--keep-index-url", "--quiet"]


def _check(done: subprocess.CompletedProcess, articles: int) -> None:
    if done.returncode != 0:
        output = (done.stderr or done.stdout).strip()
        if "memory allocation" in output:
            # Past what the machine has, Pagefind aborts: say so, not just its exit code.
            raise SearchError(f"Pagefind 内存不足：为 {articles:,} 篇文章建索引时无法再分配内存"
                              f"（实测每篇约 0.28 MB，{articles:,} 篇约 {articles * 0.28 / 1000:.1f} GB）")
        raise SearchError(f"Pagefind 退出码 {done.returncode}：{output[-800:]}")


def _remove(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


def _run(command: list[str], cancel=None) -> subprocess.CompletedProcess:
    """Run Pagefind; stop it at once when `cancel` is set."""
    with tempfile.TemporaryFile() as output:      # a file, not a pipe: a full pipe would stall it
        proc = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
        while True:
            try:
                code = proc.wait(timeout=0.05)
                break
            except subprocess.TimeoutExpired:
                if cancel is not None and cancel.is_set():
                    proc.kill()
                    proc.wait()
                    raise Cancelled() from None
        output.seek(0)
        text = output.read().decode("utf-8", "replace")
    return subprocess.CompletedProcess(command, code, text, "")


def _executable() -> Path:
    try:
        from pagefind.service import get_executable
    except ImportError:
        raise SearchError("没有安装 Pagefind（pip install 'pagefind[extended]'）") from None
    binary = get_executable()
    if binary is None:
        raise SearchError("找不到 Pagefind 程序（pip install 'pagefind[extended]'）")
    return binary           # any build of it will do: it indexes ASCII tokens only, never segments Chinese
