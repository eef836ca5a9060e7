"""An article's body: Markdown to safe HTML, its links resolved for its page, its photos resized."""
