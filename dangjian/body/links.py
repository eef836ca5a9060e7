"""Links written in an article's Markdown, resolved for its page.

Editors write links relative to the Markdown file (`../2024/other.md`,
`images/a.jpg`); pages live elsewhere. These callbacks, handed to markup.py,
turn them into links relative to the page, point photos at their resized
copies, report what does not exist, and record every lookup in `deps` so a
cached body is reused only while its links still resolve the same way.
"""
from __future__ import annotations

import posixpath
import re
from pathlib import Path
from urllib.parse import unquote

from typing import TYPE_CHECKING

from .. import problems as P
from ..core.content import Source
from ..core.lines import line_of, source_line
from ..core.urls import Urls, relative
from ..errors import Report
from . import images as img

if TYPE_CHECKING:
    from .markup import ImageRef


# D:\照片\a.jpg, file:///C:/…, \\server\… (Markdown turns a leading \\ into \)
_ON_A_COMPUTER = re.compile(r"^(?:[A-Za-z]:[\\/]|file:|\\)", re.I)


def _external(value: str) -> bool:
    return not value or value.startswith(("#", "/", "//", "data:")) or ":" in value.split("/")[0]


def _written_wrong(src: Source, attribute: str, value: str, report: Report) -> str | None:
    """A path pasted from a computer (reported; None: nothing to link to), or the value with any
    backslashes turned into slashes (reported, and resolved as the editor meant)."""
    kind = "image" if attribute == "src" else "file"
    if _ON_A_COMPUTER.match(value):
        name = re.split(r"[\\/]", value)[-1] or "a.jpg"
        line = line_of(src, value)
        report.add(P.COMPUTER_PATH, src.path, line, source_line(src, line), target=value,
                   what="图片" if kind == "image" else "链接的文件", where="images" if kind == "image" else "files",
                   name=name)
        return None
    if "\\" in value:
        fixed = value.replace("\\", "/")
        line = line_of(src, value)
        report.add(P.BACKSLASH_PATH, src.path, line, source_line(src, line), target=value, fixed=fixed)
        return fixed
    return value


def target(src: Source, value: str) -> str:
    """The content path that a link written in `src` points to (query and fragment dropped)."""
    path = value.strip().replace("\\", "/").partition("#")[0].partition("?")[0]
    return posixpath.normpath(posixpath.join(posixpath.dirname(src.rel), unquote(path)))


def rewriter(src: Source, urls: Urls, assets: set[str], report: Report, images: dict[str, img.Source],
             content: Path, deps: list | None = None):
    """Links relative to the Markdown file → links relative to its page."""
    deps = deps if deps is not None else []
    page = urls.articles[src.rel]
    folder = posixpath.dirname(src.rel)

    def rewrite(attribute: str, value: str) -> str | None:
        value = _written_wrong(src, attribute, value.strip(), report)
        if value is None or _external(value):
            return value
        path, _, fragment = value.partition("#")
        path, _, query = path.partition("?")
        dest_rel = posixpath.normpath(posixpath.join(folder, unquote(path)))
        suffix = ("?" + query if query else "") + ("#" + fragment if fragment else "")
        if dest_rel.startswith("../") or dest_rel == "..":
            line = line_of(src, path)
            report.add(P.OUTSIDE_CONTENT, src.path, line, source_line(src, line), target=path)
            return None
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
        value = value.strip().replace("\\", "/")      # reported by the rewriter
        if _external(value) or _ON_A_COMPUTER.match(value):
            return None
        dest_rel = target(src, value)
        source = images.get(dest_rel)
        deps.append(("image", dest_rel, source.digest if source else None))
        if source is None:
            return None

        def srcset(fmt: str) -> str:
            return ", ".join(f"{relative(page, urls.image_variant(source.rel, w, fmt))} {w}w"
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
    """The cover must be a file below content/ (beside the article, or as written from content/)."""
    if not src.cover:
        return
    line = src.lines.get("cover", 1)

    def add(check, **values) -> None:
        quoted = src.path.read_text("utf-8-sig").split("\n")[line - 1] if "cover" in src.lines else None
        report.add(check, src.path, line, quoted, "cover", **values)
    if _ON_A_COMPUTER.match(src.cover):
        add(P.COMPUTER_PATH, target=src.cover, what="封面图片", where="images", name=re.split(r"[\\/]", src.cover)[-1])
        return
    cover = src.cover.replace("\\", "/")
    if cover != src.cover:
        add(P.BACKSLASH_PATH, target=src.cover, fixed=cover)
    near = target(src, cover)
    if near.startswith(("../", "/")) or near == "..":
        add(P.OUTSIDE_CONTENT, target=src.cover)
        return
    deps += [("asset", cover, cover in assets), ("asset", near, near in assets)]
    if cover not in assets and near not in assets:
        add(P.MISSING_COVER, cover=src.cover)


