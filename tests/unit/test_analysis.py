"""Analysis functions on tiny inline tables, with exact expected values."""

from __future__ import annotations

import math

import polars as pl
import pytest

from kpolicy import analysis, schema
from kpolicy.errors import KpolicyError


def docs(*rows: tuple[str, list[str], int]) -> pl.DataFrame:
    return pl.DataFrame(
        {"doc_id": [r[0] for r in rows], "regions": [r[1] for r in rows], "n_tokens": [r[2] for r in rows],
         "level": [None] * len(rows), "publisher": ["P"] * len(rows), "published_date": [None] * len(rows)},
        schema_overrides={"regions": pl.List(schema.Region), "level": schema.Level, "published_date": pl.Date},
    )


def themes(*rows: tuple[str, int, str]) -> pl.DataFrame:
    return pl.DataFrame(
        {"doc_id": [r[0] for r in rows], "sentence_idx": [r[1] for r in rows], "char_start": list(range(len(rows))),
         "theme_major": [r[2] for r in rows]},
        schema_overrides={"sentence_idx": pl.UInt32},
    )


def amounts(*rows: tuple) -> pl.DataFrame:
    """rows: (doc_id, sentence_idx, surface, amount_krw, is_suspect, adjusted, role)."""
    return pl.DataFrame(
        {
            "doc_id": [r[0] for r in rows], "sentence_idx": [r[1] for r in rows], "char_start": [i * 10 for i in range(len(rows))],
            "char_end": [i * 10 + 5 for i in range(len(rows))], "surface": [r[2] for r in rows], "currency": ["KRW"] * len(rows),
            "amount_krw": [r[3] for r in rows], "is_suspect": [r[4] for r in rows], "amount_krw_adjusted": [r[5] for r in rows],
            "role": [r[6] for r in rows], "flags": [["dup_scale"] if r[4] else [] for r in rows],
            "explanation": ["why" if r[4] else None for r in rows],
        },
        schema_overrides={"sentence_idx": pl.UInt32, "amount_krw_adjusted": pl.Float64, "amount_krw": pl.Float64, "flags": pl.List(pl.String)},
    )


D = docs(("a", ["Busan"], 1000), ("b", ["Incheon"], 500), ("n", ["National"], 2000))


def test_region_theme_profile_rates_and_baseline() -> None:
    t = themes(("a", 0, "ai"), ("a", 1, "ai"), ("a", 1, "data"), ("b", 0, "ai"), ("n", 0, "data"))
    out = analysis.region_theme_profile(t, D)
    busan = {r["theme_major"]: r for r in out.filter(pl.col("region") == "Busan").iter_rows(named=True)}
    assert busan["ai"]["n_mentions"] == 2 and busan["ai"]["per_1000_tokens"] == 2.0
    assert busan["ai"]["baseline_per_1000_tokens"] == pytest.approx(3 * 1000 / 3500)
    assert busan["ai"]["ratio_to_baseline"] == pytest.approx(2.0 / (3000 / 3500))
    inch = {r["theme_major"]: r for r in out.filter(pl.col("region") == "Incheon").iter_rows(named=True)}
    assert inch["data"]["n_mentions"] == 0 and inch["data"]["per_1000_tokens"] == 0.0  # silent regions appear with zero
    assert out["region"].unique(maintain_order=True).to_list() == ["National", "Busan", "Incheon"]  # gazetteer order
    nat = analysis.region_theme_profile(t, D, baseline="National")
    b = nat.filter((pl.col("region") == "Busan") & (pl.col("theme_major") == "data")).row(0, named=True)
    assert b["baseline_per_1000_tokens"] == 0.5 and b["ratio_to_baseline"] == 2.0
    assert nat.filter((pl.col("region") == "Busan") & (pl.col("theme_major") == "ai"))["ratio_to_baseline"][0] is None
    with pytest.raises(KpolicyError, match="baseline region 'Jeju' has no documents"):
        analysis.region_theme_profile(t, D, baseline="Jeju")


