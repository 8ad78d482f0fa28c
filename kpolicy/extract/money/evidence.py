"""Document-level garble evidence: the flags in :data:`FLAGS`, each with a one-clause
explanation, and an adjusted reading only where the text supports a single one.

One small function per rule (``_rule_*``), run in a fixed order by :func:`_annotate_document`.
Each rule reads the document (:class:`_Doc`: its amounts, their parses, the text of the
sentences the evidence pass kept, and what earlier rules found) and returns a
:class:`_Found`: flags (row, code, clause quoting the evidence) and adjusted readings.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import polars as pl

from kpolicy.extract.money.ceilings import MoneyScales, _entity_ceiling, _hard_ceiling, load_scales
from kpolicy.extract.money.context import SLOT_PATTERN, impossible_slot
from kpolicy.extract.money.explain import _mantissa_key, _sentence, _sig_digits, _trim, format_money
from kpolicy.extract.money.grammar import ParsedAmount, py, rust
from kpolicy.extract.money.reconcile import _NOT_PARTS, _reconcile_rows, _ValueIndex

#: Garble flags: short code -> what it means. ``is_suspect`` is true when any flag is raised,
#: and ``explanation`` then says, in one sentence, why.
FLAGS: dict[str, str] = {
    "dup_scale": "A scale word is repeated ('10 trillion trillion won'); the literal value multiplies both.",
    "eok_as_billion": "억 (10^8) was probably translated as 'billion' (10^9): a whole number of "
    "billions with 4+ digits ('KRW 1408 billion'), a whole-number 'billion' figure written the same "
    "way in a document that has such figures, a compound whose 'billion' part overflows "
    "('1 trillion 2,000 billion'), or a figure ten times too large for its programme.",
    "eok_as_trillion": "A whole number of trillions with 4+ digits that is also implausibly large: "
    "억 (10^8) probably translated as 'trillion'.",
    "implausible_magnitude": "Larger than the whole annual budget (or economy) of the actor it is "
    "attributed to, per kpolicy/data/money_scales.yaml.",
    "implausible_for_programme": "Larger than the whole programme (or one award of it) that its sentence "
    "names, per the programme-type ceilings in kpolicy/data/money_scales.yaml.",
    "parts_mismatch": "A stated total disagrees with the amounts listed as its parts, or agrees only "
    "at another power of ten.",
    "total_below_part": "A stated total is smaller than one of the amounts its own sentence lists as "
    "its parts: the figures were probably permuted in translation.",
    "digit_dropped": "A stated total is its parts' sum with one digit missing ('1.5 billion won' where "
    "the parts add up to 19.5 billion).",
    "increase_exceeds_total": "An increase is larger than the amount it increased, in the same sentence.",
    "inconsistent_repeat": "The document gives the same quantity with two different values (the same "
    "distinctive digits at another scale, or one figure as both a level and an increase).",
    "headline_body_mismatch": "The headline's amount appears nowhere in the body, whose stated total "
    "differs ('KRW 5 trillion' in the headline, 'KRW 6 trillion' in the body).",
    "date_slot_echo": "The same number sits in an impossible date slot elsewhere in the document "
    "('on the 5770th'), a sign that figures were shuffled in translation.",
    "impossible_date": "Its sentence has a day or ordinal that cannot exist ('on the 402th'), a sign "
    "that the sentence's numbers were permuted in translation.",
    "impossible_duration": "Its sentence gives an impossible duration ('3 billion won for 240 years'), "
    "a sign that the sentence's numbers were permuted in translation.",
    "odd_ratio": "Its sentence gives a matching or cost-sharing ratio no programme uses ('200:1 "
    "matching'), a sign that the sentence's numbers were permuted in translation.",
    "displaced_number": "A number is glued to it by a hyphen ('50-3 million won'): a unit read at the "
    "wrong scale left a displaced number in front of the amount.",
    "year_as_amount": "The written number looks like a year ('2023 billion won').",
    "currency_conflict": "Two different currencies are attached to one amount.",
    "range_inverted": "The low end of a range is larger than its high end.",
}

_LOCAL_LEVELS = ("metropolitan", "provincial", "municipal")
#: Flags that mean the text tells two stories: no single adjusted reading is offered for
#: an amount that carries one, unless the rule that raised it supplied the reading.
_TWO_STORIES = (
    "parts_mismatch", "increase_exceeds_total", "inconsistent_repeat", "total_below_part",
    "headline_body_mismatch", "impossible_date", "impossible_duration", "odd_ratio", "displaced_number",
    "year_as_amount", "currency_conflict", "range_inverted",
)


# ---------------------------------------------------------------------------------------
# Sentence-text evidence (Python regex; the Polars prefilter uses rust() of the same text)
# ---------------------------------------------------------------------------------------

#: "for 240 years", "over the next 300 years", "240년간", "240년 동안": the number of years.
DURATION_PATTERN = (
    "(?i)\\b(?:for|over|during)\\s+(?:the\\s+(?:next|past|last|coming)\\s+)?([0-9][0-9,]*)\\s+years\\b"
    "|([0-9][0-9,]*)\\s*년\\s*(?:간|동안)"
)
_MAX_YEARS = 100  # no programme or loan runs longer; "for 240 years" is a permuted number
#: "200:1 matching", "국비와 지방비 5:5 매칭": a ratio with a cost-sharing word near it.
RATIO_PATTERN = "\\b([0-9]{1,5}(?:\\.[0-9]+)?)\\s?:\\s?([0-9]{1,5}(?:\\.[0-9]+)?)\\b"
_RATIO_CUE = re.compile(
    r"(?i)\bmatch|\bcost[- ]shar|\bratio\b|\bsplit\b|\bshare[sd]?\b|분담|매칭|대응|비율", re.I)
_CLOCK = re.compile(r"(?i)^\s*(?:a\.?m\b|p\.?m\b|hours?\b|시|분)|\bat\s*$")
#: A number and a hyphen glued to the amount's number: "50-3 million won".
_DISPLACED = re.compile(r"(?<![0-9,.\-–])([0-9][0-9,.]*)[-–]$")
#: The words before a stated total in its clause, and between it and its listed parts.
_TOTAL_CUE = re.compile(r"(?i)\btotal|\bin all\b|\baltogether\b|총|합계")
_PART_CUE = re.compile(
    r"(?i)\binclud|\bof which\b|\bamong (?:them|which)\b|\bconsist|\bcompris|\bbroken down\b|가운데|이 중|그중|포함")
_HEADLINE_END = re.compile(r"[.!?。]\s*[\"'”’)]?\s*$")
_NUMBER = re.compile(r"[0-9][0-9,]*(?:\.[0-9]+)?")


class DocText(NamedTuple):
    """What the evidence pass keeps of one document's text (see :func:`_document_slots`)."""

    slots: list[tuple[int, str, int]]  # impossible date/ordinal slots: (number, text, sentence_idx)
    sentences: dict[int, tuple[int, str]]  # sentence_idx -> (char_start, text), cue sentences only
    cued: bool = True  # some kept sentence has a cue (not only the headline): the pass must run


