"""Rules behind `importer`: deciding what each line of a saved CMS page is and what
it states (decoding and HTML → lines live in `pages.py`).

Every test runs on an aligned simplified "key" of the line (traditional → simplified
character by character), so one set of simplified patterns serves both scripts while
values are still cut from the original text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import opencc
from pypinyin import Style, pinyin

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
HAN_RE = re.compile(f"[{HAN}]")
SENTENCE_END = "。！？；!?;…"
CLOSERS = "”’」』）)】]》"


# ---------------------------------------------------------------- scripts
@lru_cache(maxsize=None)
def _cc(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    return _cc("t2s").convert(text)


@lru_cache(maxsize=4096)
def key(text: str) -> str:
    """Simplified shadow of `text` with the same length, so match positions carry over."""
    text = text.replace("／", "/")
    conv = to_simplified(text)
    if len(conv) == len(text):
        return conv
    out = []
    for ch in text:
        c = to_simplified(ch)
        out.append(c if len(c) == 1 else ch)
    return "".join(out)


def norm(text: str) -> str:
    """Comparison form of a headline: simplified, no spaces or punctuation."""
    return re.sub(rf"[^{HAN}0-9A-Za-z]", "", key(text)).lower()


def han_count(text: str) -> int:
    return len(HAN_RE.findall(text))


# ---------------------------------------------------------------- pinyin glosses
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_PLAIN = str.maketrans("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ", "aaaaeeeeiiiioooouuuuvvvvvnnnm")
_SYLLABLE = re.compile(
    r"(?:[bpmfdtnlgkhjqxrzcsyw]|zh|ch|sh)?"
    r"(?:i?ong|[iuv]?ang|[iuv]?an|[iu]?ai|iao|ao|ei|eng|en|ing|in|ia|ie|iu|ou|ua|uo|ui|un|ue|ve|vn|er|a|o|e|i|u|v)"
    r"|ng|hng|hm|m|n")
GLOSS_RE = re.compile(rf"(?<=[{HAN}?\ufffd])\s?[(（]([a-z{_TONED}ü]{{1,7}})[)）]")


@lru_cache(maxsize=8192)
def _readings(ch: str) -> frozenset[str]:
    try:
        return frozenset(r.replace("ü", "v") for r in pinyin(ch, style=Style.NORMAL, heteronym=True)[0])
    except Exception:       # pragma: no cover - pypinyin never raises on one char
        return frozenset()


def _is_gloss(match: re.Match, text: str) -> bool:
    gloss = match.group(1)
    plain = gloss.translate(_PLAIN)
    if not _SYLLABLE.fullmatch(plain):
        return False
    if any(c in _TONED for c in gloss):
        return True
    prev = text[match.start() - 1]
    return plain in _readings(prev)


def strip_glosses(text: str) -> tuple[str, int]:
    """醫(yī)院 → 醫院; real parentheses such as (一) or (湖北省中山医院) stay."""
    count = 0

    def repl(m: re.Match) -> str:
        nonlocal count
        if _is_gloss(m, text):
            count += 1
            return ""
        return m.group(0)
    return GLOSS_RE.sub(repl, text), count


MOJIBAKE_RE = re.compile(rf"[{HAN}]\?(?=[{HAN}])|\?[a-z{_TONED}]{{1,7}}\)|\ufffd+|锟斤拷|烫烫烫")


def garbled_spots(text: str) -> list[str]:
    """Snippets that look like mis-decoded text (`擔當?shù)母镄绿岣?`, `�`). A question mark
    between Han characters only counts when rare characters surround it (not `怎么办?我们`)."""
    spots, end = [], -1
    for m in MOJIBAKE_RE.finditer(text):
        snippet = text[max(0, m.start() - 4):m.end() + 4]
        if m.group(0).endswith("?") and sum(c not in _common_han() for c in HAN_RE.findall(snippet)) < 2:
            continue
        if m.start() > end:
            spots.append(snippet)
        end = m.end() + 4
    return spots


# ---------------------------------------------------------------- dates
_FULL_DATE = re.compile(
    r"(?<!\d)((?:19|20)\d{2})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})(?!\d)\s*日?"
    r"(?:\s*(\d{1,2})\s*[:：时]\s*(\d{2})(?:\s*[:：分]\s*\d{2}\s*秒?)?(?!\d))?")
FULL_DATE_RE = _FULL_DATE
LEAD_DATE_RE = re.compile(r"^.{0,12}?(?<![\d年])(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_MD_DATE = re.compile(r"(?<![\d年])(\d{1,2})\s*月\s*(\d{1,2})\s*日(?:\s*(\d{1,2})\s*[:：]\s*(\d{2})(?::\d{2})?)?")
_MD_DASH = re.compile(r"(?<![\d-])(\d{1,2})-(\d{1,2})(?:\s+(\d{1,2}):(\d{2})(?::\d{2})?)?(?![\d-])")
_WEEKDAY = re.compile(r"[(（]?\s*(?:星期|周|礼拜)[一二三四五六日天][)）]?")


@dataclass
class DateValue:
    year: int | None
    month: int
    day: int
    hour: int | None = None
    minute: int | None = None

    def text(self, year: int | None = None) -> str:
        y = self.year or year
        s = f"{y:04d}-{self.month:02d}-{self.day:02d}"
        return s + (f" {self.hour:02d}:{self.minute:02d}" if self.hour is not None else "")

    def valid(self, year: int | None = None) -> bool:
        try:
            date(self.year or year or 2000, self.month, self.day)
        except ValueError:
            return False
        return self.hour is None or (self.hour < 24 and (self.minute or 0) < 60)


def _date_from(m: re.Match, has_year: bool) -> DateValue:
    g = m.groups()
    if has_year:
        y, mo, d, hh, mm = g
        return DateValue(int(y), int(mo), int(d), int(hh) if hh else None, int(mm) if mm else None)
    mo, d, hh, mm = g
    return DateValue(None, int(mo), int(d), int(hh) if hh else None, int(mm) if mm else None)


def parse_date(value: str, *, allow_dash_md: bool = False) -> DateValue | None:
    """A date that makes up the whole of `value` (a weekday may follow), else None."""
    value = _WEEKDAY.sub("", key(value)).strip(" |｜,，;；[]【】()（）")
    value = re.sub(r"\s*(?:发表于|来自|发布于)\s*\S{1,12}$", "", value)
    value = re.sub(r"^(?:发布于|发表于|更新于)\s*", "", value)      # WeChat: 2023-09-15 08:30 发表于江西
    pats = [(_FULL_DATE, True), (_MD_DATE, False)] + ([(_MD_DASH, False)] if allow_dash_md else [])
    for rx, has_year in pats:
        m = rx.fullmatch(value)
        if m:
            d = _date_from(m, has_year)
            return d if d.valid() else None
    return None


def years_in(text: str) -> list[int]:
    """Years of the full dates written anywhere in `text`."""
    out = []
    for m in _FULL_DATE.finditer(key(text)):
        d = _date_from(m, True)
        if d.valid():
            out.append(d.year)
    return out


# ---------------------------------------------------------------- metadata lines
LABELS = {
    "date": "发布时间 发布日期 发表时间 发表日期 发稿时间 发文时间 刊发时间 更新时间 更新日期 录入时间 上传时间 时间 日期",
    "source": "文章来源 信息来源 稿件来源 新闻来源 来源 稿源 出处",
    "author+photo": "文/图 文、图 图/文 图文 撰文/摄影 文/摄影 撰文/图 文字/摄影",
    "author": "作者 撰稿人 撰稿 记者 通讯员 文字 文",
    "contrib": "供稿单位 供稿",
    "photo": "摄影 图片 图",
    "editor": "责任编辑 责编 编辑",
    "reviewer": "审核 审稿 审校 校对 初审 复审 终审",
    "counter": "评论 点阅次数 点阅 点击次数 点击数 点击量 点击 浏览次数 浏览量 浏览 阅读次数 阅读量 阅读数 阅读 访问量 访问次数 人气",
    "site": "网站 移动端 手机版 所属栏目 栏目 所属分类 分类 字体 字号 发布者 发布人 录入者 录入员 文章录入 录入 信息员 原标题",
}
_LABEL_KIND = {w: k for k, ws in LABELS.items() for w in ws.split()}
_LABEL_ALT = "|".join(re.escape(w) for w in sorted(_LABEL_KIND, key=len, reverse=True))
_BOUNDARY = r"(?:^|(?<=[\s|｜\[【(（)）\]】,，;；、]))"
LABEL_RE = re.compile(rf"{_BOUNDARY}({_LABEL_ALT})\s*(?:[:：]|(?<=[文图影])\s*/)\s*")
_VALUE_MAX = {"source": 30, "author": 40, "author+photo": 40, "contrib": 30, "photo": 30, "editor": 20,
              "reviewer": 30, "counter": 20, "site": 120, "date": 40}
# Labels of two or more characters followed by a colon are labels even run together, as pages that
# set each label in its own <small> leave them: 时间:2023-04-18 16:42来源:纪检监察室作者:赵敏
_LONG_ALT = "|".join(re.escape(w) for w in sorted(_LABEL_KIND, key=len, reverse=True) if len(w) >= 2)
LOOSE_LABEL_RE = re.compile(rf"({_LONG_ALT})\s*[:：]\s*")
ROLE_WORDS = {"记者", "本报记者", "本网记者", "通讯员", "特约通讯员", "实习生", "见习记者", "文", "图", "文图", "撰稿"}
NAME_SPLIT = re.compile(r"[\s、,，;；/]+")
_OPEN, _CLOSE = "[【(（", "]】)）"


@dataclass
class Field:
    kind: str
    label: str
    value: str
    date: DateValue | None = None


def parse_meta(text: str) -> list[Field] | None:
    """`来源:人民网 点击次数:次 发布时间:2023年06月12日` → fields; None unless the whole line is metadata."""
    s = text.strip()
    if len(s) >= 2 and s[0] in _OPEN and s[-1] in _CLOSE and _OPEN.index(s[0]) == _CLOSE.index(s[-1]):
        s = s[1:-1]
    k = key(s)
    matches = _label_matches(k)
    fields = []
    lead = k[:matches[0].start()].strip(" |｜[]【】()（）") if matches else k
    if lead and matches:                 # 2022-10-17 16:08:35 来源： 作者： (a date first, unlabelled)
        d = parse_date(lead, allow_dash_md=True)
        if d is None:
            return None
        fields.append(Field("date", "", lead, d))
    if not matches:
        return _posted(s)
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(s)
        value = s[m.end():end].strip(" \t|｜[]【】()（）,，;；")
        kind = _LABEL_KIND[m.group(1)]
        stuck = _FULL_DATE.search(key(value)) if kind not in ("date", "counter", "site") else None
        if stuck and stuck.start():             # 来源：党委宣传部2024-03-08 1286 (spans run together)
            d = _date_from(stuck, True)
            if d.valid():
                fields.append(Field("date", "", value[stuck.start():stuck.end()], d))
            value = value[:stuck.start()].strip()
        if len(value) > _VALUE_MAX[kind] or (kind not in ("site", "counter") and re.search("[。！？]", value)):
            return None
        f = Field(kind, m.group(1), value)
        if kind == "date":
            f.date = parse_date(value, allow_dash_md=True)
            if f.date is None:
                return None
        elif kind not in ("counter", "site") and not value:
            continue                     # 来源：(nothing) beside labels that have a value
        fields.append(f)
    return fields if any(f.value or f.kind in ("counter", "site") for f in fields) else None


_POSTED_RE = re.compile(r"^(?:\S{1,30}\s+)?(.{8,24}?)\s*(?:发表于|发布于)\s*\S{1,12}$")


def _posted(text: str) -> list[Field] | None:
    """宁州市中心医院 2023-09-15 08:30 发表于江西: the account and when it posted (a WeChat repost)."""
    m = _POSTED_RE.match(key(text))
    d = parse_date(text[m.start(1):m.end(1)]) if m else None
    return [Field("date", "", text[m.start(1):m.end(1)], d)] if d and d.year else None


def _label_matches(k: str) -> list[re.Match]:
    strict = list(LABEL_RE.finditer(k))
    taken = [m.span(1) for m in strict]
    loose = [m for m in LOOSE_LABEL_RE.finditer(k) if not any(a <= m.start(1) < b for a, b in taken)]
    return sorted(strict + loose, key=lambda m: m.start())


TRAILING_CREDIT_RE = re.compile(r"[(（\[【]([^()（）\[\]【】]{2,80})[)）\]】]\s*$")


def split_names(value: str) -> list[str]:
    """Names in a byline, without the roles written beside them (记者 何平 通讯员 吴静)."""
    return [n for n in NAME_SPLIT.split(value) if n and key(n) not in ROLE_WORDS]


_NAME = rf"[{HAN}·]{{2,4}}"
_ORG_END = "党委|党总支|党支部|支部|委员会|医院|卫生院|办公室|宣传部|宣传科|宣传处|党办|工会|团委|纪委|部|科|处|室|中心|站|院|局|所"
BYLINE_RE = re.compile(
    rf"^[(（\[【]\s*(?:(?P<org>[{HAN}（）()]{{1,20}}?(?:{_ORG_END}))\s+)?(?:(?P<role>通讯员|记者|特约通讯员|供稿)\s*)?"
    rf"(?P<names>{_NAME}(?:[\s、,，]+{_NAME}){{0,3}})\s*[)）\]】]$")


ORG_ONLY_RE = re.compile(rf"^[(（\[【]\s*([{HAN}（）()]{{1,20}}?(?:{_ORG_END}))\s*[)）\]】]$")


def person_names(value: str) -> list[str]:
    """The names in `value` that are people's (2–4 characters, not an office: 党委宣传部 is not)."""
    return [n for n in split_names(value) if re.fullmatch(_NAME, key(n)) and not re.search(f"(?:{_ORG_END})$", key(n))]


