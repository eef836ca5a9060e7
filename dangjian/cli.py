"""Command line: `python build.py [build|check] …`. Errors are caught here, once."""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from . import __version__
from .errors import Problem, SiteError
from .pipeline import Options, build, check

log = logging.getLogger("dangjian")
COMMANDS = ("build", "check", "import")


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
    sub = parser.add_subparsers(dest="command", metavar="{build,check,import}")
    p_build = sub.add_parser("build", help="生成网站（默认）")
    _common(p_build)
    p_build.add_argument("--out", type=Path, default=Path("site"), help="输出文件夹（默认 site）")
    p_check = sub.add_parser("check", help="只检查内容，不生成文件")
    _common(p_check)
    p_import = sub.add_parser("import", help="把旧网站保存下来的网页（.txt/.html 或文件夹）转换成文章")
    p_import.add_argument("sources", nargs="+", type=Path, metavar="SRC", help="网页文件或文件夹")
    p_import.add_argument("--category", required=True, help="导入到哪个栏目（slug，如 news）")
    p_import.add_argument("--out", type=Path, help="写到哪个文件夹（默认 content/<栏目>）")
    p_import.add_argument("--simplified", action="store_true", help="繁体转简体")
    p_import.add_argument("--year", type=int, help="网页只写了“6月22日”时使用的年份")
    p_import.add_argument("--content", type=Path, default=Path("content"), help="文章所在文件夹（默认 content）")
    p_import.add_argument("--config", type=Path, default=Path("site.toml"), help="配置文件（默认 site.toml）")
    verbosity = p_import.add_mutually_exclusive_group()
    verbosity.add_argument("-v", "--verbose", action="store_true", help="显示更多信息")
    verbosity.add_argument("-q", "--quiet", action="store_true", help="只显示错误")
    return parser


def _import(args) -> int:
    """`import`: legacy pages → articles, one report per input."""
    from .config import load_config
    from .errors import ConfigError
    from .importer import format_report, import_pages
    config = load_config(args.config)
    if config.category(args.category) is None:
        valid = "、".join(f"{c.slug}（{c.name}）" for c in config.categories)
        raise ConfigError([Problem(None, None, f"未知栏目：“{args.category}”", f"可用栏目：{valid}")])
    out = args.out or args.content / args.category
    reports = import_pages(args.sources, args.category, out, simplified=args.simplified, year=args.year)
    if not reports:
        print("没有找到可导入的网页（.txt、.htm、.html）。", file=sys.stderr)
        return 1
    for report in reports:
        print(format_report(report))
    failed = sum(1 for r in reports if r.error)
    review = sum(1 for r in reports if r.needs_review and not r.error)
    print(f"导入完成：{len(reports) - failed} 篇已写入，{failed} 篇失败，{review} 篇需要人工核对。")
    return 1 if failed else 0


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
                      out=getattr(args, "out", None) or Path("site"))
    try:
        if args.command == "import":
            return _import(args)
        if args.command == "check":
            gathered = check(options)
            log.info("检查通过：%d 篇文章，%d 条警告", len(gathered.sources), len(gathered.report.warnings))
            return 0
        result = build(options)
    except SiteError as exc:
        lines = exc.lines()
        for line in lines:
            print(line, file=sys.stderr)
        count = len(lines)
        what = "检查未通过" if args.command == "check" else "构建失败"
        tail = "" if args.command == "check" else "，已有的网站未改动"
        print(f"{what}：{count} 个错误{tail}。" if count > 1 else f"{what}{tail}。", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("已中断，已有的网站未改动。", file=sys.stderr)
        return 130
    if not args.quiet:
        print(f"构建完成：{result.articles} 篇文章，{result.pages} 个页面，用时 {result.seconds:.2f} 秒"
              f"（写入 {result.written} 个文件，{result.unchanged} 个未变）")
    return 0
