"""`build.py new "标题" --category SLUG`: start an article with complete front matter.

The file is written with every field present (empty where the editor has
nothing yet) and short Chinese comments, so nobody has to remember the format.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import yaml

from ..config import SiteConfig
from ..core import content
from ..core.content import parse_date
from ..core.urls import article_source, slugify
from ..errors import SiteError

# `check` reports an article whose body still starts with this (see check.py).
PLACEHOLDER = "（在这里写正文，每段之间空一行。写完后删除这一行。）"


class NewPostError(SiteError):
    """The article could not be started (unknown category, file exists, bad date)."""


@dataclass(frozen=True)
class NewPost:
    title: str
    category: str
    source: str = ""
    author: str = ""
    date: str | None = None          # as typed: 2024-05-12, 2024年5月12日; default today


def resolve_category(config: SiteConfig, value: str) -> str:
    """A category slug from its slug or Chinese name; unknown ones list the valid choices."""
    value = value.strip()
    for cat in config.categories:
        if value in (cat.slug, cat.name):
            return cat.slug
    valid = "、".join(f"{c.slug}（{c.name}）" for c in config.categories)
    raise NewPostError(f"未知栏目：“{value}” — 可用栏目：{valid}")


def render(post: NewPost, category: str, when: datetime, slug: str) -> str:
    """The new file's text: every field of the table that `new` writes, in table order, with its
    note; yaml.safe_dump quotes titles that need it (英文冒号, 引号…)."""

    def value(text: str) -> str:
        return yaml.safe_dump(text, allow_unicode=True, width=10_000).removesuffix("\n...\n").strip() \
            if text else '""'

    given = {"title": value(" ".join(post.title.split())), "date": f"{when:%Y-%m-%d}", "source": value(post.source),
             "author": value(post.author), "category": category, "slug": slug}
    lines = ["---", "# 文章信息：冒号后面要有一个空格；不需要的项可以留空。说明见 docs/editors-guide.md"]
    for row in content.FIELDS:
        if row.in_new:
            note = f"          # {row.note.format(date=f'{when:%Y-%m-%d}')}" if row.note else ""
            lines.append(f"{row.key}: {given.get(row.key, row.type.empty)}{note}")
    return "\n".join([*lines, "---", "", PLACEHOLDER, ""])


def create(config: SiteConfig, content: Path, post: NewPost, now: datetime | None = None) -> Path:
    """Write the new article and return its path; never overwrites."""
    category = resolve_category(config, post.category)
    if not post.title.strip():
        raise NewPostError("标题为空 — 请写上文章标题，如 python build.py new \"我院召开党建工作会议\" --category news")
    if post.date:
        parsed = parse_date(post.date, config)
        if parsed is None:
            raise NewPostError(f"日期无效：“{post.date}” — 请写成 2024-05-12")
        when = parsed[0]
    else:
        when = now or datetime.now(config.tz)
    slug = slugify(post.title)
    if not slug:
        raise NewPostError("无法从标题生成网址 — 标题里至少要有汉字、字母或数字")
    path = content / article_source(category, when.year, slug)
    if path.exists():
        raise NewPostError(f"文件已存在，未改动：{path.as_posix()} — 请打开它继续编辑，或换一个标题")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8", newline="\n") as f:   # "x": fail rather than overwrite
        f.write(render(post, category, when, slug))
    return path