def parse_byline(text: str, alone: bool = True) -> list[Field] | None:
    """A byline in brackets with no labels: （党委宣传部 李明） → 来源, 作者; （通讯员 陈明） → 作者.
    `alone`: a line of its own after the running text, where （神经内科党支部） is the 来源 and （汪超）
    the author (after a sentence they gloss a name; above the headline, 【党建动态】 is a column)."""
    m = ORG_ONLY_RE.match(key(text.strip())) if alone else None
    if m:
        return [Field("source", "", text.strip()[m.start(1):m.end(1)])]
    m = BYLINE_RE.match(key(text.strip()))
    if not m or not (m.group("org") or m.group("role") or (alone and person_names(m.group("names")))):
        return None
    raw = text.strip()
    fields = []
    if m.group("org"):
        fields.append(Field("source", "", raw[m.start("org"):m.end("org")]))
    fields.append(Field("author", m.group("role") or "", raw[m.start("names"):m.end("names")]))
    return fields


LEADING_BYLINE_RE = re.compile(rf"^(?:本网讯|本报讯|本站讯|讯)?\s*[(（](?:通讯员|记者|特约通讯员)\s*[:：]?\s*"
                               rf"({_NAME}(?:[\s、,，]+{_NAME}){{0,3}})\s*[)）]")


