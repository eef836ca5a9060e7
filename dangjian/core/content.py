"""Find, parse and validate the Markdown articles under `content/`.

The front-matter fields are one table, `FIELDS`: each row names a field, its
Chinese aliases, its type (which parses and validates the value), whether it
is required, whether it shows wherever the article is linked (its teaser), and
the text the editors' guide and `new` show for it. `Source`, alias handling,
validation, the model's `Article`, the incremental build's teaser signature,
the guide's field table and `new`'s template all derive from this table.

Every file is decoded, its front matter parsed (with the line of each key) and
checked field by field into an immutable `Source`; then the per-file `RULES`
run. Problems go to a `Report`, so one run lists every mistake in every file.
Nothing is written while loading.
"""
from __future__ import annotations

import difflib
import hashlib
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from .. import problems as P
from ..config import SiteConfig
from ..errors import Report
from . import privacy, review, spam
from .fields import (Address, Addresses, CategoryName, Context, Corrections, Field, Flag, Invalid, Names, Notes, Signers,
                     Text, Title, TopicNames, Waivers, When, category_list, parse_date, resolve_category, split_names)
from .lines import normalised

__all__ = ["FIELDS", "RULES", "Field", "Source", "attributes", "category_list", "field_table", "find",
           "load_file", "parse_conditions", "parse_date", "resolve_category", "split_names", "table_key"]


