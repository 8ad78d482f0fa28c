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
    # Distinctive words, not names: Pangyo (a place) was the top term before places were
    # left out (issue step 10); care and knowledge-industry words remain.
    assert "pangyo" not in key["term"].to_list() and "knowledge" in key["term"].to_list()


def test_seed_keyness_has_no_place_person_or_unit_terms(seed_corpus) -> None:
    from kpolicy import gazetteer

    regions = ["National", "Incheon", "Busan", "Gyeonggi"]
    key = analysis.keyness_by_region(seed_corpus.sentences, seed_corpus.documents, regions, top=25, min_count=2)
    terms = set(key["term"].to_list())
    place_words = {t.text.lower() for t in gazetteer.geo_terms() if " " not in t.text} | {"south", "metropolitan", "gyeonggi-do"}
    names = seed_corpus.facts("actors").drop_nulls("name")["name"].to_list()
    name_words = {p.lower() for n in names for p in n.split()} | {"hyung-joon", "nam-chun", "yun-gyu", "hyun-gon"}
    units = {"krw", "won", "billion", "trillion", "million", "percent", "usd", "dollar"}
    assert terms, "keyness found no terms"
    assert not terms & place_words, terms & place_words
    assert not terms & name_words, terms & name_words
    assert not terms & units
    assert not any(t.replace(",", "").replace(".", "").isdigit() for t in terms)
