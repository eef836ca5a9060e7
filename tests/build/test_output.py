"""build/output.py: the atomic writer; nothing written outside the output folder."""
from pathlib import Path

import pytest

from conftest import ROOT
from dangjian.build.output import Writer
from dangjian.errors import OutputError


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_writer_refuses_escapes_and_clashes(tmp_path):
    writer = Writer(tmp_path / "site")
    for bad in ["../x.html", "/etc/x", "a/../../x"]:
        with pytest.raises(OutputError):
            writer.reserve(bad, "test")
    writer.reserve("a/index.html", "first")
    with pytest.raises(OutputError) as info:
        writer.reserve("a/index.html", "second")
    assert "first" in str(info.value) and "second" in str(info.value)


def test_writer_swaps_atomically_and_keeps_unchanged_files(tmp_path):
    out = tmp_path / "site"
    for content in (b"one", b"one"):
        writer = Writer(out)
        writer.reserve("a/index.html", "a")
        writer.reserve("b.txt", "b")
        with writer:
            writer.write("a/index.html", content)
            writer.write("b.txt", b"b")
            writer.commit()
    assert writer.stats.unchanged == 2 and writer.stats.written == 0
    mtime = (out / "a/index.html").stat().st_mtime_ns
    writer = Writer(out)
    writer.reserve("a/index.html", "a")
    with pytest.raises(RuntimeError):
        with writer:
            writer.write("a/index.html", b"two")
            raise RuntimeError("interrupted")
    assert (out / "a/index.html").read_bytes() == b"one"
    assert (out / "a/index.html").stat().st_mtime_ns == mtime
    assert (out / "b.txt").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_a_slug_that_climbs_out_writes_nothing_outside(tmp_path, capsys):
    from dangjian.cli import main
    content = tmp_path / "content"
    write(content / "news/2024/x.md", "---\ntitle: t\ndate: 2024-01-01\nslug: ../../../../x\n---\nx\n")
    write(content / "news/2024/y.md", "---\ntitle: t\ndate: 2024-01-01\nslug: ../x\n---\nx\n")
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    assert main(["build", "--content", str(content), "--config", str(ROOT / "site.toml"),
                 "--out", str(tmp_path / "a" / "b" / "site")]) == 1
    assert "slug 无效" in capsys.readouterr().err
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before


def test_output_folder_that_holds_the_sources_is_refused(tmp_path, capsys, monkeypatch):
    from dangjian.cli import main
    write(tmp_path / "content/news/2024/x.md", "---\ntitle: t\ndate: 2024-01-01\n---\nx\n")
    write(tmp_path / "notes.txt", "keep me")
    monkeypatch.chdir(tmp_path)
    assert main(["build", "--config", str(ROOT / "site.toml"), "--out", "."]) == 1
    assert "拒绝覆盖" in capsys.readouterr().err
    write(tmp_path / "other/readme.txt", "not a site")
    assert main(["build", "--config", str(ROOT / "site.toml"), "--out", "other"]) == 1
    assert "不是本工具生成的" in capsys.readouterr().err
    assert (tmp_path / "notes.txt").read_text() == "keep me" and (tmp_path / "other/readme.txt").exists()
