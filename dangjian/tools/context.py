"""What `check`'s cross-article rules see (tools/check.py runs them; tools/inspection.py and
tools/external.py hold some of them)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ..config import SiteConfig
from ..core.content import Source
from ..options import Options


@dataclass(frozen=True)
class Context:
    """What a cross-article rule sees: every valid article (drafts and future ones too), the files
    beside them and which of those go online, and the options."""

    sources: list[Source]
    now: datetime
    options: Options
    assets: list[str]
    published_files: set[str]
    config: SiteConfig
    bodies: dict = field(default_factory=dict)      # published article rel → its converted Body
    external: bool = False                          # open links to other websites (check --external)
    content_errors: bool = False                    # some article could not be read (nothing would publish)
