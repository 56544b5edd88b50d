"""Stage 4, render: Markdown bodies, the page plan and its templates, calendars and feeds.

Everything here returns bytes (or says that a file is unchanged); nothing here writes to disk."""
