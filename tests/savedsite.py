"""A saved copy of an old hospital CMS, as `wget -r` (or a browser's "save as") leaves it, built from
a corpus's Markdown articles: article pages under varied old URLs and five kinds of page chrome
(TRS/WCM, 帝国CMS, DedeCMS, WordPress, a plain table layout), some in GB2312/GBK, some saved twice,
some with an image, some with a spam line; column lists, pagination and a site map that an importer
must skip; robots.txt, a stylesheet and a script. `make_saved_site` returns what each page holds."""
from __future__ import annotations

import io
import posixpath
import random
import re
from datetime import date, datetime
from html import escape
from pathlib import Path
from urllib.parse import quote

import yaml

HOST = "www.example-hospital.cn"
SITE = "示例市第一人民医院"
TEMPLATES = ("trs", "ecms", "dede", "wordpress", "table")
# corpus category → (Chinese name, old column folder)
COLUMNS = {
    "news": ("工作动态", "dtxw"), "grassroots": ("基层党建", "jcdj"), "theme-education": ("主题教育", "ztjy"),
    "integrity": ("党风廉政", "dflz"), "theory": ("理论学习", "llxx"), "outreach": ("下基层察民情", "xjc"),
    "role-models": ("先锋模范", "xfmf"), "notices": ("通知公告", "tzgg"),
}
SPAM = "澳门博彩 六合彩 代开发票 成人视频 私服"
EDITORS = ["王芳", "李明", "张伟", "刘洋", "陈静", "赵磊"]
FRIENDS = [("http://www.gov.cn/", "中国政府网"), ("http://www.nhc.gov.cn/", "国家卫生健康委员会"),
           ("http://www.12371.cn/", "共产党员网"), ("http://www.people.com.cn/", "人民网")]
NAV = ["首页", "医院概况", "党建工作", "纪检监察", "工会工作", "团青工作", "文化建设", "联系我们"]
try:
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader


def _first(meta: dict, *keys):
    for k in keys:
        if meta.get(k) not in (None, "", []):
            return meta[k]
    return None


