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


BASE = 'title = "t"\n[[categories]]\nslug = "news"\nname = "工作动态"\nupdate_every = 14\n'


def test_identity_numbers_are_validated_by_format(tmp_path):
    path = write(tmp_path / "site.toml", BASE + '[identity]\nicp = "鄂ICP证12345678号"\npolice = "鄂公网安备4201060200号"\n'
                 'site_code = "123"\nphone = "请拨打总机"\n')
    with pytest.raises(ConfigError) as info:
        load_config(path)
    text = "\n".join(info.value.lines())
    for line, key, example in ((7, "icp", "鄂ICP备12345678号-1"), (8, "police", "鄂公网安备42010602000123号"),
                               (9, "site_code", "4201000001"), (10, "phone", "0710-1234567")):
        assert f'site.toml:{line}: 配置项 “identity.{key}” 的格式不对 — 照这个格式写：{key} = "{example}"' in text
    good = write(tmp_path / "good.toml", BASE + '[identity]\nicp = "蜀ICP备2026007879号-1"\n'
                 'police = "川公网安备 51011202000847号"\nphone = "028-12345678，028-87654321"\n')
    identity = load_config(good).identity
    assert identity.police_url.endswith("code=51011202000847") and identity.phone_href == "tel:02812345678"


def test_proofread_settings_and_a_word_list_file(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path / "site.toml", BASE + '[proofread]\nseverity = "fatal"\nfile = "words.toml"\n'))
    text = "\n".join(info.value.lines())
    assert "site.toml:7: 配置项 “proofread.severity” 只能是：warning、error" in text
    write(tmp_path / "words.toml", '[[entries]]\nwrong = "赵卫平"\nright = "赵伟平"\n[[entries]]\nwrong = ""\n')
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path / "site.toml", BASE + '[proofread]\nfile = "words.toml"\n'))
    assert "[proofread] 词条无效：wrong = “”" in "\n".join(info.value.lines())
    write(tmp_path / "words.toml", '[[entries]]\nwrong = "赵卫平"\nright = "赵伟平"\n')
    config = load_config(write(tmp_path / "site.toml", BASE + '[proofread]\nfile = "words.toml"\n'
                               '[[proofread.entries]]\nwrong = "李卫冬"\nright = "李卫东"\n'))
    assert [(e.wrong, e.right) for e in config.proofread.entries] == [("李卫冬", "李卫东"), ("赵卫平", "赵伟平")]
    (tmp_path / "words.toml").unlink()
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path / "site.toml")
    assert "site.toml:7: 找不到词表文件：words.toml" in "\n".join(info.value.lines())
