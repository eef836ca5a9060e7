"""`build.py check`: everything the build validates, promoted by severity, plus cross-article rules.

Problems a page would come out wrong for (broken links, missing images and
covers: severity SERIOUS) are errors here, though the build only warns, so a
site can still be published in a hurry; warnings stay warnings (errors under
`--strict`); information (drafts, future dates) is shown as 提示. The
cross-article rules live here, in `RULES`. Nothing is written.
"""
from __future__ import annotations

import json
import os
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterable

from .. import problems as P
from ..build.gather import collect
from ..core.content import Source, is_junk
from ..core.lines import read_body
from ..errors import Check, ContentError, Problem, Severity
from ..incremental.rebuild import Rebuild
from ..options import Options
from . import external, inspection
from .context import Context
from .new import PLACEHOLDER

LABELS = {"error": "", "warning": "警告：", "info": "提示："}


@dataclass(frozen=True)
class Finding:
    problem: Problem
    severity: str                    # as `check` judges it: "error" | "warning" | "info"

    def as_dict(self, root: Path) -> dict:
        p = self.problem
        return {"path": _rel(p.path, root), "line": p.line, "severity": self.severity,
                "message": p.message, "hint": p.hint, "field": p.field, "code": p.code}

    def format(self, root: Path) -> str:
        return self.problem.format(root, label=LABELS[self.severity])


def judge(severity: Severity, strict: bool) -> str:
    """How `check` shows a problem: SERIOUS and worse fail it; warnings do too under --strict."""
    if severity >= (Severity.WARNING if strict else Severity.SERIOUS):
        return "error"
    return "info" if severity == Severity.INFO else "warning"


@dataclass
class CheckResult:
    findings: list[Finding]
    articles: int = 0
    root: Path = Path(".")

    def count(self, severity: str) -> int:
        return sum(f.severity == severity for f in self.findings)

    @property
    def ok(self) -> bool:
        return self.count("error") == 0


def run_checks(options: Options, external: bool = False) -> CheckResult:
    root = Path.cwd()
    try:
        g = collect(options, Rebuild(replace(options, cache=False)))
    except ContentError as exc:           # site.toml is broken: nothing else can be checked
        return CheckResult([Finding(p, judge(p.severity, options.strict)) for p in exc.problems], 0, root)
    problems = list(g.report.problems)
    context = Context(g.loaded, options.now or datetime.now(g.config.tz), options, g.assets, g.published_files,
                      g.config, g.bodies, external, bool(g.report.errors))
    for rule in RULES:
        problems += rule(context)
    findings = [Finding(p, judge(p.severity, options.strict)) for p in problems]
    findings.sort(key=lambda f: (str(f.problem.path or ""), f.problem.line or 0))
    return CheckResult(findings, len(g.loaded), g.report.root or root)


def problem(check: Check, src: Source, line: int | None, field: str | None = None, **values) -> Problem:
    """A problem in `src` at `line`, quoting that line of the file (the build freed the text)."""
    rows = src.path.read_text(encoding="utf-8-sig").split("\n") if line else []
    source_line = rows[line - 1] if line and line <= len(rows) else None
    return check.problem(src.path, line, source_line, field, **values)


def placeholders(ctx: Context) -> Iterable[Problem]:
    """An article whose body still holds `new`'s prompt."""
    for src in ctx.sources:
        body = read_body(src)
        if PLACEHOLDER in body:
            yield problem(P.PLACEHOLDER, src, src.body_line + body[:body.index(PLACEHOLDER)].count("\n"))


def unpublished(ctx: Context) -> Iterable[Problem]:
    """Drafts and articles dated in the future (their bodies and links were not checked unless asked)."""
    for src in ctx.sources:
        if src.draft:
            hint = "" if ctx.options.drafts else "它的正文和链接未检查；用 python build.py check --drafts 一并检查"
            yield problem(P.DRAFT, src, src.lines.get("draft", 1), "draft", unchecked=hint)
        elif src.date > ctx.now:
            hint = "" if ctx.options.future else "它的正文和链接未检查；用 python build.py check --future 一并检查"
            yield problem(P.FUTURE, src, src.lines.get("date", 1), "date", when=f"{src.date:%Y-%m-%d %H:%M}",
                          unchecked=hint)


def duplicate_titles(ctx: Context) -> Iterable[Problem]:
    """Two files with one title on one day in one 栏目: usually the same piece saved twice (offices
    reporting the same meeting in different 栏目 are not)."""
    same_day = defaultdict(list)
    for src in ctx.sources:
        same_day[(src.title, src.date.date(), src.category)].append(src)
    for group in same_day.values():
        if len(group) > 1:
            first, *others = sorted(group, key=lambda s: s.rel)
            for src in others:
                yield problem(P.DUPLICATE_TITLE, src, src.lines.get("title", 1), "title", other=first.rel)


