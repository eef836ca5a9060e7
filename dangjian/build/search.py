"""Full-text search: a Pagefind index of every article, with Chinese substring matching,
kept up to date in proportion to what changed.

Pagefind segments Chinese into words and matches word *prefixes*, and the
browser segments the query differently from the indexer, so plain Pagefind
misses word middles and ends (支部 in 党支部) and some whole phrases. We close
that gap the way classic CJK search engines do, with overlapping character
bigrams, while Pagefind stays the engine (storage, chunked loading, filters,
sorting):

- at build time every article gets a hidden block of tokens, each once, in a
  small copy of the page handed to the indexer, never in the published page;
- `theme/static/search.js` turns the reader's query into the same tokens, so
  any substring of two or more characters is matched.

Tokens are lower-case ASCII letters only, so that neither the indexer's nor the
browser's word segmenter splits them again (Pagefind splits mixed letters and
digits: from h5t4jfmt it also indexed jfmt). A pair of Han characters is `h` +
four base-26 letters per character (`z` + four for astral ones: a prefix code);
other words (numbers, Latin abbreviations such as CT) are `w` + their length in
two letters + the word spelled in letters (digits as `za`…`zj`). Each is indexed
with a field letter: `n` for every token of the article (title included), `t`
once more for the title's. A query token must match a whole indexed word:
Pagefind's prefix matching reads only one chunk of an index per query word, so a
prefix whose words straddle two chunks loses the second one's (measured: 10 % of
the articles containing 医院 at 10,000 articles), and it falls back to a shorter
indexed word when a query word is absent, so results would depend on what else
an index part holds. No indexed token is a prefix of another. A single Han
character is therefore not searchable (it occurs in nearly every article
anyway); search.js says so.

Results must not depend on how the index is cut in parts (see `update`), so
search.js orders them itself from facts of each article alone: by how many of
the query's tokens its title holds, then newest first (`order_key`, the site's
own order). Pagefind's BM25 score is not used: its statistics are per part.
The encoding below must stay identical to `parse` in search.js.
"""
from __future__ import annotations

import gzip
import hashlib
import html
import json
import logging
import re
import shutil
import subprocess
import tempfile
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..core.model import Article, Site
from ..core.urls import SEARCH_INDEX, Urls
from ..errors import SiteError
from ..util import parallel
from ..util.parallel import Cancelled, cancelled

log = logging.getLogger(__name__)

# Articles per base part, one Pagefind run each: Pagefind holds a part's whole index in
# memory (≈0.26 MB an article), so this bounds the build's peak memory.
SHARD_SIZE = 2500
# Articles changed since the base parts were made, indexed again on every build as the
# `delta` part; past this many the whole index is made again (and the delta is empty).
DELTA_LIMIT = 400
RECORD_VERSION = 2
LANGUAGE = "und"                          # no stemmer, no segmenter: every indexed word is an ASCII token
# Han characters: CJK Unified Ideographs + Extension A (BMP) and Extensions B-G (astral).
HAN = re.compile(r"[\u3400-\u9fff\U00020000-\U0003134f]+")
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
BODY, TITLE = "n", "t"                    # field letters: every token of the article / the title's again
MAX_WORD = 26 * 26 - 1                    # a word's length is written in two letters
UNUSED = ("pagefind-component-ui.css", "pagefind-component-ui.js", "pagefind-highlight.js",
          "pagefind-modular-ui.css", "pagefind-modular-ui.js", "pagefind-ui.css", "pagefind-ui.js",
          "pagefind-worker.js")           # never loaded: search.js has its own page and searches without a worker
BLOCK_TAGS = frozenset("""address article aside blockquote br caption dd details div dl dt figcaption figure
footer h1 h2 h3 h4 h5 h6 header hr img li main nav ol p pre section summary table tbody td tfoot th thead
tr ul""".split())


class SearchError(SiteError):
    """The search index could not be built."""

    def lines(self) -> list[str]:
        return [f"错误：搜索索引生成失败：{self} — 可先用 --no-search 跳过搜索索引，并把这条信息发给技术人员"]


def _base26(value: int, width: int) -> str:
    out = ""
    for _ in range(width):
        value, digit = divmod(value, 26)
        out = _LETTERS[digit] + out
    return out


@lru_cache(maxsize=None)
def encode_char(ch: str) -> str:
    """A prefix-free code in letters for one Han character (BMP: 4 letters, at most "bo.."
    so never starting with 'z'; astral: 'z' + 4)."""
    cp = ord(ch)
    if cp <= 0x9FFF:
        return _base26(cp - 0x3400, 4)
    return "z" + _base26(cp - 0x20000, 4)