class Annotation(NamedTuple):
    """The document pass's verdict on one suspect amount."""

    flags: list[str]
    explanation: str
    amount_krw_adjusted: float | None
    adjustment_reason: str | None


@dataclass
class _Found:
    """What one rule found: flags (row, code, clause) and adjusted readings (row -> (value, why))."""

    flags: list[tuple[int, str, str]] = field(default_factory=list)
    adjusted: dict[int, tuple[float, str]] = field(default_factory=dict)

    def add(self, i: int, code: str, clause: str) -> None:
        self.flags.append((i, code, clause))


@dataclass
class _Doc:
    """One document's amounts and evidence, and the flags found so far."""

    rows: list[dict[str, Any]]
    ps: list[ParsedAmount]
    krw: list[int]
    level: str | None
    regions: tuple[str, ...]
    text: DocText
    scales: MoneyScales
    notes: dict[int, dict[str, str]] = field(default_factory=dict)
    adjusted: dict[int, tuple[float, str]] = field(default_factory=dict)
    support_eok: bool = False  # parts and totals agree in the 억-as-billion unit

    def has(self, i: int, *codes: str) -> bool:
        return any(c in self.notes.get(i, ()) for c in codes)

    def sentence(self, i: int) -> tuple[int, str] | None:
        return self.text.sentences.get(self.rows[i]["sentence_idx"])

    def before(self, i: int) -> str | None:
        """The sentence text before amount i, back to the previous amount of the sentence."""
        sent = self.sentence(i)
        if sent is None:
            return None
        r = self.rows[i]
        start = sent[0]
        if i > 0 and self.rows[i - 1]["sentence_idx"] == r["sentence_idx"]:
            start = max(start, self.rows[i - 1]["char_end"])
        return sent[1][start - sent[0]: r["char_start"] - sent[0]]

    def between(self, i: int, j: int) -> str:
        sent = self.sentence(i)
        return "" if sent is None else sent[1][self.rows[i]["char_end"] - sent[0]: self.rows[j]["char_start"] - sent[0]]

    def same_sentence(self, i: int) -> list[int]:
        s = self.rows[i]["sentence_idx"]
        return [j for j in self.krw if self.rows[j]["sentence_idx"] == s]


def _value(r: dict[str, Any]) -> float:
    return float(r["amount_krw"])


def _is_stated_total(d: _Doc, i: int) -> bool:
    """A stated total: its role, or a total cue ('a total of', '총') just before it in its clause."""
    left = d.before(i)
    return d.rows[i]["role"] == "total" or (left is not None and bool(_TOTAL_CUE.search(left[-30:])))


# ---------------------------------------------------------------------------------------
# Rules, in the order they run
# ---------------------------------------------------------------------------------------