# The table ------------------------------------------------------------------------------------
FIELDS: tuple[Field, ...] = (
    Field("title", "标题", Title(), ("标题",), required=True, teaser=True, help="文章标题",
          example="title: 我院召开2025年党建工作会议", placeholder="文章标题"),
    Field("date", "日期", When(with_time=True), ("日期", "发布时间", "发布日期"), required=True,
          attrs=("date", "has_time"), teaser=True, help="发布日期，可以带时间", example="date: 2025-02-20 09:30",
          placeholder="2024-05-12", note="可以加上时间，如 {date} 09:30"),
    Field("source", "来源", Text(name=True), ("来源",), teaser=True, help="发稿部门", example="source: 党委宣传部",
          note="来源：发稿部门，如 党委宣传部"),
    Field("author", "作者", Names("姓名或姓名列表", "author: 王芳 或 author: [王芳, 李明]"), ("作者", "authors"),
          attrs=("authors",), teaser=True, help="作者；多人用方括号列出", example="author: [王芳, 李明]",
          note="作者；多人写成 王芳、李明"),
    Field("editor", "责任编辑", Text(names=True), ("责任编辑",), help="责任编辑", example="editor: 赵敏",
          note="责任编辑"),
    Field("category", "栏目", CategoryName(), ("栏目",), teaser=True,
          help="栏目英文名或中文名；不写时取文章所在的栏目文件夹（一般不写，移动文件就是换栏目）",
          example="category: integrity", in_new=False),
    Field("tags", "标签", Names("列表或用逗号分隔的文字", "tags: [义诊, 志愿服务]"), ("标签",), teaser=True,
          help="标签，用方括号列出，或用逗号、顿号分隔", example="tags: [廉政教育, 医德医风]",
          note="标签，如 [主题党日, 志愿服务]"),
    Field("topics", "专题", TopicNames(), ("专题",), teaser=True,
          help="文章所属的专题（site.toml 中配置的专题名称或 slug）；带有专题所列标签的文章不写也属于该专题",
          example="topics: [党纪学习教育]", in_new=False),
    Field("summary", "摘要", Text(), ("摘要",), teaser=True, help="摘要，显示在文章列表中",
          example="summary: 7月起，医院开展……", note="摘要；不写时自动取正文开头"),
    Field("slug", "slug", Text(), help="自定义网址名，只能用小写字母、数字和连字符",
          example="slug: qingshan-yizhen-2024", note="网址名，发布后不要再改"),
    Field("cover", "封面", Text(), ("封面",), teaser=True, help="封面图片，写图片相对于文章的路径",
          example="cover: images/zhutidangri.jpg", note="封面图片，如 images/cover.jpg"),
    Field("pinned", "置顶", Flag(), ("置顶",), teaser=True, help="是否置顶，`true` 表示排在最前",
          example="pinned: true", note="true 表示置顶"),
    Field("draft", "草稿", Flag(), ("草稿",), help="是否为草稿，`true` 表示暂不发布", example="draft: true",
          note="true 表示草稿，暂不发布"),
    Field("updated", "更新时间", When(with_time=False), ("更新时间",), teaser=True, help="文章修改后的更新时间",
          example="updated: 2025-01-20 10:00", in_new=False),
    Field("aliases", "旧网址", Addresses(), ("旧网址",),
          help="文章以前的网址（改了文件名或栏目后）：读者打开旧网址会自动转到这里", example="aliases: [/djgz/news/2024/old-name/]",
          in_new=False),
    Field("proofread_ignore", "校对忽略", Waivers(), ("校对忽略",),
          help="本文不按某个词条校对（如引用历史原文），每条写明理由；check 仍会列出",
          example="proofread_ignore: {三中全会: 引用一九七八年十一届三中全会原文}", in_new=False),
    # 三审签发 and 保密审查 (site.toml [review] says which are required before an article is published)
    Field("review_first", "初审", Signers(), ("初审",), help="初审人（如科室主任、支部书记）", example="review_first: 王芳",
          note="初审人：科室主任或支部书记审核后填写"),
    Field("review_second", "复审", Signers(), ("复审",), help="复审人（如党委办公室、宣传科）",
          example="review_second: 李明", note="复审人：党委办公室或宣传科审核后填写"),
    Field("review_final", "终审", Signers(), ("终审", "签发"), help="终审签发人（如分管院领导）",
          example="review_final: 张伟", note="终审签发：分管院领导签发后填写"),
    Field("secrecy_review", "保密审查", Signers(), ("保密审查",), help="保密审查人",
          example="secrecy_review: 赵敏", note="保密审查人：保密审查后填写"),
    Field("classified", "涉密", Flag(), ("涉密",), help="涉密文章写 是：任何情况下都不会发布", example="classified: 是",
          in_new=False),
    Field("reprint", "转载", Flag(), ("转载",), teaser=True, help="转载的文章写 是，并写明原载和原文链接",
          example="reprint: 是", in_new=False),
    Field("original_source", "原载", Text(name=True), ("原载",), help="转载文章的原发单位或媒体",
          example="original_source: 健康报", in_new=False),
    Field("original_url", "原文链接", Address(), ("原文链接",), help="转载文章的原文网址",
          example="original_url: https://www.example.cn/a.html", in_new=False),
    Field("withdrawn", "撤稿", Text(), ("撤稿",), help="撤稿原因：写了就撤下这篇文章，原网址只显示撤稿说明",
          example="withdrawn: 内容有误，已撤稿", in_new=False),
    Field("withdrawn_date", "撤稿日期", When(with_time=False), ("撤稿日期",), help="撤稿的日期，不早于发布日期",
          example="withdrawn_date: 2025-03-05", in_new=False),
    # What `import` writes: an imported article waits until a person has checked it against the old page
    Field("import_notes", "导入待核", Notes(), ("导入待核",),
          help="导入旧网站文章时写下的待核对事项；写着就不发布，核对改好后删掉", example="import_notes: [未找到发布日期]",
          in_new=False),
    Field("legacy_url", "原网址", Notes(), ("原网址",), help="导入的文章在旧网站上的网址（供核对和做跳转）",
          example="legacy_url: http://www.example.cn/djgz/2019/0612/56.html", in_new=False),
    Field("corrections", "更正", Corrections(), ("更正",), help="更正说明，每条写日期和内容，显示在文末",
          example="corrections: [2025-03-02 第二段中“三十名”应为“三十三名”]", in_new=False),
)

# Per-file rules: each `rule(source, report, config)` runs on every valid article (body included)
# after its fields; what it reports is cached with the file and replayed while the file and the
# settings the rule names in its `config_keys` attribute are unchanged.
RULES: tuple[Callable[["Source", Report, SiteConfig], None], ...] = (privacy.personal_numbers, spam.spam_rule,
                                                                        review.review_rule)


def parse_conditions(config: SiteConfig, content: Path) -> str:
    """What parsing a file depends on besides its bytes: the table, the rules, the settings the field
    types read, and where content/ is (a file parsed under other conditions is parsed again)."""
    keys = sorted({key for row in FIELDS for key in row.type.config_keys}
                  | {key for rule in RULES for key in getattr(rule, "config_keys", ())})
    return repr((table_key(), [(key, getattr(config, key)) for key in keys], str(content)))


def table_key() -> str:
    """What parsing a file and a teaser depend on besides the file: the table and the per-file rules
    (a build under another table or other rules reads every file again)."""
    rows = [(row.key, row.names, row.aliases, row.required, row.teaser, type(row.type).__name__, vars(row.type))
            for row in FIELDS]
    return repr((rows, [f"{rule.__module__}.{rule.__qualname__}" for rule in RULES]))


