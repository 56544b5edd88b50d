"""Shared by every stage and depending on none: problems, public URLs, folder names, slugs,
the cache, parallel work, what an output file is made of, French words for system errors."""
