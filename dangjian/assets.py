"""What a build copies into the output besides rendered pages: attachments beside the
articles, resized photos (never the originals) and the theme's and the site's static files."""
from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from . import images as img
from .errors import Report
from .render import THEME

if TYPE_CHECKING:
    from .pipeline import Gathered, Options


def copies(options: Options, g: Gathered) -> dict[str, Path]:
    """Output path → file copied there: attachments, resized photos (never the originals), theme files."""
    found = {}
    for rel in g.assets:
        # Originals of photos are never published, nor camera formats we cannot strip of GPS data.
        if not img.is_image(rel) and not img.is_withheld(rel):
            found[g.urls.asset(rel) or rel] = options.content / rel
    for rel, source in g.images.items():
        for width in source.widths:
            for fmt in img.FORMATS:
                found[g.urls.image_variant(rel, width, fmt) or rel] = g.image_cache.variant_path(source, width, fmt)
    statics = static_files(options)
    found.update({f"static/{rel}": src for rel, src in statics.items()})
    if "favicon.ico" in statics:         # browsers and audits ask for /favicon.ico when served at the host root
        found["favicon.ico"] = statics["favicon.ico"]
    return found


def image_cache_folder(options: Options) -> Path:
    """Processed images are kept beside the output folder, in .cache/images/ (git-ignored)."""
    return options.out.resolve().parent / ".cache" / "images"


def inspect_images(content: Path, assets: list[tuple[str, os.stat_result]], cache: img.ImageCache,
                    report: Report) -> dict[str, img.Source]:
    found = {}
    for rel, st in assets:
        if img.is_withheld(rel):
            report.warn(content / rel, None, f"不支持这种图片格式，未发布：{rel}（这类照片常带拍摄地点等信息）",
                        "用看图软件或手机把它另存为 JPG，再在正文中引用 .jpg 文件")
            continue
        if not img.is_image(rel):
            continue
        try:
            found[rel] = cache.inspect(rel, content / rel, st)
        except ValueError as exc:
            # Not published at all: a file we cannot decode might still carry GPS data.
            report.warn(content / rel, None, f"图片无法读取，未发布：{rel}（{exc}）",
                        "用看图软件打开检查；可另存为 JPG 或 PNG 后替换")
    return found


def static_files(options: Options) -> dict[str, Path]:
    """Theme static files, overridden file by file by the site's own static/ folder."""
    files = {}
    own = options.static if options.static is not None else options.config.parent / "static"
    for root in (THEME / "static", own):
        if root and root.is_dir():
            for path in sorted(root.rglob("*")):
                if path.is_file() and not path.name.startswith("."):
                    files[path.relative_to(root).as_posix()] = path
    return files