def test_strategy_similarity_is_cosine() -> None:
    profile = pl.DataFrame(
        {"region": ["Busan", "Busan", "Incheon", "Incheon"], "theme_major": ["ai", "data"] * 2, "per_1000_tokens": [1.0, 0.0, 1.0, 1.0]}
    )
    out = analysis.strategy_similarity(profile)
    got = {(a, b): s for a, b, s in out.iter_rows()}
    assert got[("Busan", "Busan")] == 1.0
    assert got[("Busan", "Incheon")] == pytest.approx(1 / math.sqrt(2))
    assert got[("Incheon", "Busan")] == pytest.approx(1 / math.sqrt(2))


def test_money_never_sums_unresolved_suspect_figures() -> None:
    a = amounts(
        ("n", 0, "10 trillion trillion won", 1e25, True, 1e13, "investment"),
        ("n", 1, "2 trillion won", 2e12, False, None, "budget"),
        ("n", 2, "KRW 1408 billion", 1.408e12, True, None, "other"),
        ("n", 3, "2 trillion won", 2e12, False, None, "budget"),  # the same figure repeated: counted once
        ("a", 0, "5 billion won", 5e9, False, None, "investment"),
    )
    literal = analysis.money_by_region(a, D, basis="literal", by=())
    nat = literal.filter(pl.col("region") == "National").row(0, named=True)
    assert nat["total_krw"] == 2e12 and nat["n_counted"] == 1 and nat["n_suspect_excluded"] == 2
    adjusted = analysis.money_by_region(a, D, basis="adjusted", by=(), krw_per_usd=1000.0)
    nat = adjusted.filter(pl.col("region") == "National").row(0, named=True)
    assert nat["total_krw"] == 2e12 + 1e13 and nat["n_suspect_excluded"] == 1
    assert nat["total_usd"] == (2e12 + 1e13) / 1000
    busan = adjusted.filter(pl.col("region") == "Busan").row(0, named=True)
    assert busan["per_capita_krw"] == pytest.approx(5e9 / analysis.region_population().filter(pl.col("region") == "Busan")["population"][0])
    by_role = analysis.money_by_region(a, D, by=("role",))
    assert by_role.filter(pl.col("region") == "National").select("role", "total_krw").sort("role").rows() == [
        ("budget", 2e12), ("investment", 0.0), ("other", 0.0)
    ]
    with pytest.raises(KpolicyError, match="unknown amount basis 'raw'; valid: literal, adjusted"):
        analysis.money_by_region(a, D, basis="raw")


def test_money_theme_is_the_sentence_dominant_theme() -> None:
    a = amounts(("a", 0, "5 billion won", 5e9, False, None, "investment"))
    t = themes(("a", 0, "data"), ("a", 0, "ai"), ("a", 0, "ai"))
    out = analysis.money_by_region(a, D, t, by=("theme_major",))
    assert out.select("region", "theme_major", "total_krw").rows() == [("Busan", "ai", 5e9)]


def test_lazy_tables_give_the_same_aggregates(tmp_path) -> None:
    """A streamed run's tables (LazyFrames over Parquet) aggregate to the same results."""
    a = amounts(
        ("n", 0, "10 trillion trillion won", 1e25, True, 1e13, "investment"),
        ("n", 1, "2 trillion won", 2e12, False, None, "budget"),
        ("n", 3, "2 trillion won", 2e12, False, None, "budget"),
        ("a", 0, "5 billion won", 5e9, False, None, "investment"),
        ("b", 1, "7 billion won", 7e9, False, None, None),
    )
    t = themes(("a", 0, "data"), ("a", 0, "ai"), ("a", 0, "ai"), ("b", 1, "ai"), ("n", 1, "data"))
    lazy = {}
    for name, df in {"amounts": a, "documents": D, "themes": t}.items():
        df.write_parquet(tmp_path / f"{name}.parquet")
        lazy[name] = pl.scan_parquet(tmp_path / f"{name}.parquet")
    for basis in ("literal", "adjusted"):
        for by in [("role",), ("theme_major",), ()]:
            eager = analysis.money_by_region(a, D, t, basis=basis, by=by, krw_per_usd=1300.0)
            assert analysis.money_by_region(lazy["amounts"], lazy["documents"], lazy["themes"], basis=basis, by=by, krw_per_usd=1300.0).equals(eager)
        ev = analysis.money_evidence(lazy["amounts"], lazy["documents"], lazy["themes"], basis)
        assert isinstance(ev, pl.LazyFrame)  # as long as the amounts table: collect what you need
        assert ev.collect().equals(analysis.money_evidence(a, D, t, basis))
    for baseline in ("corpus", "National"):
        assert analysis.region_theme_profile(lazy["themes"], lazy["documents"], baseline).equals(analysis.region_theme_profile(t, D, baseline))


