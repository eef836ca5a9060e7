"""The registry: every problem the tool can report, with its code, default severity, message and fix.

A rule (the code that finds a problem) lives with what it inspects: per-file rules
in core/content.py, link rules in body/links.py, cross-article rules in
tools/check.py, settings in config.py. What it reports is a row here, so the
codes, the Chinese text and how much each problem matters can be read, tested
and documented in one place; `--strict` and `check` promote by severity.
Messages and fixes are str.format templates filled by the rule.
"""
from __future__ import annotations

from .errors import Check, Severity

ERROR, SERIOUS, WARNING, INFO = Severity.ERROR, Severity.SERIOUS, Severity.WARNING, Severity.INFO

# Article files (core/content.py) -------------------------------------------------------------
NOT_UTF8 = Check("not-utf8", ERROR, "文件不是 UTF-8 编码{guess}", "请在编辑器中选择“另存为”，编码选 UTF-8 后保存")
EMPTY_FILE = Check("empty-file", ERROR, "文件是空的",
                   "请补全 front matter（以 --- 开头的标题、日期等）和正文，或删除此文件")
NO_FRONT_MATTER = Check("no-front-matter", ERROR, "缺少 front matter",
                        "文件第一行必须是 ---，接着写 title: 和 date: 等字段，再用一行 --- 结束")
UNCLOSED_FRONT_MATTER = Check("unclosed-front-matter", ERROR, "front matter 没有结束", "在字段后面加一行 ---，再写正文")
YAML_SYNTAX = Check("yaml-syntax", ERROR, "YAML 格式错误：{problem}",
                    "检查这一行的冒号、引号和缩进；标题里有冒号时请用英文双引号把整个标题括起来")
NOT_A_MAPPING = Check("not-a-mapping", ERROR, "front matter 应为“字段: 值”的形式", "例如 title: 我院召开党建工作会议")
DUPLICATE_KEY = Check("duplicate-key", ERROR, "字段重复：“{key}”", "删除其中一行（另一处在第 {other} 行）")
DUPLICATE_FIELD = Check("duplicate-field", ERROR, "字段重复：“{key}” 与第 {other} 行表示同一个字段", "删除其中一行")
UNKNOWN_KEY = Check("unknown-key", WARNING, "未知字段：“{key}”", "{suggestion}")
MISSING_FIELD = Check("missing-field", ERROR, "缺少{label}（{key}）", "在 front matter 中加一行：{key}: {placeholder}")
EMPTY_FIELD = Check("empty-field", ERROR, "{label}为空", "在 {key}: 后面写上文章{label}")
WRONG_TYPE = Check("wrong-type", ERROR, "字段类型不对：{what}", "{example}")
INVALID_DATE = Check("invalid-date", ERROR, "日期无效：“{value}”", "请写成 2024-05-12 或 2024-05-12 09:30")
NO_CATEGORY = Check("no-category", ERROR, "没有指定栏目",
                    "把文件放进栏目文件夹（如 content/news/），或加一行 category: news")
UNKNOWN_FOLDER = Check("unknown-folder", ERROR, "未知栏目：“{value}”（来自文件夹名）",
                       "可用栏目：{choices}；请把文件移到对应文件夹或写明 category")
UNKNOWN_CATEGORY = Check("unknown-category", ERROR, "未知栏目：“{value}”", "可用栏目：{choices}")
NO_CONTENT_FOLDER = Check("no-content-folder", ERROR, "找不到内容文件夹", "请创建 content/ 文件夹或用 --content 指定")

# Addresses (core/urls.py) --------------------------------------------------------------------
DUPLICATE_URL = Check("duplicate-url", ERROR, "两篇文章的网址相同：/{url}（另一篇：{other}）",
                      "为其中一篇设置不同的 slug，例如 slug: {slug}-2")
INVALID_SLUG = Check("invalid-slug", ERROR, "slug 无效：“{slug}”", "只能用小写字母、数字和连字符，例如 slug: {suggestion}")
NO_SLUG = Check("no-slug", ERROR, "无法从文件名生成网址", "请加一行 slug: 英文或拼音网址名")

# What a body links to (body/links.py) and the photos beside it (body/images.py) ------------------
UNPUBLISHED_LINK = Check("unpublished-link", WARNING, "链接的文章未发布（草稿、未来日期或有错误）：{target}",
                         "等对方发布后再链接，或先去掉这个链接")
BROKEN_LINK = Check("broken-link", SERIOUS, "链接的文章不存在：{target}", "检查文件名和相对路径（如 ../2024/文件名.md）")
MISSING_IMAGE = Check("missing-image", SERIOUS, "图片不存在：{target}",
                      "检查文件名（区分大小写）和相对路径；文件应放在文章旁边")
