"""`deploy` to an rsync target on the web server (`user@host:/var/www/djgz`), over ssh.

The server gets the same layout as a folder deploy (tools/deploy.py): `releases/<name>/` and a
`current` link the web server's root points at. One deploy is three steps:

1. over ssh: take the target's lock, clear what an interrupted deploy left, read the live release;
2. rsync the site into `releases/.incoming-<name>/`, files unchanged since the live release (by
   checksum) hard-linked (`--link-dest`), so only what changed crosses the network;
3. over ssh: rename it to its release name, then turn `current` with one `mv -T` of a new link
   (atomic: readers see the old release or the new one), prune old releases, release the lock.

Interrupted anywhere before step 3's rename, the live release is untouched and the leftovers are
cleared by the next deploy. The lock is a folder (`.deploy.lock.d`, made atomically by mkdir); one
older than LOCK_STALE_MINUTES is taken to be a killed deploy's and taken over. The server needs a
POSIX shell, GNU coreutils (`mv -T`, `head -n -K`) and rsync: any Linux web server has them.
"""
from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path

from .deploy import CURRENT, INCOMING, NAME_FILE, RELEASES, Deployed, DeployError, next_release_name

LOCK = ".deploy.lock.d"
LOCK_STALE_MINUTES = 30
_REMOTE = re.compile(r"^(?:[^@/\s:]+@)?([^@/\s:]{2,}|\[[0-9A-Fa-f:]+\]):(.+)$")   # C:\… is a Windows drive, not a host

_LOCK_SH = f"""
mkdir -p "$T/{RELEASES}"
if ! mkdir "$T/{LOCK}" 2>/dev/null; then
  if [ -n "$(find "$T/{LOCK}" -maxdepth 0 -mmin +{LOCK_STALE_MINUTES})" ]; then rm -rf "$T/{LOCK}"; mkdir "$T/{LOCK}"
  else echo "busy"; exit 75; fi
fi"""
_LIVE_SH = f'L=""; if [ -L "$T/{CURRENT}" ]; then L=$(basename "$(readlink "$T/{CURRENT}")"); fi'
_SWITCH_SH = f'ln -sfn "{RELEASES}/$P" "$T/.{CURRENT}.tmp" && mv -T "$T/.{CURRENT}.tmp" "$T/{CURRENT}"'


def is_remote(target: str) -> bool:
    """`host:/path` or `user@host:path` (rsync's remote form), not a local folder."""
    return bool(_REMOTE.match(str(target)))


def deploy_remote(site: Path, target: str, keep: int = 3, ssh: str = "ssh", now: float | None = None,
                  rsync: str = "rsync") -> Deployed:
    """Upload the built `site` to a new release on the server and make it live."""
    site = site.resolve()
    if not (site / "index.html").is_file():
        raise DeployError(f"{site} 里没有生成好的网站（缺少 index.html）：先运行 python build.py，再发布")
    host, path = _split(target)
    shell = shlex.split(ssh)
    lines = _remote(shell, host, path, f"set -e\n{_LOCK_SH}\nrm -rf \"$T/{RELEASES}\"/{INCOMING}*\n{_LIVE_SH}\n"
                                       f'echo "live=$L"\nls -1 "$T/{RELEASES}"', target)
    live = lines[0].removeprefix("live=") or None
    try:
        if live and not _changes(site, host, path, ssh, rsync, f"{CURRENT}/"):
            return Deployed(live, live, 0, 0, [])
        name = next_release_name(lines[1:] + [live or ""], now)
        changed = _changes(site, host, path, ssh, rsync, f"{RELEASES}/{INCOMING}{name}/", live, dry=False)
        done = _remote(shell, host, path, _finish_script(name, live, keep), target)
    finally:
        _remote(shell, host, path, f'rmdir "$T/{LOCK}" 2>/dev/null || true', target, check=False)
    total = sum(1 for p in site.rglob("*") if p.is_file())
    return Deployed(name, live, len(changed), max(0, total - len(changed)),
                    [line.removeprefix("removed=") for line in done if line.startswith("removed=")])