# Offices are a small closed set, so a rare near-spelling is a typo; people's names and tags that
# differ by one character are usually different people and different topics.
NAME_FIELDS = (("source", "来源", lambda s: (s.source,) if s.source else ()),)
NUMERALS = set("0123456789一二三四五六七八九十〇零")


def near_duplicate_names(ctx: Context) -> Iterable[Problem]:
    """A name used once or twice that differs by one character from a name used often: most likely a
    typo (党委宣传科 for 党委宣传部) that would open a page of its own. Names differing in a number
    (第一党支部, 第二党支部) are different on purpose."""
    for key, label, names_of in NAME_FIELDS:
        count: dict[str, int] = defaultdict(int)
        for src in ctx.sources:
            for name in names_of(src):
                count[name] += 1
        for rare, known in _near_pairs(count):
            for src in ctx.sources:
                if rare in names_of(src):
                    yield problem(P.NEAR_DUPLICATE_NAME, src, src.lines.get(key, 1), key, what=label, name=rare,
                                  known=known)


def _near_pairs(count: dict[str, int]) -> Iterable[tuple[str, str]]:
    """(rare name, the often-used name it is one edit away from), found by shared one-character deletions."""
    by_deletion: dict[str, list[str]] = defaultdict(list)
    for name in count:
        if len(name) >= 3:
            for variant in {name, *(name[:i] + name[i + 1:] for i in range(len(name)))}:
                by_deletion[variant].append(name)
    seen = set()
    for names in by_deletion.values():
        for rare in names:
            for known in names:
                differing = set(rare) ^ set(known)
                if rare == known or (rare, known) in seen or differing and differing <= NUMERALS:
                    continue
                if count[known] >= 3 and count[rare] * 3 <= count[known]:
                    seen.add((rare, known))
                    yield rare, known


def pinned_overflow(ctx: Context) -> Iterable[Problem]:
    """More pinned articles than the home page shows: the older ones would drop off it unnoticed."""
    limit = ctx.config.home.pinned
    pinned = sorted((s for s in ctx.sources if s.pinned and not s.draft and s.date <= ctx.now),
                    key=lambda s: (s.date, s.rel), reverse=True)
    for src in pinned[limit:]:
        yield problem(P.PINNED_HIDDEN, src, src.lines.get("pinned", 1), "pinned", count=len(pinned), limit=limit)


def files_not_published(ctx: Context) -> Iterable[Problem]:
    """Every file below content/ that does not go online: editors' junk (a warning: delete it) and
    files no article links (information: link it, or put it in a public folder, or delete it)."""
    content = ctx.options.content
    for folder, dirs, files in os.walk(content):
        dirs[:] = sorted(d for d in dirs if not d.startswith(("_", ".")))
        for name in sorted(files):
            rel = (Path(folder) / name).relative_to(content).as_posix()
            if name.startswith("_"):
                continue
            if (Path(folder) / name).is_symlink():
                yield P.SYMLINK.problem(content / rel, None)
            elif name.endswith(".md"):
                continue
            elif name.lower().endswith(".md.txt"):
                yield P.SAVED_AS_TXT.problem(content / rel, None, rel=rel, name=name[:-4])
            elif is_junk(rel):
                yield P.JUNK_FILE.problem(content / rel, None, rel=rel)
            elif not name.startswith(".") and rel not in ctx.published_files:
                yield P.NOT_PUBLISHED.problem(content / rel, None, rel=rel)


# Cross-article rules: each takes the Context and yields Problems (of checks registered in problems.py);
# what an inspector fails a site for is in inspection.py, external links in external.py.
RULES: tuple[Callable[[Context], Iterable[Problem]], ...] = (
    placeholders, unpublished, duplicate_titles, near_duplicate_names, pinned_overflow, files_not_published,
    *inspection.RULES, external.external_links)


def report_text(result: CheckResult, quiet: bool = False) -> str:
    lines = [f.format(result.root) for f in result.findings if not quiet or f.severity == "error"]
    summary = (f"检查{'通过' if result.ok else '未通过'}：{result.articles} 篇文章，"
               f"{result.count('error')} 个错误，{result.count('warning')} 条警告，{result.count('info')} 条提示")
    return "\n".join([*lines, summary])


def report_json(result: CheckResult) -> str:
    return json.dumps([f.as_dict(result.root) for f in result.findings], ensure_ascii=False, indent=2)


def _rel(path: Path | None, root: Path) -> str | None:
    if path is None:
        return None
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
