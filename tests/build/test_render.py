"""build/render.py: template errors name the template file and line, never a traceback."""
from pathlib import Path


from conftest import ROOT


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_template_errors_name_the_template_file_and_line(tmp_path, capsys):
    from dangjian.cli import main
    templates = tmp_path / "templates"
    write(templates / "404.html", '{% extends "base.html" %}\n{% block main %}\n<h1>{{ page.no_such_field }}</h1>\n'
          '{% endblock %}\n')
    args = ["build", "--content", str(ROOT / "content"), "--config", str(ROOT / "site.toml"),
            "--templates", str(templates), "--out", str(tmp_path / "site")]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert f"{templates / '404.html'}:3: 模板出错" in err and "no_such_field" in err and "Traceback" not in err
    write(templates / "404.html", "{% extends 'base.html' %}\n{% block main %}\n{% if %}\n")
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "404.html:3: 模板语法错误" in err and "Traceback" not in err
    assert not (tmp_path / "site").exists()


def _renderer(templates=None, frames=True):
    from dataclasses import replace as _replace

    from dangjian.build.gather import gather
    from dangjian.build.render import Renderer
    from dangjian.core import plan
    from dangjian.core.model import build_site
    from dangjian.incremental.rebuild import Rebuild
    from dangjian.options import Options
    options = Options(content=ROOT / "content", config=ROOT / "site.toml", out=ROOT / "build" / "unused", search=False,
                      cache=False)
    g = gather(options, Rebuild(_replace(options, cache=False)))
    site = build_site(g.config, g.sources, g.bodies, g.covers, None, g.withdrawn, g.pending, g.today, g.intros,
                      g.pictures)
    for kind, terms in (("tag", site.tags), ("source", site.sources), ("author", site.authors)):
        g.urls.assign_terms(kind, terms)
    return Renderer(site, g.urls, templates, frames=frames), list(plan.plan(site, g.urls))


def test_the_frame_rendered_once_per_key_equals_rendering_it_on_every_page():
    """header, sidebar and footer are rendered once per depth and key (`frame`): every page of the sample
    site comes out byte for byte as when each page renders them itself."""
    cached, pages = _renderer()
    plain, _ = _renderer(frames=False)
    assert len(pages) > 100
    assert [p.path for p in pages if cached.render(p) != plain.render(p)] == []
    assert len(cached._frames) < len(pages) / 2          # 136 pages, 56 frames here; at 10,000 articles, some 150


def test_a_sites_own_frame_partial_is_rendered_for_each_page(tmp_path):
    """A site's copy of a partial may read anything of the page: it is never reused across pages."""
    templates = tmp_path / "templates"
    write(templates / "partials" / "footer.html", '<footer class="site-footer"><p>本页：{{ page.title }}</p></footer>\n')
    renderer, pages = _renderer(templates)
    articles = [p for p in pages if p.kind == "article"][:3]
    for page in articles:
        assert f"<p>本页：{page.title}</p>" in renderer.render(page).decode()


def test_the_signer_follows_partials_rendered_through_frame(tmp_path):
    """A frame partial that reads a site facet makes the templates using it depend on that facet."""
    import jinja2

    from dangjian.incremental.signatures import template_facets
    write(tmp_path / "base.html", '{{ frame("partials/side.html", page.kind) }}')
    write(tmp_path / "partials" / "side.html", "{% for t in site.tags %}{{ t.name }}{% endfor %}")
    facets = template_facets(jinja2.Environment(loader=jinja2.FileSystemLoader(str(tmp_path))))
    assert facets["base.html"] == {"tags"}


def test_templates_compiled_ahead_of_rendering_fail_only_where_used(tmp_path, monkeypatch):
    """Every template is compiled before the pages are rendered (so forked workers inherit them):
    a broken file that no page uses does not fail the build; a used one still does (see above)."""
    from dangjian.build import render
    from dangjian.cli import main
    from dangjian.util import parallel
    monkeypatch.setattr(parallel, "MIN_PARALLEL", 1)         # the sample's pages: rendered over workers
    compiled = []
    monkeypatch.setattr(render.Renderer, "compile_all",
                        lambda self, _all=render.Renderer.compile_all: compiled.append(1) or _all(self))
    templates = tmp_path / "templates"
    write(templates / "draft-unused.html", "{% if %}\n")
    args = ["build", "--content", str(ROOT / "content"), "--config", str(ROOT / "site.toml"),
            "--templates", str(templates), "--out", str(tmp_path / "site"), "--no-search"]
    assert main(args) == 0 and compiled
    assert (tmp_path / "site" / "index.html").is_file()
