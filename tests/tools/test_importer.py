"""Tests for `dangjian.importer`: real pages in tests/fixtures/import, output in tmp_path."""
from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURES, ROOT
from dangjian.tools.importer import pages as P
from dangjian.tools.importer import rules as R
from dangjian.tools.importer import ImportReport, format_report, import_pages, slugify

FIX = FIXTURES / "import"
TODAY = date(2024, 5, 1)
GLOSS = re.compile(r"[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7}[)）]")

# What each page states, exactly as written in it (None: the page does not state it).
EXPECTED = {
    "legacy/hubei-third-hospital-2022.txt": dict(
        title="【下基層 察民情 解民憂 暖民心】湖北省第三人民醫院召開黨員干部下基層察民情解民憂暖民心實踐活動動員大會",
        date="2022-06-17", source="黨委辦公室", author="陳祥", editor=None, encoding="utf-8"),
    "legacy/xiangya2-theme-education-2023.txt": dict(
        title="中南大学湘雅二医院:“五走五化”推进主题教育走深走实",
        date="2023-06-12", source="人民网", author=["王建新", "刘明辉"], editor=None, encoding="utf-8"),
    "legacy/zhongwei-tcm-hospital-essay.txt": dict(
        title="在医院中创新群众路线教育实践活动的载体",
        date="2019-05-29 08:55", source=None, author="中卫市中医医院党委", editor=None, encoding="utf-8"),
    "html/party-lecture.html": dict(
        title="医院党委举办“学习二十大 奋进新征程”专题党课",
        date="2023-03-08 15:30", source="党委宣传部", author="李华", editor="周敏", encoding="utf-8"),
    "encodings/gbk-branch-meeting.txt": dict(
        title="内科第一党支部召开2023年度组织生活会",
        date="2023-02-16", source="内科第一党支部", author="赵敏", editor=None, encoding="gb18030"),
    "encodings/big5-volunteer.txt": dict(
        title="醫院青年志願者服務隊走進社區開展義診活動",
        date="2023-03-05 09:30", source="醫院團委", author=["陳怡君", "林志明"], editor="黃美玲", encoding="big5"),
    "encodings/utf8-bom-notice.txt": dict(
        title="关于开展2024年“七一”系列活动的通知",
        date="2024-06-20", source="党委办公室", author=None, editor=None, encoding="utf-8-sig"),
    "linkfarm/seo-scraped.txt": dict(
        title="手术室党支部开展“七一”主题党日活动",
        date="2023-07-03 10:12", source="手术室党支部", author=None, editor=None, encoding="utf-8"),
    "dates/no-date.txt": dict(
        title="医院开展“廉洁文化进科室”活动",
        date="2024-05-01", source="纪检监察室", author="刘洋", editor=None, encoding="utf-8"),
    "dates/month-day.txt": dict(
        title="医院召开党风廉政建设工作会议",
        date="2023-06-22", source="纪委办公室", author=None, editor=None, encoding="utf-8"),
    "dates/month-day-bare.txt": dict(
        title="护理党支部开展“微党课”比赛",
        date="2023-06-22", source=None, author="周丽", editor=None, encoding="utf-8"),   # not after TODAY
    "credits/credits.txt": dict(
        title="医院举办“学思想 强党性”读书分享会",
        date="2023-04-23 15:00", source=None, author="王芳", editor="张三", encoding="utf-8"),
    "images/photos.txt": dict(
        title="医院举行新党员入党宣誓仪式",
        date="2023-07-01", source="党委组织部", author=None, editor=None, encoding="utf-8"),
}

JUNK = ["点击次数", "浏览次数", "阅读量", "当前位置", "您现在的位置", "您現在的位置", "版权所有", "Copyright",
        "ICP", "扩展阅读", "分享到", "打印本页", "关闭窗口", "相关搜索", "热门标签", "关键词", "上一篇", "下一篇",
        "免责声明", "【字体", "【字體", "字体：大"]


def run(tmp_path: Path, rel: str, **kw) -> ImportReport:
    kw.setdefault("today", TODAY)
    reports = import_pages([FIX / rel], "dangjian", tmp_path / "out", **kw)
    assert len(reports) == 1
    return reports[0]


def split(report: ImportReport) -> tuple[dict, str]:
    assert report.error is None, report.error
    text = report.output.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    fm, body = text[4:].split("\n---\n", 1)
    return yaml.safe_load(fm), body


