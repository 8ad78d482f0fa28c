"""load_corpus(count_tokens=False) skips only documents.n_tokens; `kpolicy facts` uses it."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from kpolicy import load_corpus
from kpolicy.cli import main


def _corpus(folder: Path) -> Path:
    folder.mkdir()
    (folder / "ko.txt").write_text("부산시는 인공지능 데이터센터에 50억원을 투자한다.\n\n시는 일자리 300개를 만든다.\n", encoding="utf-8")
    (folder / "en.txt").write_text("Daegu will spend 12 billion won on robot factories.\n", encoding="utf-8")
    return folder


def test_only_n_tokens_is_skipped(tmp_path: Path) -> None:
    folder = _corpus(tmp_path / "c")
    full, fast = load_corpus(folder), load_corpus(folder, count_tokens=False)
    assert full.documents["n_tokens"].null_count() == 0 and full.documents["n_tokens"].min() > 0
    assert fast.documents["n_tokens"].null_count() == 2
    assert fast.documents.drop("n_tokens").equals(full.documents.drop("n_tokens"))
    assert fast.sentences.equals(full.sentences) and fast.offsets.equals(full.offsets)
    assert fast.facts("amounts").equals(full.facts("amounts"))


def test_facts_command_output_is_unchanged(tmp_path: Path) -> None:
    folder = _corpus(tmp_path / "c")
    out = tmp_path / "amounts.parquet"
    assert main(["facts", "amounts", "--corpus", str(folder), "--format", "parquet", "--out", str(out)]) == 0
    assert pl.read_parquet(out).equals(load_corpus(folder).facts("amounts"))
