"""core/urls.py: slugs, relative links and safe output paths."""
import pytest

from dangjian.core.urls import is_safe, relative, slugify


@pytest.mark.parametrize("text, slug", [
    ("我院召开党建工作会议", "wo-yuan-zhao-kai-dang-jian-gong-zuo-hui-yi"),
    ("2024年第3季度 党建工作会议（扩大）", "2024-nian-di-3-ji-du-dang-jian-gong-zuo-hui-yi-kuo-da"),
    ("银行行长", "yin-hang-hang-zhang"),
    ("2024-05-12-000001", "2024-05-12-000001"),
    ("Hello World!", "hello-world"),
])
def test_slugify(text, slug):
    assert slugify(text) == slug


def test_relative_links_and_safe_paths():
    assert relative("news/2024/a/index.html", "news/index.html") == "../../../news/index.html"
    assert relative("index.html", "news/index.html") == "news/index.html"
    assert relative("index.html", "https://example.cn/") == "https://example.cn/"
    for bad in ["../x", "a/../../x", "/etc/passwd", "a/./b", "", "a\\b", "c:/x"]:
        assert not is_safe(bad), bad
    assert is_safe("news/2024/a/index.html")
