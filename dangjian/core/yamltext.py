"""Front matter's YAML: parsed with the line of every key, errors translated into Chinese."""
from __future__ import annotations

import frontmatter
import yaml

from .. import problems as P

BOUNDARY = frontmatter.YAMLHandler.FM_BOUNDARY       # the --- lines around front matter


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


def parse(path, fm_text, lines, report) -> tuple[dict | None, dict[str, int]]:
    if _FastLoader is not None:
        fast = _FastLoader(fm_text)
        try:
            node = fast.get_single_node()
            data = {} if node is None else fast.construct_document(node)
        except yaml.YAMLError:
            node = None     # report it with the reference loader below
        else:
            return _keys(path, node, data, lines, report)
        finally:
            fast.dispose()
    loader = _Loader(fm_text)
    try:
        node = loader.get_single_node()
        data = {} if node is None else loader.construct_document(node)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark is not None else 2
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        report.add(P.YAML_SYNTAX, path, line, lines[line - 1] if line <= len(lines) else None,
                   problem=_yaml_problem_zh(problem))
        return None, {}
    finally:
        loader.dispose()
    return _keys(path, node, data, lines, report)


def _keys(path, node, data, lines, report) -> tuple[dict | None, dict[str, int]]:
    if not isinstance(data, dict):
        report.add(P.NOT_A_MAPPING, path, 2, lines[1] if len(lines) > 1 else None)
        return None, {}
    key_lines: dict[str, int] = {}
    for key_node, _ in node.value:
        key = str(key_node.value)
        line = key_node.start_mark.line + 1
        if key in key_lines:
            report.add(P.DUPLICATE_KEY, path, line, lines[line - 1], key=key, other=key_lines[key])
        key_lines[key] = line
    return data, key_lines


def _yaml_problem_zh(problem: str) -> str:
    known = {
        "mapping values are not allowed here": "这里不能出现冒号（值里有冒号时请加引号），或上一行缺少冒号",
        "could not find expected ':'": "缺少冒号",
        "found character '\\t' that cannot start any token": "不能用 Tab 缩进，请用空格",
        "found unexpected end of stream": "引号没有闭合",
        "found undefined alias": "未定义的别名",
        "expected <block end>, but found '<block mapping start>'": "缩进不一致",
    }
    return known.get(problem, problem)
