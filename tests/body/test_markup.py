"""body/markup.py: Markdown to safe HTML, summaries and reading time."""
from dangjian.body.markup import Markup, summarize


def test_sanitiser_removes_scripts_handlers_javascript_urls_and_iframes():
    html = Markup().convert(
        '<script>alert(1)</script>\n\n<p onclick="x()">点我</p>\n\n[链接](javascript:alert(1))\n\n'
        '<iframe src="https://evil.example/"></iframe>\n\n<img src="x.png" onerror="alert(1)" alt="图">\n\n'
        '<a href="JaVaScRiPt:alert(1)">a</a> <style>body{display:none}</style>').body.html
    lowered = html.lower()
    for bad in ["<script", "onclick", "javascript:", "<iframe", "onerror", "<style", "alert(1)</"]:
        assert bad not in lowered, (bad, html)
    assert "点我" in html and 'alt="图"' in html


def test_iframes_only_from_configured_hosts():
    markup = Markup(iframe_hosts=("v.qq.com",))
    html = markup.convert('<iframe src="https://v.qq.com/x/1" title="视频"></iframe>\n\n'
                          '<iframe src="https://evil.example/x" title="坏"></iframe>').body.html
    assert 'src="https://v.qq.com/x/1"' in html and "evil" not in html


def test_markdown_features_tables_footnotes_toc_and_figures():
    body = Markup().convert("### 一、学习\n\n| 支部 | 人数 |\n| --- | --- |\n| 儿科 | 12 |\n\n正文[^1]。\n\n"
                            '[^1]: 注释。\n\n![党员义诊](a.jpg "义诊现场")\n\n#### 小节 {: #custom }\n').body
    assert "<h2" in body.html and "<h3" in body.html and "<h4" not in body.html
    wrap = body.html.split("<table>")[0].rsplit("<div", 1)[1]
    assert all(a in wrap for a in ['class="table-wrap"', 'role="region"', 'tabindex="0"', 'aria-label="表格"'])
    assert body.summary == "正文。"
    assert 'class="footnote"' in body.html
    assert "<figure>" in body.html and "<figcaption>义诊现场</figcaption>" in body.html
    assert 'id="custom"' in body.html
    assert body.toc[0][0] == 3 or body.toc[0][2] == "一、学习"


def test_summary_cuts_at_sentence_punctuation_and_never_mid_tag():
    text = "医院党委召开会议。" * 20
    assert summarize(text, 120).endswith("。") and len(summarize(text, 120)) <= 120
    body = Markup(summary_length=30).convert("**加粗的开头**，" + "后面是很长很长的正文内容" * 10 + "。").body
    assert "<" not in body.summary and body.summary.startswith("加粗的开头")


def test_reading_time_counts_chinese_characters_and_latin_words():
    assert Markup().convert("字" * 1200).body.reading_minutes == 3
    assert Markup().convert(" ".join(["word"] * 400)).body.reading_minutes == 2
    assert Markup().convert("短").body.reading_minutes == 1


def test_links_are_rewritten_through_the_callback():
    seen = []
    html = Markup().convert("[上一篇](../2023/a.md) ![图](images/b.jpg)",
                            rewrite=lambda attr, v: seen.append((attr, v)) or "X/" + v).body.html
    assert ("href", "../2023/a.md") in seen and ("src", "images/b.jpg") in seen
    assert 'href="X/../2023/a.md"' in html
