"""Stated totals checked against the sum of their parts (within one document)."""

from __future__ import annotations

import bisect
import itertools
import math
from dataclasses import dataclass
from typing import Any

import polars as pl

from kpolicy import schema
from kpolicy.extract.money.explain import _recon_explanation, _sig_digits
from kpolicy.extract.money.tables import RECONCILIATIONS


def _power_of_ten(total: float, parts: float, tol: float = 0.01) -> int | None:
    """k with total ≈ parts × 10^k (|k| <= 4, relative tolerance ``tol``), else None."""
    if total <= 0 or parts <= 0:
        return None
    k = round(math.log10(total / parts))
    if abs(k) > 4:
        return None
    return k if abs(total - parts * 10**k) <= tol * total else None



@dataclass
class _Recon:
    total: int  # row index of the total
    parts: list[int]
    parts_sum: float
    scale_factor: float | None
    is_consistent: bool
    explanation: str


class _ValueIndex:
    """Row indices sorted by value, for "which amounts equal x × 10^k (within 1%)?" lookups."""

    def __init__(self, items: list[tuple[float, int]]):
        items = sorted(items)
        self.values = [v for v, _ in items]
        self.rows = [i for _, i in items]

    def near(self, x: float, tol: float = 0.01) -> list[int]:
        lo = bisect.bisect_left(self.values, x * (1 - tol))
        hi = bisect.bisect_right(self.values, x * (1 + tol))
        return self.rows[lo:hi]

    def near_powers_of_ten(self, x: float) -> list[int]:
        if not self.values:
            return []
        lo, hi = self.values[0] / 1.01, self.values[-1] * 1.01
        found: list[int] = []
        for k in range(-4, 5):
            y = x * 10.0**k
            if lo <= y <= hi:
                found += self.near(y)
        return sorted(set(found))


_LOG_TOL = math.log10(1.01)


#: Roles that are never parts (nor totals) of a sum: changes, restatements, and outcomes
#: such as sales and market sizes, which are not money put into a programme.
_NOT_PARTS = ("increase", "conversion", "sales", "market")


def _reconcile_rows(rows: list[dict[str, Any]], explain: bool = True) -> list[_Recon]:
    """Totals vs the sum of their parts, within one document (rows sorted by char_start).

    Parts are runs of consecutive KRW amounts in the same or adjacent sentences (bullet
    items, in-sentence lists), excluding increases, conversions, sales and market sizes,
    and amounts whose role is ``total`` (which end a run). A run is checked against (a) every other KRW amount whose
    value equals the run's sum at some power of ten, (b) its own first or last member, and
    (c) the nearest stated total up to two sentences before it, reported when the parts
    exceed it (a larger total may just be partly itemised).
    """
    krw = [
        i for i, r in enumerate(rows)
        if r["currency"] == "KRW" and not r["is_range"] and (r["amount_krw"] or 0) > 0
    ]
    if len(krw) < 2:
        return []
    amount = {i: float(rows[i]["amount_krw"]) for i in krw}
    sentence = {i: rows[i]["sentence_idx"] for i in krw}
    role = {i: rows[i]["role"] for i in krw}
    runs: list[list[int]] = []
    cur: list[int] = []
    for i in krw:
        if role[i] in _NOT_PARTS:
            continue
        if role[i] == "total" or (cur and sentence[i] - sentence[cur[-1]] > 1):
            if len(cur) >= 2:
                runs.append(cur)
            cur = []
        if role[i] != "total":
            cur.append(i)
    if len(cur) >= 2:
        runs.append(cur)
    if not runs:
        return []

    def near(t: int, parts: list[int]) -> bool:
        return sentence[parts[0]] - 2 <= sentence[t] <= sentence[parts[-1]] + 2

    candidates = [t for t in krw if role[t] not in _NOT_PARTS]
    # Large documents look sums up in a sorted index; small ones just compare.
    index = _ValueIndex([(amount[t], t) for t in candidates]) if len(candidates) > 32 else None
    totals = [t for t in krw if role[t] == "total"]
    total_starts = [rows[t]["char_start"] for t in totals]
    out: list[_Recon] = []
    for run in runs:
        s_run = sum(amount[p] for p in run)
        in_run = set(run)
        if index is not None:
            external = [t for t in index.near_powers_of_ten(s_run) if t not in in_run]
        else:
            external = []
            for t in candidates:
                r = math.log10(amount[t] / s_run)
                if abs(r - round(r)) <= _LOG_TOL and abs(r) < 4.5 and t not in in_run:
                    external.append(t)
        checks = [(t, run, s_run) for t in external]
        if len(run) >= 3:
            checks += [(run[-1], run[:-1], s_run - amount[run[-1]]), (run[0], run[1:], s_run - amount[run[0]])]
        matched: set[int] = set()
        for t, parts, s in checks:
            k = _power_of_ten(amount[t], s)
            if k is None:
                continue
            if k != 0:
                # A power-of-ten coincidence between round numbers is cheap; demand a
                # distinctive sum (3+ significant digits) and a total that is one or sits near.
                if len(_sig_digits(s)[0]) < 3 or not (role[t] in ("total", "budget") or near(t, parts)):
                    continue
            matched.add(t)
            out.append(_Recon(t, parts, s, float(10.0**k), k == 0, ""))
        # The nearest stated total just before the run.
        pos = bisect.bisect_left(total_starts, rows[run[0]]["char_start"]) - 1
        if pos >= 0:
            t = totals[pos]
            if sentence[run[0]] - sentence[t] <= 2 and t not in matched and amount[t] < s_run * 0.99:
                out.append(_Recon(t, run, s_run, None, False, ""))
    if explain:
        for rec in out:
            rec.explanation = _recon_explanation(rows, rec)
    return out