def field_table(fields: tuple[Field, ...] | None = None) -> str:
    """The editors' guide's table of fields (docs/editors-guide.md holds a copy, kept in step by a test)."""
    rows = ["| 字段名 | 中文别名 | 必填 | 含义 | 示例 |", "| --- | --- | :---: | --- | --- |"]
    for row in fields or FIELDS:
        shown = "、".join(f"`{a}`" for a in row.aliases if not a.isascii()) or "—"
        rows.append(f"| `{row.key}` | {shown} | {'**是**' if row.required else '否'} | {row.help} | `{row.example}` |")
    return "\n".join(rows)


# Sources ---------------------------------------------------------------------------------------
STRUCTURE = ("path", "rel", "body", "body_line", "lines", "digest")     # what every Source has besides fields


class Record:
    """An immutable bag of attributes: the table's fields plus a few fixed ones.

    Not a dataclass, because its attributes follow `FIELDS`. Filled directly through
    `__dict__` (as unpickling does): 10,000 of these are made per build."""

    _uncompared: tuple[str, ...] = ()

    def __init__(self, **values):
        self.__dict__.update(values)

    def __setattr__(self, name, value):
        raise AttributeError(f"{type(self).__name__} is immutable")

    def _compared(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_") and k not in self._uncompared}

    def __eq__(self, other):
        related = isinstance(other, type(self)) or isinstance(self, type(other))   # a cached Source too
        return related and self._compared() == other._compared()

    def __hash__(self):
        return hash(self.__dict__.get("key") or self.__dict__.get("rel"))

    def __repr__(self):
        return f"{type(self).__name__}({self.__dict__.get('rel') or self.__dict__.get('key')!r})"


class Source(Record):
    """One article file, parsed and validated; the model is built from these."""

    _uncompared = ("lines",)


@lru_cache(maxsize=8)
def attributes(fields: tuple[Field, ...]) -> tuple[str, ...]:
    """Every attribute a Source has, fields first (the cache packs Sources in this order)."""
    return tuple(name for row in fields for name in row.names) + STRUCTURE


def find(content: Path) -> tuple[list[tuple[str, os.stat_result]], list[tuple[str, os.stat_result]]]:
    """Article files and other files below content/ with their stat, in sorted path order
    (as Path objects sort, part by part); hidden names (. and _) and symbolic links skipped."""
    articles, assets = [], []
    if not content.is_dir():
        return articles, assets
    stack = [("", str(content))]
    while stack:
        prefix, folder = stack.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.startswith((".", "_")):
                    continue
                rel = prefix + entry.name
                if entry.is_symlink():      # may point anywhere on the machine: never read (check names it)
                    continue
                if entry.is_dir():
                    stack.append((rel + "/", entry.path))
                elif entry.is_file():
                    if entry.name.endswith(".md"):
                        articles.append((rel, entry.stat()))
                    if not entry.name.lower().endswith(".md"):
                        assets.append((rel, entry.stat()))
    articles.sort(key=lambda item: item[0].split("/"))
    assets.sort(key=lambda item: item[0].split("/"))
    return articles, assets



# What editors' programs leave beside their files: never published (check names them).
JUNK = re.compile(r"(^|/)(~\$[^/]*|[^/]*\.(bak|tmp|swp|md\.txt|md~)|[^/]*~|thumbs\.db|desktop\.ini|\.ds_store|"
                  r"\.~lock\.[^/]*#)$", re.I)


def is_junk(rel: str) -> bool:
    return JUNK.search(rel) is not None


# Parsing -----------------------------------------------------------------------------------------
def load_file(path: Path, content_dir: Path, config: SiteConfig, report: Report) -> Source | None:
    """Parse and validate one article; None (with the problems in `report`) when it cannot be published."""
    raw = path.read_bytes()
    text = _decode(path, raw, report)
    if text is None:
        return None
    text = normalised(text)
    if not text.strip():
        report.add(P.EMPTY_FILE, path, 1)
        return None
    lines = text.split("\n")
    from . import (
        yamltext,  # YAML loads only when a file must be parsed (not for a no-change build)
    )
    marks = list(yamltext.BOUNDARY.finditer(text))
    if not marks or marks[0].start() != 0:
        report.add(P.NO_FRONT_MATTER, path, 1, lines[0])
        return None
    if len(marks) < 2:
        report.add(P.UNCLOSED_FRONT_MATTER, path, 1, lines[0])
        return None
    parsed = yamltext.parse(path, text[marks[0].end():marks[1].start()], lines, set(field_names(FIELDS)), report)
    if parsed is None:
        return None
    errors_before = len(report.errors)
    values, line_of = _known_keys(path, parsed.data, parsed.lines, lines, report)
    _report_cut_values(path, parsed.cut, lines, parsed.lines, report)
    rel = path.relative_to(content_dir).as_posix()
    fields = _validate(Context(path, rel, config), values, line_of, lines, report)
    if len(report.errors) > errors_before:
        return None
    src = Source(**fields, path=path, rel=rel, body=text[marks[1].end():].lstrip("\n"),
                 body_line=text.count("\n", 0, marks[1].end()) + 2, lines=line_of,
                 digest=hashlib.sha256(raw).hexdigest())
    for rule in RULES:
        rule(src, report, config)
    return src


def _decode(path: Path, raw: bytes, report: Report) -> str | None:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        guess = ""
        for enc, label in (("gb18030", "GBK/GB18030"), ("big5", "Big5")):
            try:
                raw.decode(enc)
                guess = f"（看起来是 {label}）"
                break
            except UnicodeDecodeError:
                continue
        report.add(P.NOT_UTF8, path, line, guess=guess)
        return None


# Validation --------------------------------------------------------------------------------------
def field_names(fields: tuple[Field, ...]) -> dict[str, str]:
    """Every name a field may be written under (its key and its aliases) → its key."""
    return {**{a: row.key for row in fields for a in row.aliases}, **{row.key: row.key for row in fields}}


def _report_cut_values(path, cut: dict[str, tuple[str, str]], lines, key_lines, report) -> None:
    """A value YAML cut at ` #`: always worth a word in a title; elsewhere when the `#` starts a word
    (`#3`), not a comment the editor wrote (`# 来源：…`, as `new` writes them)."""
    names = field_names(FIELDS)
    for key, (kept, comment) in cut.items():
        if names.get(key) == "title" or not comment[1:2].isspace():
            line = key_lines[key]
            report.add(P.CUT_AT_HASH, path, line, lines[line - 1], field=names.get(key, key), key=key, kept=kept,
                       full=f"{kept} {comment}")


def _known_keys(path, data, key_lines, lines, report) -> tuple[dict[str, Any], dict[str, int]]:
    """The written values by field key (aliases resolved); unknown and repeated keys reported."""
    names = field_names(FIELDS)
    values: dict[str, Any] = {}
    line_of: dict[str, int] = {}
    for key, value in data.items():
        key = str(key)
        name = names.get(key)
        line = key_lines.get(key, 2)
        if name is None:
            close = difflib.get_close_matches(key, [r.key for r in FIELDS] + [n for n in names if n != names[n]],
                                              n=1, cutoff=0.6)
            hint = f"是否想写 “{close[0]}”？" if close else f"可用字段：{', '.join(r.key for r in FIELDS)}"
            report.add(P.UNKNOWN_KEY, path, line, lines[line - 1], field=key, key=key, suggestion=hint)
        elif name in values:
            report.add(P.DUPLICATE_FIELD, path, line, lines[line - 1], field=name, key=key, other=line_of[name])
        else:
            values[name] = value
            line_of[name] = line
    return values, line_of


def _validate(ctx: Context, values: dict[str, Any], line_of: dict[str, int], lines: list[str],
              report: Report) -> dict[str, Any]:
    """Every field's value by attribute, each parsed by its type; problems reported in table order."""
    out: dict[str, Any] = {}
    for row in FIELDS:
        try:
            value = row.type.parse(values[row.key], row, ctx) if row.key in values else row.type.absent(row, ctx)
        except Invalid as bad:
            if bad.at_top:
                line, source = 1, lines[0] if bad.quote else None
            else:
                line = line_of.get(row.key, 2)
                source = lines[line - 1] if row.key in line_of else None
            report.add(bad.check, ctx.path, line, source, field=row.key, **bad.values)
            value = None
        for check, notes in ctx.notes:
            line = line_of.get(row.key, 1)
            report.add(check, ctx.path, line, lines[line - 1] if row.key in line_of else None, row.key, **notes)
        ctx.notes.clear()
        names = row.names
        if len(names) == 1:
            out[names[0]] = value
        else:
            out.update(zip(names, value if value is not None else (None,) * len(names)))
    return out
