"""Stage 3, link: entries indexed by slug and checked against each other (references,
duplicates, drafts), and what git history says about each file (identity, renames, versions)."""
