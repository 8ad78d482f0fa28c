"""Document-level garble evidence: the flags in :data:`FLAGS`, each with a one-clause
explanation, and an adjusted reading only where the text supports a single one."""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import polars as pl

from kpolicy.extract.money.ceilings import MoneyScales, _entity_ceiling, _hard_ceiling, load_scales
from kpolicy.extract.money.context import SLOT_PATTERN, impossible_slot
from kpolicy.extract.money.explain import _mantissa_key, _sentence, _sig_digits, _trim, format_money
from kpolicy.extract.money.grammar import ParsedAmount, rust
from kpolicy.extract.money.reconcile import _reconcile_rows, _ValueIndex

#: Garble flags: short code -> what it means. ``is_suspect`` is true when any flag is raised,
#: and ``explanation`` then says, in one sentence, why.
FLAGS: dict[str, str] = {
    "dup_scale": "A scale word is repeated ('10 trillion trillion won'); the literal value multiplies both.",
    "eok_as_billion": "억 (10^8) was probably translated as 'billion' (10^9): a whole number of "
    "billions with 4+ digits ('KRW 1408 billion'), any whole-number 'billion' figure in a "
    "document that has one, or a compound whose 'billion' part overflows ('1 trillion 2,000 billion').",
    "eok_as_trillion": "A whole number of trillions with 4+ digits that is also implausibly large: "
    "억 (10^8) probably translated as 'trillion'.",
    "implausible_magnitude": "Larger than the whole annual budget (or economy) of the actor it is "
    "attributed to, per kpolicy/data/money_scales.yaml.",
    "parts_mismatch": "A stated total disagrees with the amounts listed as its parts, or agrees only "
    "at another power of ten.",
    "increase_exceeds_total": "An increase is larger than the amount it increased, in the same sentence.",
    "inconsistent_repeat": "The document gives the same quantity with two different values (the same "
    "digits at another scale, or one figure as both a level and an increase).",
    "date_slot_echo": "The same number sits in an impossible date slot elsewhere in the document "
    "('on the 5770th'), a sign that figures were shuffled in translation.",
    "year_as_amount": "The written number looks like a year ('2023 billion won').",
    "currency_conflict": "Two different currencies are attached to one amount.",
    "range_inverted": "The low end of a range is larger than its high end.",
}


_LOCAL_LEVELS = ("metropolitan", "provincial", "municipal")
_INCONSISTENCY_FLAGS = ("parts_mismatch", "increase_exceeds_total", "inconsistent_repeat")


class Annotation(NamedTuple):
    """The document pass's verdict on one suspect amount."""

    flags: list[str]
    explanation: str
    amount_krw_adjusted: float | None
    adjustment_reason: str | None


