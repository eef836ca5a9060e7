"""A small site folder (site.toml + content/) in tmp, for the editors' tools tests."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from textwrap import dedent

ROOT = Path(__file__).resolve().parent.parent


def make_site(tmp: Path, articles: dict[str, str] | None = None, stats_page: bool | None = None,
              inspection: bool = False, review: bool = False) -> Path:
    """tmp/site.toml (the project's own) and tmp/content/ with `articles` (rel path → text).

    Unless `inspection`, a site given articles keeps only the categories they use and has no
    update rules: a test of links or titles is not also a site with idle and empty columns. With it, the
    rules a real site writes are on (the sample, whose dates are frozen, leaves them commented out).
    Unless `review`, it requires no sign-offs (its articles carry none); with it, every article needs
    them (the sample's `since` is dropped)."""
    config = (ROOT / "site.toml").read_text(encoding="utf-8")
    if articles and not inspection:
        config = _without_column_rules(config, articles)
    if inspection:
        config = re.sub(r"^# (update_every = \d+)\s.*\n", r"\1\n", config, flags=re.M)
        config = re.sub(r"^(\[home\]\n)update_every = 0 .*\n", r"\1", config, flags=re.M)
    if not review:
        config = re.sub(r"^\[review\]\n(?:[^\[\n].*\n|\n)*", "", config, flags=re.M)
    else:
        config = re.sub(r"^since = .*\n", "", config, flags=re.M)
    if stats_page is not None:
        config = config.replace("page = true", f"page = {'true' if stats_page else 'false'}")
    (tmp / "site.toml").write_text(config, encoding="utf-8")
    shutil.copytree(ROOT / "static", tmp / "static", dirs_exist_ok=True)      # the sample's topic banners
    (tmp / "content").mkdir(exist_ok=True)
    for rel, text in (articles or {}).items():
        write(tmp / "content" / rel, text)
    return tmp


def _without_column_rules(config: str, articles: dict[str, str]) -> str:
    used = {rel.split("/")[0] for rel in articles}
    for text in articles.values():
        found = re.search(r"^(?:category|栏目):\s*(\S+)", text if isinstance(text, str) else "", re.M)
        if found:
            used.add(found.group(1))
    head, *blocks = config.split("[[categories]]")
    kept = [b for b in blocks if re.search(r'^slug = "([^"]+)"', b, re.M).group(1) in used
            or re.search(r'^name = "([^"]+)"', b, re.M).group(1) in used]
    config = "[[categories]]".join([head, *kept])
    config = re.sub(r"^update_every = .*\n", "", config, flags=re.M)
    return config.replace("[home]\n", "[home]\nupdate_every = 0\n")


def write(path: Path, text) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def article(title: str, date: str, body: str = "正文第一段。", **fields) -> str:
    extra = "".join(f"{k}: {v}\n" for k, v in fields.items())
    return f"---\ntitle: {title}\ndate: {date}\n{extra}---\n\n{body}\n"


def run(site: Path, *argv: str) -> subprocess.CompletedProcess:
    """`python build.py ARGS` as an editor runs it: cwd is the site folder."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *argv], cwd=site, capture_output=True,
                          text=True, encoding="utf-8", env=env, timeout=120)


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(folder).as_posix(): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in folder.rglob("*")}
