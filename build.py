"""Build the 党建工作 site: `python build.py --help`."""
from dangjian.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