def rollback_remote(target: str, ssh: str = "ssh") -> tuple[str, str]:
    """Make the release before the live one live again on the server; (from, to)."""
    host, path = _split(target)
    script = (f"set -e\n{_LOCK_SH}\n{_LIVE_SH}\n"
              f"P=$(ls -1 \"$T/{RELEASES}\" | grep -v '^[.]' | sort | awk -v l=\"$L\" '$0==l {{print p; exit}} {{p=$0}}')\n"
              f'if [ -z "$L" ] || [ -z "$P" ]; then rmdir "$T/{LOCK}"; echo "none"; exit 0; fi\n'
              f'{_SWITCH_SH}\nrmdir "$T/{LOCK}"\necho "$L"; echo "$P"')
    lines = _remote(shlex.split(ssh), host, path, script, target)
    if lines[:1] == ["none"]:
        raise DeployError(f"{target} 中没有比当前版本更早的版本，无法回退")
    return lines[0], lines[1]


def _split(target: str) -> tuple[str, str]:
    m = _REMOTE.match(target)
    host = target[:m.start(2) - 1]
    return host, m.group(2).rstrip("/") or "/"


def _finish_script(name: str, live: str | None, keep: int) -> str:
    """Name the uploaded release, turn `current` to it, prune beyond `keep` (never the live ones)."""
    return (f"set -e\nP={shlex.quote(name)}\nL={shlex.quote(live or '')}\n"
            f'echo "$P" > "$T/{RELEASES}/{INCOMING}$P/{NAME_FILE}"\n'
            f'mv "$T/{RELEASES}/{INCOMING}$P" "$T/{RELEASES}/$P"\n{_SWITCH_SH}\n'
            f"ls -1 \"$T/{RELEASES}\" | grep -v '^[.]' | sort | head -n -{max(keep, 2)} | while read -r old; do\n"
            f'  if [ "$old" != "$P" ] && [ "$old" != "$L" ]; then rm -rf "$T/{RELEASES}/$old"; echo "removed=$old"; fi\n'
            f"done")


def _remote(shell: list[str], host: str, path: str, script: str, target: str, check: bool = True) -> list[str]:
    """Run `script` with T set to the target folder on the server; its output lines."""
    command = f"T={shlex.quote(path)}\n{script}"
    try:
        done = subprocess.run([*shell, host, command], capture_output=True, text=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise DeployError(f"无法通过 ssh 连接 {host}：{exc}") from None
    if done.stdout.strip() == "busy":
        raise DeployError(f"另一个发布正在向 {target} 进行，请稍后再试（如确认没有，删除服务器上的 {path}/{LOCK}）")
    if check and done.returncode != 0:
        raise DeployError(f"在 {host} 上发布失败（ssh 退出码 {done.returncode}）：{done.stderr.strip()[-400:]}"
                          "；当前版本没有改变")
    return done.stdout.splitlines()


def _changes(site: Path, host: str, path: str, ssh: str, rsync: str, dest: str, link: str | None = None,
             dry: bool = True) -> list[str]:
    """rsync the site to `dest` below the target (or with `dry`, only list what would change): the
    files sent. `link`: a release whose unchanged files are hard-linked instead of sent."""
    # --checksum: a file is unchanged by its bytes, not by its size and second (an edit of one character
    # for another, built in the same second, must not be taken for no change).
    argv = [rsync, "-a", "--checksum", "--delete", "--itemize-changes", "-e", ssh, f"--exclude=/{NAME_FILE}",
            *(["--dry-run"] if dry else []), *([f"--link-dest=../{link}"] if link else []),
            f"{site}/", f"{host}:{path}/{dest}"]
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=3600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise DeployError(f"rsync 无法运行：{exc}；请安装 rsync") from None
    if done.returncode != 0:
        raise DeployError(f"上传到 {host} 中断（rsync 退出码 {done.returncode}）：{done.stderr.strip()[-400:]}"
                          "；当前版本没有改变，下次发布会清理未完成的上传")
    return [line for line in done.stdout.splitlines() if line.startswith(("<f", ">f", "*deleting"))]   # < : sent
