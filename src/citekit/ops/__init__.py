"""Operations over a Library: pure functions, no I/O (check, query, dedupe, keys)."""
