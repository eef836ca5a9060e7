"""Photos beside the articles: resized, recompressed and stripped of metadata.

Every JPEG/PNG/WebP below content/ becomes a few widths (never upscaled) in two
formats: WebP for current browsers and JPEG as the fallback, because many
elderly readers use hand-me-down phones (iOS 12 Safari has no WebP). The
original file is never published: photos of patients and staff often carry GPS
coordinates in their EXIF, and Pillow writes no EXIF, XMP or ICC unless told to.

Processed variants are cached in `.cache/images/` beside the output folder,
keyed by a hash of the source bytes plus the processing settings, so an
unchanged photo is decoded only once across builds. Planning (sizes, names)
reads only the cache or the image header; pixels are processed when written.
"""
from __future__ import annotations

import hashlib
import io
import json
import logging
import math
import os
import posixpath
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .. import problems as P
from ..errors import Report

if TYPE_CHECKING:
    from PIL import Image


log = logging.getLogger(__name__)

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp"}
# Camera formats that carry EXIF/GPS but that we do not convert: never published, the editor is told to save a JPG.
WITHHELD_SUFFIXES = {".heic", ".heif", ".avif", ".tif", ".tiff", ".dng", ".cr2", ".nef", ".arw", ".raw"}
WIDTHS = (480, 960, 1440)
FORMATS = ("webp", "jpg")           # the first is offered via <source>, the last is the <img> fallback
WEBP_QUALITY = 80
JPEG_QUALITY = 82
SHARE_WIDTH = 960                   # the variant used for og:image (social apps want JPEG, ≥600 px)
# Bump when the processing changes, so cached variants made the old way are not reused.
SETTINGS = f"v1:{WIDTHS}:{FORMATS}:{WEBP_QUALITY}:{JPEG_QUALITY}"


def is_image(rel: str) -> bool:
    return posixpath.splitext(rel)[1].lower() in IMAGE_SUFFIXES


def is_withheld(rel: str) -> bool:
    return posixpath.splitext(rel)[1].lower() in WITHHELD_SUFFIXES


def variant_widths(width: int) -> tuple[int, ...]:
    """The widths to make from a source `width` px wide: the standard ones below it, plus it (capped)."""
    out = [w for w in WIDTHS if w < width]
    top = min(width, WIDTHS[-1])
    if top not in out:
        out.append(top)
    return tuple(out)


@dataclass(frozen=True)
class Source:
    """One source image: where it is, its content hash and its displayed size (after EXIF rotation)."""

    rel: str                        # below content/
    path: Path
    digest: str
    width: int
    height: int

    @property
    def widths(self) -> tuple[int, ...]:
        return variant_widths(self.width)

    def height_at(self, width: int) -> int:
        return max(1, round(self.height * width / self.width))

    @property
    def share_width(self) -> int:
        fits = [w for w in self.widths if w >= SHARE_WIDTH]
        return fits[0] if fits else self.widths[-1]


@dataclass
class Stats:
    processed: int = 0              # sources decoded and encoded in this build
    cached: int = 0                 # sources whose variants all came from the cache


