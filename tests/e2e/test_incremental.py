"""Incremental builds: after every kind of change the output is byte-identical to a
cold build, unchanged files are not touched, and a damaged cache is survived."""
from __future__ import annotations

import os
import re
import shutil

import pytest

from conftest import ROOT
from dangjian.cli import main
from worksite import age, corpus_article, edit, remove_site, stats, tree


def test_no_change_rebuild_writes_nothing_and_keeps_mtimes(site):
    before = stats(site.out)
    result = site.build()
    assert result.incremental and result.written == 0 and result.rendered == 0
    assert stats(site.out) == before
    site.assert_same_as_cold()


def test_no_change_shortcut_and_what_defeats_it(site):
    age(site.root)
    site.build()
    before = stats(site.out)
    quick = site.build()
    assert quick.shortcut and quick.written == 0 and stats(site.out) == before
    (site.out / "index.html").write_text("被人改坏了", "utf-8")
    repaired = site.build()
    assert not repaired.shortcut and repaired.written == 1
    site.assert_same_as_cold()
    path = corpus_article(site)
    edit(path, "title: ", "title: 捷径之后")
    age(site.root, 1800)
    edited = site.build()
    assert not edited.shortcut and edited.written > 0
    assert "捷径之后" in (site.out / "index.html").read_text("utf-8") or edited.written > 1
    site.assert_same_as_cold()


def test_edit_an_article(site):
    path = corpus_article(site)
    before = stats(site.out)
    edit(path, "title: ", "title: 改过的标题")
    text = path.read_text("utf-8")
    path.write_text(text + "\n新增的一段正文，检验增量构建。\n", "utf-8")
    result = site.build()
    assert result.incremental and 0 < result.rendered < result.pages // 4
    after = stats(site.out)
    touched = {p for p in before if before[p] != after.get(p)}
    assert 0 < len(touched) < len(before) // 4        # only what shows the article changed
    assert "static/style.css" not in touched
    site.assert_same_as_cold()


def test_add_an_article(site):
    (site.root / "content" / "news" / "2025" / "xin-wenzhang.md").write_text(
        "---\ntitle: 新增文章：增量构建\ndate: 2025-12-30\ntags: [义诊, 新标签]\nauthor: 新作者\nsource: 新部门\n---\n\n正文。\n",
        "utf-8")
    site.build()
    assert (site.out / "tags").is_dir()
    site.assert_same_as_cold()


def test_delete_an_article(site):
    path = corpus_article(site)
    path.unlink()
    result = site.build()
    assert result.removed >= 1
    site.assert_same_as_cold()


def test_a_category_emptied_and_filled_again(site):
    """The navigation on every page lists only categories with articles: emptying one (here by making
    its articles drafts) and filling it again re-renders every page, as a cold build would."""
    folder = site.root / "content" / "role-models"
    files = sorted(folder.rglob("*.md"))
    originals = {path: path.read_text("utf-8") for path in files}
    for path in files:
        path.write_text(originals[path].replace("\n---", "\ndraft: true\n---", 1), "utf-8")
    age(site.root, 600)
    site.build()
    assert not (site.out / "role-models").exists()
    assert "role-models/" not in (site.out / "index.html").read_text("utf-8")
    site.assert_same_as_cold()
    for path, text in originals.items():
        path.write_text(text, "utf-8")
    age(site.root, 600)
    site.build()
    assert "role-models/" in (site.out / "index.html").read_text("utf-8")
    site.assert_same_as_cold()


def _front(path, line: str) -> None:
    """Add a front-matter line to an article."""
    text = path.read_text("utf-8")
    end = text.index("\n---", 3)
    path.write_text(text[:end] + "\n" + line + text[end:], "utf-8")


def test_withdraw_and_correct_an_article(site):
    path = corpus_article(site)
    _front(path, "更正:\n  - 2025-12-31 第二段中的数字有误，已改正")
    age(site.root, 600)
    site.build()
    site.assert_same_as_cold()
    _front(path, "撤稿: 内容有误\n撤稿日期: 2025-12-31")
    age(site.root, 600)
    site.build()
    site.assert_same_as_cold()
    edit(path, "撤稿: 内容有误\n撤稿日期: 2025-12-31\n", "")        # published again
    age(site.root, 600)
    site.build()
    site.assert_same_as_cold()