def _annotate_document(
    rows: list[dict[str, Any]],
    level: str | None = None,
    regions: tuple[str, ...] = (),
    slots: list[tuple[int, str]] | None = None,
    scales: MoneyScales | None = None,
) -> dict[int, Annotation]:
    """Raise document-level garble flags on one document's amounts (sorted by char_start).

    Args:
        rows: the document's amounts, each a dict with the output columns plus ``_p`` (its
            :class:`ParsedAmount`) and ``_national_ctx``.
        level: the document's government level, if known.
        regions: the document's canonical regions.
        slots: impossible date/ordinal slots in the document, as (number, text).
        scales: reference magnitudes (default: :func:`load_scales`).

    Returns:
        row index -> :class:`Annotation`, for the suspect rows only (the rest are clean).
    """
    scales = scales or load_scales()
    notes: dict[int, dict[str, str]] = {}
    adjusted: dict[int, tuple[float, str]] = {}

    def add(i: int, code: str, clause: str) -> None:
        notes.setdefault(i, {}).setdefault(code, clause)

    ps: list[ParsedAmount] = [r["_p"] for r in rows]
    krw = [i for i, r in enumerate(rows) if r["currency"] == "KRW" and r["amount_krw"] is not None]

    # 1. Flags from the surface alone.
    for i, p in enumerate(ps):
        if not p.flags:
            continue
        r = rows[i]
        if "dup_scale" in p.flags:
            add(i, "dup_scale", f"the scale word is repeated ('{p.dup_words}'), so the literal value is "
                f"{format_money(r['value_native'], r['currency'])}; read once it is "
                f"{format_money(p.dup_value or 0.0, r['currency'])}")
        if "year_as_amount" in p.flags:
            add(i, "year_as_amount", f"the written number {p.mantissa} looks like a year")
        if "currency_conflict" in p.flags:
            add(i, "currency_conflict", "two different currencies are attached to it")
        if "range_inverted" in p.flags:
            add(i, "range_inverted", "the low end of the range is larger than its high end")
        if "eok_as_billion" in p.flags:
            add(i, "eok_as_billion", "its 'billion' part is as large as the unit before it, which only makes "
                f"sense as 억 (10^8): read so, it is {format_money(p.eok_value or 0.0)}")

    # 2. 억 read as billion: a 4-digit whole number of billions is the signature; once a
    #    document shows it, its other whole-number "billion" figures are read the same way.
    strong = [i for i in krw if ps[i].eok4 or ps[i].eok_value is not None]
    if strong:
        example = rows[strong[0]]["surface"]
        for i in krw:
            p = ps[i]
            if p.eok_value is not None:
                continue  # flagged with its own reading in step 1
            if p.eok4:
                add(i, "eok_as_billion", f"{p.mantissa:,} is a whole number of billions that fluent English "
                    f"would write as {_trim((p.mantissa or 0) / 1000)} trillion, the mark of 억 (10^8) "
                    "translated as 'billion' (10^9)")
            elif p.eok_int:
                add(i, "eok_as_billion", f"the document renders 억 (10^8) as 'billion' elsewhere ('{example}'), "
                    "so this whole-number 'billion' figure is probably 억 too")

    # 3. Totals vs parts.
    support_eok = False
    for rec in _reconcile_rows(rows, explain=False):
        members = [rec.total, *rec.parts]
        if rec.is_consistent:
            if any(ps[m].eok4 for m in members):
                support_eok = True  # parts and total agree in the same (garbled) unit
            continue
        t = rows[rec.total]
        if rec.scale_factor is None:
            clause = (f"the amounts listed after it add up to {format_money(rec.parts_sum)}, more than this "
                      "stated total, and no power of ten reconciles them")
            parts_digits = _parts_mantissa_sum(ps, rec.parts)
            echo = [text for n, text in slots or () if parts_digits is not None and n == parts_digits]
            if echo:
                clause += (f"; the document's impossible date '{echo[0]}' carries the parts' sum "
                           f"({parts_digits:,})")
                if ps[rec.total].mantissa is not None and (ps[rec.total].mantissa or 0) <= 31:
                    clause += ", so this total and the day of the month look swapped in translation"
            add(rec.total, "parts_mismatch", clause)
            continue
        f = rec.scale_factor
        for m in members:
            add(m, "parts_mismatch", f"the stated total '{t['surface']}' and the {len(rec.parts)} amounts listed "
                f"with it agree only when the parts are multiplied by {f:g}")
        if f < 1 and all(ps[p].eok_int for p in rec.parts):
            for p in rec.parts:
                adjusted[p] = (rows[p]["amount_krw"] * f, f"×{f:g}: the parts then add up to the stated total "
                               f"'{t['surface']}'")
            support_eok = True
        elif f > 1:
            adjusted[rec.total] = (rec.parts_sum, f"×{1 / f:g}: the stated total then equals the sum of its "
                                   f"{len(rec.parts)} parts")

    # 4. Increases larger than what they increased (same sentence).
    increases = [i for i in krw if rows[i]["role"] == "increase" and not rows[i]["is_range"]]
    if increases:
        by_sentence: dict[int, list[int]] = {}
        for j in krw:
            q = rows[j]
            if not q["is_range"] and q["role"] not in ("increase", "conversion"):
                by_sentence.setdefault(q["sentence_idx"], []).append(j)
        levels_index = _ValueIndex([(float(rows[j]["amount_krw"]), j) for js in by_sentence.values() for j in js])
        for i in increases:
            r = rows[i]
            same = by_sentence.get(r["sentence_idx"], [])
            if not same:
                continue
            j = min(same, key=lambda j: abs(rows[j]["char_start"] - r["char_start"]))
            if r["amount_krw"] <= rows[j]["amount_krw"]:
                continue
            add(i, "increase_exceeds_total", f"this increase is larger than the amount it is an increase of "
                f"('{rows[j]['surface']}') in the same sentence, so the two figures look swapped")
            add(j, "increase_exceeds_total", f"it is smaller than its own increase ('{r['surface']}') in the "
                "same sentence, so the two figures look swapped")
            levels = [k for k in levels_index.near(float(r["amount_krw"]), 0.005)
                      if rows[k]["sentence_idx"] != r["sentence_idx"]]
            if levels:
                add(i, "inconsistent_repeat", f"the same figure appears elsewhere as a level, not an increase "
                    f"('{rows[levels[0]]['surface']}')")
                # The text supports one reading: the two figures were swapped. The increase's
                # figure is the level (it recurs as one), the level's figure is the increase.
                if i not in adjusted and j not in adjusted:
                    eok = (support_eok or any(ps[k].eok4 for k in krw)) and ps[i].eok_int and ps[j].eok_int
                    f = 0.1 if eok else 1.0
                    unit = "; ×10^-1, since the document renders 억 (10^8) as 'billion'" if eok else ""
                    adjusted[j] = (rows[i]["amount_krw"] * f, f"swapped with its increase '{r['surface']}': that figure "
                                   f"is larger than this one and recurs elsewhere as a level ('{rows[levels[0]]['surface']}'), "
                                   f"so it is the level{unit}")
                    adjusted[i] = (rows[j]["amount_krw"] * f, f"swapped with the level '{rows[j]['surface']}': an increase "
                                   f"cannot exceed what it increased, and this figure recurs elsewhere as a level{unit}")

    # 5. The same digits at another power of ten ("577 billion" and "5770 billion"). The
    #    key is the value's normalised mantissa, so 5.77e11 and 5.77e12 share one.
    if len(krw) >= 2:
        by_mantissa: dict[str, list[int]] = {}
        for i in krw:
            if not rows[i]["is_range"]:
                by_mantissa.setdefault(_mantissa_key(rows[i]["amount_krw"]), []).append(i)
        for members in by_mantissa.values():
            if len(members) < 2:
                continue
            exps = {i: _sig_digits(float(rows[i]["amount_krw"])) for i in members}
            if len({e for _, e in exps.values()}) < 2 or len(next(iter(exps.values()))[0]) < 3:
                continue
            # The first member at another scale than i: the first member overall, or the
            # first whose scale differs from the first member's.
            first = members[0]
            second = next(j for j in members if exps[j][1] != exps[first][1])
            for i in members:
                other = first if exps[first][1] != exps[i][1] else second
                add(i, "inconsistent_repeat", f"the document also gives '{rows[other]['surface']}', the same "
                    f"digits at a scale 10^{abs(exps[i][1] - exps[other][1])} apart")

    # 6. Numbers echoed in impossible date slots.
    if slots:
        first_slot: dict[int, str] = {}
        for n, text in slots:
            first_slot.setdefault(n, text)
        for i, p in enumerate(ps):
            hit = first_slot.get(p.mantissa) if p.mantissa is not None and p.mantissa >= 32 else None
            if hit is not None:
                add(i, "date_slot_echo", f"the same number sits in an impossible date slot ('{hit}'), a "
                    "sign that figures were shuffled in translation")

    # 7. Magnitude for the actor.
    entity = _entity_ceiling(level, regions, scales) if level else None
    for i in krw:
        r = rows[i]
        value = float(r["amount_krw_high"])
        if value <= 2e12:  # below every ceiling in money_scales.yaml; skip the lookups
            continue
        ceiling, label = _hard_ceiling(r["role"], scales)
        if (entity is not None and r["role"] in ("budget", "local_funds") and not r["_national_ctx"]
                and entity[0] < ceiling):
            ceiling, label = entity
        if value > ceiling:
            add(i, "implausible_magnitude", f"{format_money(value)} is more than {label}")
            if ps[i].tril4 and value / 1e4 <= ceiling:
                add(i, "eok_as_trillion", f"{ps[i].mantissa:,} is a whole number of trillions, the mark of "
                    "억 (10^8) translated as 'trillion' (10^12)")

    # 8. Adjustments: one reading, only where the text supports it.
    out: dict[int, Annotation] = {}
    for i in sorted(notes):
        codes = notes[i]
        r, p = rows[i], ps[i]
        if i not in adjusted and r["currency"] == "KRW" and r["amount_krw"] is not None:
            if "dup_scale" in codes and p.dup_value is not None:
                adjusted[i] = (p.dup_value, f"read the repeated scale word in '{p.dup_words}' once "
                               f"(×10^-{round(math.log10(r['amount_krw'] / p.dup_value))})")
            elif any(code in codes for code in _INCONSISTENCY_FLAGS):
                pass  # the text tells two stories; do not pick one
            elif p.eok_value is not None:
                adjusted[i] = (p.eok_value, "read the 'billion' part of the compound as 억 (10^8), since it is "
                               "as large as the unit before it")
            elif "eok_as_billion" in codes and (support_eok or "implausible_magnitude" in codes or (
                    level in _LOCAL_LEVELS and r["amount_krw"] > scales.single_local_project_krw)):
                if support_eok:
                    why = "the document's parts and totals agree in this unit"
                elif "implausible_magnitude" in codes:
                    why = "the literal value is implausible"
                else:
                    why = (f"as written it would exceed what a single local project costs (about "
                           f"{format_money(scales.single_local_project_krw)})")
                adjusted[i] = (r["amount_krw"] / 10, f"×10^-1: read 'billion' as 억 (10^8), since {why}")
            elif "eok_as_billion" in codes and p.eok4:
                adjusted[i] = (r["amount_krw"] / 10, "×10^-1: read 'billion' as 억 (10^8), since a whole number of "
                               "billions with 4+ digits is how 억 reads when translated as 'billion' (fluent English "
                               "would write trillions)")
            elif "eok_as_trillion" in codes:
                adjusted[i] = (r["amount_krw"] / 1e4, "×10^-4: read 'trillion' as 억 (10^8), since the literal "
                               "value is implausible")
        adj = adjusted.get(i)
        out[i] = Annotation(list(codes), _sentence(list(codes.values())), adj[0] if adj else None,
                            adj[1] if adj else None)
    return out