def paragraphs(body: str) -> list[str]:
    return [p for p in body.strip().split("\n\n") if p]


# ---------------------------------------------------------------- every fixture
@pytest.mark.parametrize("rel", sorted(EXPECTED))
def test_front_matter_parses_with_title_date_category(tmp_path, rel):
    report = run(tmp_path, rel)
    fm, _ = split(report)
    assert isinstance(fm, dict)
    assert fm["title"] and fm["category"] == "dangjian"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}( \d{2}:\d{2})?", str(fm["date"]))
    assert report.output.parent == tmp_path / "out" / str(fm["date"])[:4]
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*\.md", report.output.name)


@pytest.mark.parametrize("rel", sorted(EXPECTED))
def test_metadata_as_stated_in_page(tmp_path, rel):
    want = EXPECTED[rel]
    report = run(tmp_path, rel)
    fm, _ = split(report)
    assert report.encoding == want["encoding"]
    assert fm["title"] == report.found["title"] == want["title"]
    assert fm["date"] == want["date"]
    for name in ("source", "author", "editor"):
        if want[name] is None:
            assert name not in fm
        else:
            assert fm[name] == want[name]
            joined = "、".join(want[name]) if isinstance(want[name], list) else want[name]
            assert report.found[name] == joined
    if want["source"] is None:
        assert any("未找到来源" in n for n in report.needs_review)


@pytest.mark.parametrize("rel", sorted(EXPECTED))
def test_body_free_of_junk(tmp_path, rel):
    _, body = split(run(tmp_path, rel))
    for junk in JUNK:
        assert junk not in body, junk
    assert not GLOSS.search(body)
    assert not re.search(r"^\d{1,3}$", body, re.M), "lone page number"
    title = EXPECTED[rel]["title"]
    assert not any(R.norm(p) == R.norm(title) for p in paragraphs(body)), "headline repeated in body"
    assert len(paragraphs(body)) >= 2


# ---------------------------------------------------------------- the legacy samples
def test_hubei_glosses_removed_real_parentheses_kept(tmp_path):
    report = run(tmp_path, "legacy/hubei-third-hospital-2022.txt")
    _, body = split(report)
    assert "(yī)" not in body and "(shí)" not in body
    assert "湖北省第三人民醫院(湖北省中山醫院)召開" in body
    assert paragraphs(body)[0].startswith("6月15日,湖北省第三人民醫院")
    assert paragraphs(body)[1].startswith("朱文成書記強調")
    assert paragraphs(body)[-1] == "醫院黨委領導班子、黨總支和黨支部書記、護士長及以上中層干部共200余人參加動員大會。"
    assert "文:" not in body
    assert any(d.startswith("拼音注音 ") and d.endswith(" 处") for d in report.dropped)
    assert any("乱码" in n for n in report.needs_review)     # the page itself carries a garbled run
    assert any("繁体" in n for n in report.needs_review)


def test_hubei_simplified(tmp_path):
    report = run(tmp_path, "legacy/hubei-third-hospital-2022.txt", simplified=True)
    fm, body = split(report)
    assert fm["title"] == "【下基层 察民情 解民忧 暖民心】湖北省第三人民医院召开党员干部下基层察民情解民忧暖民心实践活动动员大会"
    assert fm["source"] == "党委办公室" and fm["author"] == "陈祥"
    assert "医院" in body and "醫院" not in body and "黨委" not in body
    assert not any("繁体" in n for n in report.needs_review)
    assert report.output.name.startswith("xia-ji-ceng-cha-min-qing-jie-min-you-nuan-min-xin")


def test_xiangya2_headings_and_counter(tmp_path):
    report = run(tmp_path, "legacy/xiangya2-theme-education-2023.txt")
    _, body = split(report)
    headings = re.findall(r"^## (.+)$", body, re.M)
    assert headings == ["走心:谋篇布局高效化", "走新:理论学习多样化", "走实:实践锻炼常态化",
                        "走深:调查研究精准化", "走远:整改整治长效化"]
    assert paragraphs(body)[0].startswith("自主题教育开展以来")
    assert paragraphs(body)[-1].endswith("医院高质量发展开创新的局面。")
    assert "点击计数 1 处" in report.dropped