def leading_byline(text: str) -> list[Field]:
    """本网讯（通讯员 何佳 马晓）10月16日… : the reporters named where the first paragraph opens."""
    m = LEADING_BYLINE_RE.match(key(text))
    return [Field("author", "通讯员", text[m.start(1):m.end(1)])] if m else []


# ---------------------------------------------------------------- junk lines
def _rx(pattern: str) -> re.Pattern:
    return re.compile(pattern, re.I)


WIDGET_RES = [
    _rx(r"[【\[]?\s*字[体号]\s*[:：]?\s*[【\[]?\s*大\s*[】\]]?\s*[【\[]?\s*中\s*[】\]]?\s*[【\[]?\s*小\s*[】\]]?\s*[】\]]?"),
    _rx(r"[【\[]\s*(?:打印(?:本页|此页|文章|本文)?|关闭(?:窗口|本页)?|收藏(?:本页|此页|本文)?|加入收藏|返回顶部|返回列表"
        r"|顶部|返回|纠错)\s*[】\]]"),
    _rx(r"(?:^|(?<=[\s【\[|｜]))(?:分享[到至]\s*[:：]?|(?:一键)?分享\s*[:：]).{0,40}$"),
    _rx(r"打印本页|打印此页|打印文章|关闭窗口|关闭本页|加入收藏|收藏本页|收藏本文|返回顶部|我要纠错|我要打印|友善列印|回上页"),
    _rx(r"^(?:微信)?扫一扫.{0,30}$|^(?:收藏|打印|关闭|分享)$"),
    _rx(r"[【\[]?\s*(?:顶一下|踩一下|我要收藏|挑错|告诉好友|打印此文|推荐给好友|发表评论|我要评论|查看评论)\s*[】\]]?"),
    _rx(r"^(?:(?:微信|微博|新浪微博|腾讯微博|qq空间|qq好友|qq|朋友圈|豆瓣|人人网|复制链接|更多)\s*){2,}$"),
    _rx(r"^-{2,}\s*分隔线\s*-*$|^(?:在看|赞|点赞|分享|收藏|转发|写留言|留言)(?:\s+(?:在看|赞|点赞|分享|收藏|转发|写留言|留言|\d+))*$"),
]
CHROME_RE = _rx(r"^(?:(?:您好|你好)[，,!！]?\s*)?(?:[^，。,]{0,20}欢迎(?:访问|光临|来到|您|你)|设为首页|加入收藏|无障碍(?:浏览|阅读)?"
                r"|长者模式|关怀版|简体(?:中文|版)?|繁体(?:中文|版)?|english|今天是|点击上方|(?:点击)?关注我们|关注公众号"
                r"|(?:24小时)?(?:预约挂号|预约|咨询|服务|急诊|急救|投诉|联系|值班|办公室?)?(?:电话|热线)\s*[:：]"
                r"|(?:长按|扫码|扫描|扫一扫)(?:识别)?(?:二维码|在手机)|网友评论|评论\s*[:：]?$|(?:只显示|评论内容).{0,30}(?:网友|评论)"
                r"|您是本站第|本站访问|访问量\s*[:：]|内部资料|注意保存|.{2,30}\d{4}\s*年\s*第\s*\d+\s*期$|第\s*\d+\s*期\s*$"
                r"|(?:报|送|抄送|抄报|分送)\s*[:：]|.{0,30}\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*印发$|^位访问者|访问者$|[（(]?共印\s*\d+\s*份[)）]?$)")
