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
YAML_SYNTAX = Check("yaml-syntax", ERROR, "YAML 格式错误：{problem}", "{hint}",
                    "看提示指出的那一行：多半是冒号、引号或缩进；值以特殊符号开头时，把整个值用英文双引号括起来")
YAML_TOO_DEEP = Check("yaml-too-deep", ERROR, "front matter 嵌套太深，无法读取",
                      "字段的值只需要一行文字或一个简单列表，如 tags: [义诊, 志愿服务]")
CUT_AT_HASH = Check("cut-at-hash", WARNING, "“{key}”一行里 # 后面的文字被当作注释忽略了：实际只读到“{kept}”",
                    "如果 # 是内容的一部分，请把整个值用英文双引号括起来，如 {key}: \"{full}\"")
NOT_A_MAPPING = Check("not-a-mapping", ERROR, "front matter 应为“字段: 值”的形式", "例如 title: 我院召开党建工作会议")
DUPLICATE_KEY = Check("duplicate-key", ERROR, "字段重复：“{key}”", "删除其中一行（另一处在第 {other} 行）")
DUPLICATE_FIELD = Check("duplicate-field", ERROR, "字段重复：“{key}” 与第 {other} 行表示同一个字段", "删除其中一行")
UNKNOWN_KEY = Check("unknown-key", WARNING, "未知字段：“{key}”", "{suggestion}", "检查字段名的拼写，提示会给出最接近的字段名")
MISSING_FIELD = Check("missing-field", ERROR, "缺少{label}（{key}）", "在 front matter 中加一行：{key}: {placeholder}")
EMPTY_FIELD = Check("empty-field", ERROR, "{label}为空", "在 {key}: 后面写上文章{label}")
WRONG_TYPE = Check("wrong-type", ERROR, "字段类型不对：{what}", "{example}", "照提示里的例子改写这一行的值")
INVALID_DATE = Check("invalid-date", ERROR, "日期无效：“{value}”", "请写成 2024-05-12 或 2024-05-12 09:30")
NO_CATEGORY = Check("no-category", ERROR, "没有指定栏目",
                    "把文件放进栏目文件夹（如 content/news/），或加一行 category: news")
UNKNOWN_FOLDER = Check("unknown-folder", ERROR, "未知栏目：“{value}”（来自文件夹名）",
                       "可用栏目：{choices}；请把文件移到对应文件夹或写明 category")
UNKNOWN_TOPIC = Check("unknown-topic", ERROR, "未知专题：“{value}”", "可用专题：{choices}（写专题名称或 slug；新专题先在 site.toml 的 [[topics]] 中配置）")
UNKNOWN_CATEGORY = Check("unknown-category", ERROR, "未知栏目：“{value}”", "可用栏目：{choices}")
CATEGORY_FOLDER = Check("category-folder", WARNING, "栏目不一致：文件在 {folder} 文件夹里，category 却写的是 {value}；以 category 为准",
                        "把文件移到 content/{value}/ 下，或删掉 category 这一行（以文件夹为准）")
WAIVER_REASON = Check("waiver-reason", ERROR, "{key} 中的“{wrong}”没有写理由",
                      "每条写成 写法: 理由，如 三中全会: 引用一九七八年十一届三中全会原文")
NOT_A_NAME = Check("not-a-name", ERROR, "{label}应写审核人的姓名，这里写的是“{value}”",
                   "只写姓名，如 {key}: 王芳；日期等写在别处")
NOT_AN_ADDRESS = Check("not-an-address", ERROR, "{label}不是网址：“{value}”",
                       "写完整的网址，以 http:// 或 https:// 开头，如 {key}: https://www.example.gov.cn/a.html")
CORRECTION_FORM = Check("correction-form", ERROR, "更正说明写法不对：“{value}”",
                        "每条写成 - 日期 说明，如\n{key}:\n  - 2025-03-02 第二段中“三十名”应为“三十三名”")
