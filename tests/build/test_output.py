"""build/output.py: the atomic writer; nothing written outside the output folder."""
import os
from pathlib import Path

import pytest

from conftest import ROOT
from dangjian.build.output import Release, replace_published
from dangjian.errors import OutputError
from dangjian.options import MARKER, release_slots


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def release(out: Path, files: dict[str, bytes], fresh: bool = False) -> Release:
    """One build's output, published: what output.Release does for the pipeline."""
    from dangjian.incremental.cache import output_stats
    live, hidden = release_slots(out)
    writer = Release(out, output_stats(out) if live else {}, output_stats(hidden), fresh=fresh)
    for path in files:
        writer.reserve(path, "test")
    with writer:
        for path, data in files.items():
            writer.write(path, data)
        for path in writer.live_files:
            writer.remove(path)
        writer.commit()
    return writer


def test_a_release_refuses_escapes_and_clashes(tmp_path):
    writer = Release(tmp_path / "site")
    # A name past 255 bytes (the file system's limit) is refused, in Chinese at 86 characters.
    for bad in ["../x.html", "/etc/x", "a/../../x", "a/" + "x" * 300 + ".html", "a/" + "党" * 86 + "/index.html"]:
        with pytest.raises(OutputError):
            writer.reserve(bad, "test")
    writer.reserve("a/" + "党" * 85 + "/index.html", "255 bytes")
    writer.reserve("a/index.html", "first")
    with pytest.raises(OutputError) as info:
        writer.reserve("a/index.html", "second")
    assert "first" in str(info.value) and "second" in str(info.value)


def test_the_output_is_a_link_turned_at_once_and_unchanged_files_keep_their_inode(tmp_path):
    out = tmp_path / "site"
    release(out, {"a/index.html": b"one", "b.txt": b"b"}, fresh=True)
    assert out.is_symlink() and (out / "a/index.html").read_bytes() == b"one"
    first = os.readlink(out)
    before = (out / "b.txt").stat()
    second = release(out, {"a/index.html": b"two", "b.txt": b"b"})
    assert os.readlink(out) != first and (out / "a/index.html").read_bytes() == b"two"
    after = (out / "b.txt").stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert list(second.changed) == ["a/index.html"] and second.stats.written == 1
    third = release(out, {"a/index.html": b"two", "b.txt": b"b"})
    assert third.stats.written == 0 and os.readlink(out) != first      # nothing new: the link stays
    release(out, {"a/index.html": b"two"})
    _, hidden = release_slots(out)                 # the version readers saw until now is untouched
    assert not (out / "b.txt").exists() and (hidden / "b.txt").exists()


def test_one_published_file_replaced_at_once_leaves_the_other_slot_as_it_was(tmp_path):
    out = tmp_path / "site"
    release(out, {"a/index.html": b"one", "b/index.html": b"two"}, fresh=True)
    release(out, {"a/index.html": b"one", "b/index.html": b"two", "c.html": b"3"})   # both slots share a/ and b/
    live, hidden = release_slots(out)
    assert (live / "a/index.html").stat().st_ino == (hidden / "a/index.html").stat().st_ino
    inode = (live / "b/index.html").stat().st_ino
    assert replace_published(out, "a/index.html", b"ONE")
    assert (out / "a/index.html").read_bytes() == b"ONE" and (hidden / "a/index.html").read_bytes() == b"one"
    assert not replace_published(out, "b/index.html", b"two") and (live / "b/index.html").stat().st_ino == inode
    for refused in ("new/index.html", "../outside.html", "/etc/x"):       # only files already published
        assert not replace_published(out, refused, b"x")
    assert not (tmp_path / "outside.html").exists() and not (live / "new").exists()
    assert sorted(p.name for p in (live / "a").iterdir()) == ["index.html"]      # no scratch file left


def test_a_failed_build_leaves_what_readers_see(tmp_path):
    out = tmp_path / "site"
    release(out, {"a/index.html": b"one"}, fresh=True)
    link = os.readlink(out)
    writer = Release(out, {}, {})
    writer.reserve("a/index.html", "a")
    with pytest.raises(RuntimeError):
        with writer:
            writer.write("a/index.html", b"two")
            raise RuntimeError("interrupted")
    assert os.readlink(out) == link and (out / "a/index.html").read_bytes() == b"one"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".site.slots", "site"]


def test_an_output_folder_from_before_becomes_the_link(tmp_path):
    out = tmp_path / "site"
    write(out / MARKER, "x")
    write(out / "old.html", "old")
    release(out, {MARKER: b"x", "new.html": b"new"}, fresh=True)
    assert out.is_symlink() and (out / "new.html").exists() and not (out / "old.html").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".site.slots", "site"]


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
