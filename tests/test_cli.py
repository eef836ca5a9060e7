"""cli.py: the summary line; `check` writes nothing."""
from conftest import ROOT


def test_summary_line_and_check_writes_nothing(tmp_path, capsys):
    from dangjian.cli import main
    assert main(["check", "--content", str(ROOT / "content"), "--config", str(ROOT / "site.toml")]) == 0
    assert "检查通过：22 篇文章，0 个错误" in capsys.readouterr().out
    out = tmp_path / "site"
    assert main(["--content", str(ROOT / "content"), "--config", str(ROOT / "site.toml"), "--out", str(out)]) == 0
    line = capsys.readouterr().out.strip().splitlines()[-1]
    assert line.startswith("构建完成：19 篇文章（1 篇待审，未发布），") and "个页面" in line and "秒" in line