def test_money_totals_by_role_do_not_depend_on_themes() -> None:
    a = amounts(("a", 0, "5 billion won", 5e9, False, None, "investment"), ("a", 1, "5 billion won", 5e9, False, None, "investment"))
    t = themes(("a", 0, "data"), ("a", 1, "ai"))
    assert analysis.money_by_region(a, D, t).equals(analysis.money_by_region(a, D))
    assert analysis.money_by_region(a, D, t)["n_counted"].to_list() == [1]  # one figure, repeated


def test_keyness_log_likelihood_matches_hand_computation() -> None:
    sentences = pl.DataFrame(
        {"doc_id": ["a", "a", "b"], "sentence_idx": [0, 1, 0],
         "text": ["harbour harbour harbour logistics", "harbour drones", "airport drones drones logistics"]},
        schema_overrides={"sentence_idx": pl.UInt32},
    )
    out = analysis.keyness(sentences, D, "Busan", min_count=1)
    row = out.filter(pl.col("term") == "harbour").row(0, named=True)
    a, b, c, d = 4.0, 0.0, 6.0, 4.0  # harbour in Busan/Incheon, totals
    e1 = c * (a + b) / (c + d)
    assert row["n_target"] == 4 and row["n_reference"] == 0
    assert row["log_likelihood"] == pytest.approx(2 * a * math.log(a / e1))
    assert row["log_ratio"] == pytest.approx(math.log2((4.5 / 6) / (0.5 / 4)))
    assert out["term"].to_list()[0] == "harbour"
    assert "airport" not in out["term"].to_list()  # over-used by the reference, not the target
    with pytest.raises(KpolicyError, match="no text about region 'Jeju'"):
        analysis.keyness(sentences, D, "Jeju")


def test_term_counts_use_morphemes_and_merge_places() -> None:
    # Written for this test. By hand: 광주, 광주시 and 광주광역시 are one place, Gwangju
    # (three occurrences); 인공지능 is the nouns 인공 + 지능, 키운다 the verb 키우다; 50억 원
    # (number, numeral, currency) and "the"/"and" are not content.
    text = ["광주는 인공지능을 키운다.", "광주시는 50억 원을 쓴다.", "광주광역시 and the harbour"]
    sentences = pl.DataFrame({"doc_id": ["a"] * 3, "sentence_idx": [0, 1, 2], "text": text, "char_start": [0, 15, 32]},
                             schema_overrides={"sentence_idx": pl.UInt32})
    counts = analysis.term_counts(sentences, D)
    got = {(r["term"], r["kind"]): r["n"] for r in counts.iter_rows(named=True)}
    assert got == {("Gwangju", "place"): 3, ("인공", "word"): 1, ("지능", "word"): 1, ("키우다", "word"): 1,
                   ("쓰다", "word"): 1, ("harbour", "word"): 1}


def test_keyness_leaves_out_places_persons_numbers_and_units() -> None:
    sentences = pl.DataFrame(
        {"doc_id": ["a", "a", "a", "b"], "sentence_idx": [0, 1, 2, 0],
         "text": ["Busan Mayor Park Hyung-joon will invest KRW 5 billion in harbour robots in Busan.",
                  "부산시는 항만 로봇에 50억 원을 투자한다.",
                  "Hyung-joon said the harbour robots serve the harbour.",
                  "Incheon builds airports and airport roads near airports."]},
        schema_overrides={"sentence_idx": pl.UInt32},
    )
    terms = set(analysis.keyness(sentences, D, "Busan", min_count=1)["term"])
    # By hand: the words left are mayor, invest, harbour (3), robot (2), 항만, 로봇, 투자 and
    # serve; harbour and robot are over-used against Incheon's six tokens.
    assert terms <= {"mayor", "invest", "harbour", "robot", "항만", "로봇", "투자", "serve"}
    assert {"harbour", "robot"} <= terms
    assert not terms & {"busan", "park", "hyung-joon", "krw", "billion", "5", "부산시", "50", "억", "원"}



