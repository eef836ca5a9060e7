"""config.py: site.toml as a declared schema."""
from pathlib import Path

import pytest

from conftest import ROOT
from dangjian.config import load_config
from dangjian.errors import ConfigError, Report

CONFIG = load_config(ROOT / "site.toml")


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_config_reports_every_error_at_once_and_warns_on_unknown_keys(tmp_path):
    path = write(tmp_path / "site.toml", 'title = "t"\npage_size = "二十"\ntimezone = "Mars/Base"\n'
                 'colour = "red"\n[[categories]]\nslug = "Bad Slug"\nname = "x"\n')
    with pytest.raises(ConfigError) as info:
        load_config(path)
    text = "\n".join(info.value.lines())
    assert "site.toml:2: 配置项 “page_size” 应为整数" in text
    assert "site.toml:3: 未知时区：“Mars/Base”" in text
    assert "site.toml:6: 栏目 slug 无效：“Bad Slug”" in text
    assert "site.toml:4: 警告：未知配置项：“colour”" not in text  # warnings are not errors…
    report = Report()
    ok = write(tmp_path / "ok.toml", 'title = "t"\ncolour = "red"\n[[categories]]\nslug = "news"\nname = "工作动态"\n')
    load_config(ok, report)
    assert [p.message for p in report.warnings] == ["未知配置项：“colour”"]  # …but are reported


def test_config_requires_title_and_categories(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path / "site.toml", "page_size = 10\n"))
    text = "\n".join(info.value.lines())
    assert "缺少必填配置项：“title”" in text and "没有配置任何栏目" in text


def test_config_toml_syntax_error_names_the_line(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path / "site.toml", 'title = "t"\npage_size = = 3\n'))
    assert "site.toml:2: TOML 格式错误" in info.value.lines()[0]


def test_base_path_comes_from_base_url():
    assert CONFIG.base_path == "/djgz/"
    assert CONFIG.absolute_base == "https://www.example-hospital.cn/djgz/"


def test_every_config_key_is_documented():
    from dangjian.config import schema_doc
    doc = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert schema_doc() in doc, "docs/configuration.md is out of date: regenerate its table from schema_doc()"
