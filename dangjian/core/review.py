"""三审签发 and 保密审查: whether an article may go online, and the per-file rule that says why not.

"涉密不上网、上网不涉密，先审查、后发布": an article is published only when every sign-off the site
requires (`[review] required`) is written, by different people unless the site allows one person
two stages; a 涉密 article never is. Withdrawn (撤稿) articles keep a notice at their address.
The build's gate (build/gather.py) and the register (tools/register.py) read `status`.
"""
from __future__ import annotations

from dataclasses import dataclass

from .. import problems as P
from ..config import STAGES, SiteConfig
from ..errors import Report, Severity

LABELS = {key: label for label, key in STAGES.items()}
HELD = frozenset(c.code for c in (P.REVIEW_PENDING, P.SAME_SIGNER, P.CLASSIFIED, P.IMPORT_PENDING,
                                   P.SPAM_SUSPECTED))   # what keeps an article offline


@dataclass(frozen=True)
class Review:
    missing: tuple[str, ...] = ()                       # required stages nobody signed (their labels)
    doubled: tuple[tuple[str, str], ...] = ()           # (person, the stages they signed, joined) when not allowed
    imported: bool = False                              # imported from the old site, not yet checked

    @property
    def complete(self) -> bool:
        return not self.missing and not self.doubled and not self.imported

    @property
    def pending(self) -> str:
        """What is still missing, as the banner, the build and the register say it."""
        parts = ["从旧网站导入，待核对"] if self.imported else []
        parts += [f"缺少{'、'.join(self.missing)}"] if self.missing else []
        parts += [f"{name} 同时签了{stages}" for name, stages in self.doubled]
        return "；".join(parts)


def status(src, config: SiteConfig) -> Review:
    imported = bool(src.import_notes)
    since = config.review.since
    if since and f"{src.date:%Y-%m-%d}" < since:
        return Review(imported=imported)     # published before the site required sign-offs
    required = config.review.required
    missing = tuple(label for label in required if not getattr(src, STAGES[label]))
    doubled = ()
    if not config.review.same_person:
        signed: dict[str, list[str]] = {}
        for label, key in STAGES.items():
            for name in getattr(src, key):
                signed.setdefault(name, []).append(label)
        doubled = tuple((name, "、".join(stages)) for name, stages in signed.items() if len(stages) > 1)
    return Review(missing, doubled, imported)


def review_rule(src, report: Report, config: SiteConfig) -> None:
    """The per-file rule (content.RULES): what keeps an article offline, and 转载 and 撤稿 written whole."""
    line = src.lines.get
    if src.classified:
        report.add(P.CLASSIFIED, src.path, line("classified", 1), None, "classified")
    elif not src.withdrawn and not src.draft:
        review = status(src, config)
        severity = Severity.ERROR if config.review.missing == "error" else Severity.INFO
        for name, stages in review.doubled:
            first = next(key for label, key in STAGES.items() if label in stages and name in getattr(src, key))
            report.problems.append(P.SAME_SIGNER.problem(src.path, line(first, 1), None, first, name=name,
                                                          stages=stages).at(severity))
        if review.missing:
            where = next((line(STAGES[label]) for label in review.missing if line(STAGES[label])), line("title", 1))
            report.problems.append(P.REVIEW_PENDING.problem(src.path, where, None, None,
                                                            missing="、".join(review.missing)).at(severity))
    if src.import_notes:
        report.add(P.IMPORT_PENDING, src.path, line("import_notes", 1), None, "import_notes",
                   notes="；".join(src.import_notes))
    if src.reprint and not (src.original_source and src.original_url):
        lacking = "、".join(label for key, label in (("original_source", "原载"), ("original_url", "原文链接"))
                           if not getattr(src, key))
        report.add(P.REPRINT_INCOMPLETE, src.path, line("reprint", 1), None, "reprint", missing=lacking)
    if src.withdrawn and src.withdrawn_date is None:
        report.add(P.WITHDRAWN_UNDATED, src.path, line("withdrawn", 1), None, "withdrawn")
    elif src.withdrawn_date is not None and src.withdrawn_date.date() < src.date.date():
        report.add(P.WITHDRAWN_EARLY, src.path, line("withdrawn_date", 1), None, "withdrawn_date",
                   when=f"{src.withdrawn_date:%Y-%m-%d}", date=f"{src.date:%Y-%m-%d}")
    elif src.withdrawn_date is not None and not src.withdrawn:
        report.add(P.WITHDRAWN_NO_REASON, src.path, line("withdrawn_date", 1), None, "withdrawn_date")


review_rule.config_keys = ("review",)