LETTER_SPACED_RE = re.compile(rf"^[{HAN}](?:[ \u3000]+[{HAN}]){{3,}}$")        # 党 风 廉 政 建 设 简 报
RULE_LINE_RE = re.compile(r"^[\s\-—―─━═=_*~·.。…]{4,}$")                         # ━━━━ and ------
BREADCRUMB_RE = _rx(r"(?:您现在的位置|您当前的位置|您的位置|当前位置|所在位置|现在位置|当前栏目)\s*[:：]?"
                    r"|^\s*(?:网站首页|首页|主页)\s*[>＞»›/→]")
CRUMB_SEP_RE = re.compile(r"\s*(?:>|＞|»|›|→|&gt;)\s*")
COPYRIGHT_RES = [
    _rx(r"版权所有|copyright|©|\(c\)\s*\d{4}|免责声明|备案号|icp\s*[备证]|公网安备|技术支持\s*[:：]|网站制作\s*[:：]"
        r"|建议(?:使用|采用).{0,24}浏览器|\d{3,4}\s*[×x*]\s*\d{3,4}\s*分辨率"),
    _rx(r"转载.{0,12}(?:请|须|务必).{0,12}(?:注明|保留)|由互联网用户整理|未经.{0,8}(?:许可|授权|同意).{0,12}转载"),
    _rx(r"友情提示\s*[:：].{0,120}(?:本文|范例|范文|参考|版权|转载)|本站.{0,20}仅供.{0,6}参考|本文仅限"),
    _rx(r"^(?:链接地址|本文链接|原文链接|文章链接|原文地址|网址|url)\s*[:：]\s*\S+$|^https?://\S+$"),
]
FOOTER_LABEL_RE = _rx(r"主办单位|主办\s*[:：]|承办|地址\s*[:：]|电话\s*[:：]|邮编|邮箱\s*[:：]|传真\s*[:：]|e-?mail"
                      r"|网站地图|联系我们")
