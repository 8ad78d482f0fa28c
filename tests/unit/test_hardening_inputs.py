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


def test_ascii_letter_with_combining_mark_is_composed() -> None:
    # "e" + U+0301: the starter is ASCII, so a pass over non-ASCII runs alone left the mark
    # apart and a span ending on it did not round-trip (found by the fuzz test in CI).
    raw = "create 10 jobs in Montre\u0301al cafe\u0301"
    m = normalize_mapped(raw)
    assert m.text == "create 10 jobs in Montr\u00e9al caf\u00e9"
    for i, ch in enumerate(m.text):
        assert unicodedata.normalize("NFC", raw[m.src[i] : m.end_of(i)]) == ch, (i, ch)


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


# ---------------------------------------------------------------------------------
# 5. Unicode: the same article in four encodings is one document and three duplicates
# ---------------------------------------------------------------------------------

ARTICLE = "부산 AI 계획\n\n부산시는 2027년까지 AI 산업에 500억 원을 투자한다.\n시는 인재 양성에 힘쓴다.\n"


def test_same_article_in_four_encodings_is_one_document(tmp_path: Path) -> None:
    (tmp_path / "a_utf8.txt").write_bytes(ARTICLE.encode("utf-8"))
    (tmp_path / "b_bom.txt").write_bytes(b"\xef\xbb\xbf" + ARTICLE.encode("utf-8"))
    (tmp_path / "c_crlf.txt").write_bytes(ARTICLE.replace("\n", "\r\n").encode("utf-8"))
    (tmp_path / "d_utf16.txt").write_bytes(ARTICLE.encode("utf-16"))
    (tmp_path / "e_nfd.txt").write_bytes(unicodedata.normalize("NFD", ARTICLE).encode("utf-8"))
    (tmp_path / "f_copy.txt").write_bytes(ARTICLE.encode("utf-8"))
    corpus = load_corpus(tmp_path, infer_regions=False)
    corpus.check_accounting()
    assert corpus.documents["doc_id"].to_list() == ["a_utf8"]
    dups = {r["path"]: r for r in corpus.duplicates.iter_rows(named=True)}
    assert set(dups) == {"b_bom.txt", "c_crlf.txt", "d_utf16.txt", "e_nfd.txt", "f_copy.txt"}
    assert all(r["duplicate_of"] == "a_utf8" for r in dups.values())
    assert dups["f_copy.txt"]["reason"] == "same_bytes"
    assert {p: r["reason"] for p, r in dups.items() if p != "f_copy.txt"} == dict.fromkeys(
        ["b_bom.txt", "c_crlf.txt", "d_utf16.txt", "e_nfd.txt"], "same_text"
    )
    assert "byte-order mark" in dups["b_bom.txt"]["detail"]
    assert "CRLF" in dups["c_crlf.txt"]["detail"]
    assert "UTF-16" in dups["d_utf16.txt"]["detail"]
    assert "NFD" in dups["e_nfd.txt"]["detail"]
    # Busan's money is counted once.
    assert corpus.facts("amounts").height == 1


def test_same_text_records_are_duplicates(tmp_path: Path) -> None:
    import json

    from kpolicy.corpus import open_source

    path = tmp_path / "docs.jsonl"
    path.write_text(
        json.dumps({"doc_id": "a", "text": ARTICLE}) + "\n"
        + json.dumps({"doc_id": "b", "text": unicodedata.normalize("NFD", ARTICLE).replace("\n", "\r\n")}) + "\n",
        encoding="utf-8",
    )
    items = list(open_source(path).items())
    assert [k for k, _ in items] == ["document", "duplicate"]
    dup = items[1][1]
    assert dup["reason"] == "same_text" and dup["duplicate_of"] == "a"
    assert "CRLF" in dup["detail"] and "NFD" in dup["detail"]


# ---------------------------------------------------------------------------------
# 2. Catalog keys match relative paths exactly
# ---------------------------------------------------------------------------------

GOOD = "Ulsan Hydrogen Plan\n\nUlsan City will invest 5 billion won in hydrogen stations by 2027.\n"


def _titles(corpus) -> dict[str, str]:
    return dict(zip(corpus.documents["path"], corpus.documents["title"]))


def test_a_catalog_key_does_not_apply_to_a_file_in_a_subfolder(tmp_path: Path) -> None:
    from kpolicy.errors import KpolicyError

    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "report.txt").write_text(GOOD)
    (tmp_path / "catalog.yaml").write_text("report:\n  title: Curated for the top-level report\n")
    with pytest.raises(KpolicyError, match=r"catalog\.yaml:1: catalog entry 'report' matches no file"):
        load_corpus(tmp_path, infer_regions=False)
    from kpolicy.corpus import open_source

    with pytest.raises(KpolicyError, match=r"catalog\.yaml:1: catalog entry 'report' matches no file"):
        open_source(tmp_path)


def test_catalog_keys_are_paths_without_suffix(tmp_path: Path) -> None:
    from kpolicy.corpus import open_source

    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "report.txt").write_text(GOOD)
    (tmp_path / "report.txt").write_text(GOOD.replace("5 billion", "6 billion"))
    (tmp_path / "catalog.yaml").write_text("report:\n  title: Top\na/report:\n  title: Sub\n")
    corpus = load_corpus(tmp_path, infer_regions=False)
    assert _titles(corpus) == {"a/report.txt": "Sub", "report.txt": "Top"}
    items = [item for kind, item in open_source(tmp_path).items() if kind == "document"]
    assert {d.path: d.curated["title"] for d in items} == {"a/report.txt": "Sub", "report.txt": "Top"}


