"""Find, parse and apply the context rules to every amount of a sentences table (Polars),
then run the document pass (:mod:`kpolicy.extract.money.evidence`)."""

from __future__ import annotations

import functools
from typing import Any

import polars as pl

from kpolicy.extract.money.context import (
    ARTICLE_PATTERN, CONVERSION_PATTERN, COUNTER_PATTERN, KO_CONTINUATION, NATIONAL_CONTEXT_PATTERN,
    VERB_WON_PATTERN, Bound, Role, _CLAUSE_MATCH, _bound_expr, _LEFT_CHARS, _RIGHT_CHARS, _WIDE_CHARS, _role_expr,
)
from kpolicy.extract.money.evidence import _annotate_document, _document_slots, _evidence_docs, _may_need_pass
from kpolicy.extract.money.grammar import (
    ANCHOR_PATTERN, SCAN_PASSES, ParsedAmount, _MARK, _MARK2, _MONEY_RE, _NUL_STAND_IN, _SCAN_REPLACEMENT,
    parse_amount, rust,
)
from kpolicy.extract.money.tables import AMOUNTS, OUTPUT_COLUMNS


_PARSED_SCHEMA: dict[str, pl.DataType] = {
    "_piece": pl.String(), "_at_start": pl.Boolean(), "_pid": pl.Int64(), "_sub_start": pl.Int64(),
    "_sub_end": pl.Int64(), "_sub_start_b": pl.Int64(), "_sub_end_b": pl.Int64(), "surface": pl.String(),
    "currency": pl.String(), "_value": pl.Float64(), "_low": pl.Float64(), "_high": pl.Float64(),
    "is_range": pl.Boolean(), "_has_currency": pl.Boolean(), "_bare_won": pl.Boolean(), "_ko_suffix": pl.String(),
}


@functools.lru_cache(maxsize=65536)
def _read_piece(piece: str, at_start: bool) -> tuple[tuple[Any, ...], ...]:
    """Amounts in one marked match, as rows of :data:`_PARSED_SCHEMA` after ``_pid``.

    ``piece`` is a whole match of the scan pattern, guard character included; ``at_start``
    says whether it began its sentence (only then may the guard be the empty ``^``). Each
    row ends with the :class:`ParsedAmount`; offsets are relative to the piece, in code
    points and in UTF-8 bytes.
    """
    m = _MONEY_RE.match(piece) if at_start else _MONEY_RE.match("\x01" + piece, 1)
    if m is None:  # cannot happen for a piece Polars matched; be safe
        return ()
    shift = 0 if at_start else 1
    group = next(g for g in ("m4", "m1", "m3", "m2") if m.group(g) is not None)
    s, e = m.span(group)
    rows = []
    for p in parse_amount(m.string[s:e], group == "m3", group == "m4"):
        a, b = s - shift + p.sub_start, s - shift + p.sub_end
        rows.append((a, b, len(piece[:a].encode()), len(piece[:b].encode()), piece[a:b], p.currency, p.value,
                     p.low, p.high, p.is_range, p.has_currency, p.bare_won, p.ko_suffix, p))
    return tuple(rows)


def _parse_table(pieces: pl.DataFrame) -> tuple[pl.DataFrame, list[ParsedAmount]]:
    """Read each distinct (piece, at_start) once; one row per amount found in it."""
    parsed: list[ParsedAmount] = []
    rows: list[tuple[Any, ...]] = []
    for piece, at_start in pieces.iter_rows():
        for row in _read_piece(piece, at_start):
            rows.append((piece, at_start, len(parsed), *row[:-1]))
            parsed.append(row[-1])
    return pl.DataFrame(rows, schema=_PARSED_SCHEMA, orient="row"), parsed


def _is_continuation(binary: pl.Expr, at: pl.Expr) -> pl.Expr:
    """The byte at ``at`` continues a UTF-8 character (10xxxxxx); false out of bounds."""
    return ((binary.bin.get(at, null_on_oob=True) & 0xC0) == 0x80).fill_null(False)


def _char_boundary_at_or_after(binary: pl.Expr, at: pl.Expr) -> pl.Expr:
    c0 = _is_continuation(binary, at)
    c1 = c0 & _is_continuation(binary, at + 1)
    c2 = c1 & _is_continuation(binary, at + 2)
    return at + c0.cast(pl.Int64) + c1.cast(pl.Int64) + c2.cast(pl.Int64)


def _char_boundary_at_or_before(binary: pl.Expr, at: pl.Expr) -> pl.Expr:
    c0 = _is_continuation(binary, at)
    c1 = c0 & _is_continuation(binary, at - 1)
    c2 = c1 & _is_continuation(binary, at - 2)
    return at - c0.cast(pl.Int64) - c1.cast(pl.Int64) - c2.cast(pl.Int64)


