"""Full-text search: a Pagefind index of every article, with Chinese substring matching.

Pagefind segments Chinese into words and matches word *prefixes*, and the
browser segments the query differently from the indexer, so plain Pagefind
misses word middles and ends (支部 in 党支部) and some whole phrases. We close
that gap the way classic CJK search engines do, with overlapping character
bigrams, while Pagefind stays the engine (storage, chunked loading, ranking,
filters, sorting):

- at build time every article gets hidden blocks of bigram tokens, each token
  once (the title's in a block Pagefind weights higher; authors, source, tags and
  body in another), in a small copy of the page handed to the indexer, never in
  the published page;
- `theme/static/search.js` turns the reader's query into the same tokens, so
  any substring of two or more characters is matched.

Tokens are ASCII (`h` + three base-36 digits per character) so neither the
indexer's nor the browser's word segmenter can split them again. Other words
(numbers, Latin abbreviations such as CT) are indexed as `w` + word, so a word
a reader types can never match the start of a Han token. The encoding below
must stay identical to `parse` in search.js.
"""
from __future__ import annotations

import html
import json
import logging
import re
import shutil
import subprocess
import tempfile
import unicodedata
from functools import lru_cache
from pathlib import Path

from ..core.model import Article, Site
from ..core.urls import SEARCH_INDEX, Urls
from ..errors import SiteError
from ..util import parallel
from ..util.parallel import Cancelled, cancelled

log = logging.getLogger(__name__)

SHARD_SIZE = 5000       # articles per Pagefind run (≈1.3 GB of its memory at 0.26 MB each)
LANGUAGE = "zh-cn"
# Han characters: CJK Unified Ideographs + Extension A (BMP) and Extensions B-G (astral).
HAN = re.compile(r"[\u3400-\u9fff\U00020000-\U0003134f]+")
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
# Pagefind weight of the title's tokens (1 is the body's; h1 gets 7 by default), so
# that an article whose title has the query ranks above one that mentions it once.
TITLE_WEIGHT = 7
BLOCK_TAGS = frozenset("""address article aside blockquote br caption dd details div dl dt figcaption figure
footer h1 h2 h3 h4 h5 h6 header hr img li main nav ol p pre section summary table tbody td tfoot th thead
tr ul""".split())


class SearchError(SiteError):
    """The search index could not be built."""

    def lines(self) -> list[str]:
        return [f"错误：搜索索引生成失败：{self} — 可先用 --no-search 跳过搜索索引，并把这条信息发给技术人员"]


def _base36(value: int, width: int) -> str:
    out = ""
    for _ in range(width):
        value, digit = divmod(value, 36)
        out = _DIGITS[digit] + out
    return out


@lru_cache(maxsize=None)
def encode_char(ch: str) -> str:
    """A prefix-free ASCII code for one Han character (BMP: 3 digits, astral: 'z' + 4)."""
    cp = ord(ch)
    if cp <= 0x9FFF:
        return _base36(cp - 0x3400, 3)          # at most "lbz", never starts with 'z'
    return "z" + _base36(cp - 0x20000, 4)


def normalise(text: str) -> str:
    """NFKC (full-width letters, compatibility ideographs) and lower case, as the query is."""
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return text.lower()


def grams(text: str, normalised: bool = False) -> dict[str, None]:
    """Each Han run's overlapping character pairs plus its last character (so a
    single character matches too: it starts a pair or ends a run), distinct, in
    order of first appearance."""
    out: dict[str, None] = {}
    for run in HAN.findall(text if normalised else normalise(text)):
        out.update(dict.fromkeys(map(str.__add__, run, run[1:])))
        out[run[-1]] = None
    return out


@lru_cache(maxsize=1 << 18)        # a corpus has some 10^5 distinct pairs
def encode(gram: str) -> str:
    return "h" + "".join(map(encode_char, gram))


def tokens(text: str) -> list[str]:
    """The distinct tokens of `text` (what a query is turned into, in search.js)."""
    return [encode(g) for g in grams(text)]


_BLOCK = re.compile(r"</?(?:%s)\b[^>]*>" % "|".join(sorted(BLOCK_TAGS)), re.I)
_TAG = re.compile(r"<[^>]*>")


def text_of(fragment: str) -> str:
    """Visible text of sanitised body HTML, with a line break at every block boundary
    so that table cells and paragraphs do not run into each other."""
    return html.unescape(_TAG.sub("", _BLOCK.sub("\n", fragment)))


def searchable_text(article: Article, body_text: str | None = None) -> str:
    """Everything a reader may search an article by but its title, one field per line."""
    body = text_of(article.html) if body_text is None else body_text
    return "\n".join([*article.authors, article.source, *article.tags, body])


def index_words(text: str, skip: frozenset = frozenset()) -> list[str]:
    """What the indexer gets for one field: each Han token and each other word
    (numbers, Latin abbreviations) once, except those in `skip`. Once is enough:
    Pagefind's indexing time grows with every token it is handed (measured: 10,000
    articles took 28 s of its CPU with up to 3 repeats, 20 s with none), and
    term counts of character pairs say little about relevance; title matches are
    weighted instead (see `indexable_html`)."""
    text = normalise(text)
    words = [encode(gram) for gram in grams(text, normalised=True)]
    words.extend("w" + word for word in dict.fromkeys(_WORD.findall(HAN.sub(" ", text))))
    return [w for w in words if w not in skip] if skip else words


