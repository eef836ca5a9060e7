"""What a build is asked to do: where things are, and the switches a user sets.

Only paths and user-facing switches live here. How a caller schedules the
phases (serve publishes pages before indexing search), what may stop a build,
and what a long-running process keeps between builds are arguments of the
build itself (build/pipeline.py), never options.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

THEME = Path(__file__).parent / "theme"       # the default theme: templates/ and static/
MARKER = ".dangjian-site"                     # marks an output folder this tool made (and may replace)


@dataclass(frozen=True)
class Options:
    content: Path = Path("content")
    templates: Path = Path("templates")
    out: Path = Path("site")
    config: Path = Path("site.toml")
    static: Path | None = None           # the site's own static files; default: static/ beside site.toml
    drafts: bool = False
    future: bool = False
    strict: bool = False
    now: datetime | None = None          # build as of this moment (default: the clock)
    jobs: int = 0                        # worker processes; 0: one per core
    cache: bool = True                   # keep and use the build cache (incremental builds)
    cache_dir: Path | None = None        # default: .cache/build/<out name> beside the output folder
    search: bool = True                  # build the Pagefind index (--no-search skips it)

    @property
    def static_dir(self) -> Path:
        return self.static if self.static is not None else self.config.parent / "static"

    @property
    def cache_folder(self) -> Path:
        if self.cache_dir is not None:
            return self.cache_dir
        out = self.out.resolve()
        return out.parent / ".cache" / "build" / out.name

    @property
    def image_cache(self) -> Path:
        """Processed images are kept beside the output folder, in .cache/images/ (git-ignored)."""
        return self.out.resolve().parent / ".cache" / "images"