PAGE_NUMBER_RE = re.compile(r"[-—－·\s]*(?:\d{1,3}|第\s*\d{1,3}\s*页(?:\s*[,，/]?\s*共\s*\d{1,3}\s*页)?"
                            r"|\d{1,3}\s*/\s*\d{1,3})[-—－·\s]*")
NAV_START_RE = _rx(r"^[【\[]?\s*(?:上一篇|下一篇|上一条|下一条|上一页|下一页|(?:上篇|下篇)\s*[:：]|返回列表|返回首页|返回上一页|返回上页)")
CUT_RE = _rx(r"^[【\[]?\s*(?:扩展阅读|延伸阅读|相关文章|相关阅读|相关新闻|相关信息|相关链接|相关推荐|推荐阅读|猜你喜欢|更多阅读"
             r"|热门文章|热点文章|精彩推荐|最新文章|热门推荐|往期推荐|往期回顾|友情链接|评论排行|网站导航|网友评论|发表评论)\s*(?:[:：】\]]|$)")
SEO_RE = _rx(r"^[【\[]?\s*(?:相关热词搜索|相关搜索|热门搜索|搜索热词|热搜词?|热门标签|热门关键词|关键词|关键字|标签|tags?)\s*(?:[:：】\]]|$)")
COUNTER_RE = _rx(r"点击次数|点击量|浏览次数|浏览量|阅读量|阅读次数|访问量|\d+\s*人(?:阅读|浏览)")
LINK_BULLET_RE = re.compile(r"^\s*(?:[·•●▪◆◇■□○►▶»>]|[-*]\s)")
TRAILING_DATE_RE = re.compile(r"[\[(（]?\s*(?:(?:19|20)\d{2}[-/.])?\d{1,2}[-/.]\d{1,2}\s*[\])）]?$")
URL_RE = re.compile(r"https?://|www\.", re.I)
ORG_BYLINE_RE = re.compile(rf"[{HAN}（）()]{{2,22}}(?:党委|党总支|党支部|支部|委员会|医院|卫生院|办公室|宣传部|宣传科|宣传处|党办|工会|团委|纪委)")


