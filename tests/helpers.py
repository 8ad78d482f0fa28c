"""Helpers shared by the unit tests (pytest puts this folder on sys.path via conftest.py)."""

from __future__ import annotations

import polars as pl


def sentences(lines: list[str], doc_id: str = "d", bullets: set[int] = frozenset()) -> pl.DataFrame:
    """A sentences table for one document whose text is ``lines`` joined by newlines.

    Each line is one sentence; ``char_start``/``char_end`` are its offsets in that text;
    the lines whose indexes are in ``bullets`` are bullet items.
    """
    rows, pos = [], 0
    for i, line in enumerate(lines):
        rows.append({"doc_id": doc_id, "sentence_idx": i, "text": line, "char_start": pos,
                     "char_end": pos + len(line), "is_bullet": i in bullets})
        pos += len(line) + 1
    return pl.DataFrame(rows, schema_overrides={"sentence_idx": pl.UInt32})
