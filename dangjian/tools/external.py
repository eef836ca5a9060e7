"""`check --external`: the links to other websites in published articles, each opened once.

Off by default (it needs the network, and a slow site would slow every check). A page that is
gone (404, 410) is a serious problem; anything else (a timeout, a server error, a refused
connection) may pass, so it is a warning that names the reason.
"""
from __future__ import annotations

import socket
import ssl
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from typing import Iterable

from .. import problems as P
from ..core.lines import line_of, source_line
from ..errors import Problem
from .context import Context

TIMEOUT = 10
WORKERS = 8
GONE = (404, 410)
AGENT = "Mozilla/5.0 (compatible; dangjian-check; +https://github.com/)"


class _Links(HTMLParser):
    """The http(s) addresses an article body's HTML links to or shows (a, img, iframe, video, audio)."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value and value.startswith(("http://", "https://")):
                self.urls.append(value)


def urls_in(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return list(dict.fromkeys(parser.urls))


def probe(url: str) -> tuple[int | None, str]:
    """(HTTP status or None, reason in Chinese) for one address; HEAD first, GET where HEAD is refused."""
    for method in ("HEAD", "GET"):
        request = urllib.request.Request(url, method=method, headers={"User-Agent": AGENT})
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                return response.status, "正常"
        except urllib.error.HTTPError as exc:
            if method == "HEAD" and exc.code in (403, 405, 501):
                continue                           # some servers refuse HEAD only
            return exc.code, f"HTTP {exc.code}"
        except (socket.timeout, TimeoutError):
            return None, f"{TIMEOUT} 秒内没有响应"
        except urllib.error.URLError as exc:
            return None, _reason(exc.reason)
        except (ssl.SSLError, OSError, ValueError) as exc:
            return None, _reason(exc)
    return None, "无法访问"


def _reason(reason) -> str:
    if isinstance(reason, ssl.SSLError):
        return "网站证书有问题"
    if isinstance(reason, socket.gaierror):
        return "域名不存在或无法解析"
    if isinstance(reason, ConnectionRefusedError):
        return "对方拒绝连接"
    if isinstance(reason, (socket.timeout, TimeoutError)):
        return f"{TIMEOUT} 秒内没有响应"
    return f"无法访问：{reason}"


def external_links(ctx: Context) -> Iterable[Problem]:
    """Every external address that does not open, at each line that links it."""
    if not ctx.external:
        return
    users: dict[str, list] = {}
    for src in ctx.sources:
        body = ctx.bodies.get(src.rel)
        if body is not None:
            for url in urls_in(body.html):
                users.setdefault(url, []).append(src)
    with ThreadPoolExecutor(WORKERS) as pool:
        outcomes = dict(zip(users, pool.map(probe, users)))
    for url, (status, reason) in outcomes.items():
        if status is not None and status < 400:
            continue
        check = P.EXTERNAL_GONE if status in GONE else P.EXTERNAL_FAILED
        for src in users[url]:
            line = line_of(src, url)
            yield check.problem(src.path, line, source_line(src, line), url=url, reason=reason)
