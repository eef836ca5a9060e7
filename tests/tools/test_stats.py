"""`build.py stats`: counts by source, author, category and month; aligned table, CSV, the 统计 page."""
import csv
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import REQUIRE_BROWSER
from crawl import crawl
from dangjian.cli import main
from dangjian.core.stats import text_width
from toolsite import ROOT, article, make_site, run

VNU = ROOT / "node_modules/vnu-jar/build/dist/vnu.jar"
AXE = ROOT / "node_modules/axe-core/axe.min.js"
ARTICLES = {
    "news/2024/a.md": article("一", "2024-01-10", source="党委宣传部", author="王芳"),
    "news/2024/b.md": article("二", "2024-01-20", source="党委宣传部", author="[王芳, 李明]"),
    "grassroots/2024/c.md": article("三", "2024-03-02", source="心血管内科党支部", author="Anna Li"),
    "grassroots/2023/d.md": article("四", "2023-12-31", source="党委宣传部"),
    "integrity/2024/e.md": article("五", "2024-03-09", author="王芳"),
    "integrity/2024/f.md": article("草稿", "2024-03-10", source="纪委办公室", draft="true"),
}


@pytest.fixture
def site(tmp_path, monkeypatch) -> Path:
    make_site(tmp_path, ARTICLES, inspection=True)          # every configured category, for the zeros
    monkeypatch.chdir(tmp_path)
    return tmp_path


def rows(out: str) -> dict[str, list[str]]:
    """Data rows of a printed table: name → [count, share]."""
    found = {}
    for line in out.splitlines():
        m = re.match(r"^(\S.*?)\s+(\d+)\s+(\d+\.\d%)$", line)
        if m:
            found[m.group(1)] = [m.group(2), m.group(3)]
    return found