# ---------------------------------------------------------------------------------
# 4. A bad record, page or row group becomes a reject and the run goes on
# ---------------------------------------------------------------------------------


def test_a_bad_published_date_in_record_7_is_a_reject(tmp_path: Path) -> None:
    import json

    from kpolicy import pipeline

    lines = [{"doc_id": f"d{i}", "text": f"Busan will invest {i + 1} billion won in AI by 2027.", "published_date": "2025-03-01"} for i in range(10)]
    lines[6]["published_date"] = "2025-13-45"
    lines[8]["regions"] = 5  # not a list: a reject too, not a TypeError
    source = tmp_path / "docs.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in lines))
    summary = pipeline.run(source, tmp_path / "out")
    assert (summary.documents, summary.rejects) == (8, 2)
    rejects = pipeline.read_tables(tmp_path / "out")["rejects"].collect().sort("path")
    assert rejects["path"].to_list() == ["docs.jsonl:7", "docs.jsonl:9"]
    assert set(rejects["reason"].to_list()) == {"invalid_record"}
    assert "published_date" in rejects["detail"][0] and "'d6'" in rejects["detail"][0]
    assert "regions" in rejects["detail"][1]


def _corrupt_parquet(path: Path, rows: int = 3000, group: int = 1000) -> None:
    df = pl.DataFrame({
        "doc_id": [f"d{i}" for i in range(rows)],
        "text": [f"Seoul will invest {i + 1} billion won in AI by 2027. Doc {i}." * 2 for i in range(rows)],
    })
    df.write_parquet(path, row_group_size=group, compression="uncompressed", statistics=False)
    data = bytearray(path.read_bytes())
    mid = len(data) // 2  # inside the second row group's text page
    data[mid : mid + 200] = b"\xff" * 200
    path.write_bytes(bytes(data))


def test_a_corrupt_parquet_row_group_is_a_reject_and_the_rest_loads(tmp_path: Path) -> None:
    from kpolicy import pipeline

    source = tmp_path / "docs.parquet"
    _corrupt_parquet(source)
    summary = pipeline.run(source, tmp_path / "out", batch_docs=500)
    assert (summary.documents, summary.rejects) == (2000, 1)
    tables = pipeline.read_tables(tmp_path / "out")
    reject = tables["rejects"].collect().row(0, named=True)
    assert reject["path"] == "docs.parquet#row_group_1" and reject["reason"] == "unreadable"
    assert "Row group 1" in reject["detail"] and "1,000" in reject["detail"]
    ids = tables["documents"].select("doc_id").collect()["doc_id"].to_list()
    assert ids[0] == "d0" and ids[-1] == "d2999" and "d1000" not in ids


# ---------------------------------------------------------------------------------
# 7. Cache integrity: keyed by content, checked on read
# ---------------------------------------------------------------------------------


@pytest.fixture()
def cache_dir(tmp_path: Path, monkeypatch) -> Path:
    from kpolicy import paths

    folder = tmp_path / "cache"
    monkeypatch.setattr(paths, "CACHE_DIR", folder)
    return folder


def test_an_in_place_edit_with_the_mtime_restored_gives_fresh_facts(tmp_path: Path, cache_dir: Path) -> None:
    import os

    corpus_dir = tmp_path / "c"
    corpus_dir.mkdir()
    doc = corpus_dir / "a.txt"
    doc.write_text(GOOD)
    st = doc.stat()
    assert load_corpus(corpus_dir, cache=True).facts("amounts")["amount_krw"].to_list() == [5e9]
    doc.write_text(GOOD.replace("5 billion", "7 billion"))  # same size
    os.utime(doc, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert doc.stat().st_size == st.st_size and doc.stat().st_mtime_ns == st.st_mtime_ns
    assert load_corpus(corpus_dir, cache=True).facts("amounts")["amount_krw"].to_list() == [7e9]


def test_a_tampered_cache_entry_is_detected_and_rebuilt(tmp_path: Path, cache_dir: Path, capsys) -> None:
    corpus_dir = tmp_path / "c"
    corpus_dir.mkdir()
    (corpus_dir / "a.txt").write_text(GOOD)
    load_corpus(corpus_dir, cache=True).facts("amounts")
    (entry,) = list(cache_dir.rglob("amounts.parquet"))
    tampered = pl.read_parquet(entry).with_columns(pl.lit(7.77e14).alias("amount_krw"))
    tampered.write_parquet(entry)
    capsys.readouterr()
    amounts = load_corpus(corpus_dir, cache=True).facts("amounts")
    assert amounts["amount_krw"].to_list() == [5e9]
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "amounts.parquet" in err and "checksum" in err and "rebuil" in err
    # The rebuilt entry is good again: read back silently.
    assert load_corpus(corpus_dir, cache=True).facts("amounts")["amount_krw"].to_list() == [5e9]
    assert capsys.readouterr().err == ""
