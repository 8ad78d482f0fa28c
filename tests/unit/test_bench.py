"""CI runs the benchmark's quick mode to prove it still works: correctness only, no speed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kpolicy import bench, pipeline, schema, synth


def test_bench_quick_recovers_every_planted_fact(capsys) -> None:
    assert bench.main(["--quick"]) == 0
    out = capsys.readouterr().out
    assert "raw regex scan" in out and "one call per sentence" in out
    assert "correctness:" in out and "planted officials and organisations found" in out
    assert "analysis over the output (lazy, streaming)" in out
    assert "money correctness on" in out and "per-form recall" in out and "hard negatives" in out
    assert "clean-flag rate" in out and "garble recall" in out and "flag precision" in out
    assert "money aims: clean-flag rate" in out  # reported, met or MISSED; not a failure without --strict-money
    assert "FAILED" not in out


def test_checks_at_scale_agree_with_the_in_memory_ones_chunk_by_chunk(tmp_path: Path) -> None:
    written = synth.write_records(tmp_path / "docs.jsonl", 40, seed=11)
    pipeline.run(written.path, tmp_path / "out", batch_docs=16, progress=False, kinds=["amounts", "actors"])
    tables = pipeline.read_tables(tmp_path / "out")
    docs = synth.generate(40, seed=11)
    actors = bench.check_planted_actors(tables["actors"].collect(), docs)
    amounts = bench.check_planted(tables["amounts"].collect(), docs)
    for chunk_docs in (7, 40, 1000):  # the planted file read in 6 chunks, 1 chunk, 1 partial chunk
        assert bench.check_planted_actors_lazy(tables["actors"], written.planted, chunk_docs) == actors
        assert bench.check_planted_lazy(tables["amounts"], written.planted, chunk_docs) == amounts
    assert actors["actors"] > 100 and actors["actors_found"] == actors["actors"]
    assert amounts["planted"] > 100 and amounts["found"] == amounts["planted"]


def test_a_missed_actor_fails_the_check() -> None:
    docs = synth.generate(3, seed=1)
    counts = bench.check_planted_actors(schema.get("actors").empty(), docs)
    assert counts["actors"] == sum(len(d.actors) for d in docs) and counts["actors_found"] == 0
    assert not bench._correct({"planted": 1, "found": 1, "garbles": 0, "garbles_flagged": 0, **counts})
    assert bench._correct({"planted": 1, "found": 1, "garbles": 0, "garbles_flagged": 0})



def _truth(rows: list[dict]):
    import polars as pl

    base = {k: None for k in synth.truth_schema()}
    return pl.DataFrame([{**base, "language": "en", "surface": "x", **r} for r in rows], schema=synth.truth_schema())


def _found(rows: list[tuple]):
    import polars as pl

    cols = ["doc_id", "char_start", "char_end", "currency", "value_native", "value_low_native", "value_high_native", "is_suspect"]
    return pl.DataFrame(rows, schema=dict(zip(cols, [pl.String, pl.Int64, pl.Int64, pl.String, pl.Float64, pl.Float64, pl.Float64, pl.Boolean])), orient="row")


def _hand_truth():
    amount = {"kind": "amount", "category": "plain", "bound": "exact"}
    return _truth([
        {"doc_id": "d", "char_start": 0, "char_end": 10, "form": "f1", "currency": "KRW", "value": 100.0, "low": 100.0, "high": 100.0, **amount},
        {"doc_id": "d", "char_start": 20, "char_end": 30, "form": "f2", "currency": "USD", "value": 5.0, "low": 5.0, "high": 5.0, **amount},
        {"doc_id": "d", "char_start": 40, "char_end": 50, "form": "f3", "currency": "KRW", "value": 10.0, "low": 10.0, "high": 20.0, **amount},
        {"doc_id": "d", "char_start": 60, "char_end": 70, "form": "n1", "kind": "negative", "category": "area"},
        {"doc_id": "d", "char_start": 80, "char_end": 90, "form": "g", "kind": "garble", "category": "garble", "currency": "KRW",
         "value": 1e24, "bound": "exact", "garble_pattern": "duplicated_scale", "intended_value": 1e12, "group": 1},
        {"doc_id": "d", "char_start": 100, "char_end": 110, "form": "g:context", "kind": "amount", "category": "garble_context",
         "currency": "KRW", "value": 50.0, "low": 50.0, "high": 50.0, "bound": "exact", "garble_pattern": "duplicated_scale", "group": 1},
        {"doc_id": "e", "char_start": 0, "char_end": 5, "form": "h", "kind": "garble", "category": "garble", "currency": "KRW",
         "value": 9.0, "bound": "exact", "garble_pattern": "eok_as_billion", "intended_value": 0.9, "group": 1},
    ])


def test_money_scorer_arithmetic_on_a_hand_made_table() -> None:
    found = _found([
        ("d", 0, 10, "KRW", 100.0, 100.0, 100.0, False),  # f1, right
        ("d", 2, 8, "KRW", 100.0, 100.0, 100.0, True),  # a second piece of f1, flagged: split extra, clean flag
        ("d", 20, 30, "USD", 6.0, 6.0, 6.0, False),  # f2 detected, value 20 % off
        ("d", 40, 50, "KRW", 10.0, 10.0, 20.0, False),  # f3, the range right
        ("d", 60, 65, "KRW", 3.0, 3.0, 3.0, True),  # on the area negative, flagged
        ("d", 80, 90, "KRW", 1e24, 1e24, 1e24, True),  # the garble, flagged
        ("d", 200, 210, "KRW", 1.0, 1.0, 1.0, False),  # where nothing was planted
    ])
    m = bench.score_money(_hand_truth(), found)
    # Planted amounts: f1, f2, f3 and the garble's context amount (not found).
    assert (m.amounts, m.detected, m.correct) == (4, 3, 2)
    assert m.recall == 0.5 and m.value_accuracy == 2 / 3
    assert (m.rows, m.matched_rows) == (7, 4) and m.precision == 4 / 7
    assert m.extras == {"split": 1, "negative:area": 1, "unplanted": 1}
    assert (m.clean_flagged, m.clean_detected) == (1, 3) and m.clean_flag_rate == 1 / 3
    assert (m.garbles_flagged, m.garbles) == (1, 2) and m.garble_recall == 0.5
    assert (m.suspect_rows_right, m.suspect_rows) == (1, 3) and m.flag_precision == 1 / 3
    forms = {r["form"]: r for r in m.per_form.iter_rows(named=True)}
    assert (forms["f1"]["correct"], forms["f1"]["clean_flags"], forms["f2"]["recall"], forms["f3"]["recall"]) == (1, 1, 0.0, 1.0)
    assert (forms["g:context"]["planted"], forms["g:context"]["detected"]) == (1, 0)
    assert m.negatives.rows() == [("area", 1, 1)]
    assert m.per_garble.rows() == [("duplicated_scale", 1, 1), ("eok_as_billion", 1, 0)]
    assert not m.aims_met() and m.verdict().count("MISSED") == 2


def test_money_scorer_meets_the_aims_on_a_perfect_reading() -> None:
    import polars as pl

    truth = _hand_truth().filter(pl.col("doc_id") != "e")
    found = _found([
        ("d", 0, 10, "KRW", 100.0, 100.0, 100.0, False),
        ("d", 20, 30, "USD", 5.01, 5.01, 5.01, False),  # within 0.5 %
        ("d", 40, 50, "KRW", 10.0, 10.0, 20.0, False),
        ("d", 80, 90, "KRW", 1e24, 1e24, 1e24, True),
        ("d", 100, 110, "KRW", 50.0, 50.0, 50.0, True),  # the context of the garble, flagged: a right flag
    ])
    m = bench.score_money(truth, found)
    assert m.recall == 1.0 and m.precision == 1.0 and m.extras == {}
    assert m.clean_flag_rate == 0.0 and m.garble_recall == 1.0 and m.flag_precision == 1.0
    assert m.aims_met() and "MISSED" not in m.verdict() and m.verdict().count("met") == 2


def test_goals_option_refuses_tiny_sizes(capsys) -> None:
    from kpolicy.cli import main

    assert main(["bench", "--goals", "--goal-docs", "5"]) == 2
    assert "--goal-docs and --goal-pipeline-docs must be at least 10" in capsys.readouterr().err


def test_previous_release_is_extracted_from_git() -> None:
    from kpolicy import bench

    root = bench.previous_release(bench.PREVIOUS_RELEASE)
    if root is None:
        pytest.skip("not a git checkout with the previous release's commit (a source archive)")
    try:
        assert (root / "kpolicy" / "corpus.py").is_file()
        assert not (root / "kpolicy" / "cluster.py").exists()  # the Dask engine came after it
    finally:
        shutil.rmtree(root)