def test_zhongwei_junk_removed(tmp_path):
    report = run(tmp_path, "legacy/zhongwei-tcm-hospital-essay.txt")
    fm, body = split(report)
    for junk in ("荟聚奇文", "公文素材库", "移动端", "网站:", "同志们", "动员大会上的讲话", "友情提示",
                 "网络整理", "bsmz.net", "链接地址", "谢谢大家"):
        assert junk not in body, junk
    # the page break ("1") inside a sentence is closed up
    assert "提出了解决问题自己的见解及看法" in body
    assert "二是公共权力运行要公开接受群众监督" in body
    assert "## (一)建立党员干部直接联系服务群众制度" in body
    assert "## (三)强化群众对医院党员干部职工的监督评议" in body
    assert paragraphs(body)[-1].endswith("使中医院中医药工作再上新台阶。")
    assert "中卫市中医医院党委" not in body          # became the author
    dropped = " ".join(report.dropped)
    for what in ("页码 3 个", "导航/面包屑 1 行", "扩展阅读", "标题前的站点标语/页头 1 行", "重复标题 1 行"):
        assert what in dropped


# ---------------------------------------------------------------- own fixtures
def test_html_page(tmp_path):
    report = run(tmp_path, "html/party-lecture.html")
    _, body = split(report)
    for junk in ("首页", "医院概况", "厚德", "微博", "QQ空间", "统计代码", "热点新闻", "机器人手术",
                 "理论学习中心组", "技术支持", "地址：", "正文", "_党建工作_"):
        assert junk not in body, junk
    assert "## 一、深刻领会党的二十大精神" in body and "## 二、推动医院高质量发展" in body
    assert paragraphs(body)[0].startswith("3月7日下午，医院党委在门诊楼五楼学术报告厅")
    assert "![图片](images/lecture.png)" in body
    copied = tmp_path / "out" / "2023" / "images" / "lecture.png"
    assert copied.read_bytes() == (FIX / "html" / "party-lecture_files" / "lecture.png").read_bytes()
    assert paragraphs(body)[-1] == "全院200余名党员干部在主会场和各支部分会场参加学习。"
    dropped = " ".join(report.dropped)
    assert "页面框架" in dropped and "正文以外的内容（由正文提取库判断） 6 行" in dropped
    rules_alone = " ".join(run(tmp_path / "rules", "html/party-lecture.html", extractor=False).dropped)
    assert "链接列表 3 行" in rules_alone and "版权声明/页脚 2 行" in rules_alone


def test_html_article_header_is_kept(tmp_path):
    page = tmp_path / "in" / "page.html"
    page.parent.mkdir()
    page.write_text("""<html><head><title>站点首页</title></head><body>
<header><h1>某某医院</h1><p>守护健康</p></header>
<article><header><h1>检验科党支部开展技能比武</h1><p>发布日期：2022-11-03 来源：检验科</p></header>
<p>11月2日，检验科党支部组织开展技能比武活动，20名青年技师参加了比赛，比赛内容涵盖理论与实操。</p>
<p>通过比武，大家交流了经验，提升了技能，进一步增强了为临床和患者服务的本领。</p>
<p>支部书记表示，将把技能比武作为常态化工作持续开展下去，推动党建与业务深度融合。</p>
<footer>（供稿：检验科党支部 编辑：吴静）</footer></article>
<footer>版权所有</footer></body></html>""", encoding="utf-8")
    report = import_pages([page], "dangjian", tmp_path / "out", today=TODAY)[0]
    fm, body = split(report)
    assert fm["title"] == "检验科党支部开展技能比武"
    assert fm["date"] == "2022-11-03" and fm["source"] == "检验科" and fm["editor"] == "吴静"
    assert "守护健康" not in body and "某某医院" not in body and "供稿" in body


def test_gbk_detected(tmp_path):
    report = run(tmp_path, "encodings/gbk-branch-meeting.txt")
    _, body = split(report)
    assert report.encoding == "gb18030"
    assert "党建网" not in body and "首页" not in body
    assert paragraphs(body)[0].startswith("2月15日下午，内科第一党支部")
    assert len(paragraphs(body)) == 3


def test_big5_detected_and_simplified(tmp_path):
    report = run(tmp_path, "encodings/big5-volunteer.txt", simplified=True)
    fm, body = split(report)
    assert report.encoding == "big5"
    assert fm["title"] == "医院青年志愿者服务队走进社区开展义诊活动"
    assert fm["source"] == "医院团委" and fm["author"] == ["陈怡君", "林志明"] and fm["editor"] == "黄美玲"
    assert "醫院" not in body and "医院团委负责人表示" in body
    assert "黨建動態" not in body and "党建动态" not in body and "【打印】" not in body
    assert report.output.name == "yi-yuan-qing-nian-zhi-yuan-zhe-fu-wu-dui-zou-jin-she-qu-kai.md"