def strip_widgets(text: str) -> tuple[str, int]:
    """Remove share/print/font-size widgets; returns the rest and how many were removed."""
    count = 0
    for rx in WIDGET_RES:
        k = key(text)
        spans = [m.span() for m in rx.finditer(k) if m.group(0).strip()]
        for a, b in reversed(spans):
            text = text[:a] + " " + text[b:]
        count += len(spans)
    return (re.sub(r"\s{2,}", " ", text).strip() if count else text), count


def is_breadcrumb(text: str) -> bool:
    k = key(text)
    if BREADCRUMB_RE.search(k):
        return True
    parts = [p for p in CRUMB_SEP_RE.split(k) if p.strip()]
    return len(parts) >= 3 and len(k) <= 120 and all(len(p) <= 40 for p in parts) and "。" not in k


def crumb_tail(text: str) -> str:
    parts = [p.strip() for p in CRUMB_SEP_RE.split(text) if p.strip()]
    return parts[-1] if parts else ""


def is_copyright(text: str) -> bool:
    k = key(text)
    if len(k) > 200:
        return False
    return any(rx.search(k) for rx in COPYRIGHT_RES) or len(set(FOOTER_LABEL_RE.findall(k))) >= 3


def is_page_number(text: str) -> bool:
    return bool(PAGE_NUMBER_RE.fullmatch(text))


