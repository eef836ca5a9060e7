"""The editors' commands: check, new, stats, import."""