def test_utf8_bom_notice_keeps_structure(tmp_path):
    _, body = split(run(tmp_path, "encodings/utf8-bom-notice.txt"))
    assert "\ufeff" not in body
    assert "## 一、活动主题" in body and "## 二、活动内容" in body
    assert paragraphs(body)[0] == "各党总支、党支部："
    assert paragraphs(body)[-2:] == ["医院党委", "2024年6月20日"]


def test_link_farm_and_seo_lines(tmp_path):
    report = run(tmp_path, "linkfarm/seo-scraped.txt")
    _, body = split(report)
    assert len(paragraphs(body)) == 3
    for junk in ("党建文库", "最新文章", "·", "2023-06-28", "2023-06-15", "党日活动方案", "七一建党节",
                 "述职报告", "党支部工作", "庆祝建党102周年"):
        assert junk not in body, junk
    dropped = " ".join(report.dropped)
    assert "链接列表" in dropped and "SEO 关键词/标签" in dropped


def test_no_date_uses_today_and_flags(tmp_path):
    report = run(tmp_path, "dates/no-date.txt")
    fm, body = split(report)
    assert fm["date"] == "2024-05-01"
    assert "date" not in report.found
    assert any("未找到发布日期" in n and "2024-05-01" in n for n in report.needs_review)
    assert "撰稿" not in body


def test_month_day_year_from_page(tmp_path):
    report = run(tmp_path, "dates/month-day.txt")
    assert report.found["date"] == "2023-06-22"
    assert any("推断为 2023 年" in n for n in report.needs_review)


def test_month_day_year_from_argument(tmp_path):
    report = run(tmp_path, "dates/month-day-bare.txt", year=2021)
    fm, _ = split(report)
    assert fm["date"] == "2021-06-22"
    assert report.output.parent.name == "2021"
    assert not any("年份" in n for n in report.needs_review)


def test_month_day_year_unknown_is_flagged(tmp_path):
    """No year anywhere: the latest year that does not put an old page's date after today."""
    report = run(tmp_path, "dates/month-day-bare.txt")
    assert report.found["date"] == "2023-06-22"
    assert run(tmp_path, "dates/month-day-bare.txt", today=date(2024, 7, 1)).found.get("title") and \
        sorted((tmp_path / "out").glob("*/*.md"))[-1].parent.name == "2024"
    assert any("未写年份" in n and "--year" in n for n in report.needs_review)


def test_credits(tmp_path):
    report = run(tmp_path, "credits/credits.txt")
    _, body = split(report)
    assert "责任编辑" not in body and "文：王芳" not in body
    assert paragraphs(body)[-2].endswith("以实际行动为患者提供更加优质的医疗服务。")
    assert paragraphs(body)[-1] == "（图：李明）"


def test_images_copied_or_flagged(tmp_path):
    report = run(tmp_path, "images/photos.txt")
    _, body = split(report)
    assert "![图片](images/oath.png)" in body
    copied = tmp_path / "out" / "2023" / "images" / "oath.png"
    assert copied.read_bytes() == (FIX / "images" / "oath.png").read_bytes()
    assert "> 【图片缺失：missing-photo.jpg】" in body
    assert "图片文件不存在：missing-photo.jpg" in report.needs_review
    assert not (tmp_path / "out" / "2023" / "images" / "missing-photo.jpg").exists()


# ---------------------------------------------------------------- behaviour
def test_never_overwrite(tmp_path):
    first = run(tmp_path, "credits/credits.txt")
    first.output.write_text("hand-edited", encoding="utf-8")
    second = run(tmp_path, "credits/credits.txt")
    assert second.output is None
    assert second.error.startswith("目标文件已存在，未覆盖：")
    assert first.output.read_text(encoding="utf-8") == "hand-edited"
    assert "错误：目标文件已存在" in format_report(second)


