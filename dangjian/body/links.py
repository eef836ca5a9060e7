"""Links written in an article's Markdown, resolved for its page.

Editors write links relative to the Markdown file (`../2024/other.md`,
`images/a.jpg`); pages live elsewhere. These callbacks, handed to markup.py,
turn them into links relative to the page, point photos at their resized
copies, report what does not exist, and record every lookup in `deps` so a
cached body is reused only while its links still resolve the same way.
"""
from __future__ import annotations

import posixpath
from pathlib import Path
from urllib.parse import quote as _quote
from urllib.parse import unquote

from typing import TYPE_CHECKING

from .. import problems as P
from ..core.content import Source
from ..core.urls import Urls, relative
from ..errors import Report
from . import images as img

if TYPE_CHECKING:
    from .markup import ImageRef


def _external(value: str) -> bool:
    return not value or value.startswith(("#", "/", "//", "data:")) or ":" in value.split("/")[0]


def target(src: Source, value: str) -> str:
    """The content path that a link written in `src` points to (query and fragment dropped)."""
    path = value.strip().partition("#")[0].partition("?")[0]
    return posixpath.normpath(posixpath.join(posixpath.dirname(src.rel), unquote(path)))


def quote(path: str) -> str:
    """Percent-encode a URL path for srcset, where a space or comma would split the list."""
    return _quote(path, safe="/")


def rewriter(src: Source, urls: Urls, assets: set[str], report: Report, images: dict[str, img.Source],
             content: Path, deps: list | None = None):
    """Links relative to the Markdown file → links relative to its page."""
    deps = deps if deps is not None else []
    page = urls.articles[src.rel]
    folder = posixpath.dirname(src.rel)

    def rewrite(attribute: str, value: str) -> str | None:
        value = value.strip()
        if _external(value):
            return value
        path, _, fragment = value.partition("#")
        path, _, query = path.partition("?")
        dest_rel = posixpath.normpath(posixpath.join(folder, unquote(path)))
        suffix = ("?" + query if query else "") + ("#" + fragment if fragment else "")
        if dest_rel.startswith("../"):
            return value
        if dest_rel.endswith(".md"):
            dest = urls.articles.get(dest_rel)
            deps.append(("md", dest_rel, dest))
            if dest is None:
                line = line_of(src, path)
                check = P.UNPUBLISHED_LINK if (content / dest_rel).is_file() else P.BROKEN_LINK
                report.add(check, src.path, line, source_line(src, line), target=path)
                return None
            return relative(page, dest) + ("#" + fragment if fragment else "")
        image = images.get(dest_rel)
        deps.append(("image", dest_rel, image.digest if image else None))
        if image is not None:          # the original is not published: point at a resized copy
            return relative(page, urls.image_variant(dest_rel, image.share_width, img.FORMATS[-1])) + suffix
        deps.append(("asset", dest_rel, dest_rel in assets))
        if dest_rel in assets:
            return relative(page, urls.asset(dest_rel) or dest_rel) + suffix
        line = line_of(src, path)
        report.add(P.MISSING_IMAGE if attribute == "src" else P.MISSING_FILE, src.path, line, source_line(src, line),
                   target=path)
        return value

    return rewrite


def image_resolver(src: Source, urls: Urls, images: dict[str, img.Source], deps: list | None = None):
    """For markup: the resized variants of an image written in `src`, as srcsets relative to its page."""
    deps = deps if deps is not None else []
    page = urls.articles[src.rel]

    def resolve(value: str) -> ImageRef | None:
        value = value.strip()
        if _external(value):
            return None
        dest_rel = target(src, value)
        source = images.get(dest_rel)
        deps.append(("image", dest_rel, source.digest if source else None))
        if source is None:
            return None

        def srcset(fmt: str) -> str:
            return ", ".join(f"{quote(relative(page, urls.image_variant(source.rel, w, fmt)))} {w}w"
                             for w in source.widths)
        from .markup import ImageRef      # Markdown and nh3 load only when a body is converted
        return ImageRef(srcset(img.FORMATS[-1]), tuple((f"image/{f}", srcset(f)) for f in img.FORMATS[:-1]),
                        source.widths[-1], source.height_at(source.widths[-1]))

    return resolve


def report_missing_alt(src: Source, missing: list[str], report: Report) -> None:
    """Images written without alt text (found by markup while converting the body)."""
    for image in missing:
        line = line_of(src, image)
        report.add(P.MISSING_ALT, src.path, line, source_line(src, line), src=image)


def check_cover(src: Source, assets: set[str], report: Report, deps: list) -> None:
    """The cover must be a file beside the article (or below content/, as written)."""
    if not src.cover:
        return
    near = posixpath.normpath(posixpath.join(posixpath.dirname(src.rel), src.cover))
    deps += [("asset", src.cover, src.cover in assets), ("asset", near, near in assets)]
    if src.cover not in assets and near not in assets:
        line = src.lines.get("cover", 1)
        report.add(P.MISSING_COVER, src.path, line, source_line(src, line), field="cover", cover=src.cover)


def line_of(src: Source, needle: str) -> int:
    """The file line where `needle` first appears in the body (for messages)."""
    at = src.body.find(needle) if needle else -1
    return src.body_line + src.body.count("\n", 0, at) if at >= 0 else src.body_line


def source_line(src: Source, line: int) -> str | None:
    rows = src.body.split("\n")
    i = line - src.body_line
    return rows[i] if 0 <= i < len(rows) else None
