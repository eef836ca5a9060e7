"""core/spam: what makes a line suspected spam, and the per-file rule that holds its article back."""
from __future__ import annotations

from pathlib import Path

from dangjian.config import load_config
from dangjian.core import spam
from dangjian.core.content import load_file
from dangjian.errors import Report
from toolsite import article, make_site


def test_a_line_of_spam_vocabulary_is_spam():
    assert spam.is_spam("澳门博彩 六合彩 代开发票 成人视频 私服 QQ:88XXXX88")
    assert spam.is_spam("诚信代开发票，联系电话见下")                 # one entry, a fifth of a short line
    assert spam.is_spam("澳門博彩 六合彩")                            # traditional forms, through OpenCC
    assert spam.is_spam("百家乐 网上赌场 真人娱乐 在线开户")


def test_news_that_names_a_vice_is_not_spam():
    assert not spam.is_spam("医院开展严厉打击网络赌博和扫黄打非警示教育，全院职工参加。")
    long_line = "医院纪委在警示教育大会上通报了一起违规代开发票的案例，要求全体党员干部引以为戒，" \
                "严守纪律规矩，筑牢拒腐防变的思想防线，营造风清气正的良好氛围。"
    assert not spam.is_spam(long_line)                               # one entry in running text: noted, not dropped
    assert spam.words_in(long_line)


def test_every_entry_is_found_and_none_is_the_right_form_of_party_wording():
    words = spam.vocabulary()
    assert len(words) >= 60 and len(set(words)) == len(words)
    for word in words:
        assert spam.words_in(f"某某{word}某某"), word
    for party in ("党风廉政建设", "三会一课", "主题党日", "不忘初心、牢记使命", "全面从严治党"):
        assert not spam.words_in(party)


def test_the_list_carries_every_traditional_form_of_every_entry():
    import opencc
    converters = [opencc.OpenCC(c) for c in ("s2t", "s2tw", "s2hk")]
    for row in spam._rows():
        missing = {c.convert(row[0]) for c in converters} - set(row)
        assert not missing, f"data/spam-words.txt: add {' '.join(sorted(missing))} after {row[0]}"


def test_an_article_with_a_spam_line_is_held_at_that_line(tmp_path: Path):
    site = make_site(tmp_path, {"news/2025/a.md": article("标题", "2025-03-01", "第一段正文。\n\n六合彩 博彩 代开发票\n")})
    report = Report()
    src = load_file(site / "content/news/2025/a.md", site / "content", load_config(site / "site.toml"), report)
    assert src is not None
    [problem] = report.problems
    assert problem.code == "spam-suspected" and problem.line == 8 and "六合彩" in problem.message
