"""core/pages.py: what a planned page is."""
from dangjian.core.pages import Pager


def test_pager_elides_long_runs():
    assert Pager(None, 6, 40, 800).numbers() == [1, None, 4, 5, 6, 7, 8, None, 40]
    assert Pager(None, 1, 3, 45).numbers() == [1, 2, 3]
