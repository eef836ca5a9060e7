"""Bar charts of the 发布统计 page, drawn as SVG at build time (no JavaScript), each with a text
alternative; the page shows a data table beside each."""
from __future__ import annotations

from .stats import Chart, Table, text_width

ACCENT, TEXT, MUTED = "#b01c1c", "#1f1f1f", "#595959"
CHART_TOP = 15                       # bars per chart; the data table lists every row


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _clip(text: str, width: int) -> str:
    if text_width(text) <= width:
        return text
    while text_width(text) > width - 2:
        text = text[:-1]
    return text + "…"


def chart(key: str, heading: str, table: Table, vertical: bool = False) -> Chart:
    rows = table.rows[:CHART_TOP]
    more = f"（前 {CHART_TOP} 名）" if len(table.rows) > CHART_TOP else ""
    described = "，".join(f"{r.label} {r.count} 篇" for r in rows) or "暂无数据"
    label = f"{heading}{more}柱状图：{described}"
    draw = _columns if vertical else _bars
    inner, height = draw(rows, max((r.count for r in rows), default=0) or 1)
    svg = (f'<svg class="chart" viewBox="0 0 400 {height}" width="400" height="{height}" role="img" '
           f'aria-label="{_esc(label)}" xmlns="http://www.w3.org/2000/svg">'
           f"<title>{_esc(heading + more)}</title>{inner}</svg>")
    return Chart(key, heading + more, table, svg)


def _bars(rows, peak: int) -> tuple[str, int]:
    """Horizontal bars, the label above each bar so long Chinese names fit on a phone."""
    parts, y = [], 0
    for r in rows:
        length = round(330 * r.count / peak) if r.count else 0
        parts.append(f'<text x="0" y="{y + 17}" font-size="16" fill="{TEXT}">{_esc(_clip(r.label, 48))}</text>'
                     f'<rect x="0" y="{y + 24}" width="{max(length, 1)}" height="16" fill="{ACCENT}"/>'
                     f'<text x="{max(length, 1) + 6}" y="{y + 38}" font-size="15" fill="{TEXT}">{r.count}</text>')
        y += 50
    return "".join(parts), max(y, 20)


def _columns(rows, peak: int) -> tuple[str, int]:
    """Vertical bars for months: count above, month below."""
    slot = 400 / max(len(rows), 1)
    parts = []
    for i, r in enumerate(rows):
        h = round(150 * r.count / peak)
        x = i * slot + slot * 0.2
        cx = i * slot + slot / 2
        month = r.label.split("年")[-1].lstrip("0")
        parts.append(f'<rect x="{x:.1f}" y="{175 - h}" width="{slot * 0.6:.1f}" height="{h}" fill="{ACCENT}"/>'
                     f'<text x="{cx:.1f}" y="{170 - h}" font-size="13" text-anchor="middle" fill="{TEXT}">{r.count}</text>'
                     f'<text x="{cx:.1f}" y="195" font-size="13" text-anchor="middle" fill="{MUTED}">{month}</text>')
    parts.append(f'<line x1="0" y1="175.5" x2="400" y2="175.5" stroke="{MUTED}" stroke-width="1"/>')
    return "".join(parts), 205
