"""The inline shortcut in markup.py must never change what Python-Markdown produces."""

import pytest
from markdown.inlinepatterns import SimpleTagInlineProcessor
from markdown.treeprocessors import InlineProcessor

from conftest import ROOT
from dangjian.body import markup
from dangjian.body.markup import Markup

CASES = [
    "纯中文段落，没有任何标记。第二句。",
    "行尾两个空格  \n换行之后",
    "反斜杠转义 \\*不是强调\\* 和 \\[不是链接\\]",
    "`代码 *不是强调*` 与 ``双反引号 ` 里``",
    "**加粗**、*斜体*、_下划线斜体_、__下划线加粗__、***三星***",
    "中文**紧贴**中文，snake_case_name 与 2*3*4",
    "[链接](https://example.org/a?x=1&y=2) 与 ![图](a.jpg \"标题\")",
    "[引用式][r] 与 [r] 与 ![图][r]\n\n[r]: https://example.org",
    "<https://example.org> 与 <someone@example.org>",
    "只有实体 &copy; 与 &#169; 与 &amp;",
    "只有和号 A&B 与 R&D",
    "只有标签 <abbr title=\"中国共产党\">中共</abbr>",
    "只有自动链接 <https://example.org>",
    "只有反斜杠 C:\\路径",
    "只有星号 *强调*",
    "只有下划线 _强调_",
    "只有方括号 [链接](x.md)",
    "只有反引号 `代码`",
    "行内 <span class=\"x\">HTML</span> 与 &amp; &copy; &#169; & 单独的和号",
    "脚注[^1]。\n\n[^1]: 脚注内容 **加粗**",
    "| 表头 | *列* |\n| --- | --- |\n| 单元 **格** | `c` |\n| 中文 | 内容 |",
    "# 标题 *一*\n\n## 标题二 {#custom}\n\n正文 {: .cls }",
    "> 引用 **强调**\n>\n> 第二段\n\n1. 列表 [a](b)\n2. 第二项",
    "```\n代码块 *不处理* [x](y)\n```\n\n之后 *处理*",
    "<div>\n块级 *HTML*\n</div>\n\n段落",
    "星号 * 两边有空格 * 不是强调，下划线 _ 同样 _",
    "!不是图片 [也不是链接 与 < 不是标签 和 > 符号",
    "（文：张三　图：李四）\n\n图：说明文字",
]


def _plain(md):
    """The same converter with Python-Markdown's own inline processor put back."""
    md.treeprocessors.register(InlineProcessor(md), "inline", 20)
    return md


@pytest.mark.parametrize("text", CASES)
def test_quick_inline_gives_the_same_html_as_python_markdown(text):
    quick, plain = Markup(), Markup()
    _plain(plain.md)
    assert type(quick.md.treeprocessors["inline"]) is markup._QuickInline
    assert quick.convert(text).body == plain.convert(text).body


def test_same_html_for_every_sample_article():
    quick, plain = Markup(), Markup()
    _plain(plain.md)
    files = sorted((ROOT / "content").rglob("*.md"))
    assert files
    for path in files:
        text = path.read_text("utf-8").split("---", 2)[2]
        assert quick.convert(text).body == plain.convert(text).body, path


def test_an_unknown_inline_pattern_turns_the_shortcut_off():
    quick = Markup()
    # An extension adding ==mark== syntax, which the shortcut's trigger table does not know.
    quick.md.inlinePatterns.register(SimpleTagInlineProcessor(r"()==(.+?)==", "mark"), "mark", 65)
    assert "<mark>高亮</mark>" in quick.convert("这是==高亮==文字").body.html


def test_the_overridden_private_method_still_exists_upstream():
    # If Python-Markdown renames it, the shortcut would silently stop working (slower, never wrong).
    assert hasattr(InlineProcessor, "_InlineProcessor__handleInline")
