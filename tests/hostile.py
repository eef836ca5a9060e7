"""Hostile articles for fuzzing `check` and `build`: wrong types for every field, impossible dates,
YAML alias bombs and tags, control characters, invalid UTF-8, CR-only line endings, huge tables and
lines, nesting hundreds deep, hostile slugs, and paths that reach outside content/.

`make(folder, count, seed)` writes `count` articles (and a canary file outside content/ that no
build may ever read or publish) and returns the canary's path. Used by tests/e2e/test_fuzz.py (a
few hundred cases) and benchmarks/fuzz.py (ten thousand).
"""
from __future__ import annotations

import random
from pathlib import Path

CANARY = b"CANARY-d41d8cd98f00b204-NEVER-PUBLISH"
FIELDS = ["title", "date", "source", "author", "editor", "category", "tags", "summary", "slug", "draft", "pinned",
          "cover", "updated", "aliases", "标题", "日期", "作者", "标签", "栏目"]
CATEGORIES = ["news", "grassroots", "theme-education", "integrity", "theory", "outreach", "role-models", "notices"]
OUTSIDE = ["../../outside/canary.jpg", "../../../outside/canary.jpg", "/etc/passwd", "../../outside/canary.txt",
           "D:\\照片\\会场.jpg", "file:///etc/passwd", "\\\\server\\share\\a.jpg", "images\\a.jpg", "..", "../",
           "/../../outside/canary.txt", "%2e%2e/%2e%2e/outside/canary.txt", "images/../../../outside/canary.jpg"]
BAD_VALUES = [
    "", "null", "~", "true", "false", "0", "-1", "1e309", "99999999999999999999999", "[]", "{}", "[[[]]]",
    "{a: {b: {c: 1}}}", "[1, [2, [3]]]", "!!python/object:os.system ls", "!!binary aGVsbG8=", "!!set {a, b}",
    "!!timestamp 2024-01-01", "*undefined", "&anchor value", "'unterminated", '"unterminated', "[unclosed",
    "{unclosed", "- a\n- b", "|\n  block\n  text", ">\n  folded", "\"\\x00\\u0000\"", "2024-02-30", "2024-13-01",
    "0000-00-00", "9999-12-31 25:61", "明天", "２０２４年５月１２日", "2024/5/12 9:30", "19000101", "29991231",
    "@", "`cmd`", "%percent", "a: b: c", "\t tab", "#comment only", "学习会 #3", "<script>alert(1)</script>",
    "\u202eRTL override", "零\u200b宽", "𠀀𠀁 astral", "😀 emoji", "x" * 5000, "标" * 3000,
    "../../../../etc/passwd", "CON", "a/b", "UPPER-Case", "slug with space", "中文slug",
]


def _alias_bomb() -> str:
    lines = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i, name in enumerate("bcdefghi"):
        prev = "abcdefghi"[i]
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    lines.append("tags: *i")
    lines.append("title: *h")
    lines.append("date: *g")
    return "\n".join(lines)


def _body(rnd: random.Random) -> str:
    choice = rnd.randrange(12)
    if choice == 0:
        return "> " * rnd.randint(200, 2500) + "深"
    if choice == 1:
        return "\n".join("  " * i + "* 层" for i in range(rnd.randint(100, 800)))
    if choice == 2:
        cols = rnd.randint(20, 60)
        head = "|" + "|".join(f"列{i}" for i in range(cols)) + "|\n|" + "---|" * cols + "\n"
        return head + "\n".join("|" + "|".join("格" for _ in range(cols)) + "|" for _ in range(rnd.randint(50, 400)))
    if choice == 3:
        return "长" * rnd.randint(100_000, 400_000)
    if choice == 4:
        return "".join(rnd.choice(["\x00", "\x07", "\x1b", "\x7f", "\ufeff", "\u2028", "正文"]) for _ in range(300))
    if choice == 5:
        target = rnd.choice(OUTSIDE)
        return f"![会场]({target})\n\n[附件]({target})\n\n<img src=\"{target}\" alt=\"x\">"
    if choice == 6:
        return "<script>alert(1)</script><iframe src=\"https://evil.example/\"></iframe>" \
               "<a href=\"javascript:alert(1)\" onclick=\"x()\">点</a>" + "<div>" * 500
    if choice == 7:
        return "[^1]" * 200 + "\n\n" + "\n".join(f"[^{i}]: 注{i}" for i in range(200))
    if choice == 8:
        return "```\n" + "代码\n" * 1000
    if choice == 9:
        return "&#0; &#xD800; &#1114112; &nbsp;" * 50
    return "正文第一段。" * rnd.randint(1, 50)


def _front_matter(rnd: random.Random, n: int) -> str:
    fields = {"title": f"测试文章{n}", "date": f"2024-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}",
              "category": rnd.choice(CATEGORIES)}
    for _ in range(rnd.randint(1, 4)):
        key = rnd.choice(FIELDS)
        value = rnd.choice(BAD_VALUES + OUTSIDE)
        fields[key] = value
    lines = [f"{k}: {v}" if "\n" not in v else f"{k}:\n  " + v.replace("\n", "\n  ") for k, v in fields.items()]
    if rnd.random() < 0.1:
        lines.append(_alias_bomb())
    if rnd.random() < 0.05:
        lines.append("x: " + "[" * 3000 + "]" * 3000)
    if rnd.random() < 0.1:
        lines.append(f"{rnd.choice(FIELDS)}：全角冒号")
    return "\n".join(lines)


def article(rnd: random.Random, n: int) -> bytes:
    """One hostile article file's bytes."""
    kind = rnd.randrange(20)
    if kind == 0:
        return b""
    if kind == 1:
        return b"---\n---\n"
    if kind == 2:
        return b"---\ntitle: t\n" + bytes(rnd.randrange(256) for _ in range(200))
    if kind == 3:
        return b"---\ntitle: \xed\xa0\x80lone surrogate\ndate: 2024-01-01\n---\nx\n"
    if kind == 4:
        return ("\ufeff---\r" + _front_matter(rnd, n).replace("\n", "\r") + "\r---\r" + _body(rnd)).encode("utf-8")
    if kind == 5:
        return ("---\n" + _front_matter(rnd, n) + "\n").encode("utf-8")            # never closed
    if kind == 6:
        return ("---\n" + _front_matter(rnd, n) + "\n---\n" + _body(rnd)).encode("gb18030", "replace")
    text = "---\n" + _front_matter(rnd, n) + "\n---\n\n" + _body(rnd) + "\n"
    return text.encode("utf-8", "surrogatepass")


def make(folder: Path, count: int, seed: int) -> Path:
    """`count` hostile articles below folder/content/, and the canary outside it; returns the canary."""
    rnd = random.Random(seed)
    outside = folder / "outside"
    outside.mkdir(parents=True, exist_ok=True)
    for name in ("canary.jpg", "canary.txt"):
        (outside / name).write_bytes(CANARY)
    for n in range(count):
        cat = rnd.choice(CATEGORIES + ["unknown-folder", ""])
        name = rnd.choice([f"a{n}.md", f"文章{n}.md", f"{n} 空格.md", f"{n}%25.md", f"CON{n}.md", f"{n}.MD.md"])
        path = folder / "content" / cat / "2024" / name if cat else folder / "content" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(article(rnd, n))
        if rnd.random() < 0.05:
            (path.parent / "images").mkdir(exist_ok=True)
            (path.parent / "images" / f"bad{n}.jpg").write_bytes(rnd.randbytes(rnd.randint(0, 2000)))
    return outside / "canary.jpg"