def reconcile_amounts(amounts: pl.DataFrame) -> pl.DataFrame:
    """Check stated totals against the sum of their parts, per document.

    Args:
        amounts: the ``amounts`` table, or :func:`extract_amounts` output (then the
            ``source_*`` columns of the result are null).

    Returns:
        The ``reconciliations`` table: one row per (total, group of parts) checked, with the
        total's provenance, ``total_krw`` and ``parts_sum_krw`` in won, ``scale_factor`` (the
        power of ten that makes the parts' sum equal the total; null when none does) and
        ``is_consistent``. Sorted by ``doc_id, char_start, parts_char_start``.
    """
    need = ["doc_id", "sentence_idx", "char_start", "char_end", "surface", "currency", "amount_krw", "is_range", "role"]
    sources = [c for c in ("source_start", "source_end", "page") if c in amounts.columns]
    rows = (
        amounts.select(*need, *sources).with_columns(pl.col("role").cast(pl.String))
        .sort("doc_id", "char_start").to_dicts()
    )
    out: list[dict[str, Any]] = []
    for doc_id, group in itertools.groupby(rows, key=lambda r: r["doc_id"]):
        g = list(group)
        for rec in _reconcile_rows(g):
            t = g[rec.total]
            out.append({
                "doc_id": doc_id, "sentence_idx": t["sentence_idx"], "char_start": t["char_start"],
                "char_end": t["char_end"], "source_start": t.get("source_start"),
                "source_end": t.get("source_end"), "surface": t["surface"], "page": t.get("page"), "total_krw": t["amount_krw"],
                "parts_sum_krw": rec.parts_sum, "n_parts": len(rec.parts),
                "parts_char_start": g[rec.parts[0]]["char_start"], "parts_char_end": g[rec.parts[-1]]["char_end"],
                "parts_surfaces": [g[p]["surface"] for p in rec.parts], "scale_factor": rec.scale_factor,
                "is_consistent": rec.is_consistent, "explanation": rec.explanation,
            })
    df = pl.DataFrame(out, schema=RECONCILIATIONS.polars_schema)
    return schema.validate(df.sort("doc_id", "char_start", "parts_char_start", maintain_order=True), RECONCILIATIONS)
