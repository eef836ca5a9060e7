#!/usr/bin/env python3
"""Prove that two checkouts of the project build byte-identical sites, cold and incrementally.

    python benchmarks/compare_outputs.py OLD_CHECKOUT NEW_CHECKOUT [--articles 2000] [--search] [--keep DIR]

Each checkout runs only through its own command line, as a child process in its
own folder (`python build.py build --content C --config CFG --templates T --out OUT
--no-search -q`), so each uses its own `dangjian` package. Standard library only.

Two content sets, both prepared once and copied unchanged to every work folder:

- sample: OLD's bundled `content/` and `site.toml`;
- corpus: the sample plus `../shared/bench/make_corpus.py --articles N --seed 7`
  merged into it (as tests/test_incremental.py's `seed_content` does).

Default mode, per content set and checkout, in a fresh work folder (content,
site.toml, empty templates/, out folder `site`, cache beside it): a cold build,
then one edit after another, each followed by an incremental build. The edits
mirror the cases of tests/test_incremental.py (see STEPS) and are the same for
both checkouts: files are picked in sorted order and every input file gets the
same modification time in both, an hour in the past (the tool distrusts files
saved in the last 2 seconds; each step's files are 5 s newer than the last), so
builds may take their quick, incremental paths. Template edits override OLD's
theme footer in both. Beyond the test's cases: removing the override again, a
failing build (an article with a bad date: both must exit 1) and a build after
every cache file was cut in half. After every step the digest of every output
file (path -> sha256) of OLD is compared with NEW's. At the end a cold build
(`--no-cache --jobs 1`) of the final inputs must equal each checkout's
incremental result, and OLD's cold build must equal NEW's. "wrote" counts output
files whose stat changed; a note flags steps that should write nothing but did.

`--search`: cold builds with the search index only, per content set. Every file
outside `pagefind/` is compared byte for byte (Pagefind's own files are not
reproducible); inside it, the pages each index part (pagefind/, pagefind/part-N/
from parts.json) holds: the set of URLs and each page's decoded fragment record
(gzip, `pagefind_dcd` prefix, then JSON with url, content, meta, filters...).

One line per step: content set, step, file count, `identical` or the first
differing paths, then seconds per build and how many output files each build
wrote or removed. Exit status 0 only if everything is identical.
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

MAKE_CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "bench" / "make_corpus.py"
FOOTER = "templates/partials/footer.html"          # below the theme folder of OLD's package
STEP_NS = 5_000_000_000                            # each step's saves are 5 s newer than the last
AGE_NS = 3600 * 1_000_000_000                      # ... starting an hour ago
REQUIRED = ("title: ", "date: 20", "tags: [", "author: ", "source: ")
SHOWN = 5                                          # differing paths listed per step


# Inputs ----------------------------------------------------------------------
@dataclass
class Inputs:
    """One content set, prepared once: its folder holds content/ and site.toml."""
    name: str
    folder: Path
    footer: str                                    # OLD's theme footer, for template edits


def prepare_inputs(old: Path, work: Path, articles: int) -> list[Inputs]:
    if not MAKE_CORPUS.is_file():
        raise SystemExit(f"corpus generator not found: {MAKE_CORPUS}")
    footer = theme_footer(old)
    sample = work / "inputs" / "sample"
    shutil.copytree(old / "content", sample / "content")
    shutil.copy(old / "site.toml", sample / "site.toml")
    corpus = work / "inputs" / "corpus"
    shutil.copytree(sample, corpus)
    generated = work / "inputs" / "generated"
    subprocess.run([sys.executable, str(MAKE_CORPUS), str(generated), "--articles", str(articles), "--seed", "7"],
                   check=True, stdout=subprocess.DEVNULL)
    shutil.copytree(generated / "content", corpus / "content", dirs_exist_ok=True)
    return [Inputs("sample", sample, footer), Inputs("corpus", corpus, footer)]


def theme_footer(checkout: Path) -> str:
    found = sorted((checkout / "dangjian").rglob(FOOTER.replace("/", os.sep)))
    if not found:
        raise SystemExit(f"no theme {FOOTER} below {checkout / 'dangjian'}")
    return found[0].read_text("utf-8")


# A work folder ---------------------------------------------------------------
@dataclass
class Run:
    rc: int
    seconds: float
    stderr: str
    digests: dict[str, str] = field(default_factory=dict)
    written: int = 0
    removed: int = 0
    pages: dict[str, dict] = field(default_factory=dict)   # --search: part/url -> fragment record


class Site:
    """One checkout's working copy of one content set, and the edits applied to it."""

    def __init__(self, checkout: Path, root: Path, inputs: Inputs, clock: int):
        self.checkout, self.root, self.footer = checkout, root, inputs.footer
        self.content, self.config = root / "content", root / "site.toml"
        self.templates, self.out = root / "templates", root / "site"
        self.footer_override = self.templates / FOOTER.split("/", 1)[1]
        self.picked: dict[str, Path] = {}
        shutil.copytree(inputs.folder, root)
        self.templates.mkdir()
        self.stamp = clock
        for path in root.rglob("*"):
            if path.is_file():
                self.save_time(path)

    # Building
    def build(self, out: Path | None = None, *extra: str, search: bool = False) -> Run:
        out = out or self.out
        cmd = [sys.executable, "build.py", "build", "--content", str(self.content), "--config", str(self.config),
               "--templates", str(self.templates), "--out", str(out), *([] if search else ["--no-search"]), "-q",
               *extra]
        before = file_stats(out)
        start = time.perf_counter()
        done = subprocess.run(cmd, cwd=self.checkout, capture_output=True, text=True)
        run = Run(done.returncode, time.perf_counter() - start, done.stderr)
        after = file_stats(out)
        run.written = sum(1 for p, st in after.items() if before.get(p) != st)
        run.removed = len(before.keys() - after.keys())
        run.digests = digests(out)
        return run

    def cold(self, *extra: str, search: bool = False) -> Run:
        out = self.root / "cold"
        shutil.rmtree(out, ignore_errors=True)
        return self.build(out, "--no-cache", *extra, search=search)

    # Editing: every input saved gets this step's time
    def save_time(self, path: Path) -> None:
        os.utime(path, ns=(self.stamp, self.stamp))

    def write(self, path: Path, text: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
        self.save_time(path)

    def edit(self, path: Path, old: str, new: str) -> None:
        text = path.read_text("utf-8")
        if old not in text:
            raise SystemExit(f"{path}: {old!r} not found")
        self.write(path, text.replace(old, new, 1))

    def append(self, path: Path, text: str) -> None:
        self.write(path, path.read_text("utf-8") + text)

    def override_footer(self, text: str) -> None:
        self.write(self.footer_override, text)

    def pick(self, key: str, folder: str, index: int) -> Path:
        """The article a key stands for, chosen once like the test's `corpus_article`:
        the index-th generated article of the folder (sorted), else the next one (or, on
        the sample, the first article anywhere) with every front-matter line REQUIRED."""
        if key in self.picked:
            return self.picked[key]
        base = self.content / folder
        candidates = [*sorted(base.rglob("20*-*.md"))[index:], *sorted(base.rglob("*.md")),
                      *sorted(self.content.rglob("*.md"))]
        for path in candidates:
            if path not in self.picked.values() and editable(path):
                self.picked[key] = path
                return path
        raise SystemExit(f"no editable article in {base}")

    def main(self) -> Path:
        return self.pick("main", "news", 3)

    def other(self) -> Path:
        return self.pick("other", "theory", 2)


def editable(path: Path) -> bool:
    text = path.read_text("utf-8")
    head = text.split("\n---\n", 1)[0].splitlines()
    return "draft: true" not in text and all(any(ln.startswith(f) for ln in head) for f in REQUIRED)


def file_stats(folder: Path) -> dict[str, tuple[int, int, int]]:
    stats = {}
    for path in folder.rglob("*"):
        if path.is_file():
            st = path.stat()
            stats[path.relative_to(folder).as_posix()] = (st.st_size, st.st_mtime_ns, st.st_ino)
    return stats


def digests(folder: Path) -> dict[str, str]:
    return {path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


# The edits (tests/test_incremental.py) ----------------------------------------
def no_change(site: Site) -> None:
    pass


def touch_article(site: Site) -> None:
    site.save_time(site.main())                       # mtime only


def edit_article(site: Site) -> None:
    path = site.main()
    site.edit(path, "title: ", "title: 改过的标题")
    site.append(path, "\n新增的一段正文，检验增量构建。\n")


def add_article(site: Site) -> None:
    site.write(site.content / "news" / "2025" / "xin-wenzhang.md",
               "---\ntitle: 新增文章：增量构建\ndate: 2025-12-30\ntags: [义诊, 新标签]\nauthor: 新作者\n"
               "source: 新部门\n---\n\n正文。\n")


def delete_article(site: Site) -> None:
    site.main().unlink()
    del site.picked["main"]                           # later steps edit the next article


def rename_linked_article(site: Site) -> None:
    target = site.content / "outreach" / "2024" / "qingshan-yizhen.md"
    target.rename(target.with_name("qingshan-yizhen-huodong.md"))


def change_template(site: Site) -> None:
    site.write(site.templates / "footer-orig.html", site.footer)
    site.override_footer(replace_once(site.footer, "</footer>", "<p>测试页脚</p></footer>"))


def listing_steps(kind: str, field_name: str) -> list[tuple[str, object]]:
    """A footer listing every author (tag, source) with its articles, then that term renamed
    in one article left with only this kind of term, then that article's title."""
    key = f"list-{kind}"

    def install(site: Site) -> None:
        path = site.pick(key, "news", 4)
        others = tuple(f"{f}:" for f in ("author", "tags", "source") if f != field_name)
        site.write(path, "\n".join(ln for ln in path.read_text("utf-8").splitlines()
                                   if not ln.startswith(others)) + "\n")
        listing = (f"<ul>{{% for t in site.{kind} %}}<li>{{{{ t.name }}}}:"
                   f"{{{{ t.articles|map(attribute='title')|join('/') }}}}</li>{{% endfor %}}</ul>")
        site.override_footer(replace_once(site.footer, "</footer>", listing + "</footer>"))

    def rename(site: Site) -> None:
        path = site.picked[key]
        line = next(ln for ln in path.read_text("utf-8").splitlines() if ln.startswith(f"{field_name}:"))
        site.edit(path, line, f"{field_name}: 改过的{kind}名")

    def title(site: Site) -> None:
        site.edit(site.picked[key], "title: ", "title: 只改标题")

    return [(key, install), (f"{key}-again", no_change), (f"{key}-rename", rename), (f"{key}-title", title)]


def remove_template_override(site: Site) -> None:
    site.footer_override.unlink()                     # back to the theme's footer


def change_copyright(site: Site) -> None:
    site.edit(site.config, 'copyright = "', 'copyright = "新版权 ')


def change_category_name(site: Site) -> None:
    site.edit(site.config, 'name = "基层党建"', 'name = "支部建设"')


def hand_edit_output(site: Site) -> None:
    (site.out / "index.html").write_text("被人改坏了", "utf-8")
    (site.out / "stray.html").write_text("多余的文件", "utf-8")


def body_only(site: Site) -> None:
    site.append(site.main(), "\n只改正文的一段。\n")


def title_only(site: Site) -> None:
    site.edit(site.main(), "title: ", "title: 标题也改了")


def other_tags(site: Site) -> None:
    site.edit(site.other(), "tags: [", "tags: [新标签甲, ")


def other_date(site: Site) -> None:
    site.edit(site.other(), "date: 20", "date: 19")


def other_editor(site: Site) -> None:
    path = site.other()
    line = next((ln for ln in path.read_text("utf-8").splitlines() if ln.startswith("editor:")), None)
    if line:
        site.edit(path, line, "editor: 新编辑")
    else:
        site.edit(path, "\n---\n", "\neditor: 新编辑\n---\n")


def add_link(site: Site) -> None:
    main, other = site.main(), site.other()
    site.append(main, f"\n[链接到另一篇]({Path(os.path.relpath(other, main.parent)).as_posix()})\n")


def add_broken_link(site: Site) -> None:
    site.append(site.main(), "\n[链接到另一篇](../../theory/x.md)\n")


def footer_comment(site: Site) -> None:
    site.override_footer(site.footer + "<!-- 改 -->\n")


def body_after_template(site: Site) -> None:
    site.append(site.main(), "\n模板改过之后再改正文。\n")


def add_broken_article(site: Site) -> None:
    site.write(site.content / "news" / "2025" / "broken.md", "---\ntitle: 坏文件\ndate: 2025-13-45\n---\n正文\n")


def remove_broken_article(site: Site) -> None:
    (site.content / "news" / "2025" / "broken.md").unlink()


def damage_cache(site: Site) -> None:
    """Every build-cache file cut to half its size, and an article edited."""
    for path in sorted((site.root / ".cache" / "build").rglob("*")):
        if path.is_file():
            with open(path, "r+b") as f:
                f.truncate(path.stat().st_size // 2)
    site.edit(site.main(), "title: ", "title: 缓存损坏后")


def replace_once(text: str, old: str, new: str) -> str:
    if old not in text:
        raise SystemExit(f"{old!r} not in the theme footer")
    return text.replace(old, new, 1)


# name, edit, exit status expected from the build that follows
STEPS: list[tuple[str, object, int]] = [
    ("no-change", no_change, 0),
    ("touch-article", touch_article, 0),
    ("edit-article", edit_article, 0),
    ("add-article", add_article, 0),
    ("delete-article", delete_article, 0),
    ("rename-linked-article", rename_linked_article, 0),
    ("template", change_template, 0),
    *[(name, edit, 0) for kind, fld in (("authors", "author"), ("tags", "tags"), ("sources", "source"))
      for name, edit in listing_steps(kind, fld)],
    ("template-removed", remove_template_override, 0),
    ("site-copyright", change_copyright, 0),
    ("category-name", change_category_name, 0),
    ("hand-edited-output", hand_edit_output, 0),
    ("body-only", body_only, 0),
    ("title-only", title_only, 0),
    ("other-tags", other_tags, 0),
    ("other-date", other_date, 0),
    ("other-editor", other_editor, 0),
    ("add-link", add_link, 0),
    ("add-broken-link", add_broken_link, 0),
    ("template-comment", footer_comment, 0),
    ("body-after-template", body_after_template, 0),
    ("broken-article", add_broken_article, 1),
    ("broken-removed", remove_broken_article, 0),
    ("damaged-cache", damage_cache, 0),
]
QUIET = {"no-change", "touch-article", "list-authors-again", "list-tags-again", "list-sources-again",
         "broken-article", "broken-removed"}                 # should write or remove no output file


# Comparing and reporting -------------------------------------------------------
def differences(old: dict, new: dict, names: tuple[str, str] = ("old", "new")) -> list[str]:
    """The first few keys (output paths, indexed pages) missing on one side or differing."""
    groups = [(f"only in {names[0]}", sorted(old.keys() - new.keys())),
              (f"only in {names[1]}", sorted(new.keys() - old.keys())),
              ("differs", sorted(k for k in old.keys() & new.keys() if old[k] != new[k]))]
    lines = [f"{title}: {key}" for title, keys in groups for key in keys[:SHOWN]]
    total = sum(len(keys) for _, keys in groups)
    if total > len(lines):
        lines.append(f"... {total} in all")
    return lines


def report(label: str, step: str, old: Run, new: Run, expect_rc: int = 0, note: str = "",
           names: tuple[str, str] = ("old", "new"), timed: bool = True) -> bool:
    problems = [f"{who} exited {run.rc} (expected {expect_rc}): {run.stderr.strip()[-300:]}"
                for who, run in zip(names, (old, new)) if run.rc != expect_rc]
    problems += differences(old.digests, new.digests, names)
    columns = (f"  {old.seconds:6.2f}s {new.seconds:6.2f}s  wrote {old.written}/{new.written}"
               f"  removed {old.removed}/{new.removed}") if timed else ""
    return show(label, step, f"files={len(old.digests)}", problems, columns + note)


def show(label: str, step: str, size: str, problems: list[str], extra: str = "") -> bool:
    print(f"{label:<7} {step:<24} {size:<11} {'DIFFERENT' if problems else 'identical':<9}{extra}", flush=True)
    for line in problems:
        print(f"          {line}")
    return not problems


def quiet_note(step: str, old: Run, new: Run) -> str:
    if step in QUIET and (old.written or old.removed or new.written or new.removed):
        return "  (note: output files written or removed on a step that changes no output)"
    return ""


# Modes -----------------------------------------------------------------------
def incremental(old: Path, new: Path, inputs: Inputs, work: Path) -> bool:
    clock = time.time_ns() - AGE_NS
    sites = [Site(checkout, work / inputs.name / who, inputs, clock) for checkout, who in ((old, "old"), (new, "new"))]
    ok = report(inputs.name, "cold", *[site.build() for site in sites])
    for n, (step, edit, expect_rc) in enumerate(STEPS, 1):
        runs = []
        for site in sites:
            site.stamp = clock + n * STEP_NS
            edit(site)
            runs.append(site.build())
        ok &= report(inputs.name, step, *runs, expect_rc, quiet_note(step, *runs))
    colds = [site.cold("--jobs", "1") for site in sites]
    ok &= report(inputs.name, "final cold, old=new", *colds)
    for site, cold, who in zip(sites, colds, ("old", "new")):
        incremental_result = Run(0, 0.0, "", digests(site.out))
        ok &= report(inputs.name, f"final {who}: cold=incr", cold, incremental_result,
                     names=("cold", "incremental"), timed=False)
    return ok


def search(old: Path, new: Path, inputs: Inputs, work: Path) -> bool:
    clock = time.time_ns() - AGE_NS
    runs = []
    for checkout, who in ((old, "old"), (new, "new")):
        run = Site(checkout, work / f"search-{inputs.name}" / who, inputs, clock).cold(search=True)
        run.pages = pagefind_pages(work / f"search-{inputs.name}" / who / "cold")
        run.digests = {p: d for p, d in run.digests.items() if not p.startswith("pagefind/")}
        runs.append(run)
    ok = report(inputs.name, "search: outside pagefind", *runs)
    return compare_index(inputs.name, *runs) and ok


def pagefind_pages(site: Path) -> dict[str, dict]:
    """part/url -> the page's fragment record, for every index part."""
    bundle = site / "pagefind"
    listed = json.loads((bundle / "parts.json").read_text("utf-8"))["parts"] if (bundle / "parts.json").exists() else []
    parts = ["", *listed, *sorted(f"{p.name}/" for p in bundle.glob("part-*") if f"{p.name}/" not in listed)]
    pages = {}
    for part in parts:
        for fragment in sorted((bundle / part / "fragment").glob("*.pf_fragment")):
            data = gzip.decompress(fragment.read_bytes())
            if not data.startswith(b"pagefind_dcd"):
                raise SystemExit(f"{fragment}: unexpected fragment format {data[:20]!r}")
            record = json.loads(data[len(b"pagefind_dcd"):])
            pages[f"[{part.rstrip('/')}] {record['url']}" if part else record["url"]] = record
    return pages


def compare_index(label: str, old: Run, new: Run) -> bool:
    return show(label, "search: indexed pages", f"pages={len(old.pages)}", differences(old.pages, new.pages))


# Main --------------------------------------------------------------------------
def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("old", type=Path, help="first checkout (its content/ and site.toml are the inputs)")
    parser.add_argument("new", type=Path, help="second checkout")
    parser.add_argument("--articles", type=int, default=2000, help="generated articles in the corpus set")
    parser.add_argument("--search", action="store_true", help="compare cold builds with the search index instead")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="work in DIR (new or empty) and keep it")
    return parser.parse_args()


def work_folder(keep: Path | None) -> Path:
    if keep is None:
        return Path(tempfile.mkdtemp(prefix="compare-outputs-"))
    if keep.exists() and any(keep.iterdir()):
        raise SystemExit(f"--keep {keep}: not empty")
    keep.mkdir(parents=True, exist_ok=True)
    return keep.resolve()


def main() -> int:
    args = parse_args()
    old, new = args.old.resolve(), args.new.resolve()
    for checkout in (old, new):
        if not (checkout / "build.py").is_file():
            raise SystemExit(f"{checkout}: no build.py")
    work = work_folder(args.keep)
    start = time.perf_counter()
    try:
        print(f"old = {old}\nnew = {new}\nwork = {work}\n"
              f"{'set':<7} {'step':<24} {'':<12} {'verdict':<9}  seconds (old, new), output files "
              f"written/removed (old, new)")
        ok = True
        for inputs in prepare_inputs(old, work, args.articles):
            ok &= (search if args.search else incremental)(old, new, inputs, work)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    print(f"{'ALL IDENTICAL' if ok else 'DIFFERENCES FOUND'} ({time.perf_counter() - start:.0f} s)")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
