"""`check` catches what a website inspector catches: wording, 错别字, traditional characters, personal
numbers (in articles and attachments), medical claims, idle and empty columns, a stale home page, the
footer identity. A site seeded with known mistakes reports each exactly once, and nothing else."""
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from dangjian.options import Options
from dangjian.tools.check import report_text, run_checks
from toolsite import make_site, write

NOW = datetime(2026, 6, 30, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
VALID_ID = "11010519491231002X"        # GB 11643-1999's own example: a valid check digit
INVALID_ID = "110105194912310021"
CARD = "6222021234567891233"           # passes Luhn; made up

SEEDED = {
    "news/2026/a.md": """\
        ---
        title: 李卫冬书记带队开展主题党日活动
        date: 2026-05-10 09:00
        source: 党委办公室
        summary: 深入学习二十大会议精神，推动工作落实。
        ---

        活动中，大家重温以习近平总书记为核心的党中央的重要论述。

        > 原文引用：以习近平总书记为核心的党中央

        代码示例 `二十大会议精神` 不算。

        会议要求一如继往做好各项工作。
        """,
    "grassroots/2026/b.md": """\
        ---
        title: 第一党支部开展集中学习
        date: 2026-05-20
        ---

        支部集中学习三中全会精神。

        支部书记说：“黨建工作要抓實。”

        中国人民共和国成立七十多年来……
        """,
    "theory/2026/c.md": """\
        ---
        title: 理论中心组专题学习
        date: 2026-05-21
        ---

        深入学习习近平新时代社会主义思想。

        巩固不忘初心，牢记使命主题教育成果。
        """,
    "notices/2026/d.md": """\
        ---
        title: 关于评选优秀共产党员的公示
        date: 2026-05-31
        ---

        联系人手机 13912345678，服务热线 0710-1234567。

        候选人身份证号 %s（另一号码 %s 校验位不对，不是身份证号）。

        附件：[候选人名单](files/mingdan.xlsx)
        """ % (VALID_ID, INVALID_ID),
    "outreach/2026/e.md": """\
        ---
        title: 党员专家走进社区义诊
        date: 2026-05-15
        ---

        专家介绍，新疗法可根治颈椎病，安全无副作用。

        爱心捐款账户：%s
        """ % CARD,
    "integrity/2026/f.md": """\
        ---
        title: 廉洁从医专题教育
        date: 2026-05-12
        proofread_ignore:
          按步就班: 引用群众来信原文，保留原字
        ---

        群众来信写道：工作不能按步就班。赵卫平院长讲话。

        附件：[签到表](files/qiandao.csv)
        """,
    "theme-education/2026/g.md": """\
        ---
        title: 主题教育经验交流
        date: 2026-05-18
        ---

        医院宣传称本科室疗效最佳。大家表示要再接再励。
        """,
}

# (file, code, the text the finding is about): each reported exactly once.
EXPECTED = {
    ("content/news/2026/a.md", "site-wording", "李卫冬"),
    ("content/news/2026/a.md", "wording", "二十大会议精神"),
    ("content/news/2026/a.md", "wording", "以习近平总书记为核心的党中央"),
    ("content/news/2026/a.md", "typo", "一如继往"),
    ("content/grassroots/2026/b.md", "wording", "三中全会"),
    ("content/grassroots/2026/b.md", "traditional-chars", "黨建工作要抓實"),
    ("content/grassroots/2026/b.md", "wording", "中国人民共和国"),
    ("content/theory/2026/c.md", "wording", "习近平新时代社会主义思想"),
    ("content/theory/2026/c.md", "wording", "不忘初心，牢记使命主题教育"),
    ("content/notices/2026/d.md", "personal-number", "139****5678"),
    ("content/notices/2026/d.md", "personal-number", "110105********002X"),
    ("content/notices/2026/files/mingdan.xlsx", "attachment-personal-number", "110105********002X"),
    ("content/outreach/2026/e.md", "medical-claim", "根治"),
    ("content/outreach/2026/e.md", "medical-claim", "安全无副作用"),
    ("content/outreach/2026/e.md", "personal-number", "6222 **** **** 1233"),
    ("content/integrity/2026/f.md", "site-wording", "赵卫平"),
    ("content/integrity/2026/f.md", "proofread-waived", "按步就班"),
    ("content/integrity/2026/files/qiandao.csv", "attachment-personal-number", "137****0000"),
    ("content/theme-education/2026/g.md", "medical-claim", "疗效最佳"),
    ("content/theme-education/2026/g.md", "typo", "再接再励"),
    ("site.toml", "empty-category", "先锋模范"),
    ("site.toml", "stale-category", "工作动态"),
    ("site.toml", "stale-home", "30 天"),
    ("site.toml", "empty-topic", "清廉医院建设"),          # the sample's running topic: no seeded article is tagged for it
}


@pytest.fixture
def seeded(tmp_path, monkeypatch) -> Path:
    import openpyxl
    make_site(tmp_path, SEEDED, inspection=True)
    book = openpyxl.Workbook()
    book.active.append(["姓名", "身份证号"])
    book.active.append(["张三", VALID_ID])
    (tmp_path / "content/notices/2026/files").mkdir(parents=True)
    book.save(tmp_path / "content/notices/2026/files/mingdan.xlsx")
    write(tmp_path / "content/integrity/2026/files/qiandao.csv", "姓名,手机\n李四,13700000000\n")
    config = tmp_path / "site.toml"
    text = config.read_text(encoding="utf-8").replace('severity = "warning"', 'severity = "warning"\nfile = "words.toml"')
    config.write_text(text + '\n[[proofread.entries]]\nwrong = "李卫冬"\nright = "李卫东"\nsource = "本院党委书记姓名"\n',
                      encoding="utf-8")
    write(tmp_path / "words.toml", '[[entries]]\nwrong = "赵卫平"\nright = "赵伟平"\nsource = "本院院长姓名"\n')
    monkeypatch.chdir(tmp_path)
    return tmp_path


def options(site: Path, **switches) -> Options:
    return Options(content=site / "content", config=site / "site.toml", now=NOW, **switches)


def _about(finding) -> str:
    """The text a finding is about: what its message quotes (“…”) or the masked number."""
    p = finding.problem
    if "personal-number" in p.code:
        return p.message.rsplit("：", 1)[-1]
    if "“" in p.message:
        return p.message.split("“")[1].split("”")[0]
    if p.code in ("stale-home",):
        return p.message.split("已 ")[1].split("没有")[0].strip()
    return p.message.rsplit("：", 1)[-1]


def test_each_seeded_mistake_is_reported_exactly_once_and_nothing_else(seeded):
    result = run_checks(options(seeded))
    found = [(f.as_dict(seeded)["path"], f.problem.code, _about(f)) for f in result.findings]
    assert sorted(found) == sorted(EXPECTED)
    assert len(EXPECTED) - 1 >= 20                     # seeded mistakes (the waiver is listed, not a mistake)
    for finding in result.findings:
        p = finding.problem
        assert p.hint, p.code
        if p.path.suffix == ".md":
            wrong = _about(finding)
            quoted = p.source_line or ""
            assert p.line and (wrong in quoted or p.code in ("personal-number", "proofread-waived")), (p.code, quoted)
    assert not result.ok


def test_messages_name_the_file_line_fix_and_source(seeded):
    text = report_text(run_checks(options(seeded)))
    assert ("content/news/2026/a.md:5: 警告：表述可能有误：“二十大会议精神” — 规范表述为“党的二十大精神”"
            "（依据：《中共中央关于认真学习宣传贯彻党的二十大精神的决定》）") in text
    assert "content/news/2026/a.md:2: 警告：可能写错了：“李卫冬” — 应为“李卫东”（依据：本院党委书记姓名）" in text
    assert "content/news/2026/a.md:14: 警告：可能有错别字：“一如继往” — 应为“一如既往”" in text
    assert "content/notices/2026/d.md:8: 疑似身份证号：110105********002X" in text
    assert VALID_ID not in text and "13912345678" not in text and CARD not in text
    assert "content/notices/2026/files/mingdan.xlsx: 附件（工作表“Sheet”B2 格）有疑似身份证号" in text
    assert "content/integrity/2026/files/qiandao.csv:2: 附件（第 2 行）有疑似手机号码：137****0000" in text
    assert "content/grassroots/2026/b.md:8: 警告：繁体字：“黨建工作要抓實” — 本站使用简体字，应为“党建工作要抓实”" in text
    news = (seeded / "site.toml").read_text(encoding="utf-8").splitlines().index('slug = "news"') + 1
    assert f"site.toml:{news}: 警告：栏目“工作动态”已 51 天没有新文章（要求 14 天内更新；最新一篇：2026-05-10）" in text
    assert "提示：“按步就班”不校对（proofread_ignore：引用群众来信原文，保留原字）" in text


def test_strict_and_severity_error_fail_on_wording(seeded):
    quiet = seeded / "content/notices/2026/d.md"
    quiet.write_text(quiet.read_text(encoding="utf-8").replace("13912345678", "").replace(VALID_ID, ""),
                     encoding="utf-8")
    (seeded / "content/outreach/2026/e.md").unlink()
    write(seeded / "content/integrity/2026/files/qiandao.csv", "姓名\n李四\n")
    import openpyxl
    openpyxl.Workbook().save(seeded / "content/notices/2026/files/mingdan.xlsx")
    assert run_checks(options(seeded)).ok
    assert not run_checks(options(seeded, strict=True)).ok
    config = seeded / "site.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('severity = "warning"', 'severity = "error"'),
                      encoding="utf-8")
    result = run_checks(options(seeded))
    assert not result.ok
    judged = {(f.problem.code, f.severity) for f in result.findings}
    assert ("wording", "error") in judged and ("typo", "error") in judged and ("stale-home", "warning") in judged