def _rule_surface(d: _Doc) -> _Found:
    """Flags from the surface alone (the parser's): repeated scale, year, currencies, range, compound."""
    f = _Found()
    for i, p in enumerate(d.ps):
        if not p.flags:
            continue
        r = d.rows[i]
        if "dup_scale" in p.flags:
            f.add(i, "dup_scale", f"the scale word is repeated ('{p.dup_words}'), so the literal value is "
                  f"{format_money(r['value_native'], r['currency'])}; read once it is "
                  f"{format_money(p.dup_value or 0.0, r['currency'])}")
        if "year_as_amount" in p.flags:
            f.add(i, "year_as_amount", f"the written number {p.mantissa} looks like a year")
        if "currency_conflict" in p.flags:
            f.add(i, "currency_conflict", "two different currencies are attached to it")
        if "range_inverted" in p.flags:
            f.add(i, "range_inverted", "the low end of the range is larger than its high end")
        if "eok_as_billion" in p.flags:
            f.add(i, "eok_as_billion", "its 'billion' part is as large as the unit before it, which only makes "
                  f"sense as 억 (10^8): read so, it is {format_money(p.eok_value or 0.0)}")
    return f


def _template(surface: str) -> str:
    """The written form with its numbers blanked: 'KRW 531 billion' -> 'krw N billion'."""
    return _NUMBER.sub("N", surface).lower()


def _rule_eok_as_billion(d: _Doc) -> _Found:
    """억 read as 'billion': a 4-digit whole number of billions is the signature. Other whole-number
    'billion' figures are read the same way only when written the same way ('KRW N billion') and
    either in the same sentence as a signature figure or in a document with two distinct ones."""
    f = _Found()
    strong = [i for i in d.krw if d.ps[i].eok4 or d.ps[i].eok_value is not None]
    if not strong:
        return f
    systematic = len({d.rows[i]["amount_krw"] for i in strong if d.ps[i].eok4}) >= 2
    for i in d.krw:
        p = d.ps[i]
        if p.eok_value is not None:
            continue  # flagged with its own reading by _rule_surface
        if p.eok4:
            f.add(i, "eok_as_billion", f"{p.mantissa:,} is a whole number of billions that fluent English "
                  f"would write as {_trim((p.mantissa or 0) / 1000)} trillion, the mark of 억 (10^8) "
                  "translated as 'billion' (10^9)")
            continue
        if not p.eok_int:
            continue
        same_form = [k for k in strong if d.ps[k].eok4 and _template(d.rows[k]["surface"]) == _template(d.rows[i]["surface"])]
        near = [k for k in same_form if d.rows[k]["sentence_idx"] == d.rows[i]["sentence_idx"]]
        example = near or (same_form if systematic else [])
        if example:
            f.add(i, "eok_as_billion", f"the document renders 억 (10^8) as 'billion' in the same written form "
                  f"('{d.rows[example[0]]['surface']}'), so this whole-number 'billion' figure is probably 억 too")
    return f


def _digits(x: float) -> str:
    return _trim(x).replace(",", "").replace(".", "").lstrip("0")


def _one_digit_dropped(written: str, wanted: float) -> bool:
    """``written`` ('1.5') is ``wanted`` (19.5, in the same unit) with one digit left out."""
    a, b = written.replace(",", "").replace(".", "").lstrip("0"), _digits(wanted)
    if len(b) != len(a) + 1 or len(b) < 2:
        return False
    return any(b[:k] + b[k + 1:] == a for k in range(len(b)))


def _rule_total_in_sentence(d: _Doc) -> _Found:
    """A stated total and the parts its own sentence lists after it ('a total of X, including Y
    and Z'): a total with one digit missing (adjusted to the parts' sum: the parts give the
    one reading), or a total smaller than one of its parts (flagged, not adjusted)."""
    f = _Found()
    for t in d.krw:
        r = d.rows[t]
        if r["is_range"] or d.sentence(t) is None or not _is_stated_total(d, t):
            continue
        parts = [j for j in d.same_sentence(t) if j > t and not d.rows[j]["is_range"]
                 and d.rows[j]["role"] not in _NOT_PARTS and d.rows[j]["role"] != "total"]
        if not parts or not _PART_CUE.search(d.between(t, parts[0])):
            continue
        total, s = _value(r), sum(_value(d.rows[j]) for j in parts)
        if s <= total * 1.01:
            continue
        nums = _NUMBER.findall(r["surface"])
        written = nums[0] if len(nums) == 1 else None
        unit = total / float(written.replace(",", "")) if written and float(written.replace(",", "")) else None
        listed = " + ".join(f"'{d.rows[j]['surface']}'" for j in parts)
        if unit and _one_digit_dropped(written or "", s / unit):
            f.add(t, "digit_dropped", f"its parts {listed} add up to {format_money(s)}, and '{written}' is "
                  f"'{_trim(s / unit)}' with one digit missing")
            f.adjusted[t] = (s, f"the sum of the parts listed with it ({listed}), which this total matches "
                             "once its missing digit is restored")
            continue
        big = max(parts, key=lambda j: _value(d.rows[j]))
        if _value(d.rows[big]) > total * 1.01:
            f.add(t, "total_below_part", f"the stated total is smaller than '{d.rows[big]['surface']}', which its "
                  "own sentence lists as one of its parts")
            f.add(big, "total_below_part", f"it is listed as a part of the smaller stated total '{r['surface']}'")
    return f


