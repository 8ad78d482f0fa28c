"""Map spans of normalised text back to the original file.

The offset map (the ``offsets`` table, built by :mod:`kpolicy.normalize`) stores runs: a
normalised position ``p`` in the run starting at ``char_start`` maps to
``source_start + (p - char_start)``. Mapping is an as-of join, so it is vectorised over
any number of facts.
"""

from __future__ import annotations

import polars as pl


def _map_positions(positions: pl.DataFrame, offsets: pl.DataFrame, width: bool = False) -> pl.Series:
    """Map (doc_id, pos) rows to source positions; returns a Series aligned with input.

    With ``width``, the end (exclusive) of each position's original instead of its start.
    """
    # Offset maps written before source_width existed cover one code point per position.
    w = pl.col("source_width") if "source_width" in offsets.columns else pl.lit(1, pl.Int64)
    runs = offsets.select("doc_id", "char_start", "source_start", w.alias("_width")).sort("doc_id", "char_start")
    left = positions.with_row_index("_row").sort("doc_id", "pos")
    joined = left.join_asof(
        runs, left_on="pos", right_on="char_start", by="doc_id", strategy="backward",
        check_sortedness=False,
    )
    src = pl.col("source_start") + (pl.col("pos") - pl.col("char_start"))
    mapped = joined.select("_row", (src + pl.col("_width") if width else src).alias("src")).sort("_row")
    return mapped["src"]


def attach_source_spans(facts: pl.DataFrame, offsets: pl.DataFrame) -> pl.DataFrame:
    """Add ``source_start``/``source_end`` to a frame with ``doc_id, char_start, char_end``.

    ``source_end`` is the end of the last character's original (its position plus its
    ``source_width``: one code point, or all of a character that normalisation composed,
    such as decomposed Hangul), so a span covers whole characters of the original and
    never swallows text that normalisation removed after it. An empty span maps to an
    empty span.

    Args:
        facts: any frame with ``doc_id`` and ``char_start``/``char_end`` (code points into
            the normalised text).
        offsets: the corpus's ``offsets`` table.

    Returns:
        ``facts`` with ``source_start`` and ``source_end`` (Int64) added or replaced.
    """
    if facts.height == 0:
        return facts.with_columns(
            pl.lit(None, pl.Int64).alias("source_start"), pl.lit(None, pl.Int64).alias("source_end")
        )
    starts = facts.select("doc_id", pl.col("char_start").cast(pl.Int64).alias("pos"))
    last = facts.select(
        "doc_id",
        pl.max_horizontal(pl.col("char_end") - 1, pl.col("char_start")).cast(pl.Int64).alias("pos"),
    )
    src_start = _map_positions(starts, offsets)
    src_last_end = _map_positions(last, offsets, width=True)
    empty = (facts["char_end"] <= facts["char_start"])
    return facts.with_columns(
        src_start.alias("source_start"),
        pl.when(pl.Series(empty)).then(src_start).otherwise(src_last_end).alias("source_end"),
    )
