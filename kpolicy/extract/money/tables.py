"""The ``amounts`` and ``reconciliations`` tables (schemas registered with kpolicy.schema)."""

from __future__ import annotations

import polars as pl

from kpolicy import schema
from kpolicy.extract.money.context import BOUNDS, ROLES, Bound, Role
from kpolicy.schema import Column


AMOUNTS = schema.register(
    schema.Table(
        "amounts",
        "One row per amount of money mentioned in a sentence. Values are literal (as written); "
        "suspected machine-translation garbles are flagged and explained, and a best reading is "
        "given in `amount_krw_adjusted` only where the text supports one.",
        (
            *schema.PROVENANCE,
            Column("currency", pl.String, "ISO 4217 code of the amount's currency (KRW, USD, EUR, JPY, CNY, ...).", "ISO 4217"),
            Column("value_native", pl.Float64, "Value in its own currency as written (US$1.2 billion -> 1.2e9); for a range, the low end.", "currency units"),
            Column("amount_krw", pl.Float64, "Literal value in won as written; null when the currency is not KRW. Never adjusted.", "KRW"),
            Column("is_range", pl.Boolean, "The mention is a range ('3~7억', '1.2 to 1.5 trillion won')."),
            Column("bound", Bound, "How the figure bounds the amount: " + ", ".join(BOUNDS) + " ('more than 3조 원' is at_least, '최대 20억 원' at_most, '약 5억 원' approx)."),
            Column("value_low_native", pl.Float64, "Low end of a range (equals value_native for a single amount); null for an at_most bound.", "currency units"),
            Column("value_high_native", pl.Float64, "High end of a range (equals value_native for a single amount); null for an at_least bound.", "currency units"),
            Column("amount_krw_low", pl.Float64, "Low end in won; null when not KRW or for an at_most bound.", "KRW"),
            Column("amount_krw_high", pl.Float64, "High end in won; null when not KRW or for an at_least bound.", "KRW"),
            Column("is_suspect", pl.Boolean, "At least one garble flag is raised."),
            Column("flags", pl.List(pl.String), "Garble flags, short codes (see kpolicy.extract.money.FLAGS); empty when clean."),
            Column("explanation", pl.String, "One sentence saying why the amount is suspect; null when not suspect."),
            Column("amount_krw_adjusted", pl.Float64, "Best reading in won where the text supports a single one (for a range, the low end); null otherwise. amount_krw is kept as written.", "KRW"),
            Column("adjustment_reason", pl.String, "How amount_krw_adjusted was derived from amount_krw; null when not adjusted."),
            Column("role", Role, "What the amount is, from cue words around it: " + ", ".join(ROLES) + "."),
        ),
        key=("doc_id", "char_start", "char_end"),
        module="kpolicy.extract.money",
    )
)

RECONCILIATIONS = schema.register(
    schema.Table(
        "reconciliations",
        "Stated totals checked against the sum of the amounts listed as their parts (consecutive "
        "amounts in the same or adjacent sentences, e.g. bullet items), one row per total and "
        "group of parts; the provenance columns locate the total. Built from the amounts table "
        "by `reconcile_amounts`.",
        (
            *schema.PROVENANCE,  # of the stated total
            Column("total_krw", pl.Float64, "The stated total, literal.", "KRW"),
            Column("parts_sum_krw", pl.Float64, "Sum of the parts, literal.", "KRW"),
            Column("n_parts", pl.Int64, "Number of parts.", "amounts"),
            Column("parts_char_start", pl.Int64, "Start of the first part.", "code points"),
            Column("parts_char_end", pl.Int64, "End (exclusive) of the last part.", "code points"),
            Column("parts_surfaces", pl.List(pl.String), "The parts as written, in order."),
            Column("scale_factor", pl.Float64, "Power of ten f with parts_sum_krw * f == total_krw (1.0 when they agree as written; 0.1 when the parts are ten times too large); null when no power of ten reconciles them.", "ratio"),
            Column("is_consistent", pl.Boolean, "The total equals the sum of its parts as written (within 1%)."),
            Column("explanation", pl.String, "One sentence describing the check."),
        ),
        key=("doc_id", "char_start", "parts_char_start"),
        module="kpolicy.extract.money",
    )
)

#: Columns returned by :func:`extract_amounts` (the lead's ``facts.build`` adds source spans).
OUTPUT_COLUMNS: tuple[str, ...] = tuple(
    c for c in AMOUNTS.names if c not in ("source_start", "source_end", "page")
)
