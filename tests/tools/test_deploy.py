"""`deploy`: releases in the web server's folder, an atomic switch, rollback, and a deploy killed
midway that leaves the old release live. Real files, a real build, real processes."""
from __future__ import annotations

import errno
import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT
from dangjian.cli import main
from dangjian.tools import deploy as D
from toolsite import article, make_site


def built(tmp: Path) -> Path:
    site = make_site(tmp, {"news/2025/a.md": article("医院召开党建工作会议", "2025-03-01", "会议部署全年工作。"),
                           "news/2025/b.md": article("支部开展主题党日", "2025-03-02", "支部书记带队。")})
    assert main(["build", "--content", str(site / "content"), "--config", str(site / "site.toml"),
                 "--out", str(site / "site"), "--no-search", "-q"]) == 0
    return site


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != D.NAME_FILE}


def deploy_cli(site: Path, *extra: str) -> int:
    return main(["deploy", "--out", str(site / "site"), "--config", str(site / "site.toml"), *extra])


def test_a_deploy_is_a_release_made_live_by_one_link(tmp_path, capsys):
    site = built(tmp_path)
    www = tmp_path / "www"
    assert deploy_cli(site, "--to", str(www)) == 0
    assert "已发布版本 0001-" in capsys.readouterr().out
    current = www / "current"
    assert current.is_symlink() and os.readlink(current).startswith("releases/0001-")
    assert files(current) == files((site / "site").resolve())
    assert sorted(p.name for p in www.iterdir()) == [".deploy.lock", "current", "releases"]


def test_a_second_deploy_links_unchanged_files_and_keeps_the_previous_release(tmp_path):
    site = built(tmp_path)
    www = tmp_path / "www"
    first = D.deploy(site / "site", www)
    page = site / "content/news/2025/a.md"
    page.write_text(page.read_text(encoding="utf-8").replace("会议部署全年工作。", "会议部署下半年工作。"), encoding="utf-8")
    assert main(["build", "--content", str(site / "content"), "--config", str(site / "site.toml"),
                 "--out", str(site / "site"), "--no-search", "-q"]) == 0
    second = D.deploy(site / "site", www)
    assert second.previous == first.release and second.linked > 0 and second.copied > 0
    old, new = www / "releases" / first.release, www / "current"
    assert files(new) == files((site / "site").resolve())
    assert "下半年" in (new / "news/2025/a/index.html").read_text(encoding="utf-8")
    assert "全年" in (old / "news/2025/a/index.html").read_text(encoding="utf-8")      # untouched
    assert (old / "static/style.css").stat().st_ino == (new / "static/style.css").stat().st_ino


def test_rollback_turns_back_one_release_and_says_when_there_is_none(tmp_path, capsys):
    site = built(tmp_path)
    www = tmp_path / "www"
    first = D.deploy(site / "site", www, now=1_700_000_000)
    (site / "site" / "index.html").write_text("<p>新版本</p>", encoding="utf-8")
    second = D.deploy(site / "site", www, now=1_700_000_060)
    assert deploy_cli(site, "--to", str(www), "--rollback") == 0
    assert D.live_release(www) == first.release and f"原来是 {second.release}" in capsys.readouterr().out
    assert deploy_cli(site, "--to", str(www), "--rollback") == 1
    err = capsys.readouterr().err
    assert "没有比当前版本更早的版本" in err and "Traceback" not in err
    assert D.live_release(www) == first.release


def test_an_unchanged_site_makes_no_release(tmp_path, capsys):
    site = built(tmp_path)
    www = tmp_path / "www"
    first = D.deploy(site / "site", www)
    again = D.deploy(site / "site", www)
    assert again.release == again.previous == first.release and again.copied == again.linked == 0
    assert D.release_names(www / "releases") == [first.release]
    assert deploy_cli(site, "--to", str(www)) == 0 and "网站没有变化" in capsys.readouterr().out


def test_old_releases_are_pruned_to_keep(tmp_path):
    site = built(tmp_path)
    www = tmp_path / "www"
    names = []
    for n in range(4):
        (site / "site" / "index.html").write_text(f"<p>版本 {n}</p>", encoding="utf-8")   # a changed site each time
        names.append(D.deploy(site / "site", www, keep=2).release)
    assert D.release_names(www / "releases") == names[-2:]
    assert names == sorted(names)


def test_target_and_site_named_in_site_toml_and_mistakes_said_in_one_line(tmp_path, capsys):
    site = built(tmp_path)
    assert deploy_cli(site) == 1
    assert "[deploy]" in capsys.readouterr().err
    with open(site / "site.toml", "a", encoding="utf-8") as fh:
        fh.write('\n[deploy]\ntarget = "www"\nkeep = 2\n')
    assert deploy_cli(site) == 0 and (site / "www/current/index.html").is_file()
    assert main(["deploy", "--out", str(tmp_path / "nothing"), "--config", str(site / "site.toml")]) == 1
    err = capsys.readouterr().err
    assert "先运行 python build.py" in err and "Traceback" not in err


