"""Money amounts: find every amount of money in the sentences, with its value and provenance.

One row per amount mention, in English (``KRW 12.8 billion``, ``1.5 trillion-won``,
``US$1.2 billion``, ``two-point-four trillion won``, ``between 2 and 3 trillion won``) and in
Korean (``5,770억 원``, ``1조 5천억 원``, ``240억 6000만 원``, ``281.5억``, ``3~7억``,
``오백억 원``, ``10억 달러``). Values are kept exactly as written (``amount_krw``) and are
never rewritten: machine translation of Korean units produces figures such as
"10 trillion trillion won" or "KRW 1408 billion" (1,408억 read as billions), and these are
*flagged and explained*, with a best reading in ``amount_krw_adjusted`` only where the text
supports a single one.

How it works (one grammar, three stages):

1. **Find** (vectorised, Rust regex through Polars). One grammar, :data:`MONEY_PATTERN`, is
   built from token patterns (numbers, number words, Hangul numerals, English scale words,
   Korean units 만/억/조, currency signs, codes and words, range separators). A small anchor
   pattern (:data:`ANCHOR_PATTERN`) first keeps the sentences that can hold an amount; one
   ``replace_all`` then marks every match in the whole column, and a split turns the marked
   pieces into character offsets. The grammar has no look-around or backreferences and only
   bounded repetition, so it is linear-time in Rust and cannot backtrack catastrophically in
   Python either (the same pattern drives the per-sentence path).
2. **Parse** (Python, once per distinct piece). :func:`parse_amount` tokenises a candidate
   and evaluates it with a small number grammar: groups of *number × scale words*, added up
   in descending order (``1조 5천억``, ``5 trillion 737.3 billion``), an optional range, the
   currency from a sign, code or word. Values are exact decimals rounded once to float.
   Parses are cached, so a corpus pays once for each distinct surface.
3. **Check**. Vectorised context rules drop counts (``1억 명``), article numbers (``제3조``)
   and the verb "won", and give each amount a ``role`` from cue words around it. A
   per-document pass, run only for documents where some check can fire, raises the garble
   flags in :data:`FLAGS`, reconciles stated totals with the sum of their parts
   (:func:`reconcile_amounts`) and writes the one-sentence explanations.

:func:`extract_amounts_from_text` runs the same query on one string (a one-sentence
document): there is one code path per rule.

Units: ``value_*_native`` are in units of ``currency`` (e.g. US dollars); ``amount_krw*`` are in
Korean won. Offsets count Unicode code points.

The package, by job:

- :mod:`~kpolicy.extract.money.grammar`: the finder pattern and the parser;
- :mod:`~kpolicy.extract.money.context`: what is not money, conversions, roles;
- :mod:`~kpolicy.extract.money.find`: the Polars query that runs both over a corpus;
- :mod:`~kpolicy.extract.money.evidence`: document-level garble flags and adjustments;
- :mod:`~kpolicy.extract.money.reconcile`: totals against their parts;
- :mod:`~kpolicy.extract.money.explain`: explanation text;
- :mod:`~kpolicy.extract.money.ceilings`: reference magnitudes with their sources;
- :mod:`~kpolicy.extract.money.tables`: the table schemas.
"""

from __future__ import annotations

from kpolicy.extract.money.ceilings import MoneyScales, load_scales
from kpolicy.extract.money.context import ROLE_RULES, ROLES, Role, impossible_slot
from kpolicy.extract.money.evidence import FLAGS
from kpolicy.extract.money.explain import format_money
from kpolicy.extract.money.find import extract_amounts, extract_amounts_from_text
from kpolicy.extract.money.grammar import ANCHOR_PATTERN, MONEY_PATTERN, ParsedAmount, parse_amount, py, rust
from kpolicy.extract.money.reconcile import reconcile_amounts
from kpolicy.extract.money.tables import AMOUNTS, OUTPUT_COLUMNS, RECONCILIATIONS

__all__ = [
    "AMOUNTS", "ANCHOR_PATTERN", "FLAGS", "MONEY_PATTERN", "OUTPUT_COLUMNS", "RECONCILIATIONS", "ROLES", "ROLE_RULES",
    "MoneyScales", "ParsedAmount", "Role", "extract_amounts", "extract_amounts_from_text", "format_money",
    "impossible_slot", "load_scales", "parse_amount", "py", "reconcile_amounts", "rust",
]
