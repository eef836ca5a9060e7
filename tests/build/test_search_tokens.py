"""build/search_tokens.py: what the index holds of an article; tokens checked against the real Pagefind."""
from __future__ import annotations

import gzip
import subprocess

from conftest import ROOT
from dangjian.build import search, search_tokens
from dangjian.build.gather import gather
from dangjian.core.model import build_site
from dangjian.incremental.rebuild import Rebuild
from dangjian.options import Options


# The token scheme ---------------------------------------------------------------------------------
TEXTS = ["党支部书记讲党课", "心血管内科党支部", "CT 检查 2024 年", "𠀀𠀁字", "支", "MDT门诊", "党建"]


def test_no_indexed_token_is_a_prefix_of_another():
    """Query words must match whole indexed words: Pagefind reads one chunk of an index per
    query word (a prefix's words may straddle two) and falls back to a shorter indexed word
    when one is absent, which would make results depend on what else an index part holds."""
    words = {search_tokens.field_token(t, title) for text in TEXTS + ["党支", "部书", "ct", "c", "2024年", "血管"]
             for t in search_tokens.tokens(text) for title in (False, True)}
    for word in words:
        assert not [other for other in words if other != word and other.startswith(word)], word


def test_a_query_token_names_the_whole_article_or_the_title():
    for text in TEXTS:
        for t in search_tokens.tokens(text):
            assert search_tokens.field_token(t, False) == t + "n" and search_tokens.field_token(t, True) == t + "t"
    assert search_tokens.tokens("支") == [] and search_tokens.tokens("党支部") == [search_tokens.encode("党支"), search_tokens.encode("支部")]


def test_words_match_whole_not_as_prefixes():
    """A Latin word or number matches that word only: CT is not CTA, 20 is not 2024."""
    ct, cta = search_tokens.tokens("ct")[0], search_tokens.field_token(search_tokens.tokens("cta")[0], False)
    assert not cta.startswith(ct)
    assert not search_tokens.field_token(search_tokens.tokens("2024")[0], False).startswith(search_tokens.tokens("20")[0])


def test_order_key_sorts_as_the_site_does():
    options = Options(content=ROOT / "content", config=ROOT / "site.toml", templates=ROOT / "templates", cache=False)
    g = gather(options, Rebuild(options))
    keys = [search_tokens.order_key(a) for a in build_site(g.config, g.sources, g.bodies, g.covers).articles]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    assert all(k.isascii() for k in keys)


def _cbor(b: bytes, i: int = 0):
    """Just enough CBOR to read a Pagefind index chunk (ints, strings, arrays)."""
    head = b[i]
    major, info, i = head >> 5, head & 31, i + 1
    if info >= 24:
        size = 1 << (info - 24)
        info, i = int.from_bytes(b[i:i + size], "big"), i + size
    if major in (0, 1):
        return info, i
    if major in (2, 3):
        return b[i:i + info], i + info
    out = []
    for _ in range(info):
        item, i = _cbor(b, i)
        out.append(item)
    return out, i


def test_pagefind_indexes_every_token_as_one_word_and_nothing_else(tmp_path):
    """Pagefind splits words it takes for compounds (it indexed jfmt from h5t4jfmt); our tokens
    must reach the index exactly as written, or an absent query token could fall back to a piece."""
    text = "心血管内科党支部 CT 2024 年 MDT 𠀀𠀁 zoo 9z Café"
    words = [search_tokens.field_token(t, title) for t in search_tokens.tokens(text) for title in (False, True)]
    page = tmp_path / "site" / "a" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text(f'<html lang="zh-CN"><body><div data-pagefind-body>{" ".join(words)}</div></body></html>', "utf-8")
    subprocess.run([str(search._executable()), "--site", str(tmp_path / "site"), "--output-path", str(tmp_path / "pf"),
                    "--force-language", search.LANGUAGE, "--quiet"], check=True, capture_output=True)
    indexed = set()
    for chunk in (tmp_path / "pf" / "index").iterdir():
        raw = gzip.decompress(chunk.read_bytes())
        index, _ = _cbor(raw, raw.index(b"pagefind_dcd") + len("pagefind_dcd"))
        indexed |= {entry[0].decode() for entry in index[0]}
    assert indexed == set(words)
    assert all(w.isascii() and w.isalpha() and w.islower() for w in words)


# The fast paths against the definitions they stand for ---------------------------------------------
import re as _re
import unicodedata as _ud

from dangjian.core.model import Article as _Article

_MIXED = ["党支部（第一）：召开会议！", "ＡＢＣ１２３全角字母与数字", "兼容汉字\uf900\uf901和\u3000全角空格",
          "e\u0301 组合字符 Ａ\u0301", "𠀀𠀁字𪜀", "一、二。三；四？", "MDT门诊2024年ＣＴ", "", "支",
          "ｈｔｔｐ：／／ｗｗｗ．ｅｘａｍｐｌｅ．ｃｎ", "﹙小写括号﹚ ㈱ ㍿ ①②"]


def _reference_grams(text: str) -> dict:
    text = _ud.normalize("NFKC", text).lower()
    out: dict = {}
    for run in search_tokens.HAN.findall(text):
        out.update(dict.fromkeys(run[i:i + 2] for i in range(len(run) - 1)))
    return out


def test_normalise_is_nfkc_and_lower_case():
    for text in _MIXED:
        assert search_tokens.normalise(text) == _ud.normalize("NFKC", text).lower(), text


def test_grams_are_each_han_runs_overlapping_pairs_in_order():
    for text in _MIXED + TEXTS:
        assert list(search_tokens.grams(text)) == list(_reference_grams(text)), text


def test_index_words_are_the_title_tokens_then_every_token_with_their_field_letters():
    art = _Article.__new__(_Article)
    object.__setattr__(art, "title", "党支部书记讲党课ＣＴ")
    object.__setattr__(art, "authors", ("张三",))
    object.__setattr__(art, "source", "宣传科")
    object.__setattr__(art, "tags", ("党建", "MDT"))
    body = "心血管内科党支部召开会议。\n2024 年"
    expected = [t + "t" for t in search_tokens.tokens(art.title)] + \
        [t + "n" for t in search_tokens.tokens(art.title + "\n" + search_tokens.searchable_text(art, body))]
    assert search_tokens.index_words(art, body) == " ".join(expected)
