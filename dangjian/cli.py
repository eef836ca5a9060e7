"""Command line: `python build.py [build|check|new|stats] …`. Errors are caught here, once."""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from . import __version__
from .errors import SiteError
from .pipeline import Options, build

log = logging.getLogger("dangjian")
COMMANDS = ("build", "check", "new", "stats")     # `import` is wired in by importer.py's branch


class _Formatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        text = record.getMessage()
        return text if record.levelno < logging.WARNING or text.startswith(("警告", "错误")) or ": 警告：" in text \
            else text


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--content", type=Path, default=Path("content"), help="文章所在文件夹（默认 content）")
    parser.add_argument("--templates", type=Path, default=Path("templates"),
                        help="网站自己的模板文件夹，逐个文件覆盖默认主题（默认 templates）")
    parser.add_argument("--config", type=Path, default=Path("site.toml"), help="配置文件（默认 site.toml）")
    parser.add_argument("--drafts", action="store_true", help="同时发布草稿（draft: true）")
    parser.add_argument("--future", action="store_true", help="同时发布日期在未来的文章")
    parser.add_argument("--strict", action="store_true", help="把警告当作错误")
    verbosity = parser.add_mutually_exclusive_group()
    verbosity.add_argument("-v", "--verbose", action="store_true", help="显示更多信息")
    verbosity.add_argument("-q", "--quiet", action="store_true", help="只显示错误")


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="build.py", description="医院党建工作栏目的静态网站生成器。不带子命令时等同于 build。")
    parser.add_argument("--version", action="version", version=f"dangjian {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="{" + ",".join(COMMANDS) + "}")
    p_build = sub.add_parser("build", help="生成网站（默认）")
    _common(p_build)
    p_build.add_argument("--out", type=Path, default=Path("site"), help="输出文件夹（默认 site）")
    p_check = sub.add_parser("check", help="只检查内容（含链接、图片、封面），不生成文件")
    _common(p_check)
    p_check.add_argument("--format", choices=("text", "json"), default="text", help="输出格式（默认 text；json 供自动检查用）")
    p_new = sub.add_parser("new", help="新建一篇文章（自动填好开头信息）")
    p_new.add_argument("title", help="文章标题")
    p_new.add_argument("--category", required=True, help="栏目英文名或中文名，如 news")
    p_new.add_argument("--source", default="", help="来源（发稿部门）")
    p_new.add_argument("--author", default="", help="作者，多人用顿号隔开")
    p_new.add_argument("--date", help="发布日期，如 2024-05-12（默认今天）")
    for flag, default, text in (("--content", "content", "文章所在文件夹"), ("--config", "site.toml", "配置文件")):
        p_new.add_argument(flag, type=Path, default=Path(default), help=f"{text}（默认 {default}）")
    p_new.add_argument("-q", "--quiet", action="store_true", help="只显示错误")
    p_stats = sub.add_parser("stats", help="统计已发布文章的篇数（按来源、作者、栏目、月份）")
    _common(p_stats)
    p_stats.add_argument("--by", choices=("source", "author", "category", "month"), help="只按这一项统计（默认全部）")
    p_stats.add_argument("--year", type=int, help="只统计这一年，如 2024")
    p_stats.add_argument("--csv", type=Path, help="同时保存为 CSV 文件（Excel 可直接打开）")
    return parser


def _setup_logging(args) -> None:
    level = logging.WARNING if getattr(args, "quiet", False) else (
        logging.DEBUG if getattr(args, "verbose", False) else logging.INFO)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    root = logging.getLogger("dangjian")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0] not in COMMANDS and argv[0] not in ("-h", "--help", "--version")):
        argv.insert(0, "build")
    parser = make_parser()
    args = parser.parse_args(argv)
    _setup_logging(args)
    options = Options(content=args.content, templates=getattr(args, "templates", Path("templates")),
                      config=args.config, drafts=getattr(args, "drafts", False),
                      future=getattr(args, "future", False), strict=getattr(args, "strict", False),
                      out=getattr(args, "out", Path("site")))
    try:
        if args.command in TOOLS:
            return TOOLS[args.command](args, options)
        result = build(options)
    except SiteError as exc:
        lines = exc.lines()
        for line in lines:
            print(line, file=sys.stderr)
        if args.command == "build":
            count = len(lines)
            print(f"构建失败：{count} 个错误，已有的网站未改动。" if count > 1 else "构建失败，已有的网站未改动。",
                  file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("已中断，已有的网站未改动。", file=sys.stderr)
        return 130
    if not args.quiet:
        print(f"构建完成：{result.articles} 篇文章，{result.pages} 个页面，用时 {result.seconds:.2f} 秒"
              f"（写入 {result.written} 个文件，{result.unchanged} 个未变）")
    return 0


# Editors' tools: each returns the exit code; their logic lives in their own modules.
def _check(args, options: Options) -> int:
    from .checks import report_json, report_text, run_checks
    result = run_checks(options)
    print(report_json(result) if args.format == "json" else report_text(result, args.quiet))
    return 0 if result.ok else 1


def _new(args, options: Options) -> int:
    from .config import load_config
    from .newpost import NewPost, create
    path = create(load_config(args.config), args.content,
                  NewPost(args.title, args.category, args.source, args.author, args.date))
    print(path.as_posix())
    return 0


def _stats(args, options: Options) -> int:
    from . import stats
    from .model import build_site
    from .pipeline import gather
    g = gather(options)
    site = build_site(g.config, g.sources, g.bodies)
    tables = [stats.tally(site, by, args.year) for by in ([args.by] if args.by else stats.DIMENSIONS_CLI)]
    if not args.quiet:
        print("\n\n".join(stats.format_table(t) for t in tables))
    if args.csv:
        stats.write_csv(tables, args.csv)
        log.info("已保存：%s", args.csv)
    return 0


TOOLS = {"check": _check, "new": _new, "stats": _stats}