class ImageCache:
    """Content-addressed store of processed variants: `<digest>/<width>.<fmt>` plus `meta.json`."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.stats = Stats()
        self._done: set[str] = set()
        # path → [size, mtime_ns, digest]: an unchanged photo is not read and hashed again.
        self._index_file = folder.parent / f"{folder.name}-index.json"
        try:
            self._index = json.loads(self._index_file.read_text())
        except (OSError, ValueError):
            self._index = {}
        self._seen: dict[str, list] = {}

    def _dir(self, digest: str) -> Path:
        return self.folder / digest[:2] / digest

    def inspect(self, rel: str, path: Path, st: os.stat_result | None = None) -> Source:
        """Hash the file and find its size; raises ValueError for a file that is not a usable image.

        With the file's `st`, a photo whose size and mtime match the last build (and that was
        not saved in the last two seconds, when a second save may keep the same mtime) is
        taken by its recorded digest without being read."""
        key = str(path)
        hit = self._index.get(key) if st is not None else None
        if hit and hit[:2] == [st.st_size, st.st_mtime_ns] and st.st_mtime_ns < time.time_ns() - 2_000_000_000:
            found = self._known(rel, path, hit[2])
            if found is not None:
                self._seen[key] = hit
                return found
        data = path.read_bytes()
        digest = hashlib.sha256(SETTINGS.encode() + b"\0" + data).hexdigest()
        if st is not None:
            self._seen[key] = [st.st_size, st.st_mtime_ns, digest]
        found = self._known(rel, path, digest)
        if found is not None:
            return found
        from PIL import Image, UnidentifiedImageError     # Pillow loads only when a photo is new
        try:
            with Image.open(io.BytesIO(data)) as im:
                width, height = im.size
                if _quarter_turn(im):                                 # shown rotated a quarter turn
                    width, height = height, width
        except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
            raise ValueError(str(exc)) from None
        return Source(rel, path, digest, width, height)

    def _known(self, rel: str, path: Path, digest: str) -> Source | None:
        """The source as measured by an earlier build (its meta.json), if there is one."""
        try:
            size = json.loads((self._dir(digest) / "meta.json").read_text())
            return Source(rel, path, digest, int(size["width"]), int(size["height"]))
        except (OSError, ValueError, KeyError):
            return None

    def save_index(self) -> None:
        """Record the photos of this build (and only those) for the next one."""
        if self._seen != self._index:
            self._index_file.parent.mkdir(parents=True, exist_ok=True)
            _atomic_write(self._index_file, json.dumps(self._seen).encode())
            self._index = dict(self._seen)

    def variant(self, source: Source, width: int, fmt: str) -> bytes:
        """The bytes of one variant, from the cache or made now (all variants of the source at once)."""
        return self.variant_path(source, width, fmt).read_bytes()

    def variant_path(self, source: Source, width: int, fmt: str) -> Path:
        """The cached file of one variant, made now if missing (all variants of the source at once)."""
        if source.digest not in self._done:
            self._ensure(source)
        return self._dir(source.digest) / f"{width}.{fmt}"

    def _ensure(self, source: Source) -> None:
        folder = self._dir(source.digest)
        wanted = [folder / f"{w}.{f}" for w in source.widths for f in FORMATS]
        if all(p.exists() for p in wanted) and (folder / "meta.json").exists():
            self.stats.cached += 1
        else:
            folder.mkdir(parents=True, exist_ok=True)
            for name, data in process(source.path.read_bytes(), source.widths).items():
                _atomic_write(folder / name, data)
            _atomic_write(folder / "meta.json",
                          json.dumps({"width": source.width, "height": source.height, "rel": source.rel}).encode())
            self.stats.processed += 1
            log.debug("图片已处理：%s", source.rel)
        self._done.add(source.digest)


def inspect_all(content: Path, assets: list[tuple[str, os.stat_result]], cache: ImageCache,
                report: Report) -> dict[str, Source]:
    """The photos below content/ that will be published as resized variants; the others are reported."""
    found = {}
    for rel, st in assets:
        if is_withheld(rel):
            report.add(P.WITHHELD_IMAGE, content / rel, None, rel=rel)
            continue
        if not is_image(rel):
            continue
        try:
            found[rel] = cache.inspect(rel, content / rel, st)
        except ValueError as exc:
            # Not published at all: a file we cannot decode might still carry GPS data.
            report.add(P.UNREADABLE_IMAGE, content / rel, None, rel=rel, reason=exc)
    return found


def process(data: bytes, widths: tuple[int, ...]) -> dict[str, bytes]:
    """Decode once, then encode every width in every format, with no metadata at all."""
    from PIL import Image, ImageOps
    with Image.open(io.BytesIO(data)) as opened:
        stored_w, stored_h = opened.size
        full_w, full_h = (stored_h, stored_w) if _quarter_turn(opened) else (stored_w, stored_h)
        if opened.format == "JPEG":
            # Let libjpeg decode at 1/2, 1/4 or 1/8 scale when that still covers the widest variant:
            # a 12-megapixel photo decodes several times faster. `draft` never goes below the size asked.
            scale = max(widths) / full_w
            opened.draft("RGB", (math.ceil(stored_w * scale), math.ceil(stored_h * scale)))
        im = ImageOps.exif_transpose(opened)        # bake the rotation in; the EXIF tag is not kept
        im.load()
    im = _to_srgb(im)
    has_alpha = im.mode in ("RGBA", "LA") or (im.mode == "P" and "transparency" in im.info)
    im = im.convert("RGBA" if has_alpha else "RGB")
    im.info = {}                                    # nothing from the source (EXIF, XMP, ICC, comments) travels on
    out = {}
    for width in widths:
        height = max(1, round(full_h * width / full_w))    # as planned from the full size (Source.height_at)
        small = im if width == im.width else im.resize((width, height), Image.LANCZOS, reducing_gap=3.0)
        small.info = {}
        buf = io.BytesIO()
        small.save(buf, "WEBP", quality=WEBP_QUALITY, method=4)
        out[f"{width}.webp"] = buf.getvalue()
        flat = small
        if has_alpha:                               # JPEG has no alpha: flatten onto the page's white
            flat = Image.new("RGB", small.size, (255, 255, 255))
            flat.paste(small, mask=small.getchannel("A"))
        buf = io.BytesIO()
        flat.save(buf, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
        out[f"{width}.jpg"] = buf.getvalue()
    return out


def _quarter_turn(im: Image.Image) -> bool:
    return im.getexif().get(0x0112, 1) in (5, 6, 7, 8)


def _to_srgb(im: Image.Image) -> Image.Image:
    """Convert from an embedded colour profile (e.g. iPhone Display P3) so dropping it keeps the colours."""
    from PIL import ImageCms
    icc = im.info.get("icc_profile")
    if im.mode == "CMYK":
        im = im.convert("RGB") if not icc else im
    if not icc:
        return im
    try:
        mode = "RGBA" if im.mode in ("RGBA", "LA") else "RGB"
        return ImageCms.profileToProfile(im, ImageCms.ImageCmsProfile(io.BytesIO(icc)),
                                         ImageCms.createProfile("sRGB"), outputMode=mode)
    except (ImageCms.PyCMSError, OSError, ValueError):
        return im.convert("RGB") if im.mode == "CMYK" else im


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
