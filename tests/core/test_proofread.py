"""core/proofread.py: the shipped word lists, the automaton, what counts as the article's own words."""
import re
import tomllib

import pytest

from dangjian.core import proofread
from dangjian.core.proofread import (
    DATA,
    Dictionary,
    own_words,
    shipped,
    traditional_runs,
)


def _rows(name: str, table: str) -> list[dict]:
    with open(DATA / name, "rb") as f:
        return tomllib.load(f)[table]


def test_the_shipped_dictionary_has_enough_sourced_entries():
    expressions = _rows("expressions.toml", "entry")
    claims = _rows("medical-claims.toml", "claim")
    political = [row for row in expressions if row.get("kind") != "typo"]
    assert len(political) >= 60 and len(expressions) - len(political) >= 30 and len(claims) >= 15
    for row in expressions:
        assert row["wrong"] and row["right"] and row["wrong"] != row["right"], row
        assert re.search(r"《.+》|https?://|新华社|记协", row["source"]), f"no source for {row['wrong']}"
    for row in claims:
        assert row["term"] and re.search(r"《.+》", row["basis"]) and "http" in row["source"], row


@pytest.mark.parametrize("wrong, right", [
    ("以习近平总书记为核心的党中央", "以习近平同志为核心的党中央"),
    ("二十大会议精神", "党的二十大精神"),
    ("习近平新时代社会主义思想", "习近平新时代中国特色社会主义思想"),
    ("不忘初心，牢记使命主题教育", "“不忘初心、牢记使命”主题教育"),
    ("中国人民共和国", "中华人民共和国"),
    ("共合国", "共和国"),
])
def test_the_issue_s_examples_are_covered(wrong, right):
    entries = {e.wrong: e for e in shipped()}
    assert entries[wrong].right == right


def test_no_right_form_is_itself_flagged():
    """Every entry's right form, searched with the whole dictionary, finds nothing (the claims have no
    right form; a 提示级 short form inside a right form is covered by its context_ok)."""
    words = Dictionary(shipped())
    for entry in shipped():
        if entry.right:
            assert [h.entry.wrong for h in words.hits(entry.right)] == [], entry.right


def test_correct_longer_wordings_are_not_hits():
    words = Dictionary(shipped())
    assert [h.text for h in words.hits("学习贯彻党的二十届三中全会精神")] == []
    assert [h.text for h in words.hits("改革开放始于十一届三中全会")] == []
    assert [h.text for h in words.hits("学习三中全会精神")] == ["三中全会"]
    assert [h.text for h in words.hits("行乳腺癌根治术")] == []
    assert [h.text for h in words.hits("此病可以根治")] == ["根治"]


def test_a_site_entry_whose_right_form_contains_the_wrong_one():
    rows = (type("Row", (), {"wrong": "张三", "right": "张三丰", "source": "", "context_ok": ()}),)
    words = Dictionary(proofread.site_entries(rows))
    assert [h.text for h in words.hits("张三丰院长出席")] == []
    assert [h.text for h in words.hits("张三院长出席")] == ["张三"]


def test_own_words_blank_code_quotes_links_and_tags_keeping_offsets():
    body = ("正文二十大会议精神。\n\n> 原文：二十大会议精神\n\n`二十大会议精神`\n\n"
            "```\n二十大会议精神\n```\n\n[链接](https://x.cn/二十大会议精神) <span title=\"二十大会议精神\">字</span>\n")
    masked = own_words(body)
    assert len(masked) == len(body) and masked.count("\n") == body.count("\n")
    assert masked.count("二十大会议精神") == 1 and masked.index("二十大会议精神") == body.index("二十大会议精神")


def test_traditional_runs_with_their_simplified_form():
    runs = list(traditional_runs("我院開展黨建活動，简体不报"))
    assert [(run, simplified) for _, run, simplified in runs] == [("開展黨建活動", "开展党建活动")]
    assert list(traditional_runs("全是简体字的句子")) == []