def _rule_parts(d: _Doc) -> _Found:
    """Totals vs parts across sentences (:func:`_reconcile_rows`): a stated total exceeded by the
    parts listed after it, or agreeing with them only at another power of ten."""
    f = _Found()
    for rec in _reconcile_rows(d.rows, explain=False):
        members = [rec.total, *rec.parts]
        if rec.is_consistent:
            if any(d.ps[m].eok4 for m in members):
                d.support_eok = True  # parts and total agree in the same (garbled) unit
            continue
        if d.has(rec.total, "digit_dropped", "total_below_part"):
            continue  # explained from its own sentence
        t = d.rows[rec.total]
        if rec.scale_factor is None:
            k = _power_of_ten_apart(_value(t), rec.parts_sum)
            how = (f"and they agree only at another power of ten (×10^{k})" if k else
                   "and no power of ten reconciles them")
            clause = (f"the amounts listed after it add up to {format_money(rec.parts_sum)}, more than this "
                      f"stated total, {how}")
            parts_digits = _parts_mantissa_sum(d.ps, rec.parts)
            echo = [text for n, text, _ in d.text.slots if parts_digits is not None and n == parts_digits]
            if echo:
                clause += (f"; the document's impossible date '{echo[0]}' carries the parts' sum "
                           f"({parts_digits:,})")
                if d.ps[rec.total].mantissa is not None and (d.ps[rec.total].mantissa or 0) <= 31:
                    clause += ", so this total and the day of the month look swapped in translation"
            f.add(rec.total, "parts_mismatch", clause)
            continue
        sf = rec.scale_factor
        for m in members:
            f.add(m, "parts_mismatch", f"the stated total '{t['surface']}' and the {len(rec.parts)} amounts listed "
                  f"with it agree only when the parts are multiplied by {sf:g}")
        if sf < 1 and all(d.ps[p].eok_int for p in rec.parts):
            for p in rec.parts:
                f.adjusted[p] = (_value(d.rows[p]) * sf, f"×{sf:g}: the parts then add up to the stated total "
                                 f"'{t['surface']}'")
            d.support_eok = True
        elif sf > 1:
            f.adjusted[rec.total] = (rec.parts_sum, f"×{1 / sf:g}: the stated total then equals the sum of its "
                                     f"{len(rec.parts)} parts")
    return f


def _power_of_ten_apart(a: float, b: float) -> int:
    """k != 0 with a ≈ b × 10^k (1 %), else 0."""
    if a <= 0 or b <= 0:
        return 0
    k = round(math.log10(a / b))
    return k if k and abs(a - b * 10.0**k) <= 0.01 * a else 0


def _rule_increases(d: _Doc) -> _Found:
    """An increase larger than the level it increased (same sentence); swapped back when the
    increase's figure recurs elsewhere as a level."""
    f = _Found()
    rows, ps = d.rows, d.ps
    increases = [i for i in d.krw if rows[i]["role"] == "increase" and not rows[i]["is_range"]]
    if not increases:
        return f
    by_sentence: dict[int, list[int]] = {}
    for j in d.krw:
        q = rows[j]
        if not q["is_range"] and q["role"] not in ("increase", "conversion"):
            by_sentence.setdefault(q["sentence_idx"], []).append(j)
    levels_index = _ValueIndex([(_value(rows[j]), j) for js in by_sentence.values() for j in js])
    for i in increases:
        r = rows[i]
        same = by_sentence.get(r["sentence_idx"], [])
        if not same:
            continue
        j = min(same, key=lambda j: abs(rows[j]["char_start"] - r["char_start"]))
        if r["amount_krw"] <= rows[j]["amount_krw"]:
            continue
        f.add(i, "increase_exceeds_total", f"this increase is larger than the amount it is an increase of "
              f"('{rows[j]['surface']}') in the same sentence, so the two figures look swapped")
        f.add(j, "increase_exceeds_total", f"it is smaller than its own increase ('{r['surface']}') in the "
              "same sentence, so the two figures look swapped")
        levels = [k for k in levels_index.near(_value(r), 0.005) if rows[k]["sentence_idx"] != r["sentence_idx"]]
        if not levels:
            continue
        f.add(i, "inconsistent_repeat", f"the same figure appears elsewhere as a level, not an increase "
              f"('{rows[levels[0]]['surface']}')")
        # One reading: the two figures were swapped. The increase's figure is the level (it
        # recurs as one), the level's figure is the increase.
        if i in d.adjusted or j in d.adjusted:
            continue
        eok = (d.support_eok or any(ps[k].eok4 for k in d.krw)) and ps[i].eok_int and ps[j].eok_int
        sf = 0.1 if eok else 1.0
        unit = "; ×10^-1, since the document renders 억 (10^8) as 'billion'" if eok else ""
        f.adjusted[j] = (_value(r) * sf, f"swapped with its increase '{r['surface']}': that figure is larger than "
                         f"this one and recurs elsewhere as a level ('{rows[levels[0]]['surface']}'), so it is the "
                         f"level{unit}")
        f.adjusted[i] = (_value(rows[j]) * sf, f"swapped with the level '{rows[j]['surface']}': an increase cannot "
                         f"exceed what it increased, and this figure recurs elsewhere as a level{unit}")
    return f


