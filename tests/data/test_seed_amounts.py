"""The money extractor on the seed corpus, through the real pipeline.

``kpolicy.load_corpus()`` (the ``seed_corpus`` fixture) then ``kpolicy.facts.build(corpus,
"amounts")``: every money mention of the seeds is found with its literal value, nothing else
is, the translation garbles are flagged and explained, and the clean amounts are not.
"""

from __future__ import annotations

import polars as pl
import pytest

import kpolicy
from kpolicy import facts, schema
from kpolicy.extract.money import reconcile_amounts

#: Every money mention in seeds/, in document order: (file prefix, surface, literal won).
SEED_AMOUNTS: list[tuple[str, str, float]] = [
    ("000", "12.8 billion KRW", 12.8e9),
    ("000", "5.7 billion KRW", 5.7e9),
    ("001", "10 trillion trillion won", 1e25),
    ("001", "10 trillion trillion won", 1e25),
    ("001", "2.2 trillion-won", 2.2e12),
    ("001", "2 trillion won", 2e12),
    ("001", "5.4 trillion trillion won", 5.4e24),
    ("001", "1.3 trillion won", 1.3e12),
    ("001", "3.9 trillion won", 3.9e12),
    ("001", "20 trillion won", 20e12),
    ("001", "24 trillion won", 24e12),
    ("001", "18.8 trillion won", 18.8e12),
    ("001", "KRW 20 trillion", 20e12),
    ("002", "17 billion won", 17e9),
    ("002", "KRW 237 billion", 237e9),
    ("002", "KRW 531 billion", 531e9),
    ("002", "KRW 1408 billion", 1408e9),
    ("002", "KRW 1656 billion", 1656e9),
    ("002", "KRW 2175 billion", 2175e9),
    ("002", "KRW 761 billion", 761e9),
    ("002", "KRW 407 billion", 407e9),
    ("002", "KRW 1039 billion", 1039e9),
    ("002", "KRW 217 billion", 217e9),
    ("002", "KRW 103 billion", 103e9),
    ("002", "KRW 100 billion", 100e9),
    ("002", "KRW 94 billion", 94e9),
    ("002", "KRW 1039 billion", 1039e9),
    ("002", "5770 billion won", 5770e9),
    ("003", "20 trillion won", 20e12),
    ("003", "1.5 trillion won", 1.5e12),
    ("003", "11.8 trillion won", 11.8e12),
    ("003", "20 trillion won", 20e12),
]


@pytest.fixture(scope="module")
def amounts(seed_corpus: kpolicy.Corpus) -> pl.DataFrame:
    return facts.build(seed_corpus, "amounts")


def _doc(amounts: pl.DataFrame, prefix: str) -> list[dict]:
    return amounts.filter(pl.col("doc_id").str.starts_with(prefix)).to_dicts()


def test_every_seed_amount_found_with_its_literal_value(amounts: pl.DataFrame) -> None:
    got = [(d[:3], s, v) for d, s, v in amounts.select("doc_id", "surface", "amount_krw").iter_rows()]
    assert got == SEED_AMOUNTS
    assert len(got) == 32
    assert _doc(amounts, "004") == []


def test_schema_key_and_spans(amounts: pl.DataFrame, seed_corpus: kpolicy.Corpus) -> None:
    schema.validate(amounts, "amounts")
    assert amounts.select("doc_id", "char_start", "char_end").is_duplicated().sum() == 0
    docs = {d: (t, raw) for d, t, raw in seed_corpus.documents.select("doc_id", "text", "raw_text").iter_rows()}
    for r in amounts.iter_rows(named=True):
        text, raw = docs[r["doc_id"]]
        assert text[r["char_start"] : r["char_end"]] == r["surface"]
        assert raw[r["source_start"] : r["source_end"]] == r["surface"]
    sentences = seed_corpus.sentences.select("doc_id", "sentence_idx", "char_start", "char_end")
    joined = amounts.join(sentences, on=["doc_id", "sentence_idx"], suffix="_sentence")
    assert joined.height == amounts.height
    assert (joined["char_start"] >= joined["char_start_sentence"]).all()
    assert (joined["char_end"] <= joined["char_end_sentence"]).all()


def test_no_phone_numbers_dates_or_counts(amounts: pl.DataFrame) -> None:
    surfaces = amounts["surface"].to_list()
    assert not any("044" in s or "%" in s or "th" in s.split()[-1] for s in surfaces)
    assert (amounts["currency"] == "KRW").all()


def test_clean_amounts_are_not_flagged(amounts: pl.DataFrame) -> None:
    for prefix in ("000", "003"):
        rows = _doc(amounts, prefix)
        assert rows and not any(r["is_suspect"] for r in rows)
        assert all(r["flags"] == [] and r["explanation"] is None for r in rows)
    clean_001 = [r for r in _doc(amounts, "001") if "trillion trillion" not in r["surface"]]
    assert len(clean_001) == 8 and not any(r["is_suspect"] for r in clean_001)