_WORD = re.compile(r"[^\W_]+")
_FIELD_ATTR = re.compile(r"\bdata-pagefind-(?:meta|filter|sort)\b")


def indexable_html(page_html: str, article: Article) -> str:
    """A small page for the indexer: the rendered page's elements that carry
    Pagefind meta, filter and sort attributes (from the first of them up to the
    `data-pagefind-body` tag, so templates stay in charge of those), the readable
    body text as the `text` meta (stored, not indexed: search.js cuts excerpts
    from it) and a body holding only the token blocks. Site header, navigation,
    related lists and the body HTML are left out: Pagefind would parse them only
    to skip them (measured: scratch pages 14 KB → 5 KB). The published page
    stays as rendered. Fields must therefore come before the body in templates."""
    at = page_html.find("data-pagefind-body")       # str.find: far cheaper than a regex over the page
    body_start, body_end = page_html.rfind("<", 0, at), page_html.find(">", at) + 1
    if at < 0 or body_start < 0 or not body_end:
        raise SearchError(f"文章模板缺少 data-pagefind-body（{article.key}）")
    first = _FIELD_ATTR.search(page_html, 0, body_start)
    start = page_html.rfind("<", 0, first.start()) if first else body_start
    body_text = text_of(article.html)
    text = " ".join(body_text.split())
    meta = f'<span hidden data-pagefind-meta="text:{html.escape(text, quote=True)}"></span>'
    title = index_words(article.title)
    rest = index_words(searchable_text(article, body_text), frozenset(title))
    block = (f'<div hidden data-pagefind-weight="{TITLE_WEIGHT}">{" ".join(title)}</div>'
             f'<div hidden>{" ".join(rest)}</div>')
    return ('<!DOCTYPE html><html lang="zh-CN"><body>' + page_html[start:body_start] + meta
            + page_html[body_start:body_end] + block + "</div></body></html>")


def index(site: Site, urls: Urls, read_page, workdir: Path, jobs: int = 0, cancel=None, remove=None) -> Path:
    """Index the article pages this build produced (`read_page(path)` gives their bytes);
    return the folder holding the new bundle (inside a temporary folder in `workdir`,
    which the caller removes after copying the bundle into the output).

    Pagefind's in-process Python API answers one call per 0.1 s (minutes for
    10,000 pages) and, in 1.5.2, may stop its service before the bundle is fully
    written (we saw a truncated wasm file). So small indexable copies (see
    `indexable_html`) are written by `jobs` forked processes (the tokens are pure
    Python) to a scratch folder in the system's temporary folder (throwaway files;
    measured 10x cheaper to create there than beside this machine's output), and
    the Pagefind binary shipped in the `pagefind[extended]` wheel indexes it, one run
    per part of SHARD_SIZE articles; their paths are the pages' paths, so result URLs
    come out right.

    `cancel` (an Event shared with forked workers) stops indexing at once when set
    (raising `Cancelled`); `remove(folder)` deletes the indexer's scratch folders
    (serve deletes them in the background).
    """
    binary = _executable()
    work = Path(tempfile.mkdtemp(prefix=".search-", dir=workdir))
    bundle = work / SEARCH_INDEX
    paths = {article.key: urls.article(article) for article in site.articles}
    # Pagefind holds a whole index in memory, about 0.26 MB per article: one run over 100,000
    # articles needed some 28 GB and failed. So it runs per shard of SHARD_SIZE articles in site
    # order (newest first), each its own bundle: the first in pagefind/, the others in
    # pagefind/part-N/, listed in pagefind/parts.json for search.js to search them all.
    shards = [site.articles[i:i + SHARD_SIZE] for i in range(0, len(site.articles), SHARD_SIZE)]
    if not shards:             # nothing published yet (all awaiting review, say): Pagefind refuses an empty site
        bundle.mkdir(parents=True)
        (bundle / "parts.json").write_text(json.dumps({"parts": []}), encoding="utf-8")
        log.info("搜索索引：没有已发布的文章")
        return bundle
    try:
        for n, articles in enumerate(shards):
            _index_shard(binary, articles, paths, read_page, bundle / _part(n) if n else bundle, jobs, cancel,
                         remove or _remove)
        (bundle / "parts.json").write_text(json.dumps({"parts": [_part(n) + "/" for n in range(1, len(shards))]}),
                                           encoding="utf-8")
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    log.info("搜索索引：%d 篇文章", len(site.articles))
    return bundle


def _part(n: int) -> str:
    return f"part-{n + 1}"


def _index_shard(binary: Path, articles, paths: dict[str, str], read_page, out: Path, jobs: int,
                 cancel, remove) -> None:
    """Pagefind over one shard's articles, into the bundle folder `out`."""
    scratch = Path(tempfile.mkdtemp(prefix="dangjian-search-"))

    def write(article: Article) -> None:
        cancelled(cancel)
        path = paths[article.key]
        page_html = read_page(path).decode("utf-8")
        (scratch / path).write_text(indexable_html(page_html, article), encoding="utf-8")

    try:
        for i, folder in enumerate(sorted({str(Path(paths[a.key]).parent) for a in articles})):
            if i % 256 == 0:
                # A folder per article: after mass deletions this disk took seconds over 10,000 of
                # them, so a save must be able to stop this loop too.
                cancelled(cancel)
            (scratch / folder).mkdir(parents=True, exist_ok=True)
        parallel.run(write, articles, jobs)
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
