"""Shared fixtures: the sample site and generated corpora built into tmp folders,
a real HTTP server on 127.0.0.1, and a real Chromium driven by Playwright.

Browser tests skip with a reason where Chromium is absent, unless
DANGJIAN_REQUIRE_BROWSER=1 (set by .ci/run), which turns the skip into a failure.
"""
from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = ROOT.parent / "shared"
MAKE_CORPUS = SHARED / "bench" / "make_corpus.py"
CHROMIUM = os.environ.get("DANGJIAN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-sandbox"]
REQUIRE_BROWSER = os.environ.get("DANGJIAN_REQUIRE_BROWSER") == "1"


def build_site(tmp: Path, content: Path | None = None, *extra: str, config: Path | None = None) -> Path:
    """Build `content` (default: the bundled sample) with the project's config into tmp/site."""
    from dangjian.cli import main
    out = tmp / "site"
    argv = ["build", "--content", str(content or ROOT / "content"), "--out", str(out),
            "--config", str(config or ROOT / "site.toml"), "--templates", str(ROOT / "templates"), "-q", *extra]
    assert main(argv) == 0
    return out


def make_corpus(dest: Path, articles: int, seed: int = 1) -> Path:
    """Generate the reference corpus (../shared/bench/make_corpus.py) or skip if it is absent."""
    if not MAKE_CORPUS.exists():
        pytest.skip(f"reference corpus generator not found at {MAKE_CORPUS}")
    subprocess.run([sys.executable, str(MAKE_CORPUS), str(dest), "--articles", str(articles), "--seed", str(seed)],
                   check=True, stdout=subprocess.DEVNULL)
    return dest / "content"


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory) -> Path:
    """The bundled sample site, built once per test session."""
    return build_site(tmp_path_factory.mktemp("sample"))


@pytest.fixture(scope="session")
def corpus_site(tmp_path_factory) -> Path:
    """A generated reference corpus of 300 articles, built once per session."""
    tmp = tmp_path_factory.mktemp("corpus")
    content = make_corpus(tmp, 300)
    return build_site(tmp, content)


@pytest.fixture(scope="module")
def seed_content(tmp_path_factory) -> Path:
    """The bundled sample (links, images, drafts) plus 120 generated articles."""
    tmp = tmp_path_factory.mktemp("seed")
    corpus = make_corpus(tmp / "corpus", 120, seed=7)
    content = tmp / "content"
    shutil.copytree(ROOT / "content", content)
    shutil.copytree(corpus, content, dirs_exist_ok=True)
    return content


@pytest.fixture
def site(tmp_path, seed_content):
    """A working copy: content, site.toml, templates/ and a first (cold) cached build."""
    shutil.copytree(seed_content, tmp_path / "content")
    shutil.copy(ROOT / "site.toml", tmp_path / "site.toml")
    shutil.copytree(ROOT / "static", tmp_path / "static", dirs_exist_ok=True)   # the sample's topic banners
    (tmp_path / "templates").mkdir()
    from worksite import Work
    work = Work(tmp_path)
    work.build()
    return work


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class StaticServer:
    """A real HTTP server on 127.0.0.1 serving one folder, in a background thread."""

    def __init__(self, folder: Path):
        handler = functools.partial(_QuietHandler, directory=str(folder))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def serve():
    servers = []

    def start(folder: Path) -> StaticServer:
        server = StaticServer(folder)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


def _browser_missing_reason() -> str | None:
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        return f"Chromium not installed at {CHROMIUM} (apt-get install chromium fonts-wqy-microhei)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[test]')"
    return None


@pytest.fixture(scope="session")
def browser():
    """A real headless Chromium (Debian's package) driven by Playwright."""
    reason = _browser_missing_reason()
    if reason:
        if REQUIRE_BROWSER:
            pytest.fail(f"DANGJIAN_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture(scope="session")
def artefacts() -> Path:
    """Where tests leave screenshots and reports for CI (not committed)."""
    folder = ROOT / "build" / "artefacts"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
