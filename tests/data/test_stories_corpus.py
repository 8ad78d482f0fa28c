"""One commitment, many articles: the hand-written repeats corpus (tests/data/stories_corpus).

18 invented documents: five announcements each reported 2-3 times (a Korean original and
its machine translation, other outlets' rewrites, a wire story with a dollar conversion,
a syndicated copy with its own headline, byline and footer), and look-alikes that must
stay apart (two regions with the same amount in the same week, one city's two programmes
of the same size in different years, a national programme and a region's share of it).
tests/data/stories_truth.yaml holds the truth, written by hand from the texts.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest
import yaml

import kpolicy
from kpolicy import ledger

HERE = Path(__file__).parent
TRUTH = yaml.safe_load((HERE / "stories_truth.yaml").read_text(encoding="utf-8"))
LEDGER_TRUTH = yaml.safe_load((HERE / "ledger_truth.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def corpus() -> kpolicy.Corpus:
    return kpolicy.load_corpus(HERE / "stories_corpus")


def _groups(stories: pl.DataFrame) -> set[frozenset[str]]:
    return {frozenset(g) for g in stories.group_by("story_id").agg("doc_id")["doc_id"].to_list()}


def test_every_repeat_is_grouped_and_nothing_is_dropped(corpus) -> None:
    st = corpus.facts("stories")
    assert st.height == corpus.documents.height == 18  # grouped, never dropped
    multi = {g for g in _groups(st) if len(g) > 1}
    assert multi == {frozenset(g) for g in TRUTH["stories"]}


def test_look_alikes_stay_in_different_stories_and_commitments(corpus) -> None:
    story = dict(corpus.facts("stories").select("doc_id", "story_id").iter_rows())
    led = corpus.facts("ledger")
    together = {frozenset(ids) for ids in led["doc_ids"].to_list()}
    for a, b in TRUTH["must_not_merge"]:
        assert story[a] != story[b], (a, b)
        assert not any({a, b} <= g for g in together), (a, b)


def test_every_region_total_counts_each_commitment_once(corpus) -> None:
    for basis in ("literal", "adjusted"):
        got = {r["region"]: r for r in ledger.totals(corpus, basis).iter_rows(named=True)}
        assert set(got) == set(TRUTH["regions"])
        for region, want in TRUTH["regions"].items():
            assert got[region]["committed_krw"] == pytest.approx(want["krw"]), (basis, region)
            assert got[region]["n_commitments"] == want["n_commitments"], (basis, region)


def test_each_ledger_row_lists_every_article_and_outlet(corpus) -> None:
    rows = corpus.facts("ledger").to_dicts()
    assert len(rows) == len(TRUTH["commitments"])
    for c in TRUTH["commitments"]:
        match = [r for r in rows if set(r["doc_ids"]) == set(c["documents"])]
        assert len(match) == 1, c["documents"]
        r = match[0]
        assert str(r["region"]) == c["region"] and r["value_krw_literal"] == pytest.approx(c["krw"])
        assert r["n_articles"] == len(c["documents"]) and r["n_outlets"] == c["outlets"]
        if len(c["documents"]) > 1:
            assert r["coreference"], c["documents"]


def test_media_coverage_is_separate_from_money(corpus) -> None:
    from kpolicy import analysis

    cov = {r["region"]: r for r in analysis.media_coverage(corpus.documents, corpus.facts("stories")).iter_rows(named=True)}
    for region, want in TRUTH["regions"].items():
        assert cov[region]["n_articles"] == want["n_articles"], region
    # Busan: four articles, two stories (the 2024 programme in three, the 2022 one in one).
    assert cov["Busan"]["n_stories"] == 2


def test_two_corpora_together_keep_both_truths(tmp_path: Path) -> None:
    """The repeats corpus beside the 24-document ledger corpus: nothing merges across them."""
    for name in ("ledger_corpus", "stories_corpus"):
        for f in (HERE / name).glob("*.txt"):
            shutil.copy(f, tmp_path / f.name)
    catalog = "\n".join((HERE / name / "catalog.yaml").read_text(encoding="utf-8") for name in ("ledger_corpus", "stories_corpus"))
    (tmp_path / "catalog.yaml").write_text(catalog, encoding="utf-8")
    both = kpolicy.load_corpus(tmp_path)
    for basis in ("literal", "adjusted"):
        want: dict[str, float] = {}
        for region, v in LEDGER_TRUTH["regions"].items():
            want[region] = want.get(region, 0) + v[f"{basis}_krw"]
        for region, v in TRUTH["regions"].items():
            want[region] = want.get(region, 0) + v["krw"]
        got = {r["region"]: r["committed_krw"] for r in ledger.totals(both, basis).iter_rows(named=True)}
        assert got == pytest.approx(want), basis
