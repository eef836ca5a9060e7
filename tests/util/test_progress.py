"""The progress counter: on a terminal after the delay, never otherwise."""
from __future__ import annotations

import io

from dangjian.util.progress import Progress


class Tty(io.StringIO):
    def isatty(self):
        return True


def test_counter_on_a_terminal():
    out = Tty()
    p = Progress(stream=out, delay=0)
    p.phase("生成页面", 3)
    for _ in range(3):
        p.advance()
    p.close()
    text = out.getvalue()
    assert "生成页面" in text and "3/3" in text and text.endswith("\r\033[K")


def test_silent_when_not_a_terminal_or_quick():
    piped = io.StringIO()
    p = Progress(stream=piped, delay=0)
    p.phase("生成页面", 2)
    p.advance(2)
    assert piped.getvalue() == ""
    tty = Tty()
    quick = Progress(stream=tty, delay=60)          # a build shorter than the delay shows nothing
    quick.phase("生成页面", 2)
    quick.advance(2)
    quick.close()
    assert tty.getvalue() == ""