@lru_cache(maxsize=None)
def _spell(ch: str) -> str:
    """One character of a non-Han word in letters: a-y as such, z as zz, digits za-zj, others zk + 5."""
    if "a" <= ch <= "y":
        return ch
    if ch == "z":
        return "zz"
    if "0" <= ch <= "9":
        return "z" + _LETTERS[ord(ch) - ord("0")]
    return "zk" + _base26(ord(ch), 5)


def normalise(text: str) -> str:
    """NFKC (full-width letters, compatibility ideographs) and lower case, as the query is."""
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return text.lower()


def grams(text: str, normalised: bool = False) -> dict[str, None]:
    """Each Han run's overlapping character pairs, distinct, in order of first appearance."""
    out: dict[str, None] = {}
    for run in HAN.findall(text if normalised else normalise(text)):
        out.update(dict.fromkeys(map(str.__add__, run, run[1:])))
    return out


@lru_cache(maxsize=1 << 18)        # a corpus has some 10^5 distinct pairs
def encode(gram: str) -> str:
    """The query token of a pair of characters."""
    return "h" + "".join(map(encode_char, gram))


def word_token(word: str) -> str:
    """The query token of a non-Han word (already normalised)."""
    word = word[:MAX_WORD]
    return "w" + _base26(len(word), 2) + "".join(map(_spell, word))


def tokens(text: str) -> list[str]:
    """The distinct query tokens of `text` (what a query is turned into, in search.js)."""
    text = normalise(text)
    return [encode(g) for g in grams(text, normalised=True)] + \
        [word_token(w) for w in dict.fromkeys(_WORD.findall(HAN.sub(" ", text)))]


def field_token(token: str, title: bool) -> str:
    """An indexed token: the query token and its field letter."""
    return token + (TITLE if title else BODY)


_BLOCK = re.compile(r"</?(?:%s)\b[^>]*>" % "|".join(sorted(BLOCK_TAGS)), re.I)
_TAG = re.compile(r"<[^>]*>")
_WORD = re.compile(r"[^\W_]+")
_FIELD_ATTR = re.compile(r"\bdata-pagefind-(?:meta|filter|sort)\b")


def text_of(fragment: str) -> str:
    """Visible text of sanitised body HTML, with a line break at every block boundary
    so that table cells and paragraphs do not run into each other."""
    return html.unescape(_TAG.sub("", _BLOCK.sub("\n", fragment)))


def searchable_text(article: Article, body_text: str | None = None) -> str:
    """Everything a reader may search an article by but its title, one field per line."""
    body = text_of(article.html) if body_text is None else body_text
    return "\n".join([*article.authors, article.source, *article.tags, body])


def index_words(article: Article, body_text: str) -> list[str]:
    """The indexed tokens of an article: the title's (`t`), then all of the article's (`n`). Each
    once: Pagefind's indexing time grows with every token it is handed (measured: 10,000
    articles took 28 s of its CPU with up to 3 repeats, 20 s with none)."""
    every = tokens(article.title + "\n" + searchable_text(article, body_text))
    return [field_token(t, True) for t in tokens(article.title)] + [field_token(t, False) for t in every]


def order_key(article: Article) -> str:
    """The site's order (newest first, ties by file) as an ASCII string that sorts ascending,
    the same in Pagefind (byte order) as in search.js (string comparison)."""
    inverted = 10 ** 14 - round(article.date.timestamp() * 1000)
    return f"{inverted:014d}{article.key.encode('utf-8').hex()}"


def indexable_html(page_html: str, article: Article) -> str:
    """A small page for the indexer: the rendered page's elements that carry
    Pagefind meta, filter and sort attributes (from the first of them up to the
    `data-pagefind-body` tag, so templates stay in charge of those), the readable
    body text as the `text` meta (stored, not indexed: search.js cuts excerpts
    from it), the order key as a meta and a sort, and a body holding only the
    tokens. Site header, navigation, related lists and the body HTML are left
    out: Pagefind would parse them only to skip them (measured: scratch pages
    14 KB → 5 KB). The published page stays as rendered. Fields must therefore
    come before the body in templates."""
    at = page_html.find("data-pagefind-body")       # str.find: far cheaper than a regex over the page
    body_start, body_end = page_html.rfind("<", 0, at), page_html.find(">", at) + 1
    if at < 0 or body_start < 0 or not body_end:
        raise SearchError(f"文章模板缺少 data-pagefind-body（{article.key}）")
    first = _FIELD_ATTR.search(page_html, 0, body_start)
    start = page_html.rfind("<", 0, first.start()) if first else body_start
    body_text = text_of(article.html)
    text = " ".join(body_text.split())
    order = order_key(article)
    meta = (f'<span hidden data-pagefind-meta="text:{html.escape(text, quote=True)}"></span>'
            f'<span hidden data-pagefind-meta="order:{order}" data-pagefind-sort="order:{order}"></span>')
    block = f'<div hidden>{" ".join(index_words(article, body_text))}</div>'
    return ('<!DOCTYPE html><html lang="zh-CN"><body>' + page_html[start:body_start] + meta
            + page_html[body_start:body_end] + block + "</div></body></html>")


