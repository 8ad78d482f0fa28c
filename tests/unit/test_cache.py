"""The Parquet cache returns exactly what a fresh load does, and never a stale table."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kpolicy import load_corpus, paths

TEXT = "Ulsan Hydrogen Plan\n\nUlsan City will invest 50 billion won in hydrogen by 2027.\n"


@pytest.fixture()
def cache_dir(tmp_path: Path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setattr(paths, "CACHE_DIR", folder)
    return folder


def test_cached_tables_equal_fresh_ones(tmp_path: Path, cache_dir: Path) -> None:
    corpus_dir = tmp_path / "c"
    corpus_dir.mkdir()
    (corpus_dir / "a.txt").write_text(TEXT)
    (corpus_dir / "b.txt").write_bytes(b"")
    fresh = load_corpus(corpus_dir)
    first = load_corpus(corpus_dir, cache=True)
    first.facts("amounts")
    second = load_corpus(corpus_dir, cache=True)
    assert len(list(cache_dir.iterdir())) == 1
    for name in ("documents", "sentences", "rejects", "duplicates", "offsets"):
        assert getattr(second, name).equals(getattr(fresh, name)), name
    assert second.facts("amounts").equals(fresh.facts("amounts"))
    assert second.files_found == fresh.files_found == 2


def test_changed_file_gets_a_new_key(tmp_path: Path, cache_dir: Path) -> None:
    corpus_dir = tmp_path / "c"
    corpus_dir.mkdir()
    doc = corpus_dir / "a.txt"
    doc.write_text(TEXT)
    assert load_corpus(corpus_dir, cache=True).documents["title"][0] == "Ulsan Hydrogen Plan"
    doc.write_text(TEXT.replace("Ulsan Hydrogen Plan", "Ulsan Hydrogen Roadmap"))
    os.utime(doc, ns=(1, 1))  # even with an old timestamp the size differs
    assert load_corpus(corpus_dir, cache=True).documents["title"][0] == "Ulsan Hydrogen Roadmap"
    assert len(list(cache_dir.iterdir())) == 2
