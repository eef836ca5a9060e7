"""`check`'s inspection rules: what a website inspector fails a site for (政府网站与政务新媒体检查指标,
国办秘函〔2019〕19号), found before the inspector finds it.

Proofreading (wording, 错别字, medical claims, traditional characters) and personal numbers look at
each article's title, summary, tags and body, and at the attachments the site publishes; freshness
and identity look at the site as a whole. Each yields Problems of checks registered in problems.py;
tools/check.py runs them with its other cross-article rules.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Iterable

from .. import problems as P
from ..config import slug_line
from ..core import privacy, proofread
from ..core.content import Source
from ..core.lines import shown_texts, source_line
from ..core.model import belongs
from ..core.stats import freshness
from ..errors import Check, Problem, Severity
from .context import Context

VETO_COUNT = 5           # 5 or more idle (or empty) columns fail a site outright (19号文, 单项否决)


def _problem(check: Check, src: Source, line: int, field: str | None = None, **values) -> Problem:
    return check.problem(src.path, line, source_line(src, line), field, **values)


# Proofreading ------------------------------------------------------------------------------------------
def _dictionary(ctx: Context) -> proofread.Dictionary:
    config = ctx.config.proofread
    entries = proofread.shipped() if config.shipped else ()
    return proofread.Dictionary(entries + proofread.site_entries(config.entries))


def _check_for(entry: proofread.Entry) -> Check:
    if entry.kind == "claim":
        return P.MEDICAL_CLAIM_HINT if entry.hint_only else P.MEDICAL_CLAIM
    if entry.kind == "site":
        return P.SITE_WORDING if entry.right else P.SITE_BANNED
    return P.TYPO if entry.kind == "typo" else P.WORDING


def _longest_apart(hits: Iterable[proofread.Hit]) -> list[proofread.Hit]:
    """Overlapping hits reported once: the longest wording wins (一个“以习近平总书记为核心的党中央”, not
    also its parts)."""
    kept: list[proofread.Hit] = []
    for hit in sorted(hits, key=lambda h: (-len(h.text), h.start)):
        end = hit.start + len(hit.text)
        if all(end <= k.start or hit.start >= k.start + len(k.text) for k in kept):
            kept.append(hit)
    return sorted(kept, key=lambda h: h.start)


def _full_form_written(hit: proofread.Hit, text: str, others: list[str]) -> bool:
    """A 提示级 entry (a short form such as 三中全会) is fine where the article also writes the full form
    (or another correct longer one); it is reported when the article never does."""
    for full in (hit.entry.right, *hit.entry.context_ok):
        if any(full in other for other in others):
            return True
        at = text.find(full)
        while at != -1:
            if at + len(full) <= hit.start or at >= hit.start + len(hit.text):
                return True
            at = text.find(full, at + 1)
    return False


def proofreading(ctx: Context) -> Iterable[Problem]:
    """规范表述, 错别字, the site's own entries, medical claims and traditional characters."""
    words, config = _dictionary(ctx), ctx.config.proofread
    promote = Severity.SERIOUS if config.severity == "error" else None
    for src in ctx.sources:
        waived, used = dict(src.proofread_ignore), set()
        texts = [(key, proofread.own_words(text) if key == "body" else text, line_of)
                 for key, text, line_of in shown_texts(src)]
        for key, own, line_of in texts:
            for hit in _longest_apart(words.hits(own)):
                if hit.entry.wrong in waived:
                    used.add(hit.entry.wrong)
                    continue
                others = [text for k, text, _ in texts if k != key]
                if hit.entry.hint_only and hit.entry.kind != "claim" and _full_form_written(hit, own, others):
                    continue
                check = _check_for(hit.entry)
                if promote and check.severity == Severity.WARNING and hit.entry.kind != "claim":
                    check = replace(check, severity=promote)
                yield _problem(check, src, line_of(hit.start), key, wrong=hit.text, right=hit.entry.right,
                               source=hit.entry.source, reason=hit.entry.reason)
            if config.traditional:
                for at, run, simplified in proofread.traditional_runs(own):
                    check = replace(P.TRADITIONAL, severity=promote) if promote else P.TRADITIONAL
                    yield _problem(check, src, line_of(at), key, run=run, simplified=simplified)
        for wrong, reason in waived.items():
            check = P.WAIVED if wrong in used else P.WAIVER_UNUSED
            yield _problem(check, src, src.lines.get("proofread_ignore", 1), "proofread_ignore", wrong=wrong,
                           reason=reason)


# Personal numbers --------------------------------------------------------------------------------------
def _public(ctx: Context) -> frozenset[str]:
    return frozenset(ctx.config.privacy.public_numbers)