def _rule_same_digits(d: _Doc) -> _Found:
    """The same distinctive digits at another power of ten ('577 billion' and '5770 billion').

    Distinctive: 3+ significant digits, not a multiple of 25 at its own scale (round figures
    such as '125' and '12.5' recur by chance), and both figures are levels (not increases,
    conversions or market sizes)."""
    f = _Found()
    by_mantissa: dict[str, list[int]] = {}
    for i in d.krw:
        r = d.rows[i]
        if not r["is_range"] and r["role"] not in ("increase", "conversion", "market", "sales"):
            by_mantissa.setdefault(_mantissa_key(r["amount_krw"]), []).append(i)
    for members in by_mantissa.values():
        if len(members) < 2:
            continue
        exps = {i: _sig_digits(_value(d.rows[i])) for i in members}
        digits = next(iter(exps.values()))[0]
        if len({e for _, e in exps.values()}) < 2 or len(digits) < 3 or int(digits) % 25 == 0:
            continue
        first = members[0]
        second = next(j for j in members if exps[j][1] != exps[first][1])
        for i in members:
            other = first if exps[first][1] != exps[i][1] else second
            f.add(i, "inconsistent_repeat", f"the document also gives '{d.rows[other]['surface']}', the same "
                  f"digits at a scale 10^{abs(exps[i][1] - exps[other][1])} apart")
    return f


def _rule_date_slots(d: _Doc) -> _Found:
    """Impossible date slots: a number echoed in one ('on the 5770th' and '5770억 원'), or one in
    the amount's own sentence ('on the 402th')."""
    f = _Found()
    if not d.text.slots:
        return f
    first_slot: dict[int, str] = {}
    for n, text, _ in d.text.slots:
        first_slot.setdefault(n, text)
    echoed: set[int] = set()
    for i, p in enumerate(d.ps):
        hit = first_slot.get(p.mantissa) if p.mantissa is not None and p.mantissa >= 32 else None
        if hit is not None:
            echoed.add(i)
            f.add(i, "date_slot_echo", f"the same number sits in an impossible date slot ('{hit}'), a "
                  "sign that figures were shuffled in translation")
    for n, text, s in d.text.slots:
        if n <= 31:
            continue  # a malformed ordinal ('the 21th') is a typo, not a permutation
        for i in d.krw:
            if d.rows[i]["sentence_idx"] == s and i not in echoed:
                f.add(i, "impossible_date", f"its sentence gives an impossible day or ordinal ('{text}'), a sign "
                      "that the sentence's numbers were permuted in translation")
    return f


_DURATION_RE = py(DURATION_PATTERN)
_RATIO_RE = py(RATIO_PATTERN)


def _flag_permuted_sentence(d: _Doc, f: _Found, s: int, code: str, evidence: str) -> None:
    """Flag every won amount of sentence ``s`` (conversions aside): its numbers look permuted."""
    for i in d.krw:
        if d.rows[i]["sentence_idx"] == s and d.rows[i]["role"] != "conversion":
            f.add(i, code, f"its sentence gives {evidence}, a sign that the sentence's numbers were "
                  "permuted in translation")


def _rule_duration(d: _Doc) -> _Found:
    """An impossible duration in the amount's sentence ('for 240 years')."""
    f = _Found()
    for s, (_, text) in d.text.sentences.items():
        for m in _DURATION_RE.finditer(text):
            years = int((m.group(1) or m.group(2)).replace(",", ""))
            if years <= _MAX_YEARS:
                continue
            _flag_permuted_sentence(d, f, s, "impossible_duration", f"an impossible duration ('{m.group(0)}')")
            break
    return f


def _rule_ratio(d: _Doc) -> _Found:
    """A matching or cost-sharing ratio no programme uses ('200:1 matching') in the amount's sentence."""
    f = _Found()
    for s, (_, text) in d.text.sentences.items():
        for m in _RATIO_RE.finditer(text):
            a, b = float(m.group(1)), float(m.group(2))
            window = text[max(0, m.start() - 40): m.end() + 40]
            clock = a <= 24 and b < 60 and (_CLOCK.search(text[m.end(): m.end() + 6]) or _CLOCK.search(text[: m.start()]))
            if clock or not _RATIO_CUE.search(window):
                continue
            hi, lo = max(a, b), min(a, b)
            if not (hi > 100 or (lo > 0 and hi / lo >= 50)):
                continue
            _flag_permuted_sentence(d, f, s, "odd_ratio", f"a sharing ratio no programme uses ('{m.group(0)}')")
            break
    return f