def doc_hash(doc: str) -> str:
    return hashlib.blake2b(doc.encode("utf-8"), digest_size=12).hexdigest()


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
    delta = _delta(docs)
    before = _delta(record["docs"])
    if delta == before and _superseded(docs) == _superseded(record["docs"]):
        return Update(keep=list(record["files"]), record={**record, "docs": docs})
    if len(delta) + len(_superseded(docs)) > DELTA_LIMIT or not record["base"]:
        return _index_all(site, paths, read_page, workdir, sigs, jobs, cancel, remove)
    return _index_delta(site, paths, read_page, workdir, record, docs, fresh, jobs, cancel, remove)


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
    """Every article in base parts, the delta empty (what a cold build makes)."""
    binary = _executable()
    work = Path(tempfile.mkdtemp(prefix=".search-", dir=workdir))
    bundle = work / SEARCH_INDEX
    docs: dict = {}
    shards = [site.articles[i:i + SHARD_SIZE] for i in range(0, len(site.articles), SHARD_SIZE)]
    try:
        bundle.mkdir(parents=True)
        for n, articles in enumerate(shards):
            out = bundle / _part(n) if n else bundle
            hashes = _index_part(binary, articles, paths, read_page, {}, out, jobs, cancel, remove or _remove)
            ids = _page_ids(out)
            for article, digest_ in zip(articles, hashes):
                path = paths[article.key]
                docs[path] = [n, ids[path], digest_, digest_, (sigs or {}).get(path)]
            _drop_unused(out, engine=not n)
        _write_parts(bundle, len(shards), False, [])
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    log.info("搜索索引：%d 篇文章%s", len(site.articles), "" if shards else "（没有已发布的文章）")
    return Update(bundle=bundle, record=_record(bundle, docs, len(shards)), rebuilt="all")


def _index_delta(site: Site, paths: dict, read_page, workdir: Path, record: dict, docs: dict, fresh: dict,
                 jobs, cancel, remove) -> Update:
    """The base parts as published; the delta part made again from the changed articles."""
    binary = _executable()
    delta = _delta(docs)
    articles = [a for a in site.articles if paths[a.key] in delta]
    work = Path(tempfile.mkdtemp(prefix=".search-", dir=workdir))
    bundle = work / SEARCH_INDEX
    try:
        bundle.mkdir(parents=True)
        if articles:
            _index_part(binary, articles, paths, read_page, fresh, bundle / "delta", jobs, cancel, remove or _remove)
            _drop_unused(bundle / "delta", engine=False)
        _write_parts(bundle, record["base"], bool(articles), _superseded(docs))
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


def _index_part(binary: Path, articles, paths: dict[str, str], read_page, fresh: dict, out: Path, jobs: int,
                cancel, remove) -> list[str]:
    """Pagefind over some articles, into the bundle folder `out`; their copies' hashes, in order.
    `fresh` holds copies already made ({path: html})."""
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
        hashes = parallel.run(write, articles, jobs)
        command = [str(binary), "--site", str(scratch), "--output-path", str(out.resolve()),
                   "--force-language", LANGUAGE, "--keep-index-url", "--quiet"]
        done = _run(command, cancel)
    finally:
        remove(scratch)
    if done.returncode != 0:
        output = (done.stderr or done.stdout).strip()
        if "memory allocation" in output:
            # Past what the machine has, Pagefind aborts: say so, not just its exit code.
            raise SearchError(f"Pagefind 内存不足：为 {len(articles):,} 篇文章建索引时无法再分配内存"
                              f"（实测每篇约 0.26 MB，1 万篇约 2.8 GB）")
        raise SearchError(f"Pagefind 退出码 {done.returncode}：{output[-800:]}")
    return hashes


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
    if "extended" not in binary.name:
        log.warning("Pagefind 不是 extended 版本（%s），中文分词可能不正确", binary)
    return binary
