"""Command line: `python build.py [build|check|new|stats|import] …`. Errors are caught here, once."""
from __future__ import annotations

import argparse
import logging
import os
import re
import sys
from dataclasses import replace
from pathlib import Path

from . import __version__
from . import problems as P
from .build.pipeline import build
from .errors import ConfigError, ContentError, SiteError
from .options import Options
from .util import memory
from .util.progress import Progress

log = logging.getLogger("dangjian")
# One colleague's unfinished file must not block an urgent publish: names starting with _ are skipped.
SKIP_HINT = ("急需发布时：先把出错的文件（或它所在的文件夹）改名为以 _ 开头，如 _草稿.md，"
             "构建会跳过它，其他文章照常发布；改好后再把名字改回来。")
COMMANDS = ("build", "check", "serve", "new", "stats", "register", "import", "deploy")


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


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """argparse, speaking Chinese: its headings, and its errors (with the valid choices)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, formatter_class=_Formatter, **kwargs)
        self._positionals.title, self._optionals.title = "参数", "选项"

    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(2, f"错误：{_argparse_zh(message)}\n")


_ARGPARSE_ZH = [
    (r"argument (\S+): invalid choice: '([^']*)' \(choose from (.*)\)", "{0} 的值“{1}”无效，可选：{2}"),
    (r"argument (\S+): invalid int value: '([^']*)'", "{0} 应为整数，不是“{1}”"),
    (r"argument (\S+): expected one argument", "{0} 后面要写一个值"),
    (r"the following arguments are required: (.*)", "缺少必填的参数：{0}"),
    (r"unrecognized arguments: (.*)", "不认识的参数：{0}（用 python build.py 命令 --help 查看可用的参数）"),
    (r"argument (\S+): not allowed with argument (\S+)", "{0} 和 {1} 不能同时使用"),
]


def _argparse_zh(message: str) -> str:
    for pattern, chinese in _ARGPARSE_ZH:
        m = re.fullmatch(pattern, message)
        if m:
            return chinese.format(*(g.replace("'", "") for g in m.groups()))
    return f"命令行参数有误（{message}）"


DIMENSIONS = {"来源": "source", "作者": "author", "栏目": "category", "月份": "month", "更新": "update",
              "考核": "quota"}


def make_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="build.py", description="医院党建工作栏目的静态网站生成器。不带子命令时等同于 build。")
    parser.add_argument("--version", action="version", version=f"dangjian {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="{" + ",".join(COMMANDS) + "}", parser_class=_Parser)
    p_build = sub.add_parser("build", help="生成网站（默认）")
    _common(p_build)
    p_build.add_argument("--out", type=Path, default=Path("site"), help="输出文件夹（默认 site）")
    _speed(p_build)
    p_build.add_argument("--no-search", dest="search", action="store_false",
                         help="不生成搜索索引（预览更快；搜索页将不可用）")
    p_serve = sub.add_parser("serve", help="边写边看：生成网站并在本机预览，保存文件后浏览器自动刷新（含草稿）")
    _common(p_serve)
    p_serve.add_argument("--out", type=Path, default=Path(".cache/serve/site"),
                         help="预览用的输出文件夹（默认 .cache/serve/site，与正式发布的 site 分开）")
    p_serve.add_argument("--port", type=int, default=8000, help="端口（默认 8000；0 表示任选一个空闲端口）")
    p_serve.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1，只有本机能访问）")
    _speed(p_serve)
    p_check = sub.add_parser("check", help="只检查内容（含链接、图片、封面），不生成文件")
    _common(p_check)
    p_check.add_argument("--format", choices=("text", "json"), default="text", help="输出格式（默认 text；json 供自动检查用）")
    p_check.add_argument("--external", action="store_true", help="同时打开每个外部链接，报告打不开的（需要联网，较慢）")
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
    p_stats.add_argument("--by", choices=("source", "author", "category", "month", "update", "quota"),
                         type=lambda v: DIMENSIONS.get(v, v),
                         help="只按这一项统计：source（来源）、author（作者）、category（栏目）、month（月份）、"
                              "update（栏目更新情况）或 quota（发稿考核）；默认全部")
    p_stats.add_argument("--year", type=int, help="只统计这一年，如 2024")
    p_stats.add_argument("--csv", type=Path, help="同时保存为 CSV 文件（Excel 可直接打开）")
    p_register = sub.add_parser("register", help="信息发布登记：每篇文章的审核人和状态（已发布、待审、已撤稿）")
    _common(p_register)
    p_register.add_argument("--year", type=int, help="只列这一年的文章，如 2025")
    p_register.add_argument("--csv", type=Path, help="同时保存为 CSV 文件（Excel 可直接打开）")
    p_deploy = sub.add_parser("deploy", help="把生成好的网站发布到网站服务器的文件夹（保留旧版本，可回退）")
    p_deploy.add_argument("--to", help="发布到哪个文件夹或 rsync 目标（用户@服务器:/路径）；默认 site.toml 中 [deploy] 的 target")
    p_deploy.add_argument("--out", type=Path, default=Path("site"), help="生成好的网站（默认 site）")
    p_deploy.add_argument("--rollback", action="store_true", help="回退到上一个版本")
    p_deploy.add_argument("--config", type=Path, default=Path("site.toml"), help="配置文件（默认 site.toml）")
    p_deploy.add_argument("--content", type=Path, default=Path("content"), help=argparse.SUPPRESS)
    p_deploy.add_argument("-q", "--quiet", action="store_true", help="只显示错误")
    p_import = sub.add_parser("import", help="把旧网站保存下来的网页（.txt/.html 或文件夹）转换成文章")
    p_import.add_argument("sources", nargs="+", type=Path, metavar="SRC", help="网页文件或文件夹")
    p_import.add_argument("--category", required=True, help="导入到哪个栏目（slug，如 news）")
    p_import.add_argument("--out", type=Path, help="写到哪个文件夹（默认 content/<栏目>）")
    p_import.add_argument("--simplified", action="store_true", help="繁体转简体")
    p_import.add_argument("--year", type=int, help="网页只写了“6月22日”时使用的年份")
    p_import.add_argument("--report", type=Path, default=Path("import-report.csv"),
                          help="导入报告（CSV，Excel 可直接打开；默认 import-report.csv）")
    p_import.add_argument("--redirects", type=Path, help="同时生成旧网址到新网址的跳转表（nginx map）")
    p_import.add_argument("--rules-only", action="store_true", help="不用正文提取库，只用本工具的规则（用于对比）")
    p_import.add_argument("--content", type=Path, default=Path("content"), help="文章所在文件夹（默认 content）")
    p_import.add_argument("--config", type=Path, default=Path("site.toml"), help="配置文件（默认 site.toml）")
    verbosity = p_import.add_mutually_exclusive_group()
    verbosity.add_argument("-v", "--verbose", action="store_true", help="显示更多信息")
    verbosity.add_argument("-q", "--quiet", action="store_true", help="只显示错误")
    return parser


def _import(args, options: Options) -> int:
    """`import`: legacy pages → articles, one report per input."""
    from .config import load_config
    from .core.content import category_list, resolve_category
    from .errors import ConfigError
    from .tools.importer import format_report, import_pages
    from .tools.importer.site import redirect_map, write_csv
    config = load_config(args.config)
    category = resolve_category(args.category.strip(), config)
    if category is None:
        raise ConfigError([P.UNKNOWN_CATEGORY.problem(None, None, value=args.category, choices=category_list(config))])
    out = args.out or args.content / category
    reports = import_pages(args.sources, category, out, simplified=args.simplified, year=args.year,
                           extractor=not args.rules_only)
    if not reports:
        print("没有找到可导入的网页（.txt、.htm、.html 等）。", file=sys.stderr)
        return 1
    for report in reports:
        if not args.quiet or report.error:
            print(format_report(report))
    write_csv(reports, args.report)
    if args.redirects:
        args.redirects.write_text(redirect_map(reports, config.base_path, category), encoding="utf-8")
    written = sum(1 for r in reports if r.output)
    failed = sum(1 for r in reports if r.error)
    skipped = sum(1 for r in reports if r.skipped)
    print(f"导入完成：{written} 篇已写入（都标为待核，核对后删掉 import_notes 才会发布），{skipped} 个网页跳过"
          f"（列表页或重复），{failed} 个失败。报告：{args.report}")
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
    """The command line; `argv` None: this process is the program (and exits when this returns)."""
    as_program = argv is None
    if as_program:
        memory.allow_pausing()           # an incremental build may leave the collector off: we exit next
    try:
        return _main(list(sys.argv[1:] if argv is None else argv))
    except BrokenPipeError:              # `build.py stats | head`: the reader has gone, not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    finally:
        if as_program:
            memory.leave_garbage_to_exit()


def _main(argv: list[str]) -> int:
    if not argv or (argv[0] not in COMMANDS and argv[0] not in ("-h", "--help", "--version")):
        argv.insert(0, "build")
    parser = make_parser()
    args = parser.parse_args(argv)
    _setup_logging(args)
    options = Options(content=args.content, templates=getattr(args, "templates", Path("templates")),
                      config=args.config, drafts=getattr(args, "drafts", False),
                      future=getattr(args, "future", False), strict=getattr(args, "strict", False),
                      out=getattr(args, "out", None) or Path("site"), search=getattr(args, "search", True),
                      jobs=max(0, getattr(args, "jobs", 0)), cache=not getattr(args, "no_cache", False))
    progress = Progress(enabled=None if not getattr(args, "quiet", False) else False)
    if args.command == "serve":
        from .serve import serve
        return serve(replace(options, drafts=True, preview=True), args.host, args.port, progress)
    try:
        if args.command in TOOLS:
            return TOOLS[args.command](args, options)
        result = build(options, progress)
    except SiteError as exc:
        lines = exc.lines()
        for line in lines:
            print(line, file=sys.stderr)
        if args.command in ("build", "check"):
            count = len(lines)
            what = "检查未通过" if args.command == "check" else "构建失败"
            tail = "" if args.command == "check" else "，已有的网站未改动"
            print(f"{what}：{count} 个错误{tail}。" if count > 1 else f"{what}{tail}。", file=sys.stderr)
            if isinstance(exc, ContentError) and not isinstance(exc, ConfigError) and args.command == "build":
                print(SKIP_HINT, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("已中断，已有的网站未改动。", file=sys.stderr)
        return 130
    except OSError as exc:               # a full disk, a folder without permission: said, not a traceback
        where = f"：{exc.filename}" if exc.filename else ""
        print(f"无法读写文件{where}（{exc.strerror or exc}）— 检查磁盘空间和文件夹权限；已有的网站未改动。",
              file=sys.stderr)
        return 1
    if not args.quiet:
        offline = "，".join(([f"{result.held} 篇待审，未发布"] if result.held else []) +
                            ([f"{result.classified} 篇涉密，不发布"] if result.classified else []))
        print(f"构建完成：{result.articles} 篇文章{f'（{offline}）' if offline else ''}，{result.pages} 个页面，用时 {result.seconds:.2f} 秒"
              f"（写入 {result.written} 个文件，{result.unchanged} 个未变"
              + (f"，删除 {result.removed} 个" if result.removed else "") + "）")
    return 0


# Editors' tools: each returns the exit code; their logic lives in their own modules.
def _check(args, options: Options) -> int:
    from .tools.check import report_json, report_text, run_checks
    result = run_checks(options, external=args.external)
    print(report_json(result) if args.format == "json" else report_text(result, args.quiet))
    return 0 if result.ok else 1


def _new(args, options: Options) -> int:
    from .config import load_config
    from .tools.new import NewPost, create
    path = create(load_config(args.config), args.content,
                  NewPost(args.title, args.category, args.source, args.author, args.date))
    print(path.as_posix())
    return 0


def _stats(args, options: Options) -> int:
    from .core.stats import shortfalls
    from .tools import stats
    site, now = stats.published(options)
    counted = [] if args.by in ("update", "quota") else [args.by] if args.by else stats.DIMENSIONS_CLI
    tables = stats.tables(site, counted, args.year)
    if not args.quiet:
        shown = [stats.format_table(t) for t in tables]
        if args.by in (None, "update"):
            shown.append(stats.format_updates(stats.updates(site, now)))
        if args.by == "quota" or (args.by is None and site.config.stats.quotas):
            rows = shortfalls(site, site.config.stats.quotas, stats.quota_months(now, args.year))
            shown.append(stats.format_quotas(rows) if site.config.stats.quotas else
                         "没有设置发稿考核：在 site.toml 的 [stats.quotas] 中写每个来源每月至少几篇")
        print("\n\n".join(shown))
    if args.csv:
        stats.write_csv(tables, args.csv)
        log.info("已保存：%s", args.csv)
    return 0


def _register(args, options: Options) -> int:
    from .tools import register
    rows = register.entries(options, args.year)
    if not args.quiet:
        print(register.format_table(rows, args.year))
    if args.csv:
        register.write_csv(rows, args.csv)
        log.info("已保存：%s", args.csv)
    return 0


def _deploy(args, options: Options) -> int:
    """`deploy`: the built site to the web server's folder (or over rsync and ssh) as a new release,
    or `--rollback`."""
    from .config import load_config
    from .tools import deploy as folder, remote_deploy as remote
    config = load_config(args.config)
    named = str(args.to) if args.to else config.deploy.target
    if not named:
        raise folder.DeployError("没有写发布到哪里：在 site.toml 中加上 [deploy] 和 target = \"/var/www/djgz\"，"
                                 "或用 --to 指定文件夹")
    far = remote.is_remote(named)
    target = named if far or args.to else args.config.parent / named
    if args.rollback:
        was, now = remote.rollback_remote(named, config.deploy.ssh) if far else folder.rollback(Path(target))
        print(f"已回退：{target}/current 现在是版本 {now}（原来是 {was}）。")
        return 0
    keep = max(2, config.deploy.keep)
    done = remote.deploy_remote(args.out, named, keep, config.deploy.ssh) if far else \
        folder.deploy(Path(args.out), Path(target), keep=keep)
    if done.release == done.previous:
        if not args.quiet:
            print(f"网站没有变化，{target}/current 仍是版本 {done.release}。")
        return 0
    if not args.quiet:
        print(f"已发布版本 {done.release}：新写入 {done.copied} 个文件，沿用上一版本 {done.linked} 个"
              + (f"，删除旧版本 {len(done.removed)} 个" if done.removed else "") + "。"
              f"网站服务器的根目录应指向 {target}/current；回退：python build.py deploy --rollback")
    return 0


TOOLS = {"check": _check, "new": _new, "stats": _stats, "register": _register, "import": _import,
         "deploy": _deploy}
