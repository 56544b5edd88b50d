"""Unit tests: one module's contract each, beside the end-to-end suite."""
