"""Stages 1 and 2, load and validate: the content files found and read, each front matter
checked field by field into a typed entry, every problem positioned in its file."""
