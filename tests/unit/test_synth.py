"""The synthetic corpus generator is deterministic, news-length, and plants what it says."""

from __future__ import annotations

import json
import statistics
from pathlib import Path

import polars as pl

from kpolicy import gazetteer, load_corpus, synth


def test_generate_is_deterministic() -> None:
    a = synth.generate(50, seed=7)
    b = synth.generate(50, seed=7)
    assert [d.text for d in a] == [d.text for d in b]
    assert [d.amounts for d in a] == [d.amounts for d in b] and [d.actors for d in a] == [d.actors for d in b]
    assert [d.text for d in synth.generate(50, seed=8)] != [d.text for d in a]
    assert [d.text for d in synth.iter_docs(50, seed=7)] == [d.text for d in a]


def test_planted_surfaces_occur_in_text_and_languages_mix() -> None:
    docs = synth.generate(200, seed=1)
    for d in docs:
        assert d.amounts, d.doc_id
        for p in d.amounts:
            assert p.surface in d.text
        for a in d.actors:
            if a.name and d.language == "ko":
                assert a.name in d.text
            elif a.name:  # the key is "Kim Minsoo" for "Kim Min-soo"
                assert a.name.split()[0] in d.text
    assert {d.language for d in docs} == {"en", "ko"}
    assert {d.region for d in docs} == set(synth._REGIONS_EN.values())
    assert any(p.is_garble for d in docs for p in d.amounts)
    assert {a.title for d in docs for a in d.actors if a.name} == {"Mayor", "Governor", "Minister"}


def test_sizes_are_news_length_with_a_long_tail() -> None:
    sizes = sorted(len(d.text.encode("utf-8")) for d in synth.iter_docs(3000, seed=0))
    assert 2_700 <= statistics.mean(sizes) <= 3_300  # about 3 KB, like news articles
    assert 2_000 <= statistics.median(sizes) <= 3_200
    assert sum(1_500 <= s <= 4_000 for s in sizes) >= 0.75 * len(sizes)
    assert sizes[-1] >= 20_000 and sizes[-1] <= 41_000  # a few long features
    assert sizes[0] >= 500


def test_generator_names_only_places_and_actors_the_reference_data_knows(tmp_path: Path) -> None:
    """Sub-places belong to the document's region (places.yaml) and every organisation
    name is read as its org by the actors extractor, so the planted facts stay true when
    the reference data is edited."""
    # Sub-places of places.yaml and municipalities.yaml, as the gazetteer reads them.
    place_region = {t.text: t.entry.regions[0] for t in gazetteer.place_terms()}
    for region, places in synth._SUBPLACES.items():
        for en, ko in places:
            assert place_region.get(en) == region, en
            assert place_region.get(ko) == region, ko
    assert set(synth._REGIONAL_AGENCY) == set(synth._HEADS) == set(synth._SUBPLACES) == set(synth._REGIONS_EN.values())

    orgs = [*synth._MINISTRIES, *synth._AGENCIES, *synth._REGIONAL_AGENCY.values()]
    (tmp_path / "en.txt").write_text("Partners\n\n" + "\n".join(f"The {en} took part." for en, _, _ in orgs) + "\n")
    (tmp_path / "ko.txt").write_text("참여 기관\n\n" + "\n".join(f"{ko}도 참여했다." for _, ko, _ in orgs) + "\n")
    actors = load_corpus(tmp_path).facts("actors")
    for doc_id in ("en", "ko"):
        found = actors.filter(pl.col("doc_id") == doc_id).group_by("sentence_idx").agg("org")
        by_sentence = {i: set(o) for i, o in found.iter_rows()}
        for i, (_, _, org) in enumerate(orgs, start=1):
            assert org in by_sentence.get(i, set()), (doc_id, org)


def test_write_corpus_loads_without_rejects(tmp_path: Path) -> None:
    docs = synth.write_corpus(tmp_path, 30, seed=2)
    corpus = load_corpus(tmp_path)
    assert corpus.documents.height == 30 and corpus.rejects.height == 0
    planted = [json.loads(line) for line in (tmp_path / synth.PLANTED_FILE).read_text().splitlines()]
    assert [p["doc_id"] for p in planted] == [d.doc_id for d in docs]
    assert planted[0]["actors"] == [{"org": a.org, "name": a.name, "title": a.title} for a in docs[0].actors]


def test_write_records_streams_the_same_documents(tmp_path: Path) -> None:
    written = synth.write_records(tmp_path / "docs.parquet", 45, seed=4, chunk_docs=20)
    docs = synth.generate(45, seed=4)
    got = pl.read_parquet(written.path)
    assert got["doc_id"].to_list() == [d.doc_id for d in docs]
    assert got["text"].to_list() == [d.text for d in docs]
    assert written.n_bytes == sum(len(d.text.encode("utf-8")) for d in docs)
    planted = [json.loads(line) for line in written.planted.read_text(encoding="utf-8").splitlines()]
    assert planted == [synth.planted_record(d) for d in docs]
    assert not list(tmp_path.glob(".docs.parquet.chunk*"))  # temporary chunks removed


