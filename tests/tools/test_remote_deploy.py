"""`deploy` to an rsync target (user@host:/path): real rsync and a real POSIX shell, with a stand-in
for ssh that runs the remote command on this machine (as sshd would run it on the server), so the
whole protocol (rsync's --server side included) is exercised against a local "server" folder.
Skipped where rsync is absent, unless DANGJIAN_REQUIRE_SERVERS=1 (CI installs it)."""
from __future__ import annotations

import os
import shutil
import stat
import time
from pathlib import Path

import pytest

from dangjian.cli import main
from dangjian.tools.deploy import DeployError
from dangjian.tools.remote_deploy import LOCK, deploy_remote, is_remote, rollback_remote
from toolsite import article, make_site

if not shutil.which("rsync") and os.environ.get("DANGJIAN_REQUIRE_SERVERS") != "1":
    pytest.skip("rsync is not installed (Debian package rsync)", allow_module_level=True)

# ssh's command line: [-l user] host command…; sshd hands the command to the user's shell.
FAKE_SSH = """#!/bin/sh
if [ "$1" = "-l" ]; then shift 2; fi
shift
exec sh -c "$*"
"""


@pytest.fixture
def ssh(tmp_path) -> str:
    path = tmp_path / "fake-ssh"
    path.write_text(FAKE_SSH, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return str(path)


def _site(tmp_path: Path, name: str, text: str) -> Path:
    """A built site; its news/a.html is the same file in every version (the build keeps an unchanged
    file's bytes and time)."""
    out = tmp_path / name
    same = tmp_path / "same.html"
    if not same.exists():
        same.write_text("unchanged " * 200, encoding="utf-8")
    (out / "news").mkdir(parents=True, exist_ok=True)
    (out / "index.html").write_text(f"<p>{text}</p>", encoding="utf-8")
    shutil.copy2(same, out / "news" / "a.html")
    return out


def _live(server: Path) -> str:
    return (server / "current" / "index.html").read_text(encoding="utf-8")


def test_the_target_forms_rsync_knows(tmp_path):
    assert is_remote("deploy@www.example.cn:/var/www/djgz") and is_remote("web1:/srv/djgz")
    assert is_remote("deploy@[2001:db8::1]:/var/www/djgz")
    assert not is_remote("/var/www/djgz") and not is_remote("C:\\inetpub\\djgz") and not is_remote("site")


def test_a_remote_deploy_makes_a_release_live_by_one_link_and_links_unchanged_files(tmp_path, ssh):
    server = tmp_path / "server"
    first = deploy_remote(_site(tmp_path, "v1", "第一版"), f"deploy@web1:{server}", ssh=ssh, now=1_700_000_000)
    assert first.previous is None and first.copied == 2
    assert (server / "current").is_symlink() and os.readlink(server / "current") == f"releases/{first.release}"
    assert _live(server) == "<p>第一版</p>"
    assert (server / "releases" / first.release / ".release").read_text().strip() == first.release
    second = deploy_remote(_site(tmp_path, "v2", "第二版"), f"deploy@web1:{server}", ssh=ssh, now=1_700_000_100)
    assert second.previous == first.release and second.copied == 1 and second.linked == 1
    assert _live(server) == "<p>第二版</p>"
    a1, a2 = (server / "releases" / r / "news" / "a.html" for r in (first.release, second.release))
    assert a1.stat().st_ino == a2.stat().st_ino                   # unchanged: hard-linked, not sent again
    assert not (server / LOCK).exists()


def test_an_unchanged_site_makes_no_release(tmp_path, ssh):
    server, site = tmp_path / "server", _site(tmp_path, "v1", "第一版")
    first = deploy_remote(site, f"web1:{server}", ssh=ssh)
    again = deploy_remote(site, f"web1:{server}", ssh=ssh)
    assert again.release == again.previous == first.release and again.copied == 0
    assert len(list((server / "releases").iterdir())) == 1


def test_rollback_and_pruning_on_the_server(tmp_path, ssh):
    server = tmp_path / "server"
    names = [deploy_remote(_site(tmp_path, f"v{i}", f"第{i}版"), f"web1:{server}", keep=2, ssh=ssh,
                           now=1_700_000_000 + i).release for i in range(1, 4)]
    assert sorted(p.name for p in (server / "releases").iterdir()) == names[1:]     # keep = 2
    assert rollback_remote(f"web1:{server}", ssh) == (names[2], names[1])
    assert _live(server) == "<p>第2版</p>"
    with pytest.raises(DeployError, match="没有比当前版本更早的版本"):
        rollback_remote(f"web1:{server}", ssh)


def test_an_interrupted_upload_leaves_the_old_release_live_and_is_cleared_next_time(tmp_path, ssh):
    server = tmp_path / "server"
    old = deploy_remote(_site(tmp_path, "v1", "旧版"), f"web1:{server}", ssh=ssh, now=1_700_000_000)
    # rsync dies after part of the upload (a dropped connection): half a release in .incoming-
    broken = tmp_path / "rsync-dies"
    broken.write_text('#!/bin/sh\ncase "$*" in *--dry-run*) exec rsync "$@";; esac\n'
                      'rsync "$@" >/dev/null 2>&1\necho "connection unexpectedly closed" >&2\nexit 12\n', encoding="utf-8")
    broken.chmod(0o755)
    new_site = _site(tmp_path, "v2", "新版")
    with pytest.raises(DeployError, match="上传到 web1 中断.*当前版本没有改变"):
        deploy_remote(new_site, f"web1:{server}", ssh=ssh, rsync=str(broken), now=1_700_000_100)
    assert _live(server) == "<p>旧版</p>" and os.readlink(server / "current") == f"releases/{old.release}"
    assert [p.name for p in (server / "releases").glob(".incoming-*")]          # the half upload
    assert not (server / LOCK).exists()                                        # and no lock left behind
    done = deploy_remote(new_site, f"web1:{server}", ssh=ssh, now=1_700_000_200)
    assert _live(server) == "<p>新版</p>" and not list((server / "releases").glob(".incoming-*"))
    assert done.previous == old.release


def test_a_deploy_in_progress_is_refused_and_a_killed_ones_lock_is_taken_over(tmp_path, ssh):
    server = tmp_path / "server"
    deploy_remote(_site(tmp_path, "v1", "第一版"), f"web1:{server}", ssh=ssh)
    (server / LOCK).mkdir()
    with pytest.raises(DeployError, match="另一个发布正在向 web1:.* 进行"):
        deploy_remote(_site(tmp_path, "v2", "第二版"), f"web1:{server}", ssh=ssh)
    assert _live(server) == "<p>第一版</p>"
    hour_ago = time.time() - 3600
    os.utime(server / LOCK, (hour_ago, hour_ago))
    deploy_remote(_site(tmp_path, "v2", "第二版"), f"web1:{server}", ssh=ssh)
    assert _live(server) == "<p>第二版</p>"


def test_the_command_reads_an_rsync_target_and_ssh_from_site_toml(tmp_path, ssh, capsys):
    site = make_site(tmp_path, {"news/2025/a.md": article("医院召开党建工作会议", "2025-03-01")})
    server = tmp_path / "server"
    with open(site / "site.toml", "a", encoding="utf-8") as f:
        f.write(f'\n[deploy]\ntarget = "deploy@web1:{server}"\nssh = "{ssh}"\n')
    config, out = str(site / "site.toml"), str(site / "site")
    assert main(["build", "--content", str(site / "content"), "--config", config, "--out", out, "-q"]) == 0
    assert main(["deploy", "--config", config, "--out", out]) == 0
    said = capsys.readouterr().out
    assert "已发布版本 0001-" in said and f"deploy@web1:{server}/current" in said
    assert "医院召开党建工作会议" in (server / "current" / "news" / "2025" / "a" / "index.html").read_text("utf-8")
