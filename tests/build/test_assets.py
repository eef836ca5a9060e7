"""build/assets.py: what is copied besides pages: attachments yes, photo originals never, static files
from the theme overridden by the site's own."""
from __future__ import annotations

import shutil

from pathlib import Path

from PIL import Image

from conftest import ROOT
from dangjian.body.images import ImageCache, inspect_all
from dangjian.build.assets import copies, fingerprints, static_files
from dangjian.config import load_config
from dangjian.core.content import find
from dangjian.core.urls import Urls
from dangjian.errors import Report
from dangjian.options import THEME, Options


def test_attachments_are_copied_photos_only_as_variants_and_camera_formats_never(tmp_path: Path):
    content = tmp_path / "content"
    folder = content / "news" / "2024"
    folder.mkdir(parents=True)
    (folder / "通知.pdf").write_bytes(b"%PDF-1.4")
    Image.new("RGB", (1200, 800), (180, 30, 30)).save(folder / "photo.jpg")
    (folder / "iphone.HEIC").write_bytes(b"\0\0\0\x18ftypheic")
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "style.css").write_text("/* the site's own */", "utf-8")
    (tmp_path / "site.toml").write_text((ROOT / "site.toml").read_text("utf-8"), "utf-8")
    shutil.copytree(ROOT / "static", tmp_path / "static", dirs_exist_ok=True)   # the sample's topic banners
    options = Options(content=content, config=tmp_path / "site.toml", out=tmp_path / "site")
    _, assets = find(content)
    report = Report()
    cache = ImageCache(options.image_cache)
    images = inspect_all(content, assets, cache, report)
    urls = Urls(load_config(options.config), [], report)
    found = copies(options, urls, [rel for rel, _ in assets], images, cache)
    assert found["news/2024/通知.pdf"] == folder / "通知.pdf"
    assert "news/2024/photo.jpg" not in found and not any("iphone" in p for p in found)
    assert {"news/2024/photo-480w.webp", "news/2024/photo-960w.jpg"} <= set(found)
    assert [p.code for p in report.problems] == ["withheld-image"]
    assert found["static/style.css"] == tmp_path / "static" / "style.css"        # the site's own wins
    assert found["favicon.ico"] == THEME / "static" / "favicon.ico"


def test_static_files_skip_hidden_names(tmp_path: Path):
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / ".DS_Store").write_bytes(b"x")
    options = Options(config=tmp_path / "site.toml")
    assert ".DS_Store" not in static_files(options) and "search.js" in static_files(options)


def test_stylesheets_and_scripts_are_also_published_under_their_contents_hash(tmp_path: Path):
    (tmp_path / "a.css").write_text("body{}", "utf-8")
    (tmp_path / "b.js").write_text("let x;", "utf-8")
    (tmp_path / "c.png").write_bytes(b"\x89PNG")
    named = fingerprints({"a.css": tmp_path / "a.css", "js/b.js": tmp_path / "b.js", "c.png": tmp_path / "c.png"})
    assert set(named) == {"a.css", "js/b.js"}
    import hashlib
    import re
    assert named["a.css"] == f"a.{hashlib.sha256(b'body{}').hexdigest()[:10]}.css"
    assert re.fullmatch(r"js/b\.[0-9a-f]{10}\.js", named["js/b.js"])
    (tmp_path / "a.css").write_text("body{color:red}", "utf-8")
    assert fingerprints({"a.css": tmp_path / "a.css"})["a.css"] != named["a.css"]
