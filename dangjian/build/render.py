"""Render planned pages through Jinja2 templates.

The site's own `templates/` folder overrides the default theme file by file.
Autoescape is on and undefined names fail, so a template typo is an error,
not a silently empty page.
"""
from __future__ import annotations

import logging
from pathlib import Path

import jinja2
import jinja2.bccache
from jinja2 import pass_context
from markupsafe import Markup

from ..core.model import Site
from ..core.pages import Page
from ..core.plan import KIND_LABELS, SITE_GLOBALS
from ..core.urls import HOME, NOT_FOUND, SEARCH, Urls, relative
from ..errors import TemplateError
from ..options import THEME

log = logging.getLogger(__name__)


class _BytecodeCache(jinja2.FileSystemBytecodeCache):
    """Jinja's bytecode cache, but a cache that cannot be read or written (its folder removed by
    another build, a full disk) only costs compiling again: it never fails the build."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except OSError:
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


class Renderer:
    def __init__(self, site: Site, urls: Urls, templates_dir: Path | None = None, compiled: Path | None = None,
                 static_names: dict[str, str] | None = None, frames: bool = True):
        self.site = site
        self.urls = urls
        self.static_names = static_names or {}
        search_path = [str(templates_dir)] if templates_dir and templates_dir.is_dir() else []
        search_path.append(str(THEME / "templates"))
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(search_path),
            autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            auto_reload=False,      # templates do not change during a build; skips a stat per include
            # Compiled templates kept between builds (checked against each template's text):
            # compiling them was a tenth of a second of every incremental build.
            bytecode_cache=_BytecodeCache(str(compiled)) if compiled else None,
        )
        self.env.policies["json.dumps_kwargs"] = {"ensure_ascii": False, "sort_keys": True}    # latest.json: readable
        self.env.globals.update(
            site=site, config=site.config, url=self._url, abs_url=self._abs_url, static=self._static,
            static_names=self.static_names,     # what every page links: in the incremental build's global key
            kind_labels=KIND_LABELS, HOME=HOME, NOT_FOUND=NOT_FOUND, SEARCH=SEARCH, urls=urls,
            **{name: make(site, urls) for name, (_, make) in SITE_GLOBALS.items()},
        )
        self._templates: dict[str, jinja2.Template] = {}
        # The frame every page repeats (header, navigation, sidebar, footer), rendered once per key
        # (see `_frame`). A site's own copy of a partial is never cached: it may read anything.
        own = Path(templates_dir) if templates_dir and templates_dir.is_dir() else None
        self._own = {n for n in self.env.list_templates() if own is not None and (own / n).is_file()}
        self._frames: dict[tuple, Markup] | None = {} if frames else None
        self.env.globals["frame"] = self._frame

    @pass_context
    def _url(self, ctx, target, page: int = 1) -> str:
        """Relative link from the page being rendered to `target`."""
        return relative(ctx["page"].path, self.urls.path_of(target, page))

    def _abs_url(self, target, page: int = 1) -> str:
        return self.urls.absolute(self.urls.path_of(target, page))

    @pass_context
    def _static(self, ctx, name: str) -> str:
        """A theme or site static file, by the name with its content's hash where it has one."""
        return relative(ctx["page"].path, f"static/{self.static_names.get(name, name)}")

    @pass_context
    def _frame(self, ctx, name: str, *key) -> Markup:
        """`{{ frame("partials/header.html", page.kind, …) }}`: the partial rendered with this page's
        context, reused for every page at the same depth (links are relative) with the same `key`.
        The caller names in `key` everything of the page the partial shows; the rest is the site's
        frame, the same on every page (and in every page's signature: plan.navigation)."""
        page = ctx["page"]
        if name in self._own or self._frames is None:
            return self._partial(name, ctx)
        cache_key = (name, page.path.count("/"), key)
        html = self._frames.get(cache_key)
        if html is None:
            html = self._frames[cache_key] = self._partial(name, ctx)
        return html

    def _partial(self, name: str, ctx) -> Markup:
        """As `{% include %}` writes it (the line of the call keeps its own line break)."""
        html = self.template(name).render(ctx.get_all())
        return Markup(html[:-1] if html.endswith("\n") else html)

    def template(self, name: str) -> jinja2.Template:
        tpl = self._templates.get(name)
        if tpl is None:
            try:
                tpl = self._templates[name] = self.env.get_template(name)
            except jinja2.TemplateSyntaxError as exc:
                raise TemplateError(f'{exc.filename}:{exc.lineno}: 模板语法错误：{exc.message}\n'
                                    f'  File "{exc.filename}", line {exc.lineno}\n    {(exc.source or "").splitlines()[exc.lineno - 1].strip() if exc.source else ""}') from None
            except jinja2.TemplateNotFound as exc:
                raise TemplateError(f"找不到模板：{exc.name}（在 {', '.join(self.env.loader.searchpath)} 中）") from None
        return tpl

    def compile_all(self) -> None:
        """Every template compiled now, in this process: forked render workers (a fresh fork every
        ~2,000 pages) inherit them instead of each compiling them again."""
        for name in self.env.list_templates():
            try:
                self.env.get_template(name)
            except jinja2.TemplateError:
                pass                  # a page that uses it reports it, with its file and line

    def render(self, page: Page) -> bytes:
        try:
            return self.template(page.template).render(page=page).encode("utf-8")
        except TemplateError:
            raise
        except jinja2.TemplateError as exc:
            where = _template_frame(exc)
            head = f"{where[0]}:{where[1]}: " if where else ""
            detail = f'\n  File "{where[0]}", line {where[1]}\n    {where[2]}' if where and where[2] else ""
            raise TemplateError(f"{head}模板出错：{exc} — 渲染 {page.path} 时（{page.template}）；"
                                f"检查模板里的变量名{detail}") from None


def _template_frame(exc: BaseException) -> tuple[str, int, str] | None:
    """The innermost template file and line of a rendering error (Jinja rewrites tracebacks so
    template frames carry the template's own file name and line)."""
    found = None
    tb = exc.__traceback__
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if name.endswith((".html", ".xml", ".txt")):
            found = (name, tb.tb_lineno)
        tb = tb.tb_next
    if found is None:
        return None
    try:
        line = Path(found[0]).read_text(encoding="utf-8").splitlines()[found[1] - 1].strip()
    except (OSError, IndexError):
        line = ""
    return found[0], found[1], line
