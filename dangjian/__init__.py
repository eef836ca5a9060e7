"""dangjian: a static site generator for a hospital's 党建工作 news section."""

__version__ = "0.1.0"