def test_folder_is_searched_recursively(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(FIX, src, ignore=shutil.ignore_patterns("unseen", "holdout"))
    (src / "notes.md").write_text("不是网页", encoding="utf-8")
    reports = import_pages([src], "dangjian", tmp_path / "out", today=TODAY)
    names = sorted(r.source.relative_to(src).as_posix() for r in reports)
    assert names == sorted(EXPECTED)
    assert all(r.error is None and r.output.exists() for r in reports)
    assert len({r.output for r in reports}) == len(reports)


def test_missing_input_is_reported(tmp_path):
    reports = import_pages([tmp_path / "nope.txt"], "dangjian", tmp_path / "out")
    assert reports[0].output is None and reports[0].error.startswith("导入失败")


def test_format_report(tmp_path):
    text = format_report(run(tmp_path, "images/photos.txt"))
    assert "photos.txt" in text and "编码：utf-8" in text
    assert "标题「医院举行新党员入党宣誓仪式」" in text and "来源「党委组织部」" in text
    assert "待核实：图片文件不存在：missing-photo.jpg" in text


# ---------------------------------------------------------------- rule units
def test_strip_glosses():
    assert R.strip_glosses("發(fā)布時(shí)間") == ("發布時間", 2)
    assert R.strip_glosses("醫(yī)院(湖北省中山醫(yī)院)") == ("醫院(湖北省中山醫院)", 2)
    for keep in ("(一)建立制度", "体重(kg)", "第(2)条", "(1)医院党委", "口号(a)"):
        assert R.strip_glosses(keep) == (keep, 0)
    assert R.strip_glosses("目的(de)")[1] == 1          # toneless, but the character's reading


def test_parse_meta_lines():
    f = R.parse_meta("来源:人民网 点击次数:次 发布时间:2023年06月12日 作者:王建新 刘明辉")
    got = {x.kind: x.value for x in f}
    assert got["source"] == "人民网" and got["author"] == "王建新 刘明辉" and got["date"] == "2023年06月12日"
    f = R.parse_meta("網站:公文素材库 | 時間:2019-05-29 08:55:13 | 移动端:标题")
    assert [x.kind for x in f] == ["site", "date", "site"] and f[1].date.text() == "2019-05-29 08:55"
    assert R.parse_meta("[责任编辑:张三]")[0].value == "张三"
    assert [(x.kind, x.value) for x in R.parse_meta("（文：王芳 图：李明）")] == [("author", "王芳"), ("photo", "李明")]
    assert R.parse_meta("走心:谋篇布局高效化") is None
    assert R.parse_meta("时间：6月20日下午，地点：门诊楼") is None
    assert R.parse_meta("来源：据统计，今年医院共开展义诊活动120余场，服务群众两万余人次。") is None


def test_decode_choices():
    text = "医院党委召开理论学习中心组学习会，传达学习上级会议精神。"
    assert P.decode(text.encode("gbk"))[:2] == (text, "gb18030")
    trad = "醫院黨委召開理論學習中心組學習會，傳達學習上級會議精神。"
    assert P.decode(trad.encode("big5"))[:2] == (trad, "big5")
    assert P.decode(text.encode("utf-8-sig"))[:2] == (text, "utf-8-sig")


def test_slugify():
    assert slugify("医院党委召开2023年度组织生活会") == "yi-yuan-dang-wei-zhao-kai-2023-nian-du-zu-zhi-sheng-huo-hui"
    long = slugify("在医院中创新群众路线教育实践活动的载体浅谈创新群众路线教育实践活动的载体")
    assert len(long) <= 60 and not long.endswith("-") and re.fullmatch(r"[a-z0-9-]+", long)
    assert slugify("！！！") == "article"


def test_widgets_removed_only_where_they_are_widgets():
    assert R.strip_widgets("发布时间：2023-06-12 【字体：大 中 小】【打印】【关闭】") == ("发布时间：2023-06-12", 3)
    sentence = "大家纷纷把照片分享到朋友圈，表达了喜悦之情。"
    assert R.strip_widgets(sentence) == (sentence, 0)
    assert not R.SEO_RE.match("标签化管理是护理质量控制的重要手段，已在全院推广。")
    assert not R.is_copyright("本次活动由医院党委主办、院团委承办，地址：门诊楼广场。")
    assert R.garbled_spots("遇到困难怎么办?我们要迎难而上。") == []


def write_page(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    page = tmp_path / "in" / name
    page.parent.mkdir(exist_ok=True)
    page.write_bytes(text.encode(encoding))
    return page


def test_lists_and_dates_inside_the_text_survive(tmp_path):
    page = write_page(tmp_path, "honours.txt", """医院表彰2023年度优秀共产党员
发布时间：2023-06-30 来源：党委组织部
为表彰先进、树立典型，经各党支部推荐、院党委研究，决定授予以下同志“优秀共产党员”称号：
张三 心内科
李四 普外科
王五 护理部
赵六 检验科
钱七 药学部
孙八 放射科
表彰大会定于7月1日举行，请受表彰同志准时参加，并做好发言准备。
时间：2023年7月1日
希望受表彰的同志珍惜荣誉，再接再厉，充分发挥先锋模范作用。
""")
    report = import_pages([page], "dangjian", tmp_path / "out", today=TODAY)[0]
    fm, body = split(report)
    assert fm["date"] == "2023-06-30"
    assert all(n in body for n in ("张三 心内科", "孙八 放射科", "时间：2023年7月1日"))
    assert "## " not in body
    assert not any("乱码" in n for n in report.needs_review)


def test_unclosed_furniture_element_does_not_swallow_the_article(tmp_path):
    page = write_page(tmp_path, "broken.html", """<html><head><title>检验科开展技能比武_某某医院</title></head><body>
<div class="menu"><a href="/">首页</a> <a href="/dj/">党建</a>
<div class="content"><h1>检验科开展技能比武</h1><p>发布日期：2022-11-03 来源：检验科</p>
<p>11月2日，检验科党支部组织开展技能比武活动，20名青年技师参加了比赛，比赛内容涵盖理论与实操。
<p>通过比武，大家交流了经验，提升了技能，进一步增强了为临床和患者服务的本领，效果良好。
</body></html>""")
    report = import_pages([page], "dangjian", tmp_path / "out", today=TODAY)[0]
    fm, body = split(report)
    assert fm["title"] == "检验科开展技能比武" and fm["source"] == "检验科"
    assert "11月2日，检验科党支部" in body
    assert any("网页结构不完整" in n for n in report.needs_review)


def test_page_without_text_is_not_written(tmp_path):
    page = write_page(tmp_path, "empty.txt", "当前位置：首页 > 党建工作\n版权所有 某某医院\n")
    report = import_pages([page], "dangjian", tmp_path / "out", today=TODAY)[0]
    assert report.output is None and report.error == "未找到正文，未写入"
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("*.md"))


# ---------------------------------------------------------------- through the CLI
def test_import_command_writes_articles_that_build(tmp_path, capsys):
    """`build.py import` on the legacy samples: reports per input, and the result builds."""
    import subprocess
    import sys

    from dangjian.cli import main

    root = ROOT
    content = tmp_path / "content"
    legacy = FIXTURES / "import" / "legacy"
    code = main(["import", str(legacy), "--category", "outreach", "--content", str(content),
                 "--config", str(root / "site.toml"), "--simplified", "--report", str(tmp_path / "report.csv")])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "导入完成：3 篇已写入（都标为待核" in out and "0 个失败" in out
    written = sorted(content.rglob("*.md"))
    assert len(written) == 3
    hubei = next(p for p in written if p.read_text(encoding="utf-8").count("湖北省第三人民医院") > 1)
    assert "date: \"2022-06-17\"" in hubei.read_text(encoding="utf-8") or "2022-06-17" in hubei.read_text(encoding="utf-8")
    site = tmp_path / "site"
    build = ["build", "--content", str(content), "--config", str(root / "site.toml"), "--out", str(site), "-q"]
    assert main(build) == 0
    assert list(site.glob("outreach/20*/*/index.html")) == []          # nothing imported is published unchecked
    for path in written:                                               # a person checks each and deletes the notes
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"import_notes:\n(?:- .*\n)+", "", text), encoding="utf-8")
    assert main(build + ["--strict"]) == 0
    assert len(list(site.glob("outreach/20*/*/index.html"))) == 3
    # a second import never overwrites, and says so
    code = main(["import", str(legacy), "--category", "outreach", "--content", str(content),
                 "--config", str(root / "site.toml"), "--simplified", "--report", str(tmp_path / "report.csv")])
    assert code == 1 and "未覆盖" in capsys.readouterr().out
    # an unknown category is one clear line, through a real subprocess too
    proc = subprocess.run([sys.executable, str(root / "build.py"), "import", str(legacy), "--category", "sports",
                           "--config", str(root / "site.toml")], capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 1
    assert "未知栏目：“sports”" in proc.stderr and "news（工作动态）" in proc.stderr and "Traceback" not in proc.stderr
