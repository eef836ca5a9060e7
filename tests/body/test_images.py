"""Photos are resized, recompressed and stripped of EXIF/GPS; originals are never published."""
from __future__ import annotations

import os
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import Image

from conftest import ROOT
from dangjian.build.pipeline import build
from dangjian.cli import main
from dangjian.options import Options

GPS_IFD = 0x8825
ARTICLE = """---
title: 党员志愿者门诊服务图片报道
date: 2025-05-01 09:00
cover: images/big.jpg
---

第一段文字，介绍活动背景。

![社区服务点](images/small.png)

第二段文字，介绍活动经过。

![党员志愿者为老人测量血压](images/big.jpg)
图：志愿者在门诊大厅为老人测量血压

第三段文字。
"""


class Imgs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.imgs, self.sources, self.meta, self.captions, self._cap = [], [], {}, [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "img" and "static/" not in a.get("src", ""):      # the body's photos, not the site's logo or banners
            self.imgs.append(a)
        elif tag == "source":
            self.sources.append(a)
        elif tag == "meta" and "property" in a:
            self.meta[a["property"]] = a["content"]
        elif tag == "figcaption":
            self._cap = ""

    def handle_data(self, data):
        if self._cap is not None:
            self._cap += data

    def handle_endtag(self, tag):
        if tag == "figcaption":
            self.captions.append(self._cap)
            self._cap = None


def _gps_jpeg(path: Path, size=(3000, 2000), orientation=6) -> None:
    """A large camera-like JPEG with GPS coordinates, a camera model and a rotation in its EXIF."""
    im = Image.linear_gradient("L").resize(size).convert("RGB")
    exif = Image.Exif()
    exif[0x010F] = "TestCam"          # Make
    exif[0x0112] = orientation         # Orientation: rotate 90° to display
    exif[GPS_IFD] = {1: "N", 2: (30.0, 35.0, 12.5), 3: "E", 4: (114.0, 18.0, 7.25)}
    im.save(path, "JPEG", quality=92, exif=exif.tobytes())
    with Image.open(path) as check:   # the fixture really carries GPS, or the test proves nothing
        assert check.getexif().get_ifd(GPS_IFD)


def _site(tmp: Path) -> tuple[Path, Options]:
    content = tmp / "content"
    folder = content / "news" / "2025"
    (folder / "images").mkdir(parents=True)
    (folder / "tupian-baodao.md").write_text(ARTICLE, encoding="utf-8")
    _gps_jpeg(folder / "images" / "big.jpg")
    Image.new("RGBA", (400, 300), (200, 30, 30, 128)).save(folder / "images" / "small.png")
    return content, Options(content=content, out=tmp / "site", config=ROOT / "site.toml",
                            templates=ROOT / "templates")


def test_large_gps_jpeg_is_resized_stripped_and_cached(tmp_path: Path):
    content, options = _site(tmp_path)
    first = build(options)
    assert (first.images_processed, first.images_cached) == (2, 0)
    out = options.out
    published = sorted(p.relative_to(out).as_posix() for p in (out / "news" / "2025" / "images").iterdir())
    # Three widths, never upscaled, in WebP and JPEG; the rotated 3000×2000 photo is 2000 px wide upright.
    assert published == sorted(f"news/2025/images/{n}-{w}w.{f}" for n, ws in (("big", (480, 960, 1440)), ("small", (400,)))
                               for w in ws for f in ("jpg", "webp"))
    originals = {(content / "news/2025/images" / n).read_bytes() for n in ("big.jpg", "small.png")}
    for path in out.rglob("*"):
        if path.is_file():
            assert path.name not in ("big.jpg", "small.png")
            assert path.read_bytes() not in originals
    for path in (out / "news" / "2025" / "images").iterdir():
        data = path.read_bytes()
        with Image.open(path) as im:
            assert not im.getexif(), path
            assert not im.getexif().get_ifd(GPS_IFD), path
            assert not {"exif", "xmp", "XML:com.adobe.xmp", "icc_profile", "comment"} & set(im.info), (path, im.info.keys())
            if path.name.startswith("big-1440w"):
                assert im.size == (1440, 2160)          # upright: the EXIF rotation is applied to the pixels
        assert b"Exif\x00\x00" not in data and b"TestCam" not in data, path

    page = out / "news/2025/tupian-baodao/index.html"
    html = page.read_text(encoding="utf-8")
    parsed = Imgs()
    parsed.feed(html)
    small, big = parsed.imgs
    assert "loading" not in small                       # the first image may be above the fold
    assert big["loading"] == "lazy"
    assert (big["width"], big["height"]) == ("1440", "2160")
    assert (small["width"], small["height"]) == ("400", "300")
    assert big["src"] == "../../../news/2025/images/big-960w.jpg"
    assert [c.strip().split(" ")[1] for c in big["srcset"].split(",")] == ["480w", "960w", "1440w"]
    for candidate in big["srcset"].split(","):
        assert (page.parent / candidate.strip().split(" ")[0]).exists()
    assert big["sizes"]
    webp = [s for s in parsed.sources if "big-480w.webp" in s["srcset"]]
    assert webp and webp[0]["type"] == "image/webp"
    assert "志愿者在门诊大厅为老人测量血压" in parsed.captions      # from the 图： line
    assert "图：" not in html
    assert parsed.meta["og:image"].endswith("/news/2025/images/big-960w.jpg")

    # A rebuild decodes nothing: every variant comes from .cache/images/, untouched.
    cache = options.image_cache
    assert cache == tmp_path / ".cache" / "images"
    stamps = {p: p.stat().st_mtime_ns for p in cache.rglob("*") if p.is_file()}
    assert len(stamps) == 3 * 2 + 1 * 2 + 2                 # variants of both photos + two meta.json
    second = build(options)
    assert (second.images_processed, second.images_cached) == (0, 2)
    assert {p: p.stat().st_mtime_ns for p in cache.rglob("*") if p.is_file()} == stamps
    assert (out / "news/2025/images/big-960w.jpg").exists()

    # A changed photo is processed again (and only that one).
    _gps_jpeg(content / "news/2025/images/big.jpg", size=(1000, 800), orientation=1)
    third = build(options)
    assert (third.images_processed, third.images_cached) == (1, 1)
    assert sorted(p.name for p in (out / "news/2025/images").glob("big-*")) == [
        "big-1000w.jpg", "big-1000w.webp", "big-480w.jpg", "big-480w.webp", "big-960w.jpg", "big-960w.webp"]


def test_unreadable_image_is_not_published(tmp_path: Path, caplog):
    content, options = _site(tmp_path)
    bad = content / "news/2025/images/broken.jpg"
    bad.write_bytes(b"\xff\xd8\xff\xe1" + b"Exif\x00\x00GPS" * 10)
    result = build(options)
    assert any("broken.jpg" in p.message for p in result.warnings)
    assert not list(options.out.rglob("broken*"))


def _article(tmp: Path, body: str) -> Path:
    folder = tmp / "content" / "news" / "2025"
    (folder / "images").mkdir(parents=True)
    Image.new("RGB", (800, 600), (30, 90, 160)).save(folder / "images" / "a.jpg")
    (folder / "a.md").write_text(f"---\ntitle: 测试文章\ndate: 2025-05-01\n---\n\n{body}\n", encoding="utf-8")
    return tmp / "content"


def _argv(tmp: Path, content: Path, *extra: str) -> list[str]:
    return ["build", "--content", str(content), "--out", str(tmp / "site"), "--config", str(ROOT / "site.toml"),
            "--templates", str(ROOT / "templates"), *extra]


def test_missing_alt_warns_and_strict_fails(tmp_path: Path, capsys):
    content = _article(tmp_path, "正文。\n\n![](images/a.jpg)\n")
    assert main(_argv(tmp_path, content, "--strict")) == 1
    err = capsys.readouterr().err
    assert "图片缺少替代文字（alt）" in err and "a.md:" in err
    assert not (tmp_path / "site").exists()
    assert main(_argv(tmp_path, content)) == 0
    assert "图片缺少替代文字（alt）" in capsys.readouterr().err


def test_caption_from_title_and_editor_srcset_is_dropped(tmp_path: Path):
    body = ('![门诊大厅](images/a.jpg "党员志愿者在门诊大厅")\n\n'
            '<img src="images/a.jpg" alt="原始写法" srcset="javascript:alert(1) 1x, https://evil.example/x.jpg 2x">\n')
    content = _article(tmp_path, body)
    assert main(_argv(tmp_path, content, "-q")) == 0
    html = (tmp_path / "site/news/2025/a/index.html").read_text(encoding="utf-8")
    parsed = Imgs()
    parsed.feed(html)
    assert parsed.captions == ["党员志愿者在门诊大厅"]
    made, raw = parsed.imgs
    assert made["srcset"].startswith("../../../news/2025/images/a-480w.jpg 480w")
    assert "srcset" not in raw and "evil" not in html
    assert raw["src"] == "../../../news/2025/images/a-800w.jpg"          # raw HTML also points at a clean copy


@pytest.mark.parametrize("width,expected", [(300, (300,)), (480, (480,)), (1000, (480, 960, 1000)),
                                            (5000, (480, 960, 1440))])
def test_variant_widths_never_upscale(width, expected):
    from dangjian.body.images import variant_widths
    assert variant_widths(width) == expected


def test_camera_formats_we_cannot_clean_are_not_published(tmp_path: Path):
    # An iPhone HEIC or a TIFF carries the same GPS EXIF; copied verbatim it would leak it.
    content, options = _site(tmp_path)
    heic = content / "news/2025/images/iphone.HEIC"
    heic.write_bytes(b"\x00\x00\x00\x18ftypheic" + b"Exif\x00\x00GPS" * 10)
    result = build(options)
    assert any("iphone.HEIC" in p.message and "JPG" in p.hint for p in result.warnings)
    assert not list(options.out.rglob("iphone*"))


def test_an_unchanged_photo_is_not_read_again(tmp_path: Path):
    """A rebuild trusts a photo's size and mtime (older than two seconds) instead of re-hashing it."""
    content, options = _site(tmp_path)
    options = replace(options, cache=False)     # no build-cache shortcut: every build looks at every photo
    photo = content / "news/2025/images/big.jpg"
    hour_ago = photo.stat().st_mtime_ns - 3600 * 10**9
    os.utime(photo, ns=(hour_ago, hour_ago))
    build(options)
    variant = (tmp_path / "site/news/2025/images/big-960w.jpg").read_bytes()
    # Same size, same mtime, other bytes: only a build that reads the file could notice.
    data = bytearray(photo.read_bytes())
    data[len(data) // 2] ^= 0xFF
    photo.write_bytes(bytes(data))
    os.utime(photo, ns=(hour_ago, hour_ago))
    again = build(options)
    assert (again.images_processed, again.images_cached) == (0, 2)
    assert (tmp_path / "site/news/2025/images/big-960w.jpg").read_bytes() == variant
    # A photo saved again with a new mtime is read and processed again.
    os.utime(photo, ns=(hour_ago + 10**9, hour_ago + 10**9))
    assert build(options).images_processed == 1