BODY_TOO_DEEP = Check("body-too-deep", ERROR, "正文的引用或列表嵌套太深，无法排版",
                      "检查正文开头是否有成串的 > 或 * 号；引用和列表最多套几层")
NO_CONTENT_FOLDER = Check("no-content-folder", ERROR, "找不到内容文件夹", "请创建 content/ 文件夹或用 --content 指定")

# Review before publishing (core/review.py) -----------------------------------------------------
REVIEW_PENDING = Check("review-pending", INFO, "待审，未发布：缺少{missing}",
                       "审核人签字后，在文章开头写上姓名（如 复审: 李明），再生成网站",
                       "审核人签字后在文章开头写上姓名；[review] missing = \"error\" 时为错误")
SAME_SIGNER = Check("same-signer", INFO, "“{name}”同时签了{stages}：同一人不能签两个环节，这篇暂不发布",
                    "请另一位审核人签其中一个环节")
CLASSIFIED = Check("classified", INFO, "涉密文章，任何情况下都不会发布", "涉密不上网：确需公开的，先脱密并经保密审查，再删掉“涉密”这一行")
IMPORT_PENDING = Check("import-pending", INFO, "从旧网站导入，待核对，未发布：{notes}",
                       "对照原网页核对标题、日期、来源和正文，改好后删掉 import_notes 这几行，再生成网站",
                       "核对后删掉 import_notes")
SPAM_SUSPECTED = Check("spam-suspected", INFO, "疑似垃圾广告，这篇暂不发布：“{words}”",
                       "这一行多半是旧网站被挂的广告或抓取时带进来的，请删掉这一行再生成网站",
                       "删掉这一行")
REPRINT_INCOMPLETE = Check("reprint-incomplete", ERROR, "转载文章缺少{missing}",
                           "转载须注明出处：加一行 原载: 原发单位或媒体，和一行 原文链接: https://…")
WITHDRAWN_UNDATED = Check("withdrawn-undated", ERROR, "撤稿没有写撤稿日期", "加一行 撤稿日期: 2025-03-05")
WITHDRAWN_EARLY = Check("withdrawn-early", ERROR, "撤稿日期 {when} 早于发布日期 {date}", "撤稿日期不能早于文章的发布日期")
WITHDRAWN_NO_REASON = Check("withdrawn-no-reason", ERROR, "写了撤稿日期，没有写撤稿原因",
                            "加一行 撤稿: 撤稿原因（如 内容有误）；不撤稿就删掉撤稿日期")

# Addresses (core/urls.py) --------------------------------------------------------------------
DUPLICATE_URL = Check("duplicate-url", ERROR, "两篇文章的网址相同：/{url}（另一篇：{other}）",
                      "为其中一篇设置不同的 slug，例如 slug: {slug}-2")
INVALID_SLUG = Check("invalid-slug", ERROR, "slug 无效：“{slug}”",
                     "只能用小写字母、数字和连字符，最多 100 个字符，例如 slug: {suggestion}")
INVALID_ALIAS = Check("invalid-alias", ERROR, "旧网址无效：“{value}”", "写成本站的网址，如 /djgz/news/2024/old-name/")
ALIAS_TAKEN = Check("alias-taken", ERROR, "旧网址 /{url} 已经是另一篇文章的网址（{other}）",
                    "删掉这个旧网址，或给那篇文章换一个 slug")
URL_GONE = Check("url-gone", WARNING, "上次发布的网址 /{url} 这次没有了{why}，读者和搜索引擎再打开它会看到“页面未找到”",
                 "{fix}", "文章改了文件名的，加 slug: 原来的网址名，或加 旧网址: [原来的网址]；有意删除的可以不管")
NO_SLUG = Check("no-slug", ERROR, "无法从文件名生成网址", "请加一行 slug: 英文或拼音网址名")

# What a body links to (body/links.py) and the photos beside it (body/images.py) ------------------
UNPUBLISHED_LINK = Check("unpublished-link", WARNING, "链接的文章未发布（草稿、未来日期或有错误）：{target}",
                         "等对方发布后再链接，或先去掉这个链接")
