"""CI runs the benchmark's quick mode to prove it still works: correctness only, no speed."""

from __future__ import annotations

from kpolicy import bench


def test_bench_quick_recovers_every_planted_fact(capsys) -> None:
    assert bench.main(["--quick"]) == 0
    out = capsys.readouterr().out
    assert "raw regex scan" in out and "naive per-sentence loop" in out
    assert "correctness:" in out