def _rule_displaced(d: _Doc) -> _Found:
    """A number glued to the amount by a hyphen, larger than the amount's own ('50-3 million won')."""
    f = _Found()
    for i in d.krw:
        left = d.before(i)
        if not left:
            continue
        m = _DISPLACED.search(left)
        nums = _NUMBER.findall(d.rows[i]["surface"])
        if m is None or not nums or not d.rows[i]["surface"][:1].isdigit():
            continue
        try:
            front, own = float(m.group(1).replace(",", "")), float(nums[0].replace(",", ""))
        except ValueError:
            continue
        if front > own:
            f.add(i, "displaced_number", f"'{m.group(0)}' is glued to it ('{m.group(0)}{d.rows[i]['surface']}'): a "
                  "number displaced when a unit was read at the wrong scale, so its value cannot be read")
    return f


def _rule_headline(d: _Doc) -> _Found:
    """The headline's amount, found nowhere in the body, against the body's stated total.

    The headline is the first sentence when it has no closing full stop. Not a mismatch:
    the headline figure recurs in the body, is the sum of two body figures, or is the body
    total rounded ('1 trillion' for '1.2 trillion'). The headline is adjusted to the body's
    total only when they are a power of ten apart and the body total is corroborated (it
    recurs in the body, or its parts add up to it)."""
    f = _Found()
    head = d.text.sentences.get(0)
    if head is None or _HEADLINE_END.search(head[1]):
        return f
    heads = [i for i in d.krw if d.rows[i]["sentence_idx"] == 0 and not d.rows[i]["is_range"]
             and d.rows[i]["role"] not in _NOT_PARTS]
    body = [j for j in d.krw if d.rows[j]["sentence_idx"] > 0 and not d.rows[j]["is_range"]]
    if not heads or not body:
        return f
    lead = sorted({d.rows[j]["sentence_idx"] for j in body})[:3]
    totals = [j for j in body if d.rows[j]["sentence_idx"] in lead and _is_stated_total(d, j)]
    if not totals:
        return f
    b = totals[0]
    bv = _value(d.rows[b])
    values = [_value(d.rows[j]) for j in body]
    index = _ValueIndex([(v, j) for j, v in zip(body, values)])
    for h in heads:
        hv = _value(d.rows[h])
        if index.near(hv):
            continue
        if any(abs(values[x] + values[y] - hv) <= 0.01 * hv for x in range(len(values)) for y in range(x + 1, len(values))):
            continue
        digits = _sig_digits(hv)[0]
        if len(digits) < len(_sig_digits(bv)[0]):
            rounded = float(f"{bv:.{len(digits) - 1}e}")
            if abs(rounded - hv) <= 0.005 * hv:
                continue
        f.add(h, "headline_body_mismatch", f"the headline gives '{d.rows[h]['surface']}', which the body never "
              f"repeats; the body's stated total is '{d.rows[b]['surface']}'")
        f.add(b, "headline_body_mismatch", f"the headline gives '{d.rows[h]['surface']}' for what the body states "
              f"as this total")
        k = _power_of_ten_apart(hv, bv)
        recurs = [j for j in index.near(bv, 0.005) if j != b]
        parts_agree = any(rec.total == b and rec.is_consistent for rec in _reconcile_rows(d.rows, explain=False))
        if k and (recurs or parts_agree):
            why = (f"it recurs in the body ('{d.rows[recurs[0]]['surface']}')" if recurs
                   else "its parts add up to it")
            f.adjusted[h] = (bv, f"×10^{-k}: the body's stated total '{d.rows[b]['surface']}', a power of ten away "
                             f"from the headline's figure, is corroborated ({why})")
        break
    return f


def _rule_magnitude(d: _Doc) -> _Found:
    """Larger than the whole budget (or economy) of the actor; 억 read as 'trillion' when a 4-digit
    whole number of trillions then fits."""
    f = _Found()
    entity = _entity_ceiling(d.level, d.regions, d.scales) if d.level else None
    for i in d.krw:
        r = d.rows[i]
        value = float(r["amount_krw_high"])
        if value <= 2e12:  # below every actor ceiling in money_scales.yaml; skip the lookups
            continue
        ceiling, label = _hard_ceiling(r["role"], d.scales)
        if (entity is not None and r["role"] in ("budget", "local_funds") and not r["_national_ctx"]
                and entity[0] < ceiling):
            ceiling, label = entity
        if value > ceiling:
            f.add(i, "implausible_magnitude", f"{format_money(value)} is more than {label}")
            if d.ps[i].tril4 and value / 1e4 <= ceiling:
                f.add(i, "eok_as_trillion", f"{d.ps[i].mantissa:,} is a whole number of trillions, the mark of "
                      "억 (10^8) translated as 'trillion' (10^12)")
    return f


