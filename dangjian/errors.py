"""One exception hierarchy, caught once in the CLI, and the problems it carries.

Every problem an editor can cause is a `Problem` made from a registered `Check`
(dangjian/problems.py: a code, a default severity, a Chinese message and a fix)
that knows the file, the line and how to fix it. Problems are collected into a
`Report`, so a build lists all of them at once instead of stopping at the first.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import IntEnum
from pathlib import Path


class SiteError(Exception):
    """Base of every error the CLI reports as text instead of a traceback."""

    def lines(self) -> list[str]:
        return [str(self)]


class Severity(IntEnum):
    """How much a problem matters; `--strict` and `check` promote by comparing these."""

    INFO = 0          # 提示: shown by `check`, never fails anything
    WARNING = 1       # 警告: published anyway; `--strict` fails on it
    SERIOUS = 2       # a page would come out wrong: the build warns and publishes, `check` fails
    ERROR = 3         # nothing is published

    @property
    def label(self) -> str:
        return {"INFO": "提示：", "WARNING": "警告：", "SERIOUS": "警告：", "ERROR": ""}[self.name]


@dataclass(frozen=True)
class Check:
    """One kind of problem: a stable code, its default severity, and its text (str.format templates)."""

    code: str
    severity: Severity
    message: str
    fix: str = ""
    guide: str = ""            # for the editors' guide, where `fix` is all filled in by the rule

    def problem(self, path: Path | None, line: int | None, source_line: str | None = None,
                field: str | None = None, **values) -> Problem:
        return Problem(path, line, self.message.format(**values), self.fix.format(**values), source_line,
                       field, self.severity, self.code)


@dataclass
class Problem:
    """One problem found in an input file."""

    path: Path | None
    line: int | None
    message: str
    hint: str = ""
    source_line: str | None = None
    field: str | None = None
    severity: Severity = Severity.ERROR
    code: str = ""

    @property
    def warning(self) -> bool:
        return self.severity < Severity.ERROR

    def at(self, severity: Severity) -> "Problem":
        """The same problem at another severity (a rule whose weight a setting decides)."""
        return replace(self, severity=severity)

    def location(self, root: Path | None = None) -> str:
        if self.path is None:
            return ""
        shown = _display_path(self.path, root)
        return f"{shown}:{self.line}" if self.line else shown

    def format(self, root: Path | None = None, label: str | None = None) -> str:
        """`path:line: message — hint`, then the offending line as Jinja shows it."""
        head = self.location(root)
        kind = ("警告：" if self.warning else "") if label is None else label
        text = f"{head}: {kind}{self.message}" if head else f"{kind}{self.message}"
        if self.hint:
            text += f" — {self.hint}"
        if self.source_line is not None and self.path is not None:
            shown = self.source_line.strip()
            shown = shown if len(shown) <= 200 else shown[:200] + "……"     # a pasted megabyte line stays readable
            text += f'\n  File "{_display_path(self.path, root)}", line {self.line}\n    {shown}'
        return text


def _display_path(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return path.as_posix()


class ContentError(SiteError):
    """One or more problems in content files (the Markdown articles)."""

    def __init__(self, problems: list[Problem], root: Path | None = None):
        self.problems = problems
        self.root = root
        super().__init__("\n".join(self.lines()))

    @property
    def path(self) -> Path | None:
        return self.problems[0].path if self.problems else None

    @property
    def line(self) -> int | None:
        return self.problems[0].line if self.problems else None

    @property
    def field(self) -> str | None:
        return self.problems[0].field if self.problems else None

    def lines(self) -> list[str]:
        return [p.format(self.root) for p in self.problems]


class ConfigError(ContentError):
    """Problems in site.toml; reported all together like content errors."""


class TemplateError(SiteError):
    """A theme template failed to load or render."""


class OutputError(SiteError):
    """The writer refused something: two pages on one path, or a path outside the output."""


@dataclass
class Report:
    """Collects problems while a phase runs; `raise_errors` ends the phase."""

    root: Path | None = None
    problems: list[Problem] = field(default_factory=list)

    def add(self, check: Check, path: Path | None, line: int | None, source_line: str | None = None,
            field: str | None = None, **values) -> None:
        self.problems.append(check.problem(path, line, source_line, field, **values))

    def extend(self, other: "Report") -> None:
        self.problems.extend(other.problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if not p.warning]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.warning and p.severity > Severity.INFO]

    def raise_errors(self, strict: bool = False, kind: type[ContentError] = ContentError) -> None:
        """Raise every error (and under `strict` every warning) together, sorted by file and line."""
        floor = Severity.WARNING if strict else Severity.ERROR
        failing = [p for p in self.problems if p.severity >= floor]
        if failing:
            ordered = sorted(failing, key=lambda p: (str(p.path or ""), p.line or 0))
            raise kind(ordered, self.root)
