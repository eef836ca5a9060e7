"""Full-text search: a Pagefind index of every article, with Chinese substring matching.

Pagefind segments Chinese into words and matches word *prefixes*, and the
browser segments the query differently from the indexer, so plain Pagefind
misses word middles and ends (支部 in 党支部) and some whole phrases. We close
that gap the way classic CJK search engines do, with overlapping character
bigrams, while Pagefind stays the engine (storage, chunked loading, ranking,
filters, sorting):

- at build time every article gets a hidden block of bigram tokens (title,
  authors, source, tags and body), injected only into the HTML handed to the
  indexer, never into the published page;
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
import logging
import re
import shutil
import subprocess
import tempfile
import unicodedata
from collections import Counter
from functools import lru_cache
from pathlib import Path

from .errors import SiteError
from .model import Article, Site
from .urls import Urls

log = logging.getLogger(__name__)

OUTPUT_DIR = "pagefind"
LANGUAGE = "zh-cn"
# Han characters: CJK Unified Ideographs + Extension A (BMP) and Extensions B-G (astral).
HAN = re.compile(r"[\u3400-\u9fff\U00020000-\U0003134f]+")
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
# A token repeated this often in one article counts no more: enough for ranking,
# while the index stays small (measured in benchmarks/search_bench.py).
MAX_REPEAT = 3
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


def gram_counts(text: str) -> Counter:
    """Each Han run's overlapping character pairs plus its last character (so a
    single character matches too: it starts a pair or ends a run), counted."""
    counts: Counter = Counter()
    for run in HAN.findall(normalise(text)):
        counts.update(map(str.__add__, run, run[1:]))
        counts[run[-1]] += 1
    return counts


def encode(gram: str) -> str:
    return "h" + "".join(map(encode_char, gram))


def tokens(text: str) -> list[str]:
    """The distinct tokens of `text` (what a query is turned into, in search.js)."""
    return [encode(g) for g in gram_counts(text)]


_BLOCK = re.compile(r"</?(?:%s)\b[^>]*>" % "|".join(sorted(BLOCK_TAGS)), re.I)
_TAG = re.compile(r"<[^>]*>")


def text_of(fragment: str) -> str:
    """Visible text of sanitised body HTML, with a line break at every block boundary
    so that table cells and paragraphs do not run into each other."""
    return html.unescape(_TAG.sub("", _BLOCK.sub("\n", fragment)))


def searchable_text(article: Article) -> str:
    """Everything a reader may search an article by, one field per line."""
    return "\n".join([article.title, *article.authors, article.source, *article.tags, text_of(article.html)])


def index_words(text: str) -> list[str]:
    """What the indexer gets for one article: the Han tokens (a few repeats kept
    for ranking) and, once each, the other words (numbers, Latin abbreviations)."""
    words = []
    for gram, n in gram_counts(text).items():
        words.extend([encode(gram)] * min(n, MAX_REPEAT))
    words.extend("w" + word for word in dict.fromkeys(_WORD.findall(HAN.sub(" ", normalise(text)))))
    return words


_WORD = re.compile(r"[^\W_]+")
_BODY_ATTR = re.compile(r"<[^>]*\bdata-pagefind-body\b[^>]*>")
# Pagefind indexes only the token block of the body region; the readable text
# travels as the `text` meta (not indexed) for search.js to cut excerpts from.
EXCLUDE = "[data-pagefind-body] > :not([data-search-tokens])"


def indexable_html(page_html: str, article: Article) -> str:
    """The page as the indexer sees it; the published page stays as rendered."""
    found = _BODY_ATTR.search(page_html)
    if not found:
        raise SearchError(f"文章模板缺少 data-pagefind-body（{article.key}）")
    text = " ".join(text_of(article.html).split())
    meta = f'<span hidden data-pagefind-meta="text:{html.escape(text, quote=True)}"></span>'
    block = f'<div hidden data-search-tokens>{" ".join(index_words(searchable_text(article)))}</div>'
    return page_html[:found.start()] + meta + page_html[found.start():found.end()] + block + page_html[found.end():]


def index(site: Site, urls: Urls, read_page, workdir: Path) -> Path:
    """Index the article pages this build produced (`read_page(path)` gives their bytes);
    return the folder holding the new bundle (inside a temporary folder in `workdir`,
    which the caller removes after copying the bundle into the output).

    Pagefind's in-process Python API answers one call per 0.1 s (minutes for
    10,000 pages) and, in 1.5.2, may stop its service before the bundle is fully
    written (we saw a truncated wasm file). So the indexable copies go to a
    scratch folder beside the output and the Pagefind binary shipped in the
    `pagefind[extended]` wheel indexes it in one run, in parallel; their paths are
    the pages' paths, so result URLs come out right.
    """
    binary = _executable()
    work = Path(tempfile.mkdtemp(prefix=".search-", dir=workdir))
    scratch, bundle = work / "pages", work / OUTPUT_DIR
    try:
        for article in site.articles:
            path = urls.article(article)
            page_html = read_page(path).decode("utf-8")
            target = scratch / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(indexable_html(page_html, article), encoding="utf-8")
        command = [str(binary), "--site", str(scratch), "--output-path", str(bundle.resolve()),
                   "--force-language", LANGUAGE, "--keep-index-url", "--exclude-selectors", EXCLUDE, "--quiet"]
        done = subprocess.run(command, capture_output=True, text=True, errors="replace")
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    shutil.rmtree(scratch, ignore_errors=True)
    if done.returncode != 0:
        shutil.rmtree(work, ignore_errors=True)
        raise SearchError(f"Pagefind 退出码 {done.returncode}：{(done.stderr or done.stdout).strip()[-800:]}")
    log.info("搜索索引：%d 篇文章", len(site.articles))
    return bundle


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
