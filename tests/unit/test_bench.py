"""CI runs the benchmark's quick mode to prove it still works: correctness only, no speed."""

from __future__ import annotations

from pathlib import Path

from kpolicy import bench, pipeline, schema, synth


def test_bench_quick_recovers_every_planted_fact(capsys) -> None:
    assert bench.main(["--quick"]) == 0
    out = capsys.readouterr().out
    assert "raw regex scan" in out and "naive per-sentence loop" in out
    assert "correctness:" in out and "planted officials and organisations found" in out
    assert "analysis over the output (lazy, streaming)" in out
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

