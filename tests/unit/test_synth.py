"""The synthetic corpus generator is deterministic and plants what it says."""

from __future__ import annotations

import json
from pathlib import Path

from kpolicy import load_corpus, synth


def test_generate_is_deterministic() -> None:
    a = synth.generate(50, seed=7)
    b = synth.generate(50, seed=7)
    assert [d.text for d in a] == [d.text for d in b]
    assert [d.text for d in synth.generate(50, seed=8)] != [d.text for d in a]


def test_planted_surfaces_occur_in_text_and_languages_mix() -> None:
    docs = synth.generate(200, seed=1)
    for d in docs:
        for p in d.amounts:
            assert p.surface in d.text
    langs = {d.language for d in docs}
    assert langs == {"en", "ko"}
    sizes = sorted(len(d.text) for d in docs)
    assert sizes[-1] > 5 * sizes[len(sizes) // 2]  # a long tail


def test_write_corpus_loads_without_rejects(tmp_path: Path) -> None:
    docs = synth.write_corpus(tmp_path, 30, seed=2)
    corpus = load_corpus(tmp_path)
    assert corpus.documents.height == 30 and corpus.rejects.height == 0
    planted = [json.loads(line) for line in (tmp_path / synth.PLANTED_FILE).read_text().splitlines()]
    assert [p["doc_id"] for p in planted] == [d.doc_id for d in docs]
