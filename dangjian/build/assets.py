"""What a build copies into the output besides rendered pages: attachments beside the
articles, resized photos (never the originals) and the theme's and the site's static files."""
from __future__ import annotations

import hashlib
from pathlib import Path

from ..body import images as img
from ..core.urls import Urls
from ..options import THEME, Options


def copies(options: Options, urls: Urls, published: set[str], images: dict[str, img.Source],
           image_cache: img.ImageCache, static_names: dict[str, str] | None = None) -> dict[str, Path]:
    """Output path → file copied there: the attachments and photos published (`published`: what an
    article links, what a public folder holds), photos only as resized copies (never the originals),
    and theme files (`static_names`: their hashed names, when the caller has them already)."""
    found = {}
    for rel in sorted(published):
        # Originals of photos are never published, nor camera formats we cannot strip of GPS data.
        if not img.is_image(rel) and not img.is_withheld(rel):
            found[urls.asset(rel) or rel] = options.content / rel
    for rel, source in images.items():
        if rel not in published:
            continue
        for width in source.widths:
            for fmt in img.FORMATS:
                found[urls.image_variant(rel, width, fmt) or rel] = image_cache.variant_path(source, width, fmt)
    statics = static_files(options)
    found.update({f"static/{rel}": src for rel, src in statics.items()})
    named = fingerprints(statics) if static_names is None else static_names
    found.update({f"static/{hashed}": statics[rel] for rel, hashed in named.items()})
    if "favicon.ico" in statics:         # browsers and audits ask for /favicon.ico when served at the host root
        found["favicon.ico"] = statics["favicon.ico"]
    return found


def static_files(options: Options) -> dict[str, Path]:
    """Theme static files, overridden file by file by the site's own static/ folder."""
    files = {}
    for root in (THEME / "static", options.static_dir):
        if root and root.is_dir():
            for path in sorted(root.rglob("*")):
                if path.is_file() and not path.name.startswith("."):
                    files[path.relative_to(root).as_posix()] = path
    return files


def picture_size(path: Path) -> tuple[int, int]:
    """A static picture's pixel size from its header (0, 0 for SVG or what Pillow cannot read)."""
    from PIL import Image, UnidentifiedImageError
    try:
        with Image.open(path) as im:
            return im.size
    except (OSError, UnidentifiedImageError, ValueError):
        return 0, 0


FINGERPRINTED = (".css", ".js")       # what pages load on every visit: served with a year-long cache


def fingerprints(statics: dict[str, Path]) -> dict[str, str]:
    """Stylesheets and scripts → the name they are also published under, with their content's hash
    (style.css → style.3f2a9c1b0d.css): pages link that name, so a server may cache it for a year and
    a changed file is a new name. The plain name stays for what links it from outside a template."""
    named = {}
    for rel, path in statics.items():
        stem, dot, suffix = rel.rpartition(".")
        if dot and "." + suffix.lower() in FINGERPRINTED:
            named[rel] = f"{stem}.{hashlib.sha256(path.read_bytes()).hexdigest()[:10]}.{suffix}"
    return named
