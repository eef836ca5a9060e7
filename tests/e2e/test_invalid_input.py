"""One folder per invalid-input case under fixtures/invalid/, each with the expected message.

Each case is checked with `check` and `build`: the messages name the file and
line and say how to fix it, the exit status is 1, there is no traceback, and a
previously built site is left byte-for-byte as it was.
"""
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT
from dangjian.cli import main

CASES = sorted(p for p in (FIXTURES / "invalid").iterdir() if p.is_dir())


def _run(case: Path, command: str, capsys, *extra: str) -> tuple[int, str]:
    args = (case / "args.txt").read_text().split() if (case / "args.txt").exists() else []
    code = main([command, "--content", "content", "--config", str(ROOT / "site.toml"), *extra, *args])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_check_reports_each_problem(case: Path, capsys, monkeypatch):
    monkeypatch.chdir(case)
    code, err = _run(case, "check", capsys)
    assert code == 1
    assert "Traceback" not in err
    for expected in (case / "expected.txt").read_text(encoding="utf-8").splitlines():
        assert expected in err, f"expected {expected!r} in:\n{err}"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_failed_build_leaves_site_untouched(case: Path, tmp_path, capsys, monkeypatch):
    site = tmp_path / "site"
    assert main(["build", "--content", str(ROOT / "content"), "--config", str(ROOT / "site.toml"),
                 "--out", str(site), "-q"]) == 0
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    monkeypatch.chdir(case)
    code, err = _run(case, "build", capsys, "--out", str(site))
    assert code == 1
    assert "已有的网站未改动" in err
    after = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert after == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".cache", ".site.slots", "site"]


def test_unknown_key_is_only_a_warning_without_strict(capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(FIXTURES / "invalid" / "unknown-key")
    code = main(["build", "--content", "content", "--config", str(ROOT / "site.toml"), "--out", str(tmp_path / "s")])
    err = capsys.readouterr().err
    assert code == 0
    assert "content/news/2024/typo.md:4: 警告：未知字段：“tgas”" in err
