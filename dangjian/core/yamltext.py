"""Front matter's YAML as editors write it: parsed with the line of every key, Chinese colons accepted,
every error in Chinese with the hint that fits the line, and values that YAML cut short noticed.

Editors type `标题：…` with a full-width colon, start titles with 《 or “ or [, paste `#3` into a
title: YAML reads the first as no key at all, the second as syntax and the third as a comment.
The first is accepted (the key is one the site knows), the others are reported at their own line.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import frontmatter
import yaml

from .. import problems as P
from ..errors import Report

BOUNDARY = frontmatter.YAMLHandler.FM_BOUNDARY       # the --- lines around front matter
SPECIAL_STARTS = "\"'[]{}*&!>|%@`,?#-:"


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps dates as text, so we parse and report them ourselves."""


_Loader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

# libyaml parses front matter ~10x faster; the pure-Python loader stays the
# reference for error messages (they are translated from its English wording).
_FastLoader = type("_FastLoader", (yaml.CSafeLoader,), {
    "yaml_implicit_resolvers": _Loader.yaml_implicit_resolvers}) if getattr(yaml, "__with_libyaml__", False) else None


@dataclass
class Parsed:
    data: dict
    lines: dict[str, int]                   # key as written → its line in the file
    cut: dict[str, tuple[str, str]]         # key → (the value YAML kept, the comment it dropped)


def parse(path: Path, fm_text: str, lines: list[str], keys: set[str], report: Report) -> Parsed | None:
    """The front matter (`fm_text`, starting on the file's first line) as a mapping; None, with the
    problems in `report`, when it is not one. `keys`: every name of a known field."""
    fm_text = _chinese_colons(fm_text, keys)
    try:
        node, data = _load(fm_text)
    except yaml.YAMLError as exc:
        line, message, hint = explain(exc, lines)
        report.add(P.YAML_SYNTAX, path, line, lines[line - 1] if line <= len(lines) else None, problem=message,
                   hint=hint)
        return None
    except RecursionError:
        report.add(P.YAML_TOO_DEEP, path, 2)
        return None
    if not isinstance(data, dict):
        report.add(P.NOT_A_MAPPING, path, 2, lines[1] if len(lines) > 1 else None)
        return None
    key_lines: dict[str, int] = {}
    cut: dict[str, tuple[str, str]] = {}
    fm_lines = fm_text.split("\n")
    for key_node, value_node in (node.value if node is not None else ()):
        key = str(key_node.value)
        line = key_node.start_mark.line + 1
        if key in key_lines:
            report.add(P.DUPLICATE_KEY, path, line, lines[line - 1], key=key, other=key_lines[key])
        key_lines[key] = line
        comment = _dropped_comment(value_node, fm_lines)
        if comment:
            cut[key] = (str(value_node.value), comment)
    return Parsed(data, key_lines, cut)


def _load(text: str):
    """(node, data); libyaml when it can, the reference loader for errors."""
    for loader_class in ((_FastLoader, _Loader) if _FastLoader is not None else (_Loader,)):
        loader = loader_class(text)
        try:
            node = loader.get_single_node()
            return node, ({} if node is None else loader.construct_document(node))
        except yaml.YAMLError:
            if loader_class is _Loader:
                raise
        finally:
            loader.dispose()
    raise AssertionError("unreachable")


_COLON_LINE = re.compile(r"^(\s*)([^\s:：#\-][^:：]*?)\s*：[ \t　]*(.*)$")


def _chinese_colons(text: str, keys: set[str]) -> str:
    """`标题：学习会` → `标题: 学习会` where the part before the full-width colon is a known field."""
    if "：" not in text:
        return text
    out = []
    for row in text.split("\n"):
        m = _COLON_LINE.match(row)
        out.append(f"{m.group(1)}{m.group(2)}: {m.group(3)}" if m and m.group(2) in keys else row)
    return "\n".join(out)


