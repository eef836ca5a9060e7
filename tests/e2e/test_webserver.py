"""docs/deploy.md's nginx configuration, run for real: nginx on 127.0.0.1 serving a deployed site
under /djgz/. Sub-path, the 404 page, compression, the cache rules (hashed names for a year,
everything else revalidated), MIME types, and a new release served as soon as deploy turns
`current`. Skipped where nginx is absent, unless DANGJIAN_REQUIRE_SERVERS=1 (CI installs it)."""
from __future__ import annotations

import gzip
import os
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT
from dangjian.cli import main
from dangjian.tools import deploy as D
from toolsite import article, make_site

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
if NGINX is None and os.environ.get("DANGJIAN_REQUIRE_SERVERS") != "1":
    pytest.skip("nginx is not installed (Debian package nginx-light)", allow_module_level=True)


def doc_config() -> str:
    """The nginx block of docs/deploy.md, as an operator copies it."""
    doc = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    section = doc[doc.index("### nginx"):]
    return re.search(r"```nginx\n(.*?)```", section, re.S).group(1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    try:
        with urllib.request.urlopen(request, timeout=10) as r:
            status, headers, body = r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        status, headers, body = e.code, dict(e.headers), e.read()
    if headers.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    return status, headers, body


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("nginx")
    site = make_site(tmp, {"news/2025/a.md": article("医院召开党建工作会议", "2025-03-01", "会议部署全年工作。"),
                           "news/2025/b.md": article("支部开展主题党日", "2025-03-02", "支部书记带队。")})
    argv = ["build", "--content", str(site / "content"), "--config", str(site / "site.toml"),
            "--out", str(site / "site"), "-q"]
    assert main(argv) == 0
    www = tmp / "www"
    D.deploy(site / "site", www)
    port = free_port()
    conf = doc_config().replace("/var/www/djgz/current/", f"{www}/current/").replace("listen 80;",
                                                                                     f"listen 127.0.0.1:{port};")
    temp = "".join(f"{k}_temp_path {tmp}/{k};\n" for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (tmp / "nginx.conf").write_text(
        ("user root;\n" if os.geteuid() == 0 else "")     # workers read pytest's private tmp folder
        + f"daemon off;\nworker_processes 1;\npid {tmp}/nginx.pid;\nerror_log {tmp}/error.log;\n"
        f"events {{ worker_connections 64; }}\nhttp {{\naccess_log off;\n{temp}{conf}\n}}\n", encoding="utf-8")
    proc = subprocess.Popen([NGINX, "-p", str(tmp), "-c", str(tmp / "nginx.conf")], stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}/djgz/"
    for _ in range(100):
        try:
            get(base)
            break
        except OSError:
            time.sleep(0.05)
    else:
        proc.kill()
        pytest.fail(proc.stderr.read().decode())
    yield base, site, www, argv
    proc.terminate()
    proc.wait(timeout=10)


def test_pages_under_the_sub_path_compressed_and_revalidated(served):
    base, site, www, argv = served
    status, headers, body = get(base)
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert headers.get("Content-Encoding") == "gzip" and headers["Cache-Control"] == "no-cache"
    assert "医院召开党建工作会议" in body.decode("utf-8")
    status, headers, body = get(base + "news/2025/a/")
    assert status == 200 and "会议部署全年工作" in body.decode("utf-8")


def test_a_missing_page_is_our_404_with_status_404(served):
    base, *_ = served
    status, headers, body = get(base + "no-such-page/")
    assert status == 404 and headers["Content-Type"].startswith("text/html")
    assert body == (served[2] / "current" / "404.html").read_bytes()


def test_hashed_names_are_cached_for_a_year_and_the_rest_revalidated(served):
    base, site, www, argv = served
    page = (www / "current" / "index.html").read_text("utf-8")
    css = re.search(r'href="(static/style\.[0-9a-f]{10}\.css)"', page).group(1)
    status, headers, _ = get(base + css)
    assert status == 200 and headers["Content-Type"].startswith("text/css")
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    status, headers, _ = get(base + "static/style.css")
    assert status == 200 and headers["Cache-Control"] == "no-cache"
    fragment = next((www / "current" / "pagefind" / "fragment").glob("*.pf_fragment"))
    status, headers, _ = get(base + f"pagefind/fragment/{fragment.name}")
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert headers["Content-Type"] == "application/octet-stream"
    status, headers, _ = get(base + "pagefind/pagefind-entry.json")
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    assert headers["Cache-Control"] == "no-cache"
    wasm = next((www / "current" / "pagefind").glob("wasm.*.pagefind"))
    status, headers, _ = get(base + f"pagefind/{wasm.name}")
    assert status == 200 and headers["Content-Type"] == "application/octet-stream"
    for xml in ("feed.xml", "sitemap.xml"):
        status, headers, body = get(base + xml)
        assert status == 200 and headers["Content-Type"].startswith("application/xml") and body.startswith(b"<?xml")
        assert headers.get("Content-Encoding") == "gzip"


def test_a_new_release_is_served_as_soon_as_deploy_turns_current(served):
    base, site, www, argv = served
    page = site / "content/news/2025/a.md"
    page.write_text(page.read_text("utf-8").replace("会议部署全年工作。", "会议部署下半年工作。"), "utf-8")
    assert main(argv) == 0
    D.deploy(site / "site", www)
    status, _, body = get(base + "news/2025/a/")
    assert status == 200 and "会议部署下半年工作" in body.decode("utf-8")
    D.rollback(www)
    assert "会议部署全年工作" in get(base + "news/2025/a/")[2].decode("utf-8")
