"""A whole old site imported at once (`python build.py import FOLDER`): 200 articles saved as
`wget -r` leaves them, from the reference corpus, under five CMS templates (TRS, 帝国CMS, DedeCMS,
WordPress, a table layout), with list pages, articles reached twice, images, GBK pages and spam.
The report, no duplicates, every field read, and nothing published before a person has checked it."""
from __future__ import annotations

import csv
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from dangjian.cli import main
from savedsite import make_saved_site
from toolsite import article, make_site

CORPUS = ROOT.parent / "shared" / "bench" / "make_corpus.py"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    if not CORPUS.exists():
        pytest.skip(f"the reference corpus generator is not at {CORPUS}")
    tmp = tmp_path_factory.mktemp("import")
    subprocess.run([sys.executable, str(CORPUS), str(tmp / "corpus"), "--articles", "220"], check=True,
                   capture_output=True)
    saved = tmp / "saved"
    truth = make_saved_site(saved, tmp / "corpus" / "content", count=200)
    (tmp / "site").mkdir()
    site = make_site(tmp / "site", {"news/2026/existing.md": article("已发布的文章", "2026-01-05", "已有的正文。")})
    code = main(["import", str(saved), "--category", "news", "--content", str(site / "content"),
                 "--config", str(site / "site.toml"), "--report", str(tmp / "import-report.csv"),
                 "--redirects", str(tmp / "redirects.map"), "-q"])
    assert code == 0
    rows = list(csv.DictReader(open(tmp / "import-report.csv", encoding="utf-8-sig")))
    return tmp, site, saved, truth, {Path(r["文件"]).relative_to(saved).as_posix(): r for r in rows}


def front(path: Path) -> tuple[dict, str]:
    text = path.read_text(encoding="utf-8")
    fm, body = text[4:].split("\n---\n", 1)
    return yaml.safe_load(fm), body


def test_the_report_has_a_row_for_every_page_and_each_article_is_written_once(imported):
    tmp, site, saved, truth, rows = imported
    pages = {p.relative_to(saved).as_posix() for p in saved.rglob("*") if p.suffix in (".html", ".htm")}
    assert pages <= set(rows)
    for item in truth["articles"]:
        written = [rows[p] for p in item["paths"] if rows[p]["状态"].startswith("待审")]
        assert len(written) == 1, item["paths"]
        others = [rows[p]["状态"] for p in item["paths"] if rows[p] is not written[0]]
        assert all(s.startswith("跳过：与") for s in others)
    for page in truth["list_pages"]:
        assert rows[page]["状态"] == "跳过：列表或导航页，不是文章", page
    assert len(list((site / "content").rglob("*.md"))) == len(truth["articles"]) + 1     # and the site's own


def test_every_field_and_paragraph_is_read_and_no_spam_kept(imported):
    tmp, site, saved, truth, rows = imported
    for item in truth["articles"]:
        row = next(rows[p] for p in item["paths"] if rows[p]["导入为"])
        fm, body = front(Path(row["导入为"]))
        assert fm["title"] == item["title"]
        assert str(fm["date"])[:10] == item["date"]
        assert fm.get("source") == item["source"]
        authors = fm.get("author") or []
        authors = [authors] if isinstance(authors, str) else authors
        assert set(filter(None, (item["author"] or "").split("、"))) <= set(authors), (authors, item["author"])
        for sample in item["paragraph_samples"]:
            assert sample in body
        assert "博彩" not in body and "版权所有" not in body and "上一篇" not in body
        assert fm["import_notes"] and fm["category"] == "news"
        urls = fm["legacy_url"] if isinstance(fm["legacy_url"], list) else [fm["legacy_url"]]
        assert {f"http://{p}" for p in item["paths"]} == set(urls)
        if item["has_image"]:
            image = re.search(r"!\[[^\]]*\]\((images/[^)]+)\)", body).group(1)
            assert (Path(row["导入为"]).parent / image).is_file()
        if item["spam"]:
            assert any("垃圾广告" in n for n in fm["import_notes"])


def test_redirect_map_sends_every_old_address_to_the_new_one(imported):
    tmp, site, saved, truth, rows = imported
    lines = [ln for ln in (tmp / "redirects.map").read_text(encoding="utf-8").splitlines() if not ln.startswith("#")]
    assert len(lines) == sum(len(item["paths"]) for item in truth["articles"])
    for line in lines:
        old, new = re.fullmatch(r'"(/[^"]+)" (/djgz/news/\d{4}/[a-z0-9-]+/);', line).groups()


def test_check_lists_every_import_and_the_build_publishes_none_until_checked(imported, capsys):
    tmp, site, saved, truth, rows = imported
    args = ["--content", str(site / "content"), "--config", str(site / "site.toml")]
    assert main(["check", *args]) == 0
    out = capsys.readouterr()
    listed = set(re.findall(r"(content/news/\d{4}/[^:]+\.md):\d+: 提示：从旧网站导入，待核对", out.out + out.err))
    written = {p.relative_to(site).as_posix() for p in (site / "content").rglob("*.md")} - {"content/news/2026/existing.md"}
    assert len(written) == len(truth["articles"]) and listed == written
    build = ["build", *args, "--out", str(site / "site"), "--no-search", "-q"]
    assert main(build) == 0
    assert [p.parent.name for p in (site / "site" / "news").glob("*/*/index.html")] == ["existing"]
    checked = sorted(site.glob("content/news/20[12]?/*.md"))[:3]
    for path in checked:            # a person compares each with the old page, then deletes the notes
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"import_notes:\n(?:- .*\n)+", "", text), encoding="utf-8")
    assert main(build) == 0
    published = {p.parent.name for p in (site / "site" / "news").glob("*/*/index.html")}
    assert published == {p.stem for p in checked} | {"existing"}


def test_a_line_of_spam_holds_its_article_whoever_wrote_it(tmp_path, capsys):
    site = make_site(tmp_path, {"news/2025/a.md": article("医院召开党建工作会议", "2025-03-01",
                                                            "会议部署全年工作。\n\n澳门博彩 六合彩 代开发票\n"),
                                "news/2025/b.md": article("支部开展主题党日", "2025-03-02", "支部书记带队。")})
    args = ["--content", str(site / "content"), "--config", str(site / "site.toml")]
    assert main(["build", *args, "--out", str(site / "site"), "--no-search", "-q"]) == 0
    assert not (site / "site/news/2025/a").exists() and (site / "site/news/2025/b/index.html").exists()
    main(["check", *args])
    out = capsys.readouterr()
    assert "news/2025/a.md:8: 提示：疑似垃圾广告，这篇暂不发布：“博彩、六合彩、代开发票”" in out.out + out.err