def _same_row(shift: int) -> pl.Expr:
    return pl.col("_row").shift(shift) == pl.col("_row")


def _marked(text: pl.Expr) -> pl.Expr:
    """``text`` with every match of the scan passes marked as \\0match\\0 (see SCAN_PASSES).

    Each later pass skips what is marked (its pattern first consumes a marked region), marks
    its own matches with \\x02, and the two kinds of marks are then merged.
    """
    marked = text.str.replace_all(rust(SCAN_PASSES[0]), _SCAN_REPLACEMENT)
    for pattern in SCAN_PASSES[1:]:
        marked = (
            marked.str.replace_all(rust("\\x00[^\\x00]*\\x00|" + pattern), _MARK2 + "${0}" + _MARK2)
            .str.replace_all(_MARK2 + _MARK, _MARK, literal=True)
            .str.replace_all(_MARK + _MARK2, _MARK, literal=True)
            .str.replace_all(_MARK2, _MARK, literal=True)
        )
    return marked


def _candidate_amounts(sentences: pl.DataFrame) -> tuple[pl.DataFrame, list[ParsedAmount]]:
    """Vectorised find, parse and context rules: one row per amount, before the document pass.

    Two queries: the first finds the matches (Polars), then each distinct match is read
    once in Python (:func:`parse_amount`, cached), and the second joins the readings back
    and applies the context rules. Returns the amounts (``doc_id, sentence_idx,
    char_start, char_end, surface, currency``, values, ``role``, ``_pid`` = index into the
    returned list of parses, ``_national_ctx``), sorted by ``doc_id, char_start``.
    """
    # Mark every match as \0match\0 in one Rust pass, split, and turn piece lengths (in
    # characters and in bytes) into offsets: the odd pieces are the matches. Pieces of a
    # sentence are contiguous after the explode, so a running sum reset at each sentence's
    # first piece (k == 0) gives offsets without a group-by.
    def offsets(length: str) -> pl.Expr:
        before = pl.col(length).cum_sum() - pl.col(length)
        return before - pl.when(pl.col("_k") == 0).then(before).forward_fill()

    pieces = (
        sentences.lazy()
        .select(
            pl.col("doc_id").cast(pl.String),
            pl.col("sentence_idx").cast(pl.UInt32),
            pl.col("char_start").cast(pl.Int64).alias("_sent_start"),
            pl.col("text").cast(pl.String).fill_null("").str.replace_all("[\\x00\\x02]", _NUL_STAND_IN)
            .alias("_text"),
        )
        .filter(pl.col("_text").str.contains(rust(ANCHOR_PATTERN)))
        .with_row_index("_row")
        .with_columns(
            _marked(pl.col("_text")).str.split(_MARK).alias("_piece"),
            pl.col("_text").cast(pl.Binary).alias("_bytes"),
        )
        .drop("_text")
        .with_columns(pl.int_ranges(pl.col("_piece").list.len()).alias("_k"))
        .explode("_piece", "_k")
        .with_columns(
            pl.col("_piece").str.len_chars().cast(pl.Int64).alias("_len"),
            pl.col("_piece").str.len_bytes().cast(pl.Int64).alias("_len_b"),
        )
        .with_columns(offsets("_len").alias("_mstart"), offsets("_len_b").alias("_mstart_b"))
        .filter(pl.col("_k") % 2 == 1)
        .with_columns((pl.col("_mstart") == 0).alias("_at_start"))
        .drop("_len", "_len_b")
        .collect(engine="in-memory")
    )
    table, parsed = _parse_table(pieces.select("_piece", "_at_start").unique().sort("_piece", "_at_start"))
    # Context windows are cut from the bytes around each amount, never by counting
    # characters from the start of the sentence (which costs O(offset) per amount and is
    # quadratic on a long line). 644 bytes hold at least the 160 characters before it;
    # 163 at least the 40 after; both ends move to character boundaries.
    ls, le, data = pl.col("_ls"), pl.col("_le"), pl.col("_bytes")
    start_b = _char_boundary_at_or_after(data, (pl.col("_lb") - 4 * _WIDE_CHARS - 4).clip(0))
    end_b = _char_boundary_at_or_before(data, pl.min_horizontal(pl.col("_leb") + 4 * _RIGHT_CHARS + 3, data.bin.size()))
    before = data.bin.slice(start_b, pl.col("_lb") - start_b).cast(pl.String)
    after = data.bin.slice(pl.col("_leb"), end_b - pl.col("_leb")).cast(pl.String)
    left_from = pl.max_horizontal(pl.col("_prev_end"), ls - _LEFT_CHARS)
    wide_from = pl.max_horizontal(pl.col("_prev_end"), ls - _WIDE_CHARS)
    right_to = pl.min_horizontal(pl.col("_next_start").fill_null(le + _RIGHT_CHARS), le + _RIGHT_CHARS)
    dropped = (
        (~pl.col("_has_currency") & (pl.col("_right").str.contains(rust(COUNTER_PATTERN))
                                     | pl.col("_left").str.contains(rust(ARTICLE_PATTERN))))
        | (pl.col("_bare_won") & ~pl.col("is_range") & pl.col("_right").str.contains(rust(VERB_WON_PATTERN)))
    )
    for suffix, pattern in KO_CONTINUATION.items():
        dropped = dropped | ((pl.col("_ko_suffix") == suffix).fill_null(False)
                             & pl.col("_right").str.contains(rust(pattern)))
    # The clause window (CLAUSE_PATTERN's group): its whole match, less the opening bracket
    # and spaces it may end with (the clause itself holds no ASCII bracket).
    clause = pl.col("_left").str.extract(rust(_CLAUSE_MATCH), 0).str.split("(").list.first()
    krw = pl.col("currency") == "KRW"
    amounts = (
        pieces.lazy()
        .join(table.lazy(), on=["_piece", "_at_start"], how="inner", maintain_order="left_right")
        .with_columns(
            (pl.col("_mstart") + pl.col("_sub_start")).alias("_ls"),
            (pl.col("_mstart") + pl.col("_sub_end")).alias("_le"),
            (pl.col("_mstart_b") + pl.col("_sub_start_b")).alias("_lb"),
            (pl.col("_mstart_b") + pl.col("_sub_end_b")).alias("_leb"),
        )
        .sort("_row", "_ls")
        .with_columns(
            pl.when(_same_row(1)).then(le.shift(1)).otherwise(0).alias("_prev_end"),
            pl.when(_same_row(-1)).then(ls.shift(-1)).alias("_next_start"),
            pl.when(_same_row(1)).then(pl.col("currency").shift(1)).alias("_prev_currency"),
        )
        .with_columns(before.alias("_before"), after.alias("_after"))
        .with_columns(
            pl.col("_after").str.head(right_to - le).alias("_right"),
            pl.col("_before").str.tail(ls - left_from).alias("_left"),
            pl.col("_before").str.tail(ls - wide_from).alias("_wide"),
        )
        .filter(~dropped)
        .with_columns(
            clause.alias("_clause"),
            (pl.col("_prev_currency").is_not_null() & (pl.col("_prev_currency") != pl.col("currency"))
             & pl.col("_left").str.contains(rust(CONVERSION_PATTERN))).alias("_conversion"),
            pl.col("_wide").str.contains(rust(NATIONAL_CONTEXT_PATTERN)).alias("_national_ctx"),
            _bound_expr().alias("bound"),
        )
        .select(
            "doc_id",
            "sentence_idx",
            (pl.col("_sent_start") + ls).alias("char_start"),
            (pl.col("_sent_start") + le).alias("char_end"),
            "surface",
            "currency",
            pl.col("_value").alias("value_native"),
            pl.when(krw).then(pl.col("_value")).alias("amount_krw"),
            "is_range",
            "bound",
            pl.col("_low").alias("value_low_native"),
            pl.col("_high").alias("value_high_native"),
            pl.when(krw).then(pl.col("_low")).alias("amount_krw_low"),
            pl.when(krw).then(pl.col("_high")).alias("amount_krw_high"),
            _role_expr().alias("role"),
            "_pid",
            "_national_ctx",
        )
        .sort("doc_id", "char_start")
        .collect(engine="in-memory")
    )
    return amounts, parsed


