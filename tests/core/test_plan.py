"""Above the sitemaps.org limit of 50,000 URLs, sitemap.xml becomes an index of parts."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from conftest import build_site
from dangjian.core import plan

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def locs(path):
    return [e.text for e in ET.parse(path).getroot().findall("s:url/s:loc", NS)]


def test_small_site_has_one_sitemap(sample_site):
    root = ET.parse(sample_site / "sitemap.xml").getroot()
    assert root.tag.endswith("urlset") and len(locs(sample_site / "sitemap.xml")) > 10
    assert not (sample_site / "sitemap-1.xml").exists()


def test_large_site_gets_a_sitemap_index(tmp_path, sample_site, monkeypatch):
    monkeypatch.setattr(plan, "SITEMAP_LIMIT", 7)
    out = build_site(tmp_path, None, "--no-cache")
    index = ET.parse(out / "sitemap.xml").getroot()
    assert index.tag.endswith("sitemapindex")
    parts = [e.text for e in index.findall("s:sitemap/s:loc", NS)]
    assert parts and all(p.startswith("https://www.example-hospital.cn/djgz/sitemap-") for p in parts)
    found = []
    for url in parts:
        part = locs(out / url.rsplit("/", 1)[1])
        assert 0 < len(part) <= 7
        found += part
    assert found == locs(sample_site / "sitemap.xml")      # same URLs, same order, none twice