def is_menu(text: str) -> bool:
    """`首页 医院概况 党建工作 联系我们` and similar navigation bars."""
    k = key(text)
    if NAV_START_RE.search(k):
        return True
    tokens = [t for t in re.split(r"[\s|｜·/]+", k) if t]
    if re.search(r"[。，；！？,;]", k) or len(tokens) < 3:
        return False
    if ("首页" in tokens or "网站首页" in tokens) and all(len(t) <= 10 for t in tokens):
        return True
    return ("|" in k or "｜" in k) and len(tokens) >= 5 and all(len(t) <= 8 for t in tokens)


def is_item_list(text: str) -> bool:
    """Short items in a row: `北京、天津、上海、…`, `友情链接：A | B | C`, menus and link farms."""
    k = re.sub(r"^[^：:]{1,8}[：:]", "", key(text))
    if re.search(r"[。，；！？,;!?]", k):
        return False
    items = [t for t in re.split(r"[|｜、/·•]+" if re.search(r"[|｜、/·•]", k) else r"\s+", k) if t.strip()]
    return len(items) >= 5 and all(len(t.strip()) <= 12 for t in items)


def is_chrome(text: str) -> bool:
    """The site's own furniture written as text: 欢迎访问…, 设为首页, 预约挂号：…, 长按识别二维码; a
    bulletin's masthead (2022年第3期, 内部资料), its distribution block (报：… 送：… 共印40份) and rules."""
    k = key(text).strip(" （(【[")
    return len(text) <= 80 and bool(CHROME_RE.search(k) or LETTER_SPACED_RE.match(text)
                                     or RULE_LINE_RE.match(text))


def is_counter(text: str) -> bool:
    return len(text) <= 40 and bool(COUNTER_RE.search(key(text)))


def is_paragraph(text: str) -> bool:
    """Running text rather than a headline, label or list item."""
    n = len(text)
    if n >= 120 and re.search(r"[。！？；，,、!?;]", text) or (n >= 12 and text.rstrip(CLOSERS)[-1:] in "。！？!?；;…"):
        return True
    return n >= 30 and bool(re.search(r"[。！？；]|[，,].*[，,]", text))


def title_like(text: str) -> bool:
    return 4 <= len(text) <= 120 and not is_paragraph(text) and text[-1:] not in "。；，,：:"


def link_like(text: str, link_ratio: float | None) -> bool:
    """A line that belongs to a list of links (related titles, tags, SEO fodder)."""
    if len(text) > 60 or text.rstrip(CLOSERS)[-1:] in "。！？；":
        return False
    if link_ratio is not None and link_ratio >= 0.7:
        return True
    return bool(LINK_BULLET_RE.search(text) or TRAILING_DATE_RE.search(text) or URL_RE.search(text))


def short_plain(text: str) -> bool:
    return len(text) <= 30 and not re.search(r"[。，；！？,;!?：:]", text)


def is_heading(text: str, next_text: str | None, prev_text: str | None = None) -> bool:
    """Conservative: short, no sentence punctuation, standing alone between running text."""
    if not (4 <= len(text) <= 30) or han_count(text) < 3 or next_text is None:
        return False
    if prev_text is not None and short_plain(prev_text):     # part of a list of short lines
        return False
    if re.search(r"[。！？；，,;!?…]", text) or text[-1] in "：:、" or text[0] in "“\"《":
        return False
    if parse_meta(text) is not None or _FULL_DATE.search(key(text)):     # 时间：2023年7月1日
        return False
    return is_paragraph(next_text)


@lru_cache(maxsize=1)
def _common_han() -> frozenset[str]:
    """The 3,755 most used simplified characters (GB2312 level 1) and their traditional forms."""
    chars = bytes(b for hi in range(0xB0, 0xD8) for lo in range(0xA1, 0xFF) for b in (hi, lo))
    simp = chars.decode("gb2312", errors="ignore")
    return frozenset(simp + _cc("s2t").convert(simp) + _cc("s2tw").convert(simp) + _cc("s2hk").convert(simp))
