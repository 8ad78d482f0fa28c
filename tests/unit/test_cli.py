"""The command line: listings in every format, and one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from kpolicy.cli import main


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kpolicy.cli", *args], capture_output=True, text=True)


def write_corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "a.txt").write_text("Ulsan Hydrogen Plan\n\nUlsan City will build hydrogen stations. It opens in 2027.\n")
    (folder / "b.txt").write_bytes(b"")
    return folder


def test_corpus_formats(tmp_path: Path, capsys) -> None:
    corpus = write_corpus(tmp_path / "c")
    assert main(["corpus", "--corpus", str(corpus), "--format", "jsonl"]) == 0
    rows = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [r["doc_id"] for r in rows] == ["a"]
    assert main(["corpus", "--corpus", str(corpus), "--format", "csv"]) == 0
    assert capsys.readouterr().out.startswith("doc_id,path,content_sha256,")
    assert main(["corpus", "--corpus", str(corpus), "--format", "table"]) == 0
    assert "Ulsan Hydrogen Plan" in capsys.readouterr().out
    out = tmp_path / "docs.parquet"
    assert main(["corpus", "--corpus", str(corpus), "--format", "parquet", "--out", str(out)]) == 0
    assert pl.read_parquet(out)["doc_id"].to_list() == ["a"]


def test_sentences_and_rejects(tmp_path: Path, capsys) -> None:
    corpus = write_corpus(tmp_path / "c")
    assert main(["sentences", "--corpus", str(corpus), "--format", "jsonl"]) == 0
    texts = [json.loads(x)["text"] for x in capsys.readouterr().out.splitlines()]
    assert texts == ["Ulsan Hydrogen Plan", "Ulsan City will build hydrogen stations.", "It opens in 2027."]
    assert main(["rejects", "--corpus", str(corpus), "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines() == ["path,reason,detail", "b.txt,empty,The file is empty (0 bytes)."]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["corpus", "--corpus", "/nonexistent/folder"], "kpolicy: error: corpus folder not found: /nonexistent/folder"),
        (["corpus", "--format", "parquet"], "kpolicy: error: --format parquet needs --out FILE"),
        (["corpus", "--format", "xml"], "kpolicy corpus: error: argument --format: invalid choice: 'xml'"),
        (["facts", "budgets"], "kpolicy facts: error: argument kind: invalid choice: 'budgets'"),
        (["report", "--only", "nope"], "kpolicy: error: unknown run 'nope'; valid runs: corpus_overview"),
        (["report", "--jobs", "0"], "kpolicy: error: --jobs must be at least 1"),
    ],
)
def test_errors_are_one_line_without_traceback(args: list[str], message: str) -> None:
    proc = run(*args)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith(message)
    assert "Traceback" not in proc.stderr


def test_schema_command(capsys) -> None:
    assert main(["schema"]) == 0
    assert capsys.readouterr().out.startswith("# kpolicy data dictionary")


def test_bench_takes_every_option_of_python_m_kpolicy_bench() -> None:
    """`kpolicy bench` and `python -m kpolicy.bench` share one option definition."""
    import argparse

    from kpolicy import bench
    from kpolicy.cli import build_parser

    ours = bench.add_arguments(argparse.ArgumentParser())
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)).choices["bench"]

    def options(p: argparse.ArgumentParser) -> dict[str, object]:
        return {a.dest: (tuple(a.option_strings), a.default, a.type, a.choices) for a in p._actions if a.dest != "help"}

    assert options(sub) == options(ours)
    assert {"scale", "format", "jobs", "batch_docs", "workdir", "no_analysis", "docs", "seed", "quick"} <= set(options(ours))


def test_bench_scale_options_are_forwarded(tmp_path: Path, capsys) -> None:
    work = tmp_path / "w"
    args = ["bench", "--scale", "12", "--format", "parquet", "--batch-docs", "5", "--jobs", "1", "--seed", "3",
            "--workdir", str(work), "--no-analysis"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "12 generated documents (seed 3)" in out
    assert "parquet), engine=local, workers=1, batch_docs=5" in out
    assert "3 batches" in out and "analysis over the output" not in out
    assert "correctness: " in out and "FAILED" not in out
    assert (work / "docs.parquet").is_file() and (work / "out" / "amounts").is_dir()  # --workdir kept
