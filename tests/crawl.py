"""Crawl a built site from index.html the way a reader (and ../shared/tools/smoke.py) would."""
from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        for key, value in attrs:
            if key in ("href", "src") and value:
                self.links.append(value)


def resolve(site: Path, page: Path, link: str) -> Path | None:
    parts = urlsplit(link)
    if parts.scheme or parts.netloc or link.startswith(("#", "mailto:", "tel:", "data:")):
        return None
    path = unquote(parts.path)
    if not path:
        return None
    target = (site / path.lstrip("/")) if path.startswith("/") else (page.parent / path)
    if path.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target.resolve()


def crawl(site: Path) -> tuple[set[Path], list[str]]:
    """Pages reached from index.html and the internal links that point nowhere."""
    site = site.resolve()
    start = site / "index.html"
    seen: set[Path] = set()
    queue, broken = [start], []
    while queue:
        page = queue.pop()
        if page in seen or not page.exists():
            continue
        seen.add(page)
        parser = Links()
        parser.feed(page.read_text(encoding="utf-8"))
        for link in parser.links:
            target = resolve(site, page, link)
            if target is None:
                continue
            if not target.exists():
                broken.append(f"{page.relative_to(site)} -> {link}")
            elif target.suffix == ".html" and target not in seen:
                queue.append(target)
    return seen, broken
