"""What a build is asked to do: where things are, and the switches a user sets.

Only paths and user-facing switches live here. How a caller schedules the
phases (serve publishes pages before indexing search), what may stop a build,
and what a long-running process keeps between builds are arguments of the
build itself (build/pipeline.py), never options.
"""
from __future__ import annotations

import os
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
    preview: bool = False                # a preview (serve): articles awaiting review shown, with a 待审 banner

    @property
    def static_dir(self) -> Path:
        return self.static if self.static is not None else self.config.parent / "static"

    @property
    def cache_folder(self) -> Path:
        if self.cache_dir is not None:
            return self.cache_dir
        out = self.out_path
        return out.parent / ".cache" / "build" / out.name

    @property
    def image_cache(self) -> Path:
        """Processed images are kept beside the output folder, in .cache/images/ (git-ignored)."""
        return self.out_path.parent / ".cache" / "images"

    @property
    def out_path(self) -> Path:
        """The output path, absolute but not resolved: it is a link that each build turns (release_slots)."""
        return Path(os.path.abspath(self.out))


def release_slots(out: Path) -> tuple[Path | None, Path]:
    """(the folder readers see now, the folder the next build writes).

    The output path is a symbolic link to one of two folders beside it (`.site.slots/a` and `/b`);
    a build writes the other one and then turns the link. An output folder from before (a real
    folder) is what readers see until the first build turns it into the link."""
    out = Path(os.path.abspath(out))
    slots = out.parent / f".{out.name}.slots"
    if out.is_symlink():
        live = (out.parent / os.readlink(out)).resolve()
        return live, slots / ("b" if live.name == "a" else "a")
    return (out.resolve() if out.is_dir() else None), slots / "a"