def _rule_programme(d: _Doc) -> _Found:
    """Larger than the programme its sentence names (programme-type ceilings); a whole number of
    'billions' whose tenth fits is read as 억 (the one reading: the literal value cannot be)."""
    f = _Found()
    if not d.scales.programmes:
        return f
    lowest = min(pr.high_krw for pr in d.scales.programmes)
    over_sentences = {d.rows[i]["sentence_idx"] for i in d.krw if float(d.rows[i]["amount_krw_high"] or 0) > lowest}
    for s, (_, text) in d.text.sentences.items():
        if s not in over_sentences:  # no amount there is above any programme's ceiling
            continue
        named = [(pr, m) for pr in d.scales.programmes if (m := pr.cues.search(text))]
        if not named:
            continue
        for i in d.krw:
            r = d.rows[i]
            if r["sentence_idx"] != s or r["role"] in ("market", "sales", "conversion"):
                continue
            value = float(r["amount_krw_high"])
            over = [(pr, m) for pr, m in named if value > pr.high_krw]
            if not over:
                continue
            pr, m = min(over, key=lambda x: x[0].high_krw)
            f.add(i, "implausible_for_programme", f"its sentence names {pr.label} ('{m.group(0)}'), and "
                  f"{format_money(value)} is more than that can be (about {format_money(pr.high_krw)} at most)")
            p = d.ps[i]
            if (p.eok_int and not r["is_range"] and value / 10 <= pr.high_krw
                    and not d.has(i, *_TWO_STORIES) and "year_as_amount" not in p.flags):
                f.add(i, "eok_as_billion", f"read as 억 (10^8), it is {format_money(value / 10)}, which fits")
                f.adjusted[i] = (value / 10, f"×10^-1: read 'billion' as 억 (10^8), since the literal value is more "
                                 f"than {pr.label} can be and the 억 reading fits")
    return f


def _rule_adjust(d: _Doc) -> _Found:
    """The remaining single readings, only where the text supports one."""
    f = _Found()
    for i, codes in d.notes.items():
        r, p = d.rows[i], d.ps[i]
        if i in d.adjusted or r["currency"] != "KRW" or r["amount_krw"] is None:
            continue
        if "dup_scale" in codes and p.dup_value is not None:
            f.adjusted[i] = (p.dup_value, f"read the repeated scale word in '{p.dup_words}' once "
                             f"(×10^-{round(math.log10(r['amount_krw'] / p.dup_value))})")
        elif any(code in codes for code in _TWO_STORIES):
            pass  # the text tells two stories; do not pick one
        elif p.eok_value is not None:
            f.adjusted[i] = (p.eok_value, "read the 'billion' part of the compound as 억 (10^8), since it is "
                             "as large as the unit before it")
        elif "eok_as_billion" in codes and (d.support_eok or "implausible_magnitude" in codes or (
                d.level in _LOCAL_LEVELS and r["amount_krw"] > d.scales.single_local_project_krw)):
            if d.support_eok:
                why = "the document's parts and totals agree in this unit"
            elif "implausible_magnitude" in codes:
                why = "the literal value is implausible"
            else:
                why = (f"as written it would exceed what a single local project costs (about "
                       f"{format_money(d.scales.single_local_project_krw)})")
            f.adjusted[i] = (r["amount_krw"] / 10, f"×10^-1: read 'billion' as 억 (10^8), since {why}")
        elif "eok_as_billion" in codes and p.eok4:
            f.adjusted[i] = (r["amount_krw"] / 10, "×10^-1: read 'billion' as 억 (10^8), since a whole number of "
                             "billions with 4+ digits is how 억 reads when translated as 'billion' (fluent English "
                             "would write trillions)")
        elif "eok_as_trillion" in codes:
            f.adjusted[i] = (r["amount_krw"] / 1e4, "×10^-4: read 'trillion' as 억 (10^8), since the literal "
                             "value is implausible")
    return f


#: The rules, in order: later rules see the flags and readings of earlier ones.
_RULES = (
    _rule_surface, _rule_eok_as_billion, _rule_total_in_sentence, _rule_parts, _rule_increases,
    _rule_same_digits, _rule_date_slots, _rule_duration, _rule_ratio, _rule_displaced, _rule_headline,
    _rule_magnitude, _rule_programme, _rule_adjust,
)


