"""Spot checks of the comparative analyses against the seed texts."""

from __future__ import annotations

import polars as pl

from kpolicy import analysis, charts


def test_busan_targets_carry_2030_and_the_dumbbell_pairs(seed_corpus) -> None:
    t = analysis.compare_targets(seed_corpus.facts("targets"), seed_corpus.documents).filter(pl.col("region") == "Busan")
    assert t.height >= 7
    assert set(t["target_year"].to_list()) == {2030}
    pct = {(r["baseline"], r["target"]) for r in t.filter(pl.col("unit") == "pct").iter_rows(named=True)}
    assert {(20.0, 40.0), (10.0, 80.0), (13.0, 23.0)} <= pct
    spec = charts.target_dumbbell(t).to_dict()
    values = next(iter(spec["datasets"].values()))
    assert {(v["baseline"], v["target"]) for v in values} == {(20.0, 40.0), (10.0, 80.0), (13.0, 23.0)}


def test_no_trillion_trillion_figure_reaches_a_total(seed_corpus) -> None:
    amounts, docs = seed_corpus.facts("amounts"), seed_corpus.documents
    assert amounts["amount_krw"].max() >= 1e24  # the literal garble is kept in the fact table
    for basis in ("literal", "adjusted"):
        totals = analysis.money_by_region(amounts, docs, basis=basis, by=("role",))
        assert totals["total_krw"].max() < 1e15, basis
    national = analysis.money_by_region(amounts, docs, basis="literal", by=()).filter(pl.col("region") == "National").row(0, named=True)
    assert national["n_suspect_excluded"] >= 3


def test_similarity_and_keyness_on_seeds(seed_corpus) -> None:
    profile = analysis.region_theme_profile(seed_corpus.facts("themes"), seed_corpus.documents)
    sim = analysis.strategy_similarity(profile)
    assert sim.filter(pl.col("region_a") == pl.col("region_b"))["similarity"].round(9).to_list() == [1.0] * 4
    assert sim["similarity"].is_between(0, 1).all()
    key = analysis.keyness(seed_corpus.sentences, seed_corpus.documents, "Gyeonggi")
    assert "pangyo" in key["term"].to_list()
