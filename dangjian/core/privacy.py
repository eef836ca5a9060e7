"""Personal data that must never be published: 18-digit 居民身份证号 (with a valid check digit,
GB 11643-1999), mobile numbers, and bank-card numbers (Luhn). Found in titles, bodies and the
attachments a site publishes; a number the site lists as public (a hotline) is allowed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

from .. import problems as P
from .lines import shown_texts, source_line

_ID = re.compile(r"(?<![0-9A-Za-z])([1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx])"
                 r"(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<![\d.\-])(?:\+?86[ -]?)?(1[3-9]\d[ -]?\d{4}[ -]?\d{4})(?![\d])")
_CARD = re.compile(r"(?<![\d\-])([3-6]\d{3}(?:[ -]?\d{4}){3}(?:[ -]?\d{1,3})?)(?![\d\-])")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


READABLE = (".txt", ".csv", ".md", ".html", ".htm", ".json", ".xml", ".docx", ".xlsx", ".pdf")
LINED = (".txt", ".csv", ".md", ".html", ".htm", ".json", ".xml")      # pieces are the file's lines


@dataclass(frozen=True)
class Where:
    label: str         # 第 3 行, 第 2 段, 表1!B4, 第 5 页
    line: int | None = None


@dataclass(frozen=True)
class Found:
    kind: str          # "身份证号" | "手机号码" | "银行卡号"
    start: int
    end: int
    masked: str


def id_number_valid(number: str) -> bool:
    """The GB 11643-1999 check digit: the weighted sum of the first 17 digits, mod 11."""
    total = sum(int(d) * w for d, w in zip(number[:17], _WEIGHTS))
    return "10X98765432"[total % 11] == number[17].upper()


def luhn_valid(digits: str) -> bool:
    total, double = 0, False
    for d in reversed(digits):
        n = int(d) * (2 if double else 1)
        total += n - 9 if n > 9 else n
        double = not double
    return total % 10 == 0


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def find(text: str, public: frozenset[str] = frozenset()) -> Iterator[Found]:
    """Every personal number in `text` that is not in `public` (digits only, as listed in site.toml)."""
    ids = []
    for m in _ID.finditer(text):
        number = m.group(1)
        if id_number_valid(number) and number not in public:
            ids.append((m.start(1), m.end(1)))
            yield Found("身份证号", m.start(1), m.end(1), number[:6] + "********" + number[-4:])
    for m in _MOBILE.finditer(text):
        number = _digits(m.group(1))
        if number not in public and not any(s <= m.start(1) < e for s, e in ids):
            yield Found("手机号码", m.start(1), m.end(1), number[:3] + "****" + number[-4:])
    for m in _CARD.finditer(text):
        number = _digits(m.group(1))
        if 16 <= len(number) <= 19 and luhn_valid(number) and number not in public \
                and not any(s <= m.start(1) < e for s, e in ids):
            yield Found("银行卡号", m.start(1), m.end(1), number[:4] + " **** **** " + number[-4:])


def personal_numbers(src, report, config) -> None:
    """The per-file rule (core/content.RULES): every personal number in what an article shows (its
    title, summary, tags, and body as written: a number in a link or a code block is published all
    the same). The build warns and `check` fails; the quoted line is masked too."""
    public = frozenset(config.privacy.public_numbers)
    for key, text, line_at in shown_texts(src):
        for found in find(text, public):
            line = line_at(found.start)
            shown = source_line(src, line)
            report.add(P.PERSONAL_NUMBER, src.path, line, masked(shown, public) if shown is not None else None,
                       key, kind=found.kind, masked=found.masked)


personal_numbers.config_keys = ("privacy",)


def masked(text: str, public: frozenset[str] = frozenset()) -> str:
    """`text` with every personal number in it masked (a report never repeats the number it warns of)."""
    for found in sorted(find(text, public), key=lambda f: f.start, reverse=True):
        text = text[:found.start] + found.masked + text[found.end:]
    return text


def attachment_text(path) -> list[tuple[Where, str]] | None:
    """The text of a published attachment, as (where, text) pieces (a line, a paragraph, a cell, a
    page); None for a file that cannot be read (damaged, encrypted) or a kind no library reads."""
    suffix = path.suffix.lower()
    try:
        if suffix in LINED:
            raw = path.read_bytes()
            for encoding in ("utf-8-sig", "gb18030"):
                try:
                    text = raw.decode(encoding)
                    break
                except UnicodeDecodeError:
                    continue
            else:
                return None
            return [(Where(f"第 {n} 行", n), line) for n, line in enumerate(text.splitlines(), 1)]
        if suffix == ".docx":
            import docx
            document = docx.Document(str(path))
            pieces = [(Where(f"第 {n} 段"), p.text) for n, p in enumerate(document.paragraphs, 1)]
            for t, table in enumerate(document.tables, 1):
                pieces += [(Where(f"表格 {t} 第 {r} 行"), " ".join(c.text for c in row.cells))
                           for r, row in enumerate(table.rows, 1)]
            return pieces
        if suffix == ".xlsx":
            import openpyxl
            book = openpyxl.load_workbook(str(path), read_only=True, data_only=True)
            return [(Where(f"工作表“{sheet.title}”{cell.coordinate} 格"), str(cell.value)) for sheet in book.worksheets
                    for row in sheet.iter_rows() for cell in row if cell.value is not None]
        if suffix == ".pdf":
            import pypdf
            return [(Where(f"第 {n} 页"), page.extract_text() or "") for n, page in enumerate(pypdf.PdfReader(str(path)).pages, 1)]
    except Exception:       # noqa: BLE001 - a file a library cannot read is named as unread, never a crash
        return None
    return None
