"""The search step's failures, as an editor or administrator sees them."""
from __future__ import annotations

import subprocess

from conftest import ROOT
from dangjian.build import search
from dangjian.cli import main


def test_pagefind_out_of_memory_is_named_as_such(tmp_path, monkeypatch, capsys):
    """Pagefind holds the whole index in memory (0.26 MB per article measured); when it aborts
    for want of memory the build says so, with the way out, and publishes nothing."""
    def out_of_memory(command, cancel=None):
        return subprocess.CompletedProcess(command, -6, "memory allocation of 224 bytes failed\nstack backtrace:", "")
    monkeypatch.setattr(search, "_run", out_of_memory)
    out = tmp_path / "site"
    code = main(["build", "--content", str(ROOT / "content"), "--out", str(out), "--config", str(ROOT / "site.toml"),
                 "--templates", str(ROOT / "templates"), "-q"])
    err = capsys.readouterr().err
    assert code == 1
    assert "Pagefind 内存不足" in err and "--no-search" in err and "构建失败" in err
    assert "stack backtrace" not in err
    assert not out.exists()
