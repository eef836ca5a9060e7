"""build/render.py: template errors name the template file and line, never a traceback."""
from pathlib import Path


from conftest import ROOT


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_template_errors_name_the_template_file_and_line(tmp_path, capsys):
    from dangjian.cli import main
    templates = tmp_path / "templates"
    write(templates / "404.html", '{% extends "base.html" %}\n{% block main %}\n<h1>{{ page.no_such_field }}</h1>\n'
          '{% endblock %}\n')
    args = ["build", "--content", str(ROOT / "content"), "--config", str(ROOT / "site.toml"),
            "--templates", str(templates), "--out", str(tmp_path / "site")]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert f"{templates / '404.html'}:3: 模板出错" in err and "no_such_field" in err and "Traceback" not in err
    write(templates / "404.html", "{% extends 'base.html' %}\n{% block main %}\n{% if %}\n")
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "404.html:3: 模板语法错误" in err and "Traceback" not in err
    assert not (tmp_path / "site").exists()
