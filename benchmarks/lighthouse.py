"""Lighthouse (mobile) on the sample site as operators serve it: built with search, deployed, and
served by nginx under /djgz/ with docs/deploy.md's configuration (gzip, caching). Prints the four
scores of each page type, median of ROUNDS runs. Run by hand:

    npm install --prefix /tmp/lh lighthouse@12        # Node 20 takes 12.x
    LIGHTHOUSE=/tmp/lh/node_modules/.bin/lighthouse python benchmarks/lighthouse.py [--rounds 3]

Needs nginx (Debian's nginx-light) and Chromium (/usr/bin/chromium)."""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dangjian.cli import main  # noqa: E402
from dangjian.tools import deploy  # noqa: E402

PAGES = {"home": "", "listing": "news/", "article": "grassroots/2025/xinneike-zhutidangri-2025/",
         "topic": "topics/qinglian-yiyuan/", "topics": "topics/", "search": "search/"}
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
FLAGS = "--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking " \
        "--disable-component-update --disable-sync"


def nginx_config(www: Path, port: int, tmp: Path) -> str:
    doc = (ROOT / "docs" / "deploy.md").read_text("utf-8")
    block = re.search(r"```nginx\n(.*?)```", doc[doc.index("### nginx"):], re.S).group(1)
    block = block.replace("/var/www/djgz/current/", f"{www}/current/").replace("listen 80;", f"listen 127.0.0.1:{port};")
    temp = "".join(f"{k}_temp_path {tmp}/{k};\n" for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    user = "user root;\n" if os.geteuid() == 0 else ""
    return (f"{user}daemon off;\nworker_processes 1;\npid {tmp}/nginx.pid;\nerror_log {tmp}/error.log;\n"
            f"events {{ worker_connections 64; }}\nhttp {{\naccess_log off;\n{temp}{block}\n}}\n")


def serve(tmp: Path) -> tuple[subprocess.Popen, str]:
    out = tmp / "site"
    assert main(["build", "--content", str(ROOT / "content"), "--config", str(ROOT / "site.toml"),
                 "--out", str(out), "-q"]) == 0
    www = tmp / "www"
    deploy.deploy(out, www)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    (tmp / "nginx.conf").write_text(nginx_config(www, port, tmp), "utf-8")
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    proc = subprocess.Popen([nginx, "-p", str(tmp), "-c", str(tmp / "nginx.conf")])
    base = f"http://127.0.0.1:{port}/djgz/"
    for _ in range(100):
        try:
            urllib.request.urlopen(base, timeout=2).read()
            break
        except OSError:
            time.sleep(0.05)
    return proc, base


def scores(lighthouse: str, url: str, tmp: Path) -> dict[str, float]:
    report = tmp / "report.json"
    subprocess.run([lighthouse, url, "--only-categories=" + ",".join(CATEGORIES), f"--chrome-flags={FLAGS}",
                    "--output=json", f"--output-path={report}", "--quiet"],
                   env={**os.environ, "CHROME_PATH": "/usr/bin/chromium"}, check=True, timeout=180)
    data = json.loads(report.read_text("utf-8"))
    failed = [a["id"] for a in data["audits"].values() if a.get("score") is not None and a["score"] < 1
              and a.get("scoreDisplayMode") == "binary"]
    if failed:
        print(f"  {url}: audits not passed: {', '.join(failed)}", file=sys.stderr)
    return {c: data["categories"][c]["score"] * 100 for c in CATEGORIES}


def run(rounds: int) -> None:
    lighthouse = os.environ.get("LIGHTHOUSE") or shutil.which("lighthouse") or "lighthouse"
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        proc, base = serve(tmp)
        try:
            print("| page | performance | accessibility | best practices | SEO |")
            print("| --- | ---: | ---: | ---: | ---: |")
            for name, path in PAGES.items():
                runs = [scores(lighthouse, base + path, tmp) for _ in range(rounds)]
                med = {c: statistics.median(r[c] for r in runs) for c in CATEGORIES}
                print(f"| {name} | " + " | ".join(f"{med[c]:.0f}" for c in CATEGORIES) + " |", flush=True)
        finally:
            proc.terminate()
            proc.wait(timeout=10)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    run(parser.parse_args().rounds)