# ---- the grammar-driven money corpus ---------------------------------------------------


def test_money_truth_spans_match_the_text_exactly() -> None:
    docs = synth.generate_money(80, seed=3)
    truth = synth.truth_table(docs)
    assert truth.height > 600
    text = {d.doc_id: d.text for d in docs}
    for t in truth.iter_rows(named=True):
        assert text[t["doc_id"]][t["char_start"]:t["char_end"]] == t["surface"], t
        if t["kind"] == "negative":
            assert t["value"] is None and t["currency"] is None
        else:
            assert t["value"] is not None and t["currency"] and t["bound"] in synth.BOUNDS
        if t["kind"] == "garble":
            assert t["garble_pattern"] and t["intended_value"] is not None and t["group"] is not None
    # Open bounds leave their open side empty; closed ranges have low < high.
    rows = truth.filter(pl.col("kind") == "amount")
    assert rows.filter((pl.col("bound") == "at_least") & pl.col("high").is_not_null()).height == 0
    assert rows.filter((pl.col("bound") == "at_most") & pl.col("low").is_not_null()).height == 0
    assert rows.filter(pl.col("category") == "ranges").select((pl.col("low") < pl.col("high")).all()).item()
    # News documents get truth rows too, located in their text.
    news = synth.generate(20, seed=1)
    news_truth = synth.truth_table(news)
    assert news_truth.height == sum(len(d.amounts) for d in news)
    by_id = {d.doc_id: d.text for d in news}
    assert all(by_id[t["doc_id"]][t["char_start"]:t["char_end"]] == t["surface"] for t in news_truth.iter_rows(named=True))


def test_money_corpus_plants_every_form_negative_and_garble_of_the_spec() -> None:
    spec = synth.load_money_spec()
    assert {f["category"] for f in spec.forms} == set(synth.MONEY_CATEGORIES)
    assert {g["type"] for g in spec.negatives} == set(synth.NEGATIVE_TYPES)
    assert {g["pattern"] for g in spec.garbles} >= {"eok_as_billion", "duplicated_scale", "year_as_amount", "total_below_parts", "headline_differs"}
    truth = synth.truth_table(synth.generate_money(60, seed=0))
    assert set(truth.filter(pl.col("kind") == "amount")["form"]) >= {f["name"] for f in spec.forms}
    assert set(truth.filter(pl.col("kind") == "negative")["form"]) == {g["name"] for g in spec.negatives}
    assert set(truth.filter(pl.col("kind") == "garble")["form"]) == {g["name"] for g in spec.garbles}


def test_money_garbles_are_planted_from_a_clean_figure() -> None:
    truth = synth.truth_table(synth.generate_money(60, seed=2)).filter(pl.col("kind") == "garble")
    for t in truth.iter_rows(named=True):
        if t["garble_pattern"] == "eok_as_billion":  # 1408억 written as "KRW 1408 billion"
            assert t["value"] == 10 * t["intended_value"] and t["value"] >= 1000e9
        elif t["garble_pattern"] == "duplicated_scale":
            assert "trillion trillion" in t["surface"] or "billion billion" in t["surface"]
        elif t["garble_pattern"] == "year_as_amount":
            assert 2019e9 <= t["value"] <= 2030e9 and t["value"] != t["intended_value"]
        elif t["garble_pattern"] == "total_below_parts":
            assert t["value"] * 10 == t["intended_value"]


def test_money_corpus_is_reproducible_with_a_seed(tmp_path: Path) -> None:
    a, b = synth.generate_money(30, seed=5), synth.generate_money(30, seed=5)
    assert [d.text for d in a] == [d.text for d in b] and [d.truth for d in a] == [d.truth for d in b]
    assert [d.text for d in synth.generate_money(30, seed=6)] != [d.text for d in a]
    written = synth.write_money_corpus(tmp_path, 30, seed=5)
    assert [d.text for d in written] == [d.text for d in a]
    assert (tmp_path / "money_00000.txt").read_text(encoding="utf-8") == a[0].text
    lines = (tmp_path / synth.TRUTH_FILE).read_text(encoding="utf-8").splitlines()
    assert len(lines) == sum(len(d.truth) for d in a)


def test_the_money_spec_is_checked_on_load(tmp_path: Path) -> None:
    import pytest

    bad = synth.MONEY_SPEC_FILE.read_text(encoding="utf-8").replace("name: en_million_won,", "name: en_trillion_won,")
    (tmp_path / "bad.yaml").write_text(bad, encoding="utf-8")
    with pytest.raises(ValueError, match="duplicate name en_trillion_won"):
        synth.load_money_spec(tmp_path / "bad.yaml")
    assert synth._calc("a * 1e8 + b * 1e7", {"a": 2, "b": 4}) == 2.4e8
    assert synth._cut_spans("about [[5 billion won]] and [[6 won]]") == ("about 5 billion won and 6 won", [(6, 19), (24, 29)])