BROKEN_LINK = Check("broken-link", SERIOUS, "链接的文章不存在：{target}", "检查文件名和相对路径（如 ../2024/文件名.md）")
MISSING_IMAGE = Check("missing-image", SERIOUS, "图片不存在：{target}",
                      "检查文件名（区分大小写）和相对路径；文件应放在文章旁边")
MISSING_FILE = Check("missing-file", SERIOUS, "链接的文件不存在：{target}",
                     "检查文件名（区分大小写）和相对路径；文件应放在文章旁边")
COMPUTER_PATH = Check("computer-path", SERIOUS, "{what}地址是电脑上的位置，读者打不开：{target}",
                      "把它复制到文章旁边的 {where} 文件夹，再写成 {where}/{name}")
BACKSLASH_PATH = Check("backslash-path", SERIOUS, "路径里用了反斜杠“\\”：{target}", "网址只能用斜杠 /，请改成 {fixed}")
OUTSIDE_CONTENT = Check("outside-content", SERIOUS, "链接指向 content 文件夹之外：{target}",
                        "网站只发布 content/ 里的文件：把文件放到文章旁边，再用相对路径链接")
MISSING_ALT = Check("missing-alt", WARNING, "图片缺少替代文字（alt）：{src}",
                    "在方括号里写上图片内容，例如 ![党员志愿者在门诊服务](images/a.jpg)")
MISSING_COVER = Check("missing-cover", SERIOUS, "封面图片不存在：{cover}", "检查 cover 的文件名和路径（相对于文章文件）")
WITHHELD_IMAGE = Check("withheld-image", WARNING, "不支持这种图片格式，未发布：{rel}（这类照片常带拍摄地点等信息）",
                       "用看图软件或手机把它另存为 JPG，再在正文中引用 .jpg 文件")
UNREADABLE_IMAGE = Check("unreadable-image", WARNING, "图片无法读取，未发布：{rel}（{reason}）",
                         "用看图软件打开检查；可另存为 JPG 或 PNG 后替换")

# Across articles (tools/check.py) ---------------------------------------------------------------
PLACEHOLDER = Check("placeholder", ERROR, "正文还是模板里的提示文字", "写好正文并删除这一行")
DRAFT = Check("draft", INFO, "草稿（draft: true），正式生成时不会发布", "{unchecked}", "写好后删掉 draft: true")
FUTURE = Check("future", INFO, "发布时间 {when} 在未来，到那时重新生成网站才会发布", "{unchecked}",
               "定时发布：到那一天重新生成网站即可")
DUPLICATE_TITLE = Check("duplicate-title", WARNING, "与 {other} 标题相同，同一栏目、同一天发布",
                        "如果是重复的文件，请删除其中一篇；否则请改一下标题")

NEAR_DUPLICATE_NAME = Check("near-duplicate-name", WARNING, "{what}“{name}”与常用的“{known}”只差一个字，是否写错了？",
                            "如果是同一个，请统一写成“{known}”（否则会多出一个{what}页面）；确实不同的可以不管")
PINNED_HIDDEN = Check("pinned-hidden", WARNING, "置顶文章有 {count} 篇，首页只显示最新的 {limit} 篇：这篇不会出现在首页的置顶区",
                      "取消较早文章的置顶（pinned: false），或把 site.toml 里 [home] 的 pinned 调大")
SAVED_AS_TXT = Check("saved-as-txt", WARNING, "这个文件看起来是文章，但扩展名是 .md.txt，不会发布",
                     "把文件改名为 {name}（Windows 记事本保存时选“所有文件”，或在资源管理器里显示扩展名后改名）")