def _parts_mantissa_sum(ps: list[ParsedAmount], parts: list[int]) -> int | None:
    """Sum of the parts as written ("531 + 1408 + ... billion" -> 5770) when they share a unit."""
    sel = [ps[p] for p in parts]
    if any(p.mantissa is None or p.scale_word is None for p in sel) or len({p.scale_word for p in sel}) != 1:
        return None
    return sum(p.mantissa or 0 for p in sel)


def _document_slots(sentences: pl.DataFrame, doc_ids: list[str]) -> dict[str, list[tuple[int, str]]]:
    """Impossible date/ordinal slots per document ("on the 5770th"), in text order."""
    hits = (
        sentences.filter(pl.col("doc_id").is_in(doc_ids))
        .sort("doc_id", "sentence_idx")
        .select("doc_id", pl.col("text").str.extract_all(rust(SLOT_PATTERN)).alias("_slot"))
        .explode("_slot")
        .drop_nulls("_slot")
    )
    slots: dict[str, list[tuple[int, str]]] = {}
    for doc_id, slot in hits.iter_rows():
        n = impossible_slot(slot)
        if n is not None:
            slots.setdefault(doc_id, []).append((n, slot))
    return slots


def _may_need_pass(cols: dict[str, list[Any]], parsed: list[ParsedAmount], start: int, stop: int) -> bool:
    """Whether any check of :func:`_annotate_document` can fire on rows ``start:stop``.

    Each condition is the precondition of one check there (impossible date slots are tested
    by the caller); a document that meets none of them is clean without running the pass.
    """
    singles: list[float] = []
    for k in range(start, stop):
        p = parsed[cols["_pid"][k]]
        if p.flags:
            return True  # surface flags
        if cols["currency"][k] != "KRW" or cols["amount_krw"][k] is None:
            continue
        if p.eok4 or cols["role"][k] in ("increase", "total") or cols["amount_krw_high"][k] > 2e12:
            return True  # 억 as billion, increases, stated totals, magnitude
        if not cols["is_range"][k]:
            singles.append(cols["amount_krw"][k])
    if len(singles) >= 3:
        return True  # a total with at least two parts
    if len(singles) == 2:  # the same digits at another scale (same key as the check)
        return _mantissa_key(singles[0]) == _mantissa_key(singles[1])
    return False