def _dropped_comment(node, fm_lines: list[str]) -> str:
    """The `# …` after a plain value on its line (YAML drops it: `学习会 #3` becomes `学习会`)."""
    if not isinstance(node, yaml.ScalarNode) or node.style:        # plain: None (PyYAML) or "" (libyaml)
        return ""
    end = node.end_mark
    if end.line >= len(fm_lines):
        return ""
    rest = fm_lines[end.line][end.column:]
    m = re.match(r"\s+#(.*)$", rest)
    return "#" + m.group(1) if m else ""


# Errors ------------------------------------------------------------------------------------------
_PROBLEMS = [
    (r"mapping values are not allowed", "这里不能出现冒号（值里有冒号时请加引号），或上一行缺少冒号"),
    (r"could not find expected ':'", "缺少冒号"),
    (r"found character '\\t' that cannot start|found a tab character", "不能用 Tab 缩进，请用空格"),
    (r"found unexpected end of stream", "引号没有闭合"),
    (r"found undefined alias", "未定义的别名（* 开头的值）"),
    (r"expected <block end>, but found '<scalar>'", "引号后面还有文字：引号只能把整个值括起来"),
    (r"expected <block end>, but found '<block mapping start>'", "缩进不一致"),
    (r"expected <block end>, but found '[-?]'", "列表和“字段: 值”混在了一起，或缩进不一致"),
    (r"expected <block end>", "缩进不一致，或这一行的格式不对"),
    (r"expected ',' or '\]'", "方括号 [ 没有配对（列表要写成 [甲, 乙]）"),
    (r"expected ',' or '}'", "花括号 { 没有配对"),
    (r"while scanning an? (alias|anchor)", "值不能以 * 或 & 开头"),
    (r"expected URI|could not determine a constructor for the tag|found undefined tag handle",
     "不支持以 ! 开头的标签"),
    (r"while scanning a block scalar", "值不能以 > 或 | 开头"),
    (r"found character '(.)' that cannot start any token", "值不能以“{0}”开头"),
    (r"found unknown escape character", "双引号里的反斜杠 \\ 后面跟了不认识的字符"),
    (r"special characters are not allowed|control characters are not allowed", "文件里有看不见的控制字符"),
    (r"expected a single document", "front matter 里只能有一段（不要再写 ---）"),
    (r"found duplicate anchor", "& 开头的锚点重复"),
    (r"found unhashable key", "字段名不能是列表或表"),
    (r"did not find expected key", "这一行缩进不对，或缺少冒号"),
    (r"did not find expected (node content|'-' indicator)", "这一行的格式不对"),
]


def explain(exc: yaml.YAMLError, lines: list[str]) -> tuple[int, str, str]:
    """(file line, Chinese description, the hint that fits that line) for a YAML error."""
    context = str(getattr(exc, "context", "") or "")
    problem = str(getattr(exc, "problem", "") or str(exc).splitlines()[0])
    # An opened quote or bracket is reported where the file ends; the line that opened it is the one to fix.
    opened = context.startswith(("while scanning a quoted", "while parsing a flow", "while scanning a double",
                                 "while scanning a single"))
    mark = (getattr(exc, "context_mark", None) if opened else None) or getattr(exc, "problem_mark", None) \
        or getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark is not None else 2
    text = f"{problem} {context}"
    message = "这一行无法读取"
    for pattern, chinese in _PROBLEMS:
        m = re.search(pattern, text)
        if m:
            message = chinese.format(*m.groups()) if m.groups() else chinese
            break
    return line, message, _hint(lines[line - 1] if 0 < line <= len(lines) else "")


def _hint(row: str) -> str:
    _, colon, value = row.partition(":")
    value = value.strip()
    if colon and value and value[0] in SPECIAL_STARTS:
        return (f"这一行的值以“{value[0]}”开头，YAML 会把它当作特殊符号：请把整个值用英文双引号括起来，"
                "值里原有的英文双引号改用中文引号“”")
    return "检查这一行的冒号、引号和缩进；标题里有冒号时请用英文双引号把整个标题括起来"
