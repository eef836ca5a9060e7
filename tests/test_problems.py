"""problems.py: one registry of checks, and the editors' guide's 常见错误 table made from it."""
from conftest import ROOT
from dangjian import problems
from dangjian.errors import Severity


def test_codes_are_unique_and_every_check_is_complete():
    registry = problems.registry()
    assert len(registry) == len({c.code for c in registry.values()}) > 40
    for check in registry.values():
        assert check.message and isinstance(check.severity, Severity), check.code
        assert check.fix or check.guide or check.severity <= Severity.ERROR, check.code


def test_the_editors_guide_lists_every_message_as_the_tool_gives_it():
    guide = (ROOT / "docs" / "editors-guide.md").read_text(encoding="utf-8")
    assert problems.guide_table() in guide, "docs/editors-guide.md §6.14 is out of date: paste problems.guide_table()"