MISSING_FILE = Check("missing-file", SERIOUS, "链接的文件不存在：{target}",
                     "检查文件名（区分大小写）和相对路径；文件应放在文章旁边")
MISSING_ALT = Check("missing-alt", WARNING, "图片缺少替代文字（alt）：{src}",
                    "在方括号里写上图片内容，例如 ![党员志愿者在门诊服务](images/a.jpg)")
MISSING_COVER = Check("missing-cover", SERIOUS, "封面图片不存在：{cover}", "检查 cover 的文件名和路径（相对于文章文件）")
WITHHELD_IMAGE = Check("withheld-image", WARNING, "不支持这种图片格式，未发布：{rel}（这类照片常带拍摄地点等信息）",
                       "用看图软件或手机把它另存为 JPG，再在正文中引用 .jpg 文件")
UNREADABLE_IMAGE = Check("unreadable-image", WARNING, "图片无法读取，未发布：{rel}（{reason}）",
                         "用看图软件打开检查；可另存为 JPG 或 PNG 后替换")

# Across articles (tools/check.py) ---------------------------------------------------------------
PLACEHOLDER = Check("placeholder", ERROR, "正文还是模板里的提示文字", "写好正文并删除这一行")
DRAFT = Check("draft", INFO, "草稿（draft: true），正式生成时不会发布", "{unchecked}")
FUTURE = Check("future", INFO, "发布时间 {when} 在未来，到那时重新生成网站才会发布", "{unchecked}")
DUPLICATE_TITLE = Check("duplicate-title", WARNING, "与 {other} 标题相同，且是同一天发布",
                        "如果是重复的文件，请删除其中一篇；否则请改一下标题")

# site.toml (config.py) ----------------------------------------------------------------------
CONFIG_MISSING = Check("config-missing", ERROR, "找不到配置文件", "请在网站根目录放一个 site.toml，或用 --config 指定")
CONFIG_NOT_UTF8 = Check("config-not-utf8", ERROR, "配置文件不是 UTF-8 编码", "请用编辑器另存为 UTF-8")
TOML_SYNTAX = Check("toml-syntax", ERROR, "TOML 格式错误：{detail}", "检查这一行的等号、引号和方括号")
CONFIG_NOT_TABLE = Check("config-not-table", ERROR, "“{key}” 应该是一个表（[{key}]）")
CONFIG_UNKNOWN_KEY = Check("config-unknown-key", WARNING, "未知配置项：“{key}”", "{suggestion}")
CONFIG_REQUIRED = Check("config-required", ERROR, "缺少必填配置项：“{key}”", "请加一行 {name} = …（{doc}）")
CONFIG_TABLE_LIST = Check("config-table-list", ERROR, "{key} 应写成多个 [[{key}]] 表", "参见 docs/configuration.md")
CONFIG_TEXT_LIST = Check("config-text-list", ERROR, "{key} 应为{what}列表", "例如 {example}")
CONFIG_NOT_BOOL = Check("config-not-bool", ERROR, "配置项 “{key}” 应为 true 或 false", "例如 {name} = true")
CONFIG_NOT_INT = Check("config-not-int", ERROR, "配置项 “{key}” 应为整数", "例如 {name} = 20")
CONFIG_NOT_TEXT = Check("config-not-text", ERROR, "配置项 “{key}” 应为文字", '请用双引号括起来，如 {name} = "…"')
CONFIG_NEGATIVE = Check("config-negative", ERROR, "配置项 “{key}” 不能为负数")
CONFIG_LANGUAGE = Check("config-language", ERROR, "language 必须为 zh-CN", "中文搜索分词依赖页面语言 zh-CN")
CONFIG_TIMEZONE = Check("config-timezone", ERROR, "未知时区：“{value}”", '例如 timezone = "Asia/Shanghai"')
CONFIG_PAGE_SIZE = Check("config-page-size", ERROR, "page_size 至少为 1")
CONFIG_NO_CATEGORIES = Check("config-no-categories", ERROR, "没有配置任何栏目",
                             "请添加 [[categories]] 表，每个含 slug 和 name")
CONFIG_CATEGORY_SLUG = Check("config-category-slug", ERROR, "栏目 slug 无效：“{slug}”",
                             "只能用小写字母、数字和连字符，如 theme-education")
CONFIG_CATEGORY_TWICE = Check("config-category-twice", ERROR, "栏目 slug 重复：“{slug}”", "每个栏目的 slug 必须不同")
CONFIG_CATEGORY_NAME = Check("config-category-name", ERROR, "栏目 “{slug}” 的 name 为空", "请填写栏目中文名")


def registry() -> dict[str, Check]:
    """Every registered check by code (a test keeps codes unique and the docs in step)."""
    return {value.code: value for value in globals().values() if isinstance(value, Check)}
