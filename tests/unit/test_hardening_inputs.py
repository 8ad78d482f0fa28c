"""Issue 12, second pass: Unicode provenance, duplicates in other encodings, exact catalog
keys, rejects instead of crashes, exit 3 unreachable from input, and cache integrity.

Each test reproduces a case of the issue that failed before its fix.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import polars as pl
import pytest

from kpolicy.corpus import load_corpus
from kpolicy.normalize import normalize_mapped

# ---------------------------------------------------------------------------------
# 5. Unicode: provenance is exact for NFD, NFC and mixed input
# ---------------------------------------------------------------------------------

KO = "부산시는 AI 산업에 5억 원을 투자한다.\n울산시는 수소 충전소에 300억원을 들인다.\n"


def _nfd(s: str) -> str:
    return unicodedata.normalize("NFD", s)


def _mixed(s: str) -> str:
    # Every other syllable decomposed, and one syllable half-composed (LV + T).
    out = []
    for i, ch in enumerate(s):
        d = _nfd(ch)
        out.append(d if i % 2 else ch)
    return "".join(out).replace("원", "워\u11ab")


@pytest.mark.parametrize("form", ["nfc", "nfd", "mixed"])
def test_source_spans_cover_whole_characters(form: str) -> None:
    raw = {"nfc": KO, "nfd": _nfd(KO), "mixed": _mixed(KO)}[form]
    m = normalize_mapped(raw)
    assert m.text == unicodedata.normalize("NFC", KO).strip()
    for i, ch in enumerate(m.text):
        start, end = m.src[i], m.end_of(i)
        # The source span of every normalised character is the whole original character.
        assert unicodedata.normalize("NFC", raw[start:end]) == ch, (i, ch, raw[start:end])


@pytest.mark.parametrize("form", ["nfd", "mixed"])
def test_nfd_amounts_round_trip(tmp_path: Path, form: str) -> None:
    raw = {"nfd": _nfd(KO), "mixed": _mixed(KO)}[form]
    (tmp_path / "busan.txt").write_text("부산 AI 계획\n\n" + raw, encoding="utf-8")
    corpus = load_corpus(tmp_path, infer_regions=False)
    amounts = corpus.facts("amounts")
    assert "5억 원" in amounts["surface"].to_list()
    corpus.check_offsets(amounts)
    corpus.check_offsets()  # sentences
    text_raw = corpus.documents["raw_text"][0]
    for row in amounts.iter_rows(named=True):
        src = text_raw[row["source_start"] : row["source_end"]]
        assert unicodedata.normalize("NFC", src) == row["surface"]