def test_sign_off_and_un_sign_an_article(site):
    held = site.root / "content" / "news" / "2026" / "xiabannian-gongzuo-bushu.md"
    edit(held, "review_final:\n", "review_final: 张建国\n")           # signed: published
    age(site.root, 600)
    site.build()
    assert (site.out / "news" / "2026" / "xiabannian-gongzuo-bushu" / "index.html").exists()
    site.assert_same_as_cold()
    signed = site.root / "content" / "news" / "2026" / "shangbannian-tuijinhui.md"
    edit(signed, "secrecy_review: 孙丽华\n", "")                      # un-signed: held back
    age(site.root, 600)
    site.build()
    assert not (site.out / "news" / "2026" / "shangbannian-tuijinhui").exists()
    site.assert_same_as_cold()


def test_rename_an_article_that_another_links_to(site):
    target = site.root / "content" / "outreach" / "2024" / "qingshan-yizhen.md"
    target.rename(target.with_name("qingshan-yizhen-huodong.md"))
    result = site.build()
    # The linking article's body no longer resolves the link: it is rebuilt and warns.
    assert any("qingshan-yizhen.md" in p.message for p in result.warnings)
    assert not (site.out / "outreach" / "2024" / "qingshan-yizhen").exists()
    site.assert_same_as_cold()


def test_change_a_template(site):
    shutil.copy(ROOT / "dangjian" / "theme" / "templates" / "partials" / "footer.html",
                site.root / "templates" / "footer-orig.html")
    (site.root / "templates" / "partials").mkdir()
    footer = (ROOT / "dangjian" / "theme" / "templates" / "partials" / "footer.html").read_text("utf-8")
    (site.root / "templates" / "partials" / "footer.html").write_text(
        footer.replace("</footer>", "<p>测试页脚</p></footer>"), "utf-8")
    site.build()
    assert "测试页脚" in (site.out / "index.html").read_text("utf-8")
    site.assert_same_as_cold()


def test_change_the_stylesheet(site):
    """Pages link stylesheets and scripts by a name carrying their content's hash (a server caches
    them for a year): a changed stylesheet is a new name, and every page links it."""
    old = re.search(r'href="[./]*static/(style\.[0-9a-f]{10}\.css)"', (site.out / "index.html").read_text("utf-8")).group(1)
    (site.root / "static").mkdir(exist_ok=True)
    theme = (ROOT / "dangjian" / "theme" / "static" / "style.css").read_text("utf-8")
    (site.root / "static" / "style.css").write_text(theme + "\nbody { letter-spacing: .01em; }\n", "utf-8")
    site.build()
    new = re.search(r'href="[./]*static/(style\.[0-9a-f]{10}\.css)"', (site.out / "index.html").read_text("utf-8")).group(1)
    assert new != old and (site.out / "static" / new).read_text("utf-8").endswith("letter-spacing: .01em; }\n")
    assert not (site.out / "static" / old).exists()
    pages = [p for p in site.out.rglob("*.html") if "<head" in p.read_text("utf-8")]
    assert pages and all(new in p.read_text("utf-8") for p in pages)
    site.assert_same_as_cold()


@pytest.mark.parametrize("kind, field", [("authors", "author"), ("tags", "tags"), ("sources", "source")])
def test_template_listing_every_term_follows_term_changes(site, kind, field):
    """A footer that lists every author (tag, source) with its articles makes every page depend on
    that kind of term: renaming one article's author must re-render them all."""
    path = corpus_article(site)
    # The article is left in this kind's terms only, so only this kind's digest can see its edits.
    others = [f for f in ("author", "tags", "source") if f != field]
    path.write_text("\n".join(ln for ln in path.read_text("utf-8").splitlines()
                              if not ln.startswith(tuple(f"{f}:" for f in others))) + "\n", "utf-8")
    (site.root / "templates" / "partials").mkdir()
    footer = (ROOT / "dangjian" / "theme" / "templates" / "partials" / "footer.html").read_text("utf-8")
    listing = f"<ul>{{% for t in site.{kind} %}}<li>{{{{ t.name }}}}:{{{{ t.articles|map(attribute='title')|join('/') }}}}</li>{{% endfor %}}</ul>"
    (site.root / "templates" / "partials" / "footer.html").write_text(footer.replace("</footer>", listing + "</footer>"), "utf-8")
    site.build()
    site.build()                # the signatures now hold what this footer uses
    text = path.read_text("utf-8")
    line = next(ln for ln in text.splitlines() if ln.startswith(f"{field}:"))
    path.write_text(text.replace(line, f"{field}: 改过的{kind}名"), "utf-8")
    site.build()
    assert f"改过的{kind}名" in (site.out / "index.html").read_text("utf-8")
    site.assert_same_as_cold()
    edit(path, "title: ", "title: 只改标题")     # a card change reaches the whole listing too
    site.build()
    site.assert_same_as_cold()


