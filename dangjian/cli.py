"""Command line: `python build.py [build|check] …`. Errors are caught here, once."""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from . import __version__
from .errors import SiteError
from .pipeline import Options, build, check
from .progress import Progress

log = logging.getLogger("dangjian")
COMMANDS = ("build", "check", "serve")


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


def _speed(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--jobs", "-j", type=int, default=0, metavar="N",
                        help="同时使用的进程数（默认等于 CPU 核数）")
    parser.add_argument("--no-cache", action="store_true",
                        help="不使用构建缓存，完整重新生成（缓存在输出文件夹旁的 .cache/ 中）")


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="build.py", description="医院党建工作栏目的静态网站生成器。不带子命令时等同于 build。")
    parser.add_argument("--version", action="version", version=f"dangjian {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="{build,check,serve}")
    p_build = sub.add_parser("build", help="生成网站（默认）")
    _common(p_build)
    p_build.add_argument("--out", type=Path, default=Path("site"), help="输出文件夹（默认 site）")
    _speed(p_build)
    p_serve = sub.add_parser("serve", help="边写边看：生成网站并在本机预览，保存文件后浏览器自动刷新（含草稿）")
    _common(p_serve)
    p_serve.add_argument("--out", type=Path, default=Path(".cache/serve/site"),
                         help="预览用的输出文件夹（默认 .cache/serve/site，与正式发布的 site 分开）")
    p_serve.add_argument("--port", type=int, default=8000, help="端口（默认 8000；0 表示任选一个空闲端口）")
    p_serve.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1，只有本机能访问）")
    _speed(p_serve)
    p_check = sub.add_parser("check", help="只检查内容，不生成文件")
    _common(p_check)
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
    options = Options(content=args.content, templates=args.templates, config=args.config,
                      drafts=args.drafts, future=args.future, strict=args.strict,
                      out=getattr(args, "out", Path("site")), jobs=max(0, getattr(args, "jobs", 0)),
                      cache=not getattr(args, "no_cache", False),
                      progress=Progress(enabled=None if not args.quiet else False))
    if args.command == "serve":
        from .serve import serve
        options.drafts = True
        return serve(options, args.host, args.port)
    try:
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
        print(f"构建失败：{count} 个错误，已有的网站未改动。" if count > 1 else "构建失败，已有的网站未改动。",
              file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("已中断，已有的网站未改动。", file=sys.stderr)
        return 130
    if not args.quiet:
        print(f"构建完成：{result.articles} 篇文章，{result.pages} 个页面，用时 {result.seconds:.2f} 秒"
              f"（写入 {result.written} 个文件，{result.unchanged} 个未变"
              + (f"，删除 {result.removed} 个" if result.removed else "") + "）")
    return 0
