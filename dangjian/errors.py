"""One exception hierarchy, caught once in the CLI.

Every problem an editor can cause is a `ContentError` (or a `ConfigError`) that
knows the file, the line and how to fix it. Problems are collected into a
`Report` so a build lists all of them at once instead of stopping at the first.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


class SiteError(Exception):
    """Base of every error the CLI reports as text instead of a traceback."""

    def lines(self) -> list[str]:
        return [str(self)]


@dataclass
class Problem:
    """One problem found in an input file: an error, or a warning under `warning=True`."""

    path: Path | None
    line: int | None
    message: str
    hint: str = ""
    source_line: str | None = None
    field: str | None = None
    warning: bool = False
    code: str = ""                # stable kind for tools (e.g. "broken-link"), never shown

    def location(self, root: Path | None = None) -> str:
        if self.path is None:
            return ""
        shown = _display_path(self.path, root)
        return f"{shown}:{self.line}" if self.line else shown

    def format(self, root: Path | None = None) -> str:
        """`path:line: message — hint`, then the offending line as Jinja shows it."""
        head = self.location(root)
        kind = "警告：" if self.warning else ""
        text = f"{head}: {kind}{self.message}" if head else f"{kind}{self.message}"
        if self.hint:
            text += f" — {self.hint}"
        if self.source_line is not None and self.path is not None:
            text += f'\n  File "{_display_path(self.path, root)}", line {self.line}\n    {self.source_line.strip()}'
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

    def error(self, path, line, message, hint="", source_line=None, field=None, code="") -> None:
        self.problems.append(Problem(path, line, message, hint, source_line, field, code=code))

    def warn(self, path, line, message, hint="", source_line=None, field=None, code="") -> None:
        self.problems.append(Problem(path, line, message, hint, source_line, field, warning=True, code=code))

    def extend(self, other: "Report") -> None:
        self.problems.extend(other.problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if not p.warning]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.warning]

    def raise_errors(self, strict: bool = False, kind: type[ContentError] = ContentError) -> None:
        """Raise every error (and under `strict` every warning) together, sorted by file and line."""
        failing = self.problems if strict else self.errors
        if failing:
            ordered = sorted(failing, key=lambda p: (str(p.path or ""), p.line or 0))
            raise kind(ordered, self.root)