def test_waiver_needs_a_reason_and_an_unused_waiver_is_listed(seeded):
    f = seeded / "content/integrity/2026/f.md"
    f.write_text(f.read_text(encoding="utf-8").replace("工作不能按步就班。", ""), encoding="utf-8")
    codes = {f.problem.code for f in run_checks(options(seeded)).findings}
    assert "proofread-waiver-unused" in codes and "proofread-waived" not in codes
    f.write_text(f.read_text(encoding="utf-8").replace("引用群众来信原文，保留原字", '""'), encoding="utf-8")
    result = run_checks(options(seeded))
    waiver = next(x for x in result.findings if x.problem.code == "waiver-reason")
    assert waiver.severity == "error" and "按步就班" in waiver.problem.message


def test_five_empty_columns_are_a_single_veto(tmp_path, monkeypatch):
    make_site(tmp_path, {rel: text for rel, text in SEEDED.items() if rel.startswith(("news/", "grassroots/"))},
              inspection=True)
    monkeypatch.chdir(tmp_path)
    result = run_checks(options(tmp_path))
    empty = [f for f in result.findings if f.problem.code == "empty-category"]
    veto = [f for f in result.findings if f.problem.code == "columns-veto"]
    topics = [f for f in result.findings if f.problem.code == "empty-topic"]
    assert len(empty) == 6 and len(topics) == 1 and len(veto) == 1 and veto[0].severity == "error"
    assert "7 个栏目没有文章" in veto[0].problem.message           # a blank running 专题 counts as a blank column