SYMLINK = Check("symlink", WARNING, "这是一个快捷方式（符号链接），不会读取也不会发布", "把真正的文件复制到这里")
JUNK_FILE = Check("junk-file", WARNING, "编辑软件留下的临时或备份文件，不会发布", "可以删除它")
NOT_PUBLISHED = Check("not-published", INFO, "没有文章链接这个文件，不会发布",
                      "要发布就在文章里链接它（或放进 site.toml 里 public_folders 写的文件夹）；不需要就删除")

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
CONFIG_WORD_LIST = Check("config-word-list", ERROR, "找不到词表文件：{value}", "文件路径相对于 site.toml；或删掉 [proofread] 的 file 这一行")
CONFIG_WORD_ENTRY = Check("config-word-entry", ERROR, "[proofread] 词条无效：wrong = “{wrong}”",
                          "wrong 写错误写法（不能为空），right 写规范写法（不能与 wrong 相同）")
CONFIG_MAPPING = Check("config-mapping", ERROR, "[{key}] 应为“名称 = {what}”的表", "例如：\n{example}")
CONFIG_CHOICE = Check("config-choice", ERROR, "配置项 “{key}” 只能是：{choices}")
CONFIG_FORMAT = Check("config-format", ERROR, "配置项 “{key}” 的格式不对", '照这个格式写：{name} = "{example}"')
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
CONFIG_TOPIC_SLUG = Check("config-topic-slug", ERROR, "专题 slug 无效：“{slug}”", "只能用小写字母、数字和连字符，如 dangji-xuexi")
CONFIG_TOPIC_TWICE = Check("config-topic-twice", ERROR, "专题 slug 重复：“{slug}”", "每个专题的 slug 必须不同")
CONFIG_TOPIC_NAME = Check("config-topic-name", ERROR, "专题 “{slug}” 的 name 为空", "请填写专题名称")
CONFIG_TOPIC_DATES = Check("config-topic-dates", ERROR, "专题 “{slug}” 的结束日期 {end} 早于开始日期 {start}",
                           "改正 start 或 end")
STATIC_IMAGE_MISSING = Check("static-image-missing", ERROR, "{what}图片不存在：static/{value}",
                             "把图片放进网站的 static/ 文件夹，或改正 site.toml 中的 {key}")

# Inspection (tools/inspection.py): what a website inspector fails a site for ------------------------
WORDING = Check("wording", WARNING, "表述可能有误：“{wrong}”", "规范表述为“{right}”（依据：{source}）",
                "按提示改为规范表述；确需保留原话的（如引用历史文件），用 > 引用，或在 proofread_ignore 中写明理由")
TYPO = Check("typo", WARNING, "可能有错别字：“{wrong}”", "应为“{right}”（依据：{source}）")
SITE_WORDING = Check("site-wording", WARNING, "可能写错了：“{wrong}”", "应为“{right}”（依据：{source}）",
                     "本站词表（site.toml 的 [proofread]）里的写法，如领导姓名、医院名称")
SITE_BANNED = Check("site-banned", WARNING, "本站规定不用的说法：“{wrong}”", "请改写（依据：{source}）")
MEDICAL_CLAIM = Check("medical-claim", WARNING, "医疗宣传禁用语：“{wrong}”（{reason}）",
                      "删去或改为客观表述（依据：{source}）", "删去或改为客观、不作保证的表述")
MEDICAL_CLAIM_HINT = Check("medical-claim-hint", INFO, "医疗宣传慎用语：“{wrong}”（{reason}）",
                           "如是宣传本院疗效，请删去或改为客观表述（依据：{source}）")
TRADITIONAL = Check("traditional-chars", WARNING, "繁体字：“{run}”", "本站使用简体字，应为“{simplified}”")
WAIVED = Check("proofread-waived", INFO, "“{wrong}”不校对（proofread_ignore：{reason}）",
               "审核时请确认理由成立", "—")
WAIVER_UNUSED = Check("proofread-waiver-unused", INFO, "proofread_ignore 中的“{wrong}”在文中没有出现", "可以删去这一条")
PERSONAL_NUMBER = Check("personal-number", SERIOUS, "疑似{kind}：{masked}",
                        "发布前删去或只保留前后几位（如 {masked}）；确属公开号码的，写进 site.toml [privacy] 的 public_numbers",
                        "删去或打码；公开号码写进 site.toml 的 [privacy] public_numbers")
