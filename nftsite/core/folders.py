"""The project's folder and file names, in one place.

A project is a folder holding `content/` (the documents, `site.yaml` and `media/`),
`templates/` and `static/`; a build writes `output/` and keeps its store and logs in
`.cache/`. Paths here are relative to the project root.
"""

from __future__ import annotations

from pathlib import Path

CONTENT_FOLDER = "content"
TEMPLATES_FOLDER = "templates"
STATIC_FOLDER = "static"
MEDIA_FOLDER = "media"
"""Inside `content/`; published as it is at `/media/`."""
OUTPUT_FOLDER = "output"
CACHE_FOLDER = Path(".cache")

SITE_FILE = "site.yaml"
"""Inside `content/`: the site's settings."""
CONTENT_SUFFIX = ".md"

SOURCE_FOLDERS = (CONTENT_FOLDER, TEMPLATES_FOLDER, STATIC_FOLDER)
"""Everything a build reads: a change anywhere in them may change the output."""