def test_a_running_topic_without_articles_is_a_blank_column(tmp_path, monkeypatch):
    """A 专题 shown on the home page and in the navigation with nothing in it is an empty column to an
    inspector; one that has ended, or not started, is not shown and not reported."""
    make_site(tmp_path, {"news/2026/a.md": "---\ntitle: 支部学习\ndate: 2026-03-01\ntags: [学习]\n---\n\n正文。\n"},
              inspection=True)
    config = tmp_path / "site.toml"
    config.write_text(config.read_text(encoding="utf-8") + '\n[[topics]]\nslug = "later"\nname = "将来的专题"\n'
                      'start = "2099-01-01"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    empty = [f for f in run_checks(options(tmp_path)).findings if f.problem.code == "empty-topic"]
    assert [f.problem.message.split("“")[1].split("”")[0] for f in empty] == ["清廉医院建设"]
    assert empty[0].problem.line is not None and "“廉政教育”" in empty[0].format(tmp_path)
    page = tmp_path / "content/news/2026/a.md"
    page.write_text(page.read_text(encoding="utf-8").replace("tags: [学习]", "tags: [学习]\n专题: 清廉医院"), "utf-8")
    assert not [f for f in run_checks(options(tmp_path)).findings if f.problem.code == "empty-topic"]


def test_missing_footer_identity_is_one_warning(tmp_path, monkeypatch):
    make_site(tmp_path, SEEDED, inspection=True)
    config = tmp_path / "site.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace('icp = "鄂ICP备12345678号-1"\n', "").replace('phone = "0710-1234567"\n', ""),
                      encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    identity = [f for f in run_checks(options(tmp_path)).findings if f.problem.code == "identity-missing"]
    assert len(identity) == 1 and identity[0].problem.message == "页脚缺少网站标识：联系电话、ICP备案号"


def test_the_sample_site_has_none_of_these_problems(monkeypatch):
    """Checked today and as of its newest article: its dates are frozen, so its site.toml turns the
    update rules off (saying why) and the check stays clean on any day."""
    from conftest import ROOT

    from dangjian.config import load_config
    from dangjian.core.content import find, load_file
    from dangjian.errors import Report
    monkeypatch.chdir(ROOT)
    config = load_config(ROOT / "site.toml")
    sources = [load_file(ROOT / "content" / rel, ROOT / "content", config, Report()) for rel, _ in find(ROOT / "content")[0]]
    newest = max(s.date for s in sources if s is not None and not s.draft)
    for now in (None, newest.replace(hour=23)):
        result = run_checks(Options(content=ROOT / "content", config=ROOT / "site.toml", now=now))
        assert [f.format(ROOT) for f in result.findings if f.severity != "info"] == []