def test_compiled_templates_are_reused_and_never_fail_a_build(site, monkeypatch):
    folder = next((site.root / ".cache" / "build" / "site" / "jinja").iterdir())
    assert len(list(folder.glob("__jinja2_*.cache"))) >= 5        # kept from the first build
    from dangjian.incremental import cache
    # Another build (another engine version) removed the folder: compiling again must just work.
    monkeypatch.setattr(cache.BuildCache, "compiled_templates", lambda self: self.folder / "gone" / "jinja")
    edit(corpus_article(site), "title: ", "title: 模板缓存不见了")
    site.build()
    site.assert_same_as_cold()


def test_change_site_toml(site):
    edit(site.root / "site.toml", 'copyright = "', 'copyright = "新版权 ')
    site.build()
    site.assert_same_as_cold()


def test_change_a_category_name(site):
    edit(site.root / "site.toml", 'name = "基层党建"', 'name = "支部建设"')
    site.build()
    assert "支部建设" in (site.out / "index.html").read_text("utf-8")
    site.assert_same_as_cold()


def test_touched_but_unchanged_file_renders_nothing(site):
    path = corpus_article(site)
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 5_000_000_000))
    result = site.build()
    assert result.written == 0 and result.rendered == 0


def test_hand_edited_output_is_restored(site):
    page = site.out / "index.html"
    page.write_text("被人改坏了", "utf-8")
    (site.out / "stray.html").write_text("多余的文件", "utf-8")
    site.build()
    site.assert_same_as_cold()


