"""`build.py check`: everything the build validates, stricter, plus editorial checks.

Links to missing articles, images and attachments and a missing cover are
errors here (the build only warns, so a site can still be published in a
hurry); duplicate titles on one day are warnings; future dates and drafts are
information. Nothing is written.
"""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from .errors import ContentError, Problem
from .newpost import PLACEHOLDER
from .pipeline import Options, collect

PROMOTED = {"broken-link", "missing-image", "missing-file", "missing-cover"}
LABELS = {"error": "", "warning": "警告：", "info": "提示："}


@dataclass(frozen=True)
class Finding:
    problem: Problem
    severity: str                    # "error" | "warning" | "info"

    def as_dict(self, root: Path) -> dict:
        p = self.problem
        return {"path": _rel(p.path, root), "line": p.line, "severity": self.severity,
                "message": p.message, "hint": p.hint, "field": p.field, "code": p.code or None}

    def format(self, root: Path) -> str:
        shown = replace(self.problem, warning=False, message=LABELS[self.severity] + self.problem.message)
        return shown.format(root)


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


def run_checks(options: Options) -> CheckResult:
    root = Path.cwd()
    try:
        g = collect(options)
    except ContentError as exc:           # site.toml is broken: nothing else can be checked
        return CheckResult([Finding(p, "warning" if p.warning else "error") for p in exc.problems], 0, root)
    findings = []
    for p in g.report.problems:
        severity = "error" if not p.warning or p.code in PROMOTED or options.strict else "warning"
        findings.append(Finding(p, severity))
    now = options.now or datetime.now(g.config.tz)
    findings += _editorial(g.loaded, now, options)
    findings.sort(key=lambda f: (str(f.problem.path or ""), f.problem.line or 0))
    return CheckResult(findings, len(g.loaded), g.report.root or root)


def _editorial(sources, now: datetime, options: Options) -> list[Finding]:
    out = []

    def add(severity, src, line, message, hint="", field=None, code=""):
        rows = src.path.read_text(encoding="utf-8-sig").split("\n") if line else []
        source_line = rows[line - 1] if line and line <= len(rows) else None
        if severity == "warning" and options.strict:
            severity = "error"
        out.append(Finding(Problem(src.path, line, message, hint, source_line, field,
                                   severity == "warning", code), severity))

    same_day = defaultdict(list)
    for src in sources:
        same_day[(src.title, src.date.date())].append(src)
        # The build frees article text once converted; the file is read again for this check.
        body = src.body or src.path.read_text(encoding="utf-8-sig").replace("\r\n", "\n").split("\n", src.body_line - 1)[-1]
        if PLACEHOLDER in body:
            line = src.body_line + body[:body.index(PLACEHOLDER)].count("\n")
            add("error", src, line, "正文还是模板里的提示文字", "写好正文并删除这一行", code="placeholder")
        if src.draft:
            add("info", src, src.lines.get("draft", 1), "草稿（draft: true），正式生成时不会发布",
                "" if options.drafts else "它的正文和链接未检查；用 python build.py check --drafts 一并检查",
                field="draft", code="draft")
        elif src.date > now:
            add("info", src, src.lines.get("date", 1),
                f"发布时间 {src.date:%Y-%m-%d %H:%M} 在未来，到那时重新生成网站才会发布",
                "" if options.future else "它的正文和链接未检查；用 python build.py check --future 一并检查",
                field="date", code="future")
    for group in same_day.values():
        if len(group) > 1:
            first, *others = sorted(group, key=lambda s: s.rel)
            for src in others:
                add("warning", src, src.lines.get("title", 1),
                    f"与 {first.rel} 标题相同，且是同一天发布", "如果是重复的文件，请删除其中一篇；否则请改一下标题",
                    field="title", code="duplicate-title")
    return out


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