def test_a_second_deploy_at_the_same_time_is_refused(tmp_path):
    import fcntl
    site = built(tmp_path)
    www = tmp_path / "www"
    D.deploy(site / "site", www)
    with open(www / D.LOCK, "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        with pytest.raises(D.DeployError, match="另一个发布正在"):
            D.deploy(site / "site", www)


def test_an_interrupted_copy_leaves_the_old_release_live_and_is_cleared_next_time(tmp_path, monkeypatch):
    site = built(tmp_path)
    www = tmp_path / "www"
    first = D.deploy(site / "site", www, now=1_700_000_000)
    (site / "site" / "extra.txt").write_text("新文件", encoding="utf-8")
    calls = []

    def failing_copy(src, dst, **kw):
        calls.append(src)
        raise OSError(errno.ENOSPC, "No space left on device", str(dst))
    monkeypatch.setattr(D.shutil, "copy2", failing_copy)
    with pytest.raises(OSError):
        D.deploy(site / "site", www, now=1_700_000_060)
    assert calls and D.live_release(www) == first.release and not (www / "current/extra.txt").exists()
    assert list((www / "releases").glob(".incoming-*"))
    monkeypatch.undo()
    D.deploy(site / "site", www, now=1_700_000_120)
    assert (www / "current/extra.txt").is_file() and not list((www / "releases").glob(".incoming-*"))


def test_without_symbolic_links_current_is_a_folder_swapped_by_renames(tmp_path, monkeypatch):
    def no_links(*args, **kw):
        raise OSError(errno.EPERM, "Operation not permitted")
    monkeypatch.setattr(D.os, "symlink", no_links)
    site = built(tmp_path)
    www = tmp_path / "www"
    first = D.deploy(site / "site", www, now=1_700_000_000)
    (site / "site" / "index.html").write_text("<p>新版本</p>", encoding="utf-8")
    second = D.deploy(site / "site", www, now=1_700_000_060)
    current = www / "current"
    assert current.is_dir() and not current.is_symlink() and D.live_release(www) == second.release
    assert files(current) == files((site / "site").resolve())
    assert D.rollback(www) == (second.release, first.release)
    assert D.live_release(www) == first.release and (www / "releases" / second.release).is_dir()


KILLED = """
import sys
from pathlib import Path
from dangjian.tools.deploy import deploy
deploy(Path(sys.argv[1]), Path(sys.argv[2]))
"""


def test_killed_at_any_moment_the_live_release_is_whole(tmp_path):
    """A site of 3,000 files deployed by a real process, killed at random moments: `current` is
    always one complete release (the old one or the new), and the next deploy succeeds."""
    site = tmp_path / "site"
    for i in range(3000):
        page = site / f"p{i // 100}" / f"{i}.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(f"<p>第 {i} 页</p>" * 20, encoding="utf-8")
    (site / "index.html").write_text("<p>首页 v1</p>", encoding="utf-8")
    www = tmp_path / "www"
    D.deploy(site, www)
    want = files(site)
    rng = random.Random(7)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    (site / "index.html").write_text("<p>首页 v0</p>", encoding="utf-8")      # a changed site: a real deploy to time
    start = time.monotonic()
    subprocess.run([sys.executable, "-c", KILLED, str(site), str(www)], check=True, env=env)
    whole = time.monotonic() - start
    outcomes = set()
    for n in range(12):
        (site / "index.html").write_text(f"<p>首页 v{n + 2}</p>", encoding="utf-8")
        proc = subprocess.Popen([sys.executable, "-c", KILLED, str(site), str(www)], env=env)
        time.sleep(rng.uniform(0, whole))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        live = www / "current"
        got = files(live)
        assert set(got) == set(want) and (live / D.NAME_FILE).is_file()      # never a partial copy
        outcomes.add("new" if got["index.html"] == (site / "index.html").read_bytes() else "old")
    subprocess.run([sys.executable, "-c", KILLED, str(site), str(www)], check=True, env=env)
    assert files(www / "current") == files(site)
    assert not list((www / "releases").glob(".incoming-*"))
    assert "old" in outcomes            # most kills land during the copy, before the switch


def test_the_scheduled_job_templates_parse_and_run_only_our_commands():
    import yaml
    from dangjian.cli import COMMANDS
    ci = ROOT / "docs" / "ci"
    found = []
    for name in ("gitlab-ci.yml", "github-actions.yml", "gitee-go.yml"):
        data = yaml.safe_load((ci / name).read_text(encoding="utf-8"))
        assert isinstance(data, dict)
        text = (ci / name).read_text(encoding="utf-8")
        assert ".cache" in text and ".site.slots" in text          # builds stay incremental
        found += re.findall(r"-m dangjian (\w+)", text)
    cron = (ci / "crontab").read_text(encoding="utf-8")
    line = next(ln for ln in cron.splitlines() if ln and not ln.startswith(("#", "MAILTO")))
    assert len(line.split(None, 5)) == 6 and "flock -n" in line
    found += re.findall(r"-m dangjian (\w+)", cron)
    assert set(found) == {"check", "build", "deploy"} and set(found) <= set(COMMANDS)