@pytest.mark.parametrize("damage", ["garble-index", "truncate-index", "garble-html", "empty-html"])
def test_damaged_cache_is_survived(site, damage):
    folder = site.root / ".cache" / "build" / "site"
    edit(corpus_article(site), "title: ", "title: 缓存损坏后")
    if damage == "garble-index":
        data = bytearray((folder / "state.pickle").read_bytes())
        data[len(data) // 2] ^= 0xFF
        (folder / "state.pickle").write_bytes(bytes(data))
    elif damage == "truncate-index":
        (folder / "state.pickle").write_bytes((folder / "state.pickle").read_bytes()[:100])
    elif damage == "garble-html":
        import sqlite3
        db = sqlite3.connect(folder / "html.sqlite")
        db.execute("UPDATE html SET body = body || '<p>坏</p>'")
        db.commit()
        db.close()
        # Force pages showing other articles' bodies (feeds) to need the store.
        edit(site.root / "site.toml", 'copyright = "', 'copyright = "x')
    else:
        (folder / "html.sqlite").write_bytes(b"not a database at all" * 10)
        edit(site.root / "site.toml", 'copyright = "', 'copyright = "x')
    assert main(site.argv(site.out)) == 0
    site.assert_same_as_cold()


def test_failed_incremental_build_leaves_site_intact(site):
    before = tree(site.out)
    (site.root / "content" / "news" / "2025" / "broken.md").write_text("---\ntitle: 坏文件\ndate: 2025-13-45\n---\n正文\n",
                                                                    "utf-8")
    assert main(site.argv(site.out)) == 1
    assert tree(site.out) == before
    (site.root / "content" / "news" / "2025" / "broken.md").unlink()
    assert site.build().written == 0


def test_a_hidden_slot_left_half_written_is_repaired(site):
    """A build killed while writing the slot readers do not see leaves it in any state: the next
    build finds every file that is not what it recorded and puts it right."""
    from dangjian.options import release_slots
    edit(corpus_article(site), "title: ", "title: 第一次 ")
    site.build()                                   # the hidden slot now exists, one version behind
    _, hidden = release_slots(site.out)
    pages = sorted(hidden.rglob("index.html"))
    pages[0].unlink()
    pages[1].write_text("写了一半", "utf-8")
    (hidden / "stray.html").write_text("多余", "utf-8")
    (hidden / "news" / ".index.html.999.tmp").write_text("半截", "utf-8")
    edit(corpus_article(site), "title: ", "title: 第二次 ")
    site.build()
    site.assert_same_as_cold()


def test_parallel_build_matches_serial(site, tmp_path):
    serial = tree(site.cold())
    # More work items than the in-process threshold, so the fork pool runs.
    for i in range(90):
        (site.root / "content" / "theory" / "2024").mkdir(parents=True, exist_ok=True)
        (site.root / "content" / "theory" / "2024" / f"p{i}.md").write_text(
            f"---\ntitle: 并行测试 {i}\ndate: 2024-03-{i % 28 + 1:02d}\ntags: [理论学习]\n---\n\n第 {i} 篇，**加粗**。\n", "utf-8")
    remove_site(site.out)
    shutil.rmtree(site.root / ".cache")
    site.build("--jobs=2")
    site.assert_same_as_cold()
    assert set(serial) < set(tree(site.out))


def test_signatures_agree_however_they_are_computed(site, monkeypatch):
    """A cold build signs pages in its render workers, an incremental one in the parent or
    in signing workers: all three must agree, or every rebuild would render every page."""
    from dangjian.incremental import signatures
    remove_site(site.out)
    shutil.rmtree(site.root / ".cache")
    cold = site.build("--jobs=2")
    assert cold.rendered > 200 and not cold.incremental      # enough pages for the fork pool
    path = corpus_article(site)
    monkeypatch.setattr(signatures, "SIGN_PARALLEL", 1)
    for flags in (("--jobs=2",), ()):                        # signing workers, then in-process
        st = path.stat()
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
        result = site.build(*flags)
        assert result.incremental and not result.shortcut
        assert result.rendered == 0 and result.written == 0


def test_cli_reports_incremental_counts(site, capsys):
    assert main(site.argv(site.out)[:-1]) == 0
    out = capsys.readouterr().out
    assert re.search(r"写入 0 个文件", out), out


def test_quick_signing_equals_signing_every_page(site, monkeypatch):
    """While the site's structure holds, only pages that used a changed card are signed again;
    after every kind of edit their signatures must be exactly what signing every page gives."""
    from dangjian.incremental import signatures
    quick_runs = []
    sign_all = signatures.sign_all

    def checked(signer, pages, jobs, previous=None):
        got = sign_all(signer, pages, jobs, previous)
        full = sign_all(signer, pages, 1, None)
        assert got.sigs == full.sigs
        assert got.structure == full.structure and got.cards == full.cards
        assert {p: u for p, u in got.uses.items()} == full.uses
        if got.signed < len(pages):
            quick_runs.append(got.signed)
        return got

    monkeypatch.setattr(signatures, "sign_all", checked)
    path = corpus_article(site)
    other = sorted((site.root / "content" / "theory").rglob("20*-*.md"))[2]
    steps = [
        lambda: path.write_text(path.read_text("utf-8") + "\n只改正文的一段。\n", "utf-8"),
        lambda: edit(path, "title: ", "title: 标题也改了"),
        lambda: edit(other, "tags: [", "tags: [新标签甲, "),
        lambda: edit(other, "date: 20", "date: 19"),
        lambda: other.write_text(other.read_text("utf-8").replace("\n---\n", "\neditor: 新编辑\n---\n", 1), "utf-8"),
        lambda: path.write_text(path.read_text("utf-8") + "\n[链接到另一篇](../../theory/x.md)\n", "utf-8"),
        lambda: (site.root / "templates" / "partials").mkdir(parents=True, exist_ok=True) or
        (site.root / "templates" / "partials" / "footer.html").write_text(
            (ROOT / "dangjian/theme/templates/partials/footer.html").read_text("utf-8") + "<!-- 改 -->\n", "utf-8"),
        lambda: path.write_text(path.read_text("utf-8") + "\n模板改过之后再改正文。\n", "utf-8"),
    ]
    for step in steps:
        step()
        st = path.stat()
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
        result = site.build()
        assert result.incremental
    assert len(quick_runs) >= 3, quick_runs          # the body-only edits took the quick path
    site.assert_same_as_cold()


def test_only_the_program_pauses_the_garbage_collector(site, monkeypatch):
    """`python build.py` leaves the collector off through an incremental build (it exits next);
    main() called in-process (as here) and plain build() calls must leave it on."""
    import gc

    from dangjian.util import memory
    assert main(site.argv(site.out)) == 0 and gc.isenabled()
    site.build()
    assert gc.isenabled()
    monkeypatch.setattr(memory, "_pausing_allowed", [False])
    memory.allow_pausing()              # what the program does (cli.main with no argv, serve)
    # A touched article: an incremental build that loads the cache, never the no-change shortcut
    # (which loads nothing, and which a machine's speed decides: a save within 2 s defeats it).
    path = next((site.root / "content").rglob("*.md"))
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    try:
        result = site.build()
        assert result.incremental and not result.shortcut and not gc.isenabled()
    finally:
        gc.enable()
