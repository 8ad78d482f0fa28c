"""The ledger on the seed texts: each money mention's role and relation, labelled by hand.

Labels come from reading the sentences (quoted in the comments), not from a run.
"""

from __future__ import annotations

import polars as pl
import pytest

from kpolicy import ledger


def _mentions(seed_corpus, doc_prefix: str) -> list[tuple[str, str, str | None]]:
    m = seed_corpus.facts("money_mentions").filter(pl.col("doc_id").str.starts_with(doc_prefix))
    return list(zip(m["surface"], m["role"].cast(pl.String), m["relation"].cast(pl.String)))


def test_busan_sales_target_and_baseline_are_not_commitments(seed_corpus) -> None:
    assert _mentions(seed_corpus, "003") == [
        ("20 trillion won", "target", None),        # "achieving annual sales of 20 trillion won ... by 2030"
        ("1.5 trillion won", "investment", None),   # "it plans to invest 1.5 trillion won"
        ("11.8 trillion won", "baseline", None),    # "raised from the current 11.8 trillion won"
        ("20 trillion won", "target", None),        # "... to 20 trillion won"
    ]


def test_national_plan_counts_once_and_economy_wide_budgets_never(seed_corpus) -> None:
    got = _mentions(seed_corpus, "001")
    assert got[0] == ("10 trillion trillion won", "investment", None)          # headline
    assert got[1] == ("10 trillion trillion won", "investment", "same_as")     # the body repeats it
    by_surface = {s: (r, rel) for s, r, rel in got[2:]}
    assert by_surface["5.4 trillion trillion won"][0] == "delta"                 # "... 5.4 trillion trillion won over last year"
    for s in ("20 trillion won", "24 trillion won", "18.8 trillion won", "KRW 20 trillion"):
        assert by_surface[s][0] == "context_budget", s                          # the R&D and industry/SME/energy budgets
    for s in ("2.2 trillion-won", "1.3 trillion won", "3.9 trillion won"):
        assert by_surface[s][1] == "part_of", s                                  # items under the 10-trillion headline
    # "Since the beginning of 2019, the government has begun to invest ... with an investment
    # budget of 2 trillion won and 5.4 trillion trillion won over last year": spent already,
    # or an item of the plan; either way it is not a new commitment.
    assert by_surface["2 trillion won"] in (("past", None), ("budget", "part_of"), ("investment", "part_of"))


def test_ministry_total_its_parts_and_its_garbled_headline(seed_corpus) -> None:
    m = seed_corpus.facts("money_mentions").filter(pl.col("doc_id").str.starts_with("002"))
    row = {s: (r, rel, to) for s, r, rel, to in zip(m["surface"], m["role"].cast(pl.String), m["relation"].cast(pl.String), m["related_to"])}
    total_id = m.filter(pl.col("surface") == "5770 billion won")["mention_id"][0]
    assert row["17 billion won"][1:] == ("same_as", total_id)  # headline total that disagrees with the parts
    for s in ("KRW 531 billion", "KRW 1408 billion", "KRW 1656 billion", "KRW 2175 billion"):
        assert row[s][1:] == ("part_of", total_id), s
    assert row["KRW 237 billion"][0] == "delta"  # "increased KRW 237 billion compared to last year"
    counted = m.filter(pl.col("is_counted"))["surface"].to_list()
    assert counted == ["5770 billion won"]


@pytest.mark.parametrize("basis, region, expected", [
    ("literal", "Busan", 1.5e12), ("adjusted", "Busan", 1.5e12),
    ("literal", "Incheon", 18.5e9), ("adjusted", "Incheon", 18.5e9),
    ("adjusted", "National", 10e12 + 577e9), ("literal", "National", 0.0),
])
def test_seed_totals(seed_corpus, basis: str, region: str, expected: float) -> None:
    t = ledger.totals(seed_corpus, basis).filter(pl.col("region") == region)
    assert t["committed_krw"][0] == pytest.approx(expected, rel=1e-9)
