"""What the search index holds of an article: tokens for Chinese substring matching, the
small copy of its page handed to the indexer, and its order key (build/search.py indexes them).

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

import hashlib
import html
import re
import unicodedata
from functools import lru_cache

from ..core.model import Article
from ..errors import SiteError

# Han characters: CJK Unified Ideographs + Extension A (BMP) and Extensions B-G (astral).
_HAN_CHAR = r"[\u3400-\u9fff\U00020000-\U0003134f]"
HAN = re.compile(_HAN_CHAR + "+")
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
BODY, TITLE = "n", "t"                    # field letters: every token of the article / the title's again
MAX_WORD = 26 * 26 - 1                    # a word's length is written in two letters
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


# NFKC's own mapping of the full-width forms and the ideographic space, applied first: Chinese
# punctuation (，：（）！？) is full-width, so nearly every article would otherwise go through the
# whole normalisation (measured: a tenth of the search preparation).
_WIDE = str.maketrans({**{c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}, 0x3000: 0x20})
# Every overlapping pair of Han characters, in one pass (a lookahead: matches overlap).
_PAIR = re.compile(f"(?=({_HAN_CHAR}{{2}}))")


def normalise(text: str) -> str:
    """NFKC (full-width letters, compatibility ideographs) and lower case, as the query is."""
    if not text.isascii():
        text = text.translate(_WIDE)
        if not unicodedata.is_normalized("NFKC", text):
            text = unicodedata.normalize("NFKC", text)
    return text.lower()


def grams(text: str, normalised: bool = False) -> dict[str, None]:
    """Each Han run's overlapping character pairs, distinct, in order of first appearance."""
    return dict.fromkeys(_PAIR.findall(text if normalised else normalise(text)))


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


def index_words(article: Article, body_text: str) -> str:
    """The indexed tokens of an article, space-separated: the title's (`t`), then all of the
    article's (`n`), each token followed by its field letter (`field_token`). Each once:
    Pagefind's indexing time grows with every token it is handed (measured: 10,000 articles
    took 28 s of its CPU with up to 3 repeats, 20 s with none)."""
    fields = []
    for letter, words in ((TITLE, tokens(article.title)),
                          (BODY, tokens(article.title + "\n" + searchable_text(article, body_text)))):
        if words:
            fields.append(f"{letter} ".join(words) + letter)      # one join, not a string per token
    return " ".join(fields)


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
    first = _first_field(page_html, body_start)
    start = page_html.rfind("<", 0, first) if first >= 0 else body_start
    body_text = text_of(article.html)
    text = " ".join(body_text.split())
    order = order_key(article)
    meta = (f'<span hidden data-pagefind-meta="text:{html.escape(text, quote=True)}"></span>'
            f'<span hidden data-pagefind-meta="order:{order}" data-pagefind-sort="order:{order}"></span>')
    block = f'<div hidden>{index_words(article, body_text)}</div>'
    return ('<!DOCTYPE html><html lang="zh-CN"><body>' + page_html[start:body_start] + meta
            + page_html[body_start:body_end] + block + "</div></body></html>")


def _first_field(page_html: str, end: int) -> int:
    """Where the first Pagefind meta, filter or sort attribute starts before `end` (-1: none).
    str.find for the common prefix first: the regex alone scans every character of the page."""
    at = page_html.find("data-pagefind-", 0, end)
    while at >= 0 and not _FIELD_ATTR.match(page_html, at, end):
        at = page_html.find("data-pagefind-", at + 1, end)
    return at


def doc_hash(doc: str) -> str:
    return hashlib.blake2b(doc.encode("utf-8"), digest_size=12).hexdigest()