ATTACHMENT_NUMBER = Check("attachment-personal-number", ERROR, "附件{where}有疑似{kind}：{masked}",
                          "这个附件会随文章发布：换成删去或打码后的版本；确属公开号码的，写进 site.toml [privacy] 的 public_numbers",
                          "换成删去或打码后的附件")
ATTACHMENT_UNREAD = Check("attachment-unread", INFO, "附件{why}，无法检查其中的个人信息", "发布前请人工检查")
STALE_CATEGORY = Check("stale-category", WARNING, "栏目“{name}”已 {days} 天没有新文章（要求 {every} 天内更新；最新一篇：{newest}）",
                       "尽快发布新文章；政府网站检查中，栏目长期不更新会扣分，多个栏目不更新会被单项否决",
                       "尽快在这个栏目发布新文章")
EMPTY_CATEGORY = Check("empty-category", WARNING, "栏目“{name}”没有已发布的文章：导航和首页暂不显示它",
                       "发布文章，或从 site.toml 删去这个栏目（空白栏目在政府网站检查中扣分，5 个以上单项否决）",
                       "发布文章，或请管理员删去这个栏目")
EMPTY_TOPIC = Check("empty-topic", WARNING, "专题“{name}”正在进行，但还没有已发布的文章：首页和导航会显示一个空白专题",
                    "{how}；还没准备好就把 site.toml 中的 start 推后"
                    "（空白栏目在政府网站检查中扣分）", "发布属于这个专题的文章，或请管理员推迟专题的开始日期")
STALE_HOME = Check("stale-home", WARNING, "首页已 {days} 天没有新文章（最新一篇：{newest}）",
                   "尽快发布新文章；首页连续两周不更新在政府网站检查中单项否决", "尽快发布新文章")
COLUMNS_VETO = Check("columns-veto", SERIOUS, "{count} 个栏目{what}：政府网站检查中，5 个以上即单项否决",
                     "见上面各栏目的提示", "见各栏目的提示")
IDENTITY_MISSING = Check("identity-missing", WARNING, "页脚缺少网站标识：{missing}",
                         "在 site.toml 的 [identity] 中填写 {keys}（见 docs/configuration.md）", "请管理员在 site.toml 的 [identity] 中填写")
BADGE_MISSING = Check("badge-missing", ERROR, "网站标识图片不存在：static/{value}", "把图片放进网站的 static/ 文件夹，或改正 site.toml [identity] 的 badge")
EXTERNAL_GONE = Check("external-gone", SERIOUS, "外部链接打不开：{url}（{reason}）", "改成正确的网址，或去掉这个链接")
EXTERNAL_FAILED = Check("external-failed", WARNING, "外部链接暂时打不开：{url}（{reason}）",
                        "过一会儿再用 check --external 检查；一直打不开就改掉或去掉这个链接")


SEVERITY_TEXT = {ERROR: "错误：网站不会更新", SERIOUS: "严重：网站照常发布，但页面有问题；检查（check）不通过",
                 WARNING: "警告", INFO: "提示"}


def guide_table() -> str:
    """The editors' guide's 常见错误 table, from the registry itself (a test keeps the guide in step)."""
    import re
    rows = ["| 提示信息 | 级别 | 怎么改 |", "| --- | --- | --- |"]
    for check in registry().values():
        if check.code.startswith("config-") or check.code == "toml-syntax":
            continue                                  # site.toml is the administrator's, not the editors'
        message = re.sub(r"\{[a-z_]+\}", "…", check.message)
        fix = check.guide or re.sub(r"\{[a-z_]+\}", "…", check.fix) or "—"
        rows.append(f"| {message} | {SEVERITY_TEXT[check.severity]} | {fix} |".replace("\n", " "))
    return "\n".join(rows)


def registry() -> dict[str, Check]:
    """Every registered check by code (a test keeps codes unique and the docs in step)."""
    return {value.code: value for value in globals().values() if isinstance(value, Check)}