def attachment_numbers(ctx: Context) -> Iterable[Problem]:
    """The same in every published attachment a library can read (txt, csv, docx, xlsx, pdf)."""
    public = _public(ctx)
    for rel in sorted(ctx.published_files):
        path = ctx.options.content / rel
        if path.suffix.lower() not in privacy.READABLE:
            continue
        pieces = privacy.attachment_text(path)
        if pieces is None:
            yield P.ATTACHMENT_UNREAD.problem(path, None, why="无法读取（文件损坏或加密）")
            continue
        if path.suffix.lower() == ".pdf" and not any(text.strip() for _, text in pieces):
            yield P.ATTACHMENT_UNREAD.problem(path, None, why="里没有可读的文字（可能是扫描件）")
            continue
        for where, text in pieces:
            for found in privacy.find(text, public):
                yield P.ATTACHMENT_NUMBER.problem(path, where.line, None, where=f"（{where.label}）", kind=found.kind,
                                                  masked=found.masked)


# Freshness, empty columns and the site's identity --------------------------------------------------------
def _declared_lines(ctx: Context, slugs: list[str]) -> dict[str, tuple[int | None, str | None]]:
    """Where in site.toml each category or topic is declared (line, text), for messages about it."""
    path = ctx.options.config
    rows = path.read_text(encoding="utf-8-sig").splitlines() if path.is_file() else []
    lines = {slug: slug_line(rows, slug) for slug in slugs}
    return {slug: (line, rows[line - 1] if line else None) for slug, line in lines.items()}


def columns(ctx: Context) -> Iterable[Problem]:
    """Every category idle longer than its `update_every`, every empty one, and the 单项否决 they add up to;
    judged once the articles are valid (an article with an error would count as missing)."""
    if ctx.content_errors:
        return
    online = [s for s in ctx.sources if not s.draft and s.date <= ctx.now]
    published = [(s.category, s.date) for s in online]
    rows = freshness(ctx.config, published, ctx.now)
    path = ctx.options.config
    where = _declared_lines(ctx, [c.slug for c in ctx.config.categories] + [t.slug for t in ctx.config.topics])
    for row in rows:
        line, text = where.get(row.slug, (None, None))
        if row.empty:
            yield P.EMPTY_CATEGORY.problem(path, line, text, name=row.name)
        elif row.stale:
            yield P.STALE_CATEGORY.problem(path, line, text, name=row.name, days=row.days, every=row.every,
                                           newest=f"{row.newest:%Y-%m-%d}")
    empty_topics = list(_empty_topics(ctx, online, where))
    yield from empty_topics
    for what, count in (("超期未更新", sum(r.stale for r in rows)),
                        ("没有文章", sum(r.empty for r in rows) + len(empty_topics))):
        if count >= VETO_COUNT:
            yield P.COLUMNS_VETO.problem(path, None, count=count, what=what)
    every = ctx.config.home.update_every
    if every and published:
        newest = max(when for _, when in published)
        days = (ctx.now.date() - newest.date()).days
        if days > every:
            yield P.STALE_HOME.problem(path, None, days=days, newest=f"{newest:%Y-%m-%d}")


def _empty_topics(ctx: Context, published: list[Source], where: dict) -> Iterable[Problem]:
    """Every running 专题 without a published article: a blank column on the home page and in the navigation."""
    for topic in ctx.config.topics:
        if topic.state(ctx.now.date()) == "active" and not any(belongs(src, topic) for src in published):
            how = f"在文章开头写 专题: {topic.name}"
            if topic.tags:
                how = "给文章加上标签 " + "、".join(f"“{t}”" for t in topic.tags[:3]) + "，或" + how
            line, text = where[topic.slug]
            yield P.EMPTY_TOPIC.problem(ctx.options.config, line, text, name=topic.name, how=how)


IDENTITY_REQUIRED = (("sponsor", "主办单位"), ("phone", "联系电话"), ("address", "地址"), ("icp", "ICP备案号"),
                     ("police", "公安机关备案号"))


def identity(ctx: Context) -> Iterable[Problem]:
    """The footer identity every public website shows (主办单位, contacts, ICP and 公安 备案)."""
    given = ctx.config.identity
    missing = [(key, label) for key, label in IDENTITY_REQUIRED if not getattr(given, key).strip()]
    if missing:
        yield P.IDENTITY_MISSING.problem(ctx.options.config, None, missing="、".join(label for _, label in missing),
                                         keys="、".join(key for key, _ in missing))


RULES = (proofreading, attachment_numbers, columns, identity)
