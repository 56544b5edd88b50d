"""Stage 5, write: the next output tree assembled beside `output/`, its internal links
checked, then swapped in at once."""