def test_roles_of_the_incheon_funds(amounts: pl.DataFrame) -> None:
    assert [r["role"] for r in _doc(amounts, "000")] == ["national_funds", "private"]


def test_duplicated_scale_words_flagged(amounts: pl.DataFrame) -> None:
    dups = [r for r in _doc(amounts, "001") if "trillion trillion" in r["surface"]]
    assert len(dups) == 3
    for r in dups:
        assert r["flags"][0] == "dup_scale" and "implausible_magnitude" in r["flags"]
        assert r["amount_krw"] > 1e24  # the literal value is kept
        assert r["amount_krw_adjusted"] == r["amount_krw"] / 1e12
        assert "trillion trillion" in r["explanation"]


def test_eok_read_as_billion_flagged_across_document_002(amounts: pl.DataFrame) -> None:
    rows = _doc(amounts, "002")
    assert len(rows) == 15
    assert all("eok_as_billion" in r["flags"] for r in rows)
    four_digits = [r for r in rows if any(n in r["surface"] for n in ("1408", "1656", "2175", "1039", "5770"))]
    assert len(four_digits) == 6
    assert all("fluent English" in r["explanation"] for r in four_digits)


def test_document_002_adjustments(amounts: pl.DataFrame) -> None:
    adjusted = {r["surface"]: r["amount_krw_adjusted"] for r in _doc(amounts, "002")[2:7]}
    assert adjusted == {
        "KRW 531 billion": 53.1e9,
        "KRW 1408 billion": 140.8e9,
        "KRW 1656 billion": 165.6e9,
        "KRW 2175 billion": 217.5e9,
        "KRW 761 billion": 76.1e9,
    }
    last = _doc(amounts, "002")[-1]
    assert last["surface"] == "5770 billion won" and last["amount_krw_adjusted"] == 577e9
    assert "date_slot_echo" in last["flags"] and "on the 5770th" in last["explanation"]


def test_document_002_total_that_disagrees_with_its_parts(amounts: pl.DataFrame) -> None:
    total = _doc(amounts, "002")[0]
    assert total["surface"] == "17 billion won" and total["role"] == "total"
    assert "parts_mismatch" in total["flags"]
    assert total["amount_krw_adjusted"] is None  # two stories: flag, do not pick one
    assert "on the 5770th" in total["explanation"] and "swapped" in total["explanation"]


def test_document_002_increase_larger_than_its_total(amounts: pl.DataFrame) -> None:
    doc = _doc(amounts, "002")
    sentence = next(r["sentence_idx"] for r in doc if r["surface"] == "KRW 407 billion")
    rows = {r["surface"]: r for r in doc if r["sentence_idx"] == sentence}
    assert set(rows) == {"KRW 407 billion", "KRW 1039 billion"}
    assert rows["KRW 1039 billion"]["role"] == "increase"
    for r in rows.values():
        assert "increase_exceeds_total" in r["flags"]
    assert "inconsistent_repeat" in rows["KRW 1039 billion"]["flags"]
    # "a smart village project worth KRW 407 billion, an increase of KRW 1039 billion": the
    # figures are swapped. 1039 recurs later as the level ("smart villages (KRW 1039
    # billion)"), and the document renders 억 as "billion": the project is 1,039억 = 103.9
    # billion won, the increase 407억 = 40.7 billion won.
    assert rows["KRW 407 billion"]["amount_krw_adjusted"] == pytest.approx(103.9e9)
    assert rows["KRW 1039 billion"]["amount_krw_adjusted"] == pytest.approx(40.7e9)
    assert "swapped" in rows["KRW 407 billion"]["adjustment_reason"]


def test_document_002_parts_reconcile_with_the_5770_total(amounts: pl.DataFrame, seed_corpus: kpolicy.Corpus) -> None:
    rec = reconcile_amounts(amounts)
    schema.validate(rec, "reconciliations")
    raw = dict(seed_corpus.documents.select("doc_id", "raw_text").iter_rows())
    for r in rec.iter_rows(named=True):  # the total's provenance is carried through
        assert raw[r["doc_id"]][r["source_start"] : r["source_end"]] == r["surface"]
    assert rec.select("surface", "parts_surfaces", "parts_sum_krw", "scale_factor", "is_consistent").rows() == [
        ("17 billion won", ["KRW 531 billion", "KRW 1408 billion", "KRW 1656 billion", "KRW 2175 billion"],
         5770e9, None, False),
        ("5770 billion won", ["KRW 531 billion", "KRW 1408 billion", "KRW 1656 billion", "KRW 2175 billion"],
         5770e9, 1.0, True),
    ]