def _document_context(documents: pl.DataFrame | None) -> dict[str, tuple[str | None, tuple[str, ...]]]:
    """doc_id -> (level, regions), from whatever the documents table carries."""
    if documents is None or documents.height == 0 or "doc_id" not in documents.columns:
        return {}
    cols = [pl.col("doc_id").cast(pl.String)]
    cols.append(pl.col("level").cast(pl.String) if "level" in documents.columns
                else pl.lit(None, pl.String).alias("level"))
    cols.append(pl.col("regions").cast(pl.List(pl.String)) if "regions" in documents.columns
                else pl.lit(None, pl.List(pl.String)).alias("regions"))
    return {d: (lvl, tuple(regs or ())) for d, lvl, regs in documents.select(cols).iter_rows()}


_ROW_FIELDS = ("doc_id", "sentence_idx", "char_start", "char_end", "surface", "currency", "value_native",
               "amount_krw", "is_range", "amount_krw_high", "role", "_pid", "_national_ctx")


def extract_amounts(sentences: pl.DataFrame, documents: pl.DataFrame | None = None) -> pl.DataFrame:
    """Extract every amount of money from a sentences table.

    Args:
        sentences: the ``sentences`` table (``doc_id``, ``sentence_idx``, ``text``,
            ``char_start`` = the sentence's start in its document's normalised text, in code
            points; other columns are ignored).
        documents: optional ``documents`` table; its ``level`` and ``regions`` set the
            magnitude that counts as implausible for the actor.

    Returns:
        One row per amount, sorted by ``doc_id, char_start``, with the ``amounts`` columns
        except ``source_start``/``source_end`` (see :data:`AMOUNTS`; ``char_*`` are document
        offsets in code points, ``value_*_native`` in currency units, ``amount_krw*`` in won).
    """
    out_schema = {c: AMOUNTS.polars_schema[c] for c in OUTPUT_COLUMNS}
    amounts, parsed = _candidate_amounts(sentences)
    if amounts.height == 0:
        return pl.DataFrame(schema=out_schema)
    # The document pass is plain Python over each document's amounts, and only for the
    # documents where some check can fire (_may_need_pass mirrors each check's precondition).
    cols = {c: amounts.get_column(c).to_list() for c in _ROW_FIELDS}
    doc_ids = cols["doc_id"]
    n = len(doc_ids)
    bounds = [0, *(i for i in range(1, n) if doc_ids[i] != doc_ids[i - 1]), n]
    context = _document_context(documents)
    slots = _document_slots(sentences, _evidence_docs(cols))
    suspect = [False] * n
    flags: list[str | None] = [None] * n
    explanation: list[str | None] = [None] * n
    adjusted: list[float | None] = [None] * n
    reason: list[str | None] = [None] * n
    for start, stop in zip(bounds, bounds[1:]):
        doc_id = doc_ids[start]
        if not ((doc_id in slots and slots[doc_id].cued) or _may_need_pass(cols, parsed, start, stop)):
            continue
        doc_rows = []
        for k in range(start, stop):
            row = {c: cols[c][k] for c in _ROW_FIELDS}
            row["_p"] = parsed[row["_pid"]]
            doc_rows.append(row)
        level, regions = context.get(doc_id, (None, ()))
        for i, note in _annotate_document(doc_rows, level, regions, slots.get(doc_id)).items():
            k = start + i
            suspect[k], flags[k], explanation[k] = True, ",".join(note.flags), note.explanation
            adjusted[k], reason[k] = note.amount_krw_adjusted, note.adjustment_reason
    flag_text = pl.Series(flags, dtype=pl.String)
    return amounts.with_columns(
        pl.Series(suspect, dtype=pl.Boolean).alias("is_suspect"),
        pl.when(flag_text.is_null()).then(pl.lit([], dtype=pl.List(pl.String)))
        .otherwise(flag_text.str.split(",")).alias("flags"),
        pl.Series(explanation, dtype=pl.String).alias("explanation"),
        pl.Series(adjusted, dtype=pl.Float64).alias("amount_krw_adjusted"),
        pl.Series(reason, dtype=pl.String).alias("adjustment_reason"),
        pl.col("role").cast(Role),
    ).with_columns(
        # Open bounds: the open side is unknown ("more than 3조 원" has no high end).
        *(pl.when(pl.col("bound") == side).then(None).otherwise(pl.col(c)).alias(c)
          for side, cols in (("at_least", ("value_high_native", "amount_krw_high")),
                             ("at_most", ("value_low_native", "amount_krw_low")))
          for c in cols),
        pl.col("bound").cast(Bound),
    ).select(OUTPUT_COLUMNS).cast(out_schema)


def extract_amounts_from_text(text: str) -> list[dict[str, Any]]:
    """Amounts in one piece of text, treated as a one-sentence document.

    The same query as :func:`extract_amounts` (one code path per rule), on a one-row
    sentences table: a convenient entry point for tests and notebooks.

    Args:
        text: any text.

    Returns:
        One dict per amount, sorted by position, with ``char_start``/``char_end`` (code
        points into ``text``), ``surface`` and the amounts columns (``currency``,
        ``value_native`` in currency units, ``amount_krw`` in won, ``bound``, ``flags``,
        ``role``, ...).
    """
    sentences = pl.DataFrame(
        {"doc_id": ["text"], "sentence_idx": [0], "text": [text], "char_start": [0]},
        schema={"doc_id": pl.String, "sentence_idx": pl.Int64, "text": pl.String, "char_start": pl.Int64},
    )
    rows = extract_amounts(sentences).drop("doc_id", "sentence_idx").with_columns(pl.col("role").cast(pl.String))
    return rows.to_dicts()