def test_counts_by_source_exclude_drafts_and_name_the_unset(site, capsys):
    assert main(["stats", "--by", "source"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "按来源统计（全部，共 5 篇）"
    assert rows(out) == {"党委宣传部": ["3", "60.0%"], "心血管内科党支部": ["1", "20.0%"],
                         "（未填写来源）": ["1", "20.0%"]}


def test_counts_by_author_count_each_coauthor(site, capsys):
    assert main(["stats", "--by", "author", "--year", "2024"]) == 0
    assert rows(capsys.readouterr().out) == {"王芳": ["3", "75.0%"], "Anna Li": ["1", "25.0%"],
                                             "李明": ["1", "25.0%"]}


def test_counts_by_category_keep_configured_order_and_zeros(site, capsys):
    assert main(["stats", "--by", "category"]) == 0
    table = rows(capsys.readouterr().out)
    assert list(table)[:4] == ["工作动态", "基层党建", "主题教育", "党风廉政"]
    assert table["工作动态"][0] == "2" and table["基层党建"][0] == "2" and table["主题教育"][0] == "0"
    assert table["党风廉政"][0] == "1"


def test_counts_by_month_fill_the_gaps(site, capsys):
    assert main(["stats", "--by", "month"]) == 0
    table = rows(capsys.readouterr().out)
    assert {k: v[0] for k, v in table.items()} == {"2023年12月": "1", "2024年01月": "2", "2024年02月": "0",
                                                   "2024年03月": "2"}
    assert main(["stats", "--by", "month", "--year", "2023"]) == 0
    assert len(rows(capsys.readouterr().out)) == 12


def test_table_aligns_chinese_by_display_width(site, capsys):
    assert main(["stats", "--by", "source"]) == 0
    lines = capsys.readouterr().out.splitlines()[1:]
    # every line (header, rule, rows) ends in the same terminal column, whatever mix of 汉字 and ASCII
    assert len({text_width(line) for line in lines}) == 1
    # and the count column ends in the same column too
    assert len({text_width(re.sub(r"\s+\d+\.\d%$", "", line)) for line in lines[2:]}) == 1
    assert text_width("党委宣传部") == 10 and text_width("Anna Li") == 7


def test_all_tables_without_by(site, capsys):
    assert main(["stats"]) == 0
    out = capsys.readouterr().out
    for title in ("按栏目统计", "按来源统计", "按作者统计", "按月份统计"):
        assert title in out


def test_csv_is_utf8_with_bom_for_excel(site, capsys):
    assert main(["stats", "--by", "source", "--csv", "来源.csv", "-q"]) == 0
    raw = (site / "来源.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with open(site / "来源.csv", encoding="utf-8-sig", newline="") as f:
        assert list(csv.reader(f)) == [["来源", "篇数"], ["党委宣传部", "3"], ["心血管内科党支部", "1"],
                                       ["（未填写来源）", "1"]]
    assert main(["stats", "--csv", "all.csv", "--year", "2024", "-q"]) == 0
    with open(site / "all.csv", encoding="utf-8-sig", newline="") as f:
        table = list(csv.reader(f))
    assert table[0] == ["统计项", "名称", "篇数"]
    assert ["作者", "王芳", "3"] in table and ["月份", "2024年03月", "2"] in table


def test_stats_refuses_content_with_errors(site, capsys):
    (site / "content/news/2024/bad.md").write_text("---\ntitle: 坏\n---\n", encoding="utf-8")
    assert main(["stats"]) == 1
    assert "缺少日期" in capsys.readouterr().err


def test_stats_through_a_subprocess(tmp_path):
    make_site(tmp_path, ARTICLES)
    result = run(tmp_path, "stats", "--by", "source", "--csv", "out.csv")
    assert result.returncode == 0, result.stderr
    assert rows(result.stdout)["党委宣传部"] == ["3", "60.0%"]
    assert (tmp_path / "out.csv").read_bytes().startswith(b"\xef\xbb\xbf")


# The 发布统计 page ------------------------------------------------------------------
def build(site: Path) -> Path:
    assert main(["build", "--out", "site", "-q"]) == 0
    return site / "site"


def test_stats_page_has_accessible_svg_charts_and_tables(site):
    out = build(site)
    html = (out / "stats/index.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in html
    # the charts need no JavaScript: the only scripts are the theme's reading controls
    scripts = re.findall(r"<script[^>]*>.*?</script>", html, re.S)
    assert all("dj-font" in s or re.search(r"static/reading(\.[0-9a-f]{10})?\.js", s) for s in scripts), scripts
    svgs = re.findall(r"<svg .*?</svg>", html, re.S)
    assert len(svgs) == 5                       # 栏目, 来源, 作者, months of the newest year, years
    for svg in svgs:
        assert 'role="img"' in svg and re.search(r'aria-label="[^"]+柱状图：', svg) and "<title>" in svg
    assert "各来源（发稿部门）发文数柱状图：党委宣传部 3 篇，心血管内科党支部 1 篇，（未填写来源） 1 篇" in html
    assert html.count("<table") == 5 and '<th scope="row">党委宣传部</th><td>3</td>' in html
    assert "共发布文章 5 篇（2023年12月31日至2024年3月9日）" in html
    # drawn to scale: 3 articles get three times the bar of 1
    source = svgs[1]
    widths = [int(w) for w in re.findall(r'<rect x="0" y="\d+" width="(\d+)"', source)]
    assert widths == [330, 110, 110]


def test_stats_page_is_linked_from_the_footer_and_crawlable(site):
    out = build(site)
    assert 'href="stats/index.html">发布统计</a>' in (out / "index.html").read_text(encoding="utf-8")
    assert 'href="../../../stats/index.html">发布统计</a>' in next(
        (out / "news/2024").glob("*/index.html")).read_text(encoding="utf-8")
    seen, broken = crawl(out)
    assert broken == [] and (out / "stats/index.html").resolve() in seen


def test_stats_page_is_optional(tmp_path, monkeypatch):
    make_site(tmp_path, ARTICLES, stats_page=False)
    monkeypatch.chdir(tmp_path)
    out = build(tmp_path)
    assert not (out / "stats").exists()
    assert "发布统计" not in (out / "index.html").read_text(encoding="utf-8")


def test_stats_config_must_be_a_boolean(tmp_path, monkeypatch, capsys):
    make_site(tmp_path, ARTICLES)
    config = tmp_path / "site.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("page = true", 'page = "是"'), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["build", "-q"]) == 1
    assert "配置项 “stats.page” 应为 true 或 false" in capsys.readouterr().err


def _need(path: Path, what: str) -> None:
    if not path.exists() or (path == VNU and not shutil.which("java")):
        message = f"{what} missing: run `npm install` (and install java for vnu)"
        pytest.fail(message) if REQUIRE_BROWSER else pytest.skip(message)


def test_stats_page_passes_the_nu_html_checker(sample_site):
    _need(VNU, "W3C Nu HTML checker (vnu-jar)")
    result = subprocess.run(["java", "-jar", str(VNU), "--errors-only", str(sample_site / "stats/index.html")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


@pytest.mark.browser
def test_stats_page_in_chromium_on_a_phone(sample_site, serve, page, artefacts):
    """axe finds nothing; the charts fit a 390 px phone screen; the data table opens without JavaScript."""
    _need(AXE, "axe-core")
    server = serve(sample_site)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(server.url + "stats/index.html")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.get_by_role("img", name=re.compile("各栏目发文数柱状图")).is_visible()
    page.get_by_text("查看数据表").first.click()
    assert page.get_by_role("table").first.is_visible()
    page.screenshot(path=str(artefacts / "stats-phone.png"), full_page=True)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""() => axe.run(document, {runOnly: {type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})""")
    assert result["violations"] == [], [(v["id"], v["impact"]) for v in result["violations"]]


def test_updates_table_shows_newest_date_days_rule_and_status(tmp_path, monkeypatch, capsys):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from dangjian.options import Options
    from dangjian.tools import stats
    site = make_site(tmp_path, ARTICLES, inspection=True)
    monkeypatch.chdir(site)
    published, _ = stats.published(Options(content=site / "content", config=site / "site.toml"))
    rows = stats.updates(published, datetime(2024, 3, 31, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    table = stats.format_updates(rows).splitlines()
    assert table[0] == "栏目更新情况" and table[1].split() == ["栏目", "最新文章", "距今天数", "更新要求", "状态"]
    lines = {line.split()[0]: line.split()[1:] for line in table[3:]}
    assert lines["工作动态"] == ["2024-01-20", "71", "14", "天内", "超期", "57", "天"]
    assert lines["基层党建"] == ["2024-03-02", "29", "—", "不要求"]
    assert lines["通知公告"] == ["—", "—", "180", "天内", "空栏目"]
    assert main(["stats", "--by", "更新"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("栏目更新情况") and "篇数" not in out
    assert main(["stats"]) == 0
    assert "栏目更新情况" in capsys.readouterr().out
