"""citekit\x27s own CSL 1.0.2 processor."""