def _read(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    m = re.match(r"^---[ \t]*\n(.*?)\n---[ \t]*\n(.*)$", text, re.DOTALL)
    meta, body = (yaml.load(m.group(1), Loader=_Loader) or {}, m.group(2)) if m else ({}, text)
    day = _first(meta, "date", "日期", "发布时间", "发布日期")
    if isinstance(day, datetime):
        day = day.date()
    elif not isinstance(day, date):
        day = date.fromisoformat(str(day)[:10].replace("/", "-"))
    author = _first(meta, "author", "authors", "作者")
    if isinstance(author, (list, tuple)):
        author = "、".join(str(a) for a in author)
    source = _first(meta, "source", "来源")
    cat = str(_first(meta, "category", "栏目", "分类") or "news")
    return {"title": str(_first(meta, "title", "标题") or path.stem), "date": day, "body": body,
            "source": str(source) if source else None, "author": str(author) if author else None,
            "col": COLUMNS.get(cat) or next((c for c in COLUMNS.values() if c[0] == cat), COLUMNS["news"])}


def _body(md: str) -> tuple[list[str], list[str]]:
    """Markdown → HTML blocks (simply), plus the plain paragraph texts to sample from."""
    blocks, plain, items = [], [], []
    for b in (b.strip() for b in re.split(r"\n\s*\n", md)):
        if not b:
            continue
        if b.startswith("#"):
            blocks.append(f"<h3>{escape(b.lstrip('#').strip(), False)}</h3>")
        elif b.startswith("|"):
            rows = [[c.strip() for c in r.strip().strip("|").split("|")] for r in b.splitlines()
                    if not re.match(r"^\|[\s\-:|]+\|$", r.strip())]
            cells = ["".join(f"<{'th' if i == 0 else 'td'}>{escape(c, False)}</{'th' if i == 0 else 'td'}>"
                             for c in row) for i, row in enumerate(rows)]
            blocks.append('<table border="1" cellspacing="0">' + "".join(f"<tr>{c}</tr>" for c in cells) + "</table>")
        elif re.match(r"\d+\.\s", b):
            lis = [re.sub(r"^\d+\.\s*", "", line) for line in b.splitlines()]
            items += lis
            blocks.append("<ol>" + "".join(f"<li>{escape(x, False)}</li>" for x in lis) + "</ol>")
        else:
            html = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", escape(b, False).replace("\n", ""))
            blocks.append(f"<p>{html}</p>")
            tail = b.replace("\n", "").rsplit("**", 1)[-1]
            if not b.startswith("（") and len(tail) >= 20:
                plain.append(tail)
    return blocks, plain or items


def _samples(texts: list[str], everything: str, rng: random.Random) -> list[str]:
    """2-3 windows of the body text, each found once in all the articles' text (the vocabulary is small)."""
    texts = sorted(set(texts), key=lambda t: (-len(t), t))
    picks = texts[:3] if len(texts) >= 2 else texts * 2
    out = []
    for t in picks:
        for tries in range(12):
            n = min(28 + 2 * tries, len(t))
            s = rng.randrange(len(t) - n + 1)
            if everything.count(t[s:s + n]) == 1 and not any(t[s:s + n] in o or o in t[s:s + n] for o in out):
                out.append(t[s:s + n])
                break
    return out


def _href(page: str, target: str) -> str:
    return quote(posixpath.relpath(target, posixpath.dirname(page)), safe="/._-~&=")


def _image_bytes(n: int, png: bool) -> bytes:
    from PIL import Image, ImageDraw
    img = Image.new("RGB", (48, 32), ((n * 53) % 256, (n * 97) % 256, (n * 29) % 256))
    ImageDraw.Draw(img).rectangle((8, 6, 40, 26), fill=(200, 30, 30))
    buf = io.BytesIO()
    img.save(buf, "PNG" if png else "JPEG", quality=70)
    return buf.getvalue()


def _charset(t: str, gbk: bool) -> tuple[str, str]:
    """(meta tag, Python codec) of a template in the given encoding."""
    if not gbk:
        return ('<meta charset="utf-8">' if t in ("wordpress", "ecms")
                else '<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />'), "utf-8"
    if t == "ecms":
        return '<meta charset="gbk">', "gbk"
    if t == "table":
        return '<meta charset="gb2312">', "gb2312"
    return '<meta http-equiv="Content-Type" content="text/html; charset=gb2312" />', "gb2312"


def _nav(t: str) -> str:
    sep = " | " if t == "table" else ""
    items = [f'<a href="/{"index.html" if i == 0 else f"col{i}/index.html"}">{x}</a>' for i, x in enumerate(NAV)]
    if t == "table":
        return f'<table width="960" align="center" class="nav"><tr><td>{sep.join(items)}</td></tr></table>'
    return '<div class="nav"><ul>' + "".join(f"<li>{a}</li>" for a in items) + "</ul></div>"


def _head(t: str, title: str, meta: str, extra: str = "") -> str:
    suffix = {"trs": "_{}", "ecms": " - {}", "dede": "_{}", "wordpress": " &#8211; {}", "table": "--{}"}[t]
    return (f'<!DOCTYPE html>\n<html><head>{meta}\n<title>{escape(title, False)}{suffix.format(SITE + "党委")}</title>\n'
            f'<link rel="stylesheet" href="/css/style.css"><script src="/js/common.js"></script>{extra}</head>\n')


def _header(t: str, spam: bool, col: str) -> str:
    words = " ".join(f'<a href="http://spam.example.com/{i}">{w}</a>' for i, w in enumerate(SPAM.split()))
    top = f'<div class="topad" style="font-size:12px">{words}</div>\n' if spam else ""
    logo = f'<div class="header"><a href="/"><img src="/images/logo.png" alt="{SITE}"></a><span class="slogan">不忘初心 牢记使命</span></div>\n'
    where = {"dede": "当前位置: ", "wordpress": ""}.get(t, "您现在的位置：")
    sep = " &gt; " if t != "ecms" else "&nbsp;&gt;&nbsp;"
    crumb = f'<div class="location">{where}<a href="/">首页</a>{sep}<a href="/djgz/">党建工作</a>{sep}<a href="index.html">{col}</a>{"" if t == "trs" else sep + "正文"}</div>\n'
    return top + logo + _nav(t) + "\n" + (crumb if t != "wordpress" else "")


def _footer(t: str, rng: random.Random) -> str:
    friends = " ".join(f'<a href="{u}" target="_blank">{n}</a>' for u, n in FRIENDS)
    links = ('<select onchange="window.open(this.value)"><option>--友情链接--</option>'
             + "".join(f'<option value="{u}">{n}</option>' for u, n in FRIENDS) + "</select>"
             if t == "table" else f'<div class="links"><span>友情链接：</span>{friends}</div>')
    icp = f"示ICP备{rng.randint(10000000, 99999999)}号-{rng.randint(1, 3)}"
    return (f'{links}\n<div class="footer"><p>版权所有 &copy; 2008-2023 {SITE} 党委宣传部</p>'
            f'<p>地址：示例市人民路{rng.randint(1, 300)}号 邮编：000000 电话：0000-{rng.randint(1000000, 9999999)}</p>'
            f'<p><a href="http://beian.miit.gov.cn/">{icp}</a> 技术支持：某某网络</p></div>\n</body></html>\n')


def _pager(n: int) -> str:
    return ('<div class="page">共 5 页 <a href="index.html">首页</a> <a href="index.html">上一页</a> '
            + " ".join(f'<a href="list_{i}.html">{i}</a>' if i != n else f"<span>{i}</span>" for i in (1, 2, 3))
            + ' <a href="list_3.html">下一页</a> <a href="list_5.html">尾页</a></div>')


def _article_page(a: dict, page: str, others: dict, rng: random.Random, t: str, print_version: bool = False) -> str:
    esc = lambda s: escape(s, False)
    title, day, src, au, (col, _) = a["title"], a["date"], a["source"], a["author"], a["col"]
    hh, mm, ss = rng.randint(8, 18), rng.randint(0, 59), rng.randint(0, 59)
    blocks = list(a["blocks"])
    if a["image"]:
        img = f'<p style="text-align:center"><img src="{_href(page, a["image"])}" alt="" width="600" border="0"></p>'
        blocks.insert(1 if blocks else 0, img)
    body = "\n".join(blocks)
    meta, _ = _charset(t, a["gbk"])
    if print_version:
        info = " ".join(x for x in (f"日期：{day}", src and f"来源：{esc(src)}", au and f"作者：{esc(au)}") if x)
        return (f'<html><head>{meta}<title>{esc(title)}</title></head>\n<body onload="window.print()">\n'
                f'<h2 align="center">{esc(title)}</h2>\n<p class="info" align="center">{info}</p>\n<div>{body}</div>\n'
                f'<p align="center"><a href="javascript:window.close()">【关闭窗口】</a></p></body></html>\n')
    prev, nxt = others["prev"], others["next"]
    link = lambda o: f'<a href="{_href(page, o["paths"][0])}">{esc(o["title"])}</a>' if o else "没有了"
    when = lambda o: f" <span>{o['date']}</span>" if t == "dede" else ""
    related = "".join(f"<li>{link(o)}{when(o)}</li>" for o in others["related"])
    clicks, editor = rng.randint(20, 3000), rng.choice(EDITORS)
    share = ('<div class="bdsharebuttonbox">分享到：<a class="bds_weixin">微信</a><a class="bds_tsina">新浪微博</a>'
             '<a class="bds_qzone">QQ空间</a></div>')
    if t == "trs":
        info = "".join(f"<span>{x}</span>" for x in (f"发布时间：{day} {hh:02d}:{mm:02d}", src and f"来源：{esc(src)}",
                                                   au and f"作者：{esc(au)}", f"浏览次数：{clicks}") if x)
        extra = (f'<meta name="ArticleTitle" content="{escape(title)}"><meta name="PubDate" content="{day} {hh:02d}:{mm:02d}">'
                 + (f'<meta name="ContentSource" content="{escape(src)}">' if src else ""))
        main = (f'<div class="article"><h1 class="art-title">{esc(title)}</h1>\n<div class="info">{info}</div>\n'
                f'<div class="TRS_Editor">{body}</div>\n<p class="editor">【责任编辑：{editor}】</p>\n'
                f'<div class="print"><a href="javascript:window.print()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a></div>\n{share}\n'
                f'<div class="pre-next"><p>上一篇：{link(prev)}</p><p>下一篇：{link(nxt)}</p></div>\n'
                f'<div class="related"><h4>相关链接</h4><ul>{related}</ul></div></div>\n')
    elif t == "ecms":
        extra = ""
        info = "&nbsp;&nbsp;".join(x for x in (au and f"作者：{esc(au)}", src and f"来源：{esc(src)}",
                                               f"发布时间：{day} {hh:02d}:{mm:02d}:{ss:02d}", f"点击：<span id=\"hits\">{clicks}</span>") if x)
        main = (f'<div class="news_content"><h2 class="title">{esc(title)}</h2>\n<div class="info">{info}</div>\n'
                f'<div class="content">{body}</div>\n<div class="zb">责任编辑：{editor}</div>\n{share}\n'
                f'<div class="pagenav">上一篇：{link(prev)}<br>下一篇：{link(nxt)}</div>\n'
                f'<div class="xg"><div class="xg_t">相关文章</div><ul>{related}</ul></div></div>\n')
    elif t == "dede":
        extra = '<meta name="keywords" content="党建,医院">'
        info = "".join(x for x in (f"<small>时间:</small>{day} {hh:02d}:{mm:02d}", src and f"<small>来源:</small>{esc(src)}",
                                   au and f"<small>作者:</small>{esc(au)}", f"<small>点击:</small>{clicks}次") if x)
        main = (f'<div class="viewbox"><div class="title"><h2>{esc(title)}</h2></div>\n<div class="info">{info}</div>\n'
                f'<div class="content"><table width="100%"><tr><td>{body}</td></tr></table></div>\n'
                f'<div class="boxoff"><strong>------分隔线----------------------------</strong></div>\n{share}\n'
                f'<div class="handle"><div class="context"><ul><li>上一篇：{link(prev)}</li><li>下一篇：{link(nxt)}</li></ul></div></div>\n'
                f'<div class="likelist"><dl><dt>相关文章</dt><dd><ul>{related}</ul></dd></dl></div></div>\n')
    elif t == "wordpress":
        extra = '<link rel="https://api.w.org/" href="/wp-json/">'
        who = f'<span class="byline">作者 <a href="/author/{a["id"]}">{esc(au)}</a></span>' if au else ""
        main = (f'<div id="content"><article class="post type-post"><header class="entry-header"><h1 class="entry-title">{esc(title)}</h1>\n'
                f'<div class="entry-meta"><span class="posted-on">发布于 <time datetime="{day}T{hh:02d}:{mm:02d}:00+08:00">'
                f'{day.year}年{day.month}月{day.day}日</time></span> {who}</div></header>\n<div class="entry-content">{body}</div>\n'
                f'<footer class="entry-footer">{f"来源：{esc(src)} " if src else ""}分类：<a href="/category/{a["col"][1]}/">{col}</a></footer></article>\n{share}\n'
                f'<nav class="post-navigation"><div class="nav-previous">上一篇：{link(prev)}</div><div class="nav-next">下一篇：{link(nxt)}</div></nav>\n'
                f'<section class="related-posts"><h3>相关文章</h3><ul>{related}</ul></section>\n'
                f'<div id="respond"><h3>发表评论</h3><form><textarea name="comment"></textarea><input type="submit" value="发表评论"></form></div></div>\n'
                f'<aside id="secondary"><h2>近期文章</h2><ul>{related}</ul></aside>\n')
    else:
        extra = ""
        byline = " ".join(esc(x) for x in (src, au) if x)
        main = (f'<table width="960" align="center" cellpadding="0" cellspacing="0"><tr><td class="title" align="center" height="50">{esc(title)}</td></tr>\n'
                f'<tr><td align="center" class="info">[{day.year}/{day.month}/{day.day}]&nbsp;&nbsp;浏览：{clicks}次</td></tr>\n'
                f'<tr><td class="content">{body}\n' + (f'<p align="right">（{byline}）</p>' if byline else "")
                + f'</td></tr>\n<tr><td align="right">责任编辑：{editor}</td></tr>\n<tr><td>{share}</td></tr>\n'
                f'<tr><td>上一篇：{link(prev)}<br>下一篇：{link(nxt)}</td></tr>\n<tr><td>相关链接：<ul>{related}</ul></td></tr></table>\n')
    return _head(t, title, meta, extra) + "<body>\n" + _header(t, a["spam"], col) + main + _footer(t, rng)


def _paths(t: str, a: dict) -> list[str]:
    d, n, slug, cid = a["date"], a["id"], a["col"][1], a["cid"]
    first = {"trs": f"djgz/{slug}/{d:%Y%m}/t{d:%Y%m%d}_{n}.html",
             "ecms": f"{slug}/{d:%Y-%m-%d}/{n}.html",
             "dede": f"html/{d:%Y}/{d:%m%d}/{n}.html",
             "wordpress": f"archives/{n}.html",
             "table": f"news/show-{n}.htm"}[t]
    second = {"trs": first.replace(".html", "_print.html"),
              "ecms": f"e/action/ShowInfo.php?classid={cid}&id={n}.html",
              "dede": f"plus/view.php?aid={n}.html",
              "wordpress": f"index.php?p={n}.html",
              "table": f"article.php?id={n}.html"}[t]
    return [f"{HOST}/{first}"] + ([f"{HOST}/{second}"] if a["dup"] else [])


def _list_page(page: str, title: str, links: list[dict], rng: random.Random, n: int = 1, t: str = "trs") -> str:
    items = "\n".join(f'<li><a href="{_href(page, o["paths"][0])}" target="_blank">{escape(o["title"], False)}</a>'
                      f'<span class="date">{o["date"]}</span></li>' for o in links)
    meta, _ = _charset(t, False)
    return (_head(t, title, meta) + "<body>\n" + _header(t, False, title)
            + f'<div class="list"><h2>{title}</h2><ul>\n{items}\n</ul>{_pager(n)}</div>\n' + _footer(t, rng))


def make_saved_site(out: Path, corpus_content: Path, count: int = 200, seed: int = 7) -> dict:
    """Write a saved old CMS site into `out` from the first `count` articles (sorted) of a corpus."""
    rng = random.Random(seed)
    out = Path(out)
    files = sorted(Path(corpus_content).rglob("*.md"))[:count]
    arts = [_read(f) for f in files]
    n = len(arts)
    kinds = [TEMPLATES[i % len(TEMPLATES)] for i in range(n)]
    rng.shuffle(kinds)
    pick = lambda pool, share: set(rng.sample(pool, min(len(pool), round(n * share))))
    spam, dups, images = pick(range(n), 0.10), pick(range(n), 0.10), pick(range(n), 0.15)
    gbk = pick([i for i in range(n) if kinds[i] != "wordpress"], 0.20)
    cids = {slug: 2 + i for i, slug in enumerate(v[1] for v in COLUMNS.values())}
    next_id = 100
    for i, a in enumerate(arts):
        next_id += rng.randint(1, 9)
        a.update(id=next_id, cid=cids.get(a["col"][1], 2), spam=i in spam, dup=i in dups, gbk=i in gbk, t=kinds[i])
        if rng.random() < 0.12:
            a["source"] = None
        if rng.random() < 0.15:
            a["author"] = None
        a["blocks"], a["plain"] = _body(a["body"])
        a["image"] = (f"{HOST}/uploads/{a['date']:%Y/%m}/photo-{a['id']}.{'png' if i % 3 == 0 else 'jpg'}"
                      if i in images else None)
        a["paths"] = _paths(a["t"], a)
    everything = "\x00".join(t for a in arts for t in a["plain"])
    for a in arts:
        a["samples"] = _samples(a["plain"], everything, rng)
    result = []
    for i, a in enumerate(arts):
        others = {"prev": arts[i - 1] if i else None, "next": arts[i + 1] if i + 1 < n else None,
                  "related": [arts[j] for j in rng.sample(range(n), min(n, 4)) if j != i][:3]}
        encoding = "utf-8"
        for k, page in enumerate(a["paths"]):
            html = _article_page(a, page, others, rng, a["t"], print_version=(k == 1 and a["t"] == "trs"))
            _, codec = _charset(a["t"], a["gbk"])
            try:
                data = html.encode(codec)
            except UnicodeEncodeError:  # not representable: save this article as UTF-8 instead
                a["gbk"], codec = False, "utf-8"
                html = _article_page(a, page, others, rng, a["t"], print_version=(k == 1 and a["t"] == "trs"))
                data = html.encode(codec)
            encoding = codec
            target = out / page
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        if a["image"]:
            img = out / a["image"]
            img.parent.mkdir(parents=True, exist_ok=True)
            img.write_bytes(_image_bytes(a["id"], a["image"].endswith(".png")))
        result.append({"paths": a["paths"], "title": a["title"], "date": a["date"].isoformat(),
                       "source": a["source"], "author": a["author"], "paragraph_samples": a["samples"],
                       "has_image": bool(a["image"]), "spam": a["spam"], "encoding": encoding, "template": a["t"]})
    lists = _write_lists(out, arts, rng)
    assets = {"robots.txt": "User-agent: *\nDisallow: /e/\nDisallow: /plus/\nDisallow: /wp-admin/\n",
              "css/style.css": "body{margin:0;font:12px/1.8 \"宋体\",SimSun}\n.nav li{float:left}\n.footer{text-align:center}\n",
              "js/common.js": "function AddFavorite(u,t){try{window.external.addFavorite(u,t)}catch(e){}}\n"}
    for rel, text in assets.items():
        (out / HOST / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / HOST / rel).write_text(text, encoding="utf-8")
    return {"articles": result, "list_pages": lists, "duplicates": sum(a["dup"] for a in arts),
            "assets": [f"{HOST}/{rel}" for rel in assets]}


def _write_lists(out: Path, arts: list[dict], rng: random.Random) -> list[str]:
    """Home, column indexes with 20 links and pagination, list_N pages and a site map."""
    if not arts:
        return []
    newest = sorted(arts, key=lambda a: (a["date"], a["id"]), reverse=True)
    take = lambda pool, k=0: [pool[(k + j) % len(pool)] for j in range(min(20, len(newest)))]
    pages = [("index.html", f"{SITE}党建工作网", newest[:20], 1, "table"),
             ("djgz/index.html", "党建工作", take(newest, 20), 1, "trs"),
             ("list_2.html", "新闻动态", take(newest, 40), 2, "ecms"),
             ("html/dtxw/list_1_2.html", "工作动态", take(newest, 60), 2, "dede")]
    for name, slug in COLUMNS.values():
        pool = [a for a in newest if a["col"][1] == slug] or newest
        pool = pool + [a for a in newest if a not in pool]
        pages.append((f"djgz/{slug}/index.html", name, take(pool), 1, "trs"))
        pages.append((f"djgz/{slug}/index_1.html", name, take(pool, 20), 2, "trs"))
    written = []
    for rel, title, links, num, t in pages:
        page = f"{HOST}/{rel}"
        (out / page).parent.mkdir(parents=True, exist_ok=True)
        (out / page).write_text(_list_page(page, title, links, rng, num, t), encoding="utf-8")
        written.append(page)
    page = f"{HOST}/sitemap.html"
    cols = "".join(f'<dl><dt><a href="djgz/{slug}/index.html">{name}</a></dt></dl>' for name, slug in COLUMNS.values())
    (out / page).write_text(_head("trs", "网站地图", _charset("trs", False)[0]) + "<body>\n" + _header("trs", False, "网站地图")
                            + f'<div class="sitemap"><h2>网站地图</h2>{cols}'
                            + "".join(f"<dl><dt>{x}</dt></dl>" for x in NAV) + "</div>\n" + _footer("trs", rng), encoding="utf-8")
    return written + [page]


if __name__ == "__main__":
    import subprocess
    import sys
    import tempfile
    import time
    from collections import Counter

    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        subprocess.run([sys.executable, "/work/shared/bench/make_corpus.py", str(corpus), "--articles", "220"], check=True)
        start = time.perf_counter()
        info = make_saved_site(Path(tmp) / "saved", corpus / "content")
        took = time.perf_counter() - start
        arts = info["articles"]
        pages = [p for a in arts for p in a["paths"]]
        assert len(pages) == len(set(pages)), "two articles at one path"
        for a in arts:
            for p in a["paths"]:
                raw = (Path(tmp) / "saved" / p).read_bytes()
                text = raw.decode(a["encoding"])
                assert a["title"] in text and all(s in text for s in a["paragraph_samples"]), p
                assert ("charset=gb2312" in text or 'charset="gb' in text) == (a["encoding"] != "utf-8"), p
        again = make_saved_site(Path(tmp) / "saved2", corpus / "content")
        assert again == info, "not deterministic"
        files = sorted(p for p in (Path(tmp) / "saved").rglob("*") if p.is_file())
        print(f"{len(arts)} articles, {len(pages)} article pages, {info['duplicates']} saved twice, "
              f"{sum(a['has_image'] for a in arts)} with image, {sum(a['spam'] for a in arts)} spam, "
              f"{sum(a['encoding'] != 'utf-8' for a in arts)} GBK/GB2312, {len(info['list_pages'])} list pages, "
              f"{len(info['assets'])} assets, {len(files)} files in all, in {took:.2f} s")
        print("templates:", dict(Counter(a["template"] for a in arts)))
        print("no source:", sum(a["source"] is None for a in arts), "no author:", sum(a["author"] is None for a in arts),
              "samples per article:", dict(Counter(len(a["paragraph_samples"]) for a in arts)))
        print("example:", arts[0]["paths"], arts[0]["paragraph_samples"])