def test_kwic_and_evidence() -> None:
    sentences = pl.DataFrame({"doc_id": ["a", "b"], "sentence_idx": [0, 0], "text": ["Busan builds a Smart City hub.", "No match here."]},
                             schema_overrides={"sentence_idx": pl.UInt32})
    k = analysis.kwic(sentences, D, "smart city", window=6)
    assert k.select("doc_id", "left", "match", "right").rows() == [("a", "lds a ", "Smart City", " hub.")]
    facts = pl.DataFrame({"doc_id": ["a"], "sentence_idx": [0], "surface": ["Smart City"], "char_start": [15], "source_start": [15], "source_end": [25]},
                         schema_overrides={"sentence_idx": pl.UInt32})
    ev = analysis.evidence(facts, sentences, D.with_columns(pl.lit("T").alias("title")))
    assert ev.row(0, named=True)["sentence"] == "Busan builds a Smart City hub."


def test_timeline_and_targets_attribution() -> None:
    years = pl.DataFrame({"doc_id": ["a", "a", "b"], "year": [2030, 2019, 2026], "year_role": ["horizon", "past", "target"], "surface": ["2030", "2019", "2026"]},
                         schema_overrides={"year": pl.Int32})
    targets = pl.DataFrame({"doc_id": ["a"], "sentence_idx": [0], "char_start": [3], "surface": ["40%"], "metric": ["R&D share"], "metric_family": ["rd_share"],
                            "baseline": [20.0], "target": [40.0], "unit": ["pct"], "target_year": [2030], "year_source": ["horizon"], "is_annual": [False]},
                           schema_overrides={"sentence_idx": pl.UInt32, "target_year": pl.Int32})
    tl = analysis.timeline(years, D, targets)
    assert tl.select("region", "year", "role", "n_mentions").rows() == [
        ("Busan", 2030, "horizon", 1), ("Busan", 2030, "kpi_target", 1), ("Incheon", 2026, "target", 1)
    ]
    ct = analysis.compare_targets(targets, D)
    assert ct.select("region", "metric_family", "baseline", "target", "target_year").rows() == [("Busan", "rd_share", 20.0, 40.0, 2030)]


def test_coverage_counts_each_region_of_a_document() -> None:
    d = docs(("a", ["Busan", "Ulsan"], 10), ("b", ["Busan"], 10), ("c", [], 10))
    out = analysis.coverage_by_region_level(d)
    assert out.select("region", "n_documents").rows() == [("Busan", 2), ("Ulsan", 1), ("(unknown)", 1)]


def test_a_target_repeated_in_headline_and_body_is_listed_once() -> None:
    targets = pl.DataFrame(
        {"doc_id": ["a", "a", "a"], "sentence_idx": [0, 4, 5], "char_start": [0, 90, 140], "surface": ["1만 명", "1만 명", "40%"],
         "metric": ["인재", "AI 인재", "AI 도입률"], "metric_family": ["talent", "talent", "adoption"], "baseline": [None, None, 15.0],
         "target": [10000.0, 10000.0, 40.0], "unit": ["count", "count", "pct"], "target_year": [2030, 2030, 2030],
         "year_source": ["stated"] * 3, "is_annual": [False] * 3},
        schema_overrides={"sentence_idx": pl.UInt32, "target_year": pl.Int32, "baseline": pl.Float64},
    )
    out = analysis.compare_targets(targets, D)
    assert out.select("metric", "target").rows() == [("AI 도입률", 40.0), ("AI 인재", 10000.0)]