def _annotate_document(
    rows: list[dict[str, Any]],
    level: str | None = None,
    regions: tuple[str, ...] = (),
    slots: DocText | list[tuple[int, str]] | None = None,
    scales: MoneyScales | None = None,
) -> dict[int, Annotation]:
    """Raise document-level garble flags on one document's amounts (sorted by char_start).

    Args:
        rows: the document's amounts, each a dict with the output columns plus ``_p`` (its
            :class:`ParsedAmount`) and ``_national_ctx``.
        level: the document's government level, if known.
        regions: the document's canonical regions.
        slots: the document's evidence from :func:`_document_slots` (a :class:`DocText`), or
            just its impossible date slots as (number, text) pairs.
        scales: reference magnitudes (default: :func:`load_scales`).

    Returns:
        row index -> :class:`Annotation`, for the suspect rows only (the rest are clean).
    """
    if slots is None:
        text = DocText([], {})
    elif isinstance(slots, DocText):
        text = slots
    else:
        text = DocText([(n, t, -1) for n, t in slots], {})
    ps: list[ParsedAmount] = [r["_p"] for r in rows]
    krw = [i for i, r in enumerate(rows) if r["currency"] == "KRW" and r["amount_krw"] is not None]
    d = _Doc(rows, ps, krw, level, regions, text, scales or load_scales())
    for rule in _RULES:
        found = rule(d)
        for i, code, clause in found.flags:
            d.notes.setdefault(i, {}).setdefault(code, clause)
        for i, adj in found.adjusted.items():
            d.adjusted.setdefault(i, adj)
    out: dict[int, Annotation] = {}
    for i in sorted(d.notes):
        codes = d.notes[i]
        adj = d.adjusted.get(i)
        out[i] = Annotation(list(codes), _sentence(list(codes.values())), adj[0] if adj else None,
                            adj[1] if adj else None)
    return out


def _parts_mantissa_sum(ps: list[ParsedAmount], parts: list[int]) -> int | None:
    """Sum of the parts as written ("531 + 1408 + ... billion" -> 5770) when they share a unit."""
    sel = [ps[p] for p in parts]
    if any(p.mantissa is None or p.scale_word is None for p in sel) or len({p.scale_word for p in sel}) != 1:
        return None
    return sum(p.mantissa or 0 for p in sel)


def _cue_pattern(scales: MoneyScales) -> str:
    """Every sentence-text cue a rule reads (Rust syntax): the sentences worth keeping."""
    parts = [SLOT_PATTERN, DURATION_PATTERN, RATIO_PATTERN, "[0-9][-–][0-9]", _TOTAL_CUE.pattern.replace("(?i)", "")]
    parts += [pr.cues.pattern for pr in scales.programmes]
    return rust("(?i)" + "|".join(f"(?:{p.replace('(?i)', '')})" for p in parts))


def _evidence_docs(cols: dict[str, list[Any]]) -> list[str]:
    """The documents whose sentence text the evidence pass should read: every one with an amount."""
    return sorted(set(cols["doc_id"]))


def _document_slots(sentences: pl.DataFrame, doc_ids: list[str]) -> dict[str, DocText]:
    """Sentence-text evidence per document, for the documents that have any (in text order).

    Keeps the impossible date/ordinal slots ("on the 5770th") and the text of every sentence
    a rule reads: the headline (sentence 0, when it has a digit) and sentences with a cue
    (a slot, a duration, a ratio, a hyphen between numbers, a total, a programme's name).
    A document with none is absent; one kept only for its headline has ``cued`` false, and
    its pass runs only when :func:`_may_need_pass` says a rule that needs no cue can fire
    (a headline figure against the body needs a stated total, which that also checks).
    """
    scales = load_scales()
    kept = (
        sentences.lazy()
        .filter(pl.col("doc_id").cast(pl.String).is_in(doc_ids))
        .select(
            pl.col("doc_id").cast(pl.String),
            pl.col("sentence_idx").cast(pl.Int64),
            pl.col("char_start").cast(pl.Int64),
            pl.col("text").cast(pl.String).fill_null(""),
        )
        .with_columns(pl.col("text").str.contains(_cue_pattern(scales)).alias("_cue"))
        .filter(pl.col("_cue") | ((pl.col("sentence_idx") == 0) & pl.col("text").str.contains("[0-9]")))
        .sort("doc_id", "sentence_idx")
        .collect(engine="in-memory")
    )
    slot_re = re.compile(py(SLOT_PATTERN))
    cued = set(kept.filter(pl.col("_cue"))["doc_id"].to_list())
    out: dict[str, DocText] = {}
    for doc_id, idx, start, text, _ in kept.iter_rows():
        doc = out.setdefault(doc_id, DocText([], {}, doc_id in cued))
        doc.sentences[idx] = (start, text)
        for m in slot_re.finditer(text):
            n = impossible_slot(m.group(0))
            if n is not None:
                doc.slots.append((n, m.group(0), idx))
    return out


def _may_need_pass(cols: dict[str, list[Any]], parsed: list[ParsedAmount], start: int, stop: int) -> bool:
    """Whether any rule that needs no sentence text can fire on rows ``start:stop``.

    Each condition is the precondition of one rule (the sentence-text rules run for the
    documents :func:`_document_slots` returns); a document that meets none is clean without
    running the pass.
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
