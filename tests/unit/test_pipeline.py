"""The streaming pipeline writes exactly the tables of the in-memory path, batch size aside."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from kpolicy import load_corpus, pipeline, schema, synth
from kpolicy.cli import main
from kpolicy.corpus import CORPUS_TABLES
from kpolicy.errors import KpolicyError
from kpolicy.pipeline import fact_kinds

KINDS = fact_kinds()  # every kind the pipeline writes batch by batch (not the corpus-level ledger and stories)


def sort_by_key(df: pl.DataFrame, table: str) -> pl.DataFrame:
    # Stable: rows with equal keys keep their order, which is per document in both paths.
    key = list(schema.get(table).key)
    return df.sort(key, maintain_order=True) if df.height else df


def assert_same_tables(out: Path, corpus, drop: dict[str, list[str]] | None = None) -> None:
    """Every table of a pipeline run equals the in-memory corpus's, sorted by its key."""
    from kpolicy import stories

    tables = pipeline.read_tables(out)
    assert set(tables) == {*CORPUS_TABLES, *KINDS, *pipeline.BATCH_TABLES, *pipeline.LINK_TABLES}
    for name, lazy in tables.items():
        got = lazy.collect()
        if name == "doc_signatures":
            want = stories.signature_table(corpus.documents)
        else:
            want = getattr(corpus, name) if name in CORPUS_TABLES else corpus.facts(name)
        schema.validate(got, name)
        cols = [c for c in want.columns if c not in (drop or {}).get(name, [])]
        got, want = sort_by_key(got, name).select(cols), sort_by_key(want, name).select(cols)
        assert got.height == want.height, f"{name}: {got.height} rows != {want.height}"
        assert got.equals(want), f"{name} differs"


def test_seeds_equal_the_in_memory_path(tmp_path: Path, seed_corpus) -> None:
    summary = pipeline.run("seeds", tmp_path / "out", batch_docs=2)
    assert summary.batches == 3 and summary.documents == 5
    assert_same_tables(tmp_path / "out", seed_corpus)


@pytest.fixture(scope="module")
def synth_folder(tmp_path_factory) -> Path:
    """120 generated documents plus the awkward cases: a duplicate in another batch, the
    same file stem in a subfolder, rejects, and a catalog."""
    folder = tmp_path_factory.mktemp("synth")
    synth.write_corpus(folder, 120, seed=5)
    (folder / "zsub").mkdir()
    (folder / "zsub" / "synth_00003.txt").write_text("Busan Port AI\n\nBusan will invest KRW 12 billion in smart ports by 2028.\n")
    (folder / "zz_copy.txt").write_bytes((folder / "synth_00002.txt").read_bytes())  # duplicate, a later batch
    (folder / "empty.txt").write_bytes(b"")
    (folder / "scan.pdf").write_bytes(b"%PDF-1.7 ...")
    (folder / "catalog.yaml").write_text(
        "synth_00010:\n  title: Curated title\n  published_date: 2024-05\n  level: metropolitan\n  regions: [Seoul]\n"
    )
    return folder


@pytest.fixture(scope="module")
def synth_corpus(synth_folder: Path):
    corpus = load_corpus(synth_folder)
    for kind in KINDS:
        corpus.facts(kind)
    return corpus


def test_synthetic_corpus_in_batches_of_7_equals_the_in_memory_path(tmp_path: Path, synth_folder: Path, synth_corpus) -> None:
    summary = pipeline.run(synth_folder, tmp_path / "out", batch_docs=7)
    assert summary.batches == 18  # 121 documents in batches of 7
    assert (summary.documents, summary.rejects, summary.duplicates) == (121, 2, 1)
    assert summary.items == synth_corpus.files_found
    assert summary.rows == {kind: synth_corpus.facts(kind).height for kind in [*KINDS, *pipeline.LINK_TABLES]}
    assert_same_tables(tmp_path / "out", synth_corpus)
    docs = pipeline.read_tables(tmp_path / "out")["documents"].collect()
    assert docs.filter(pl.col("doc_id") == "zsub/synth_00003")["path"].item() == "zsub/synth_00003.txt"
    assert docs.filter(pl.col("doc_id") == "synth_00010")["title"].item() == "Curated title"


def test_two_workers_write_the_same_parts(tmp_path: Path, synth_folder: Path) -> None:
    pipeline.run(synth_folder, tmp_path / "one", batch_docs=40)
    summary = pipeline.run(synth_folder, tmp_path / "two", batch_docs=40, jobs=2)
    assert summary.worker_peak_rss_mb and summary.worker_peak_rss_mb > 0
    for name in ("documents", "amounts", "regions", "targets"):
        parts = sorted(p.name for p in (tmp_path / "one" / name).glob("*.parquet"))
        assert parts == sorted(p.name for p in (tmp_path / "two" / name).glob("*.parquet"))
        for part in parts:
            assert pl.read_parquet(tmp_path / "one" / name / part).equals(pl.read_parquet(tmp_path / "two" / name / part))


def _records(folder: Path) -> list[dict]:
    return [{"doc_id": p.stem, "text": p.read_text(encoding="utf-8")} for p in sorted(folder.glob("synth_*.txt"))]


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_jsonl_and_parquet_sources_give_the_same_facts(tmp_path: Path, fmt: str) -> None:
    folder = tmp_path / "c"
    synth.write_corpus(folder, 60, seed=9)
    records = _records(folder)
    source = tmp_path / f"docs.{fmt}"
    if fmt == "jsonl":
        source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    else:
        pl.DataFrame(records).write_parquet(source, row_group_size=16)
    summary = pipeline.run(source, tmp_path / "out", batch_docs=7)
    assert summary.source_kind == fmt and summary.documents == 60
    corpus = load_corpus(folder)
    # Same text, so the same hash; only `path` and `format` name a line or row instead of a file.
    assert_same_tables(tmp_path / "out", corpus, drop={"documents": ["path", "format"]})
    paths = pipeline.read_tables(tmp_path / "out")["documents"].select("path").collect().to_series().to_list()
    assert paths[:2] == (["docs.jsonl:1", "docs.jsonl:2"] if fmt == "jsonl" else ["docs.parquet#0", "docs.parquet#1"])


def test_record_metadata_is_curated_and_bad_records_are_rejected(tmp_path: Path) -> None:
    text = "Daejeon AI Plan\n\nDaejeon will invest 30 billion won in AI by 2027.\n"
    lines = [
        {"doc_id": "a", "text": text, "title": "Given title", "published_date": "2025-03", "level": "metropolitan",
         "regions": ["Daejeon"], "url": "ignored"},
        {"doc_id": "b", "text": text},  # same text as a: a duplicate
        {"doc_id": "c"},  # no text
        {"doc_id": "d", "text": "   \n"},  # white space only
        {"doc_id": "e", "text": ""},
        {"text": "Busan plan\n\nBusan will build a port.\n"},  # no doc_id
        {"doc_id": "a", "text": "Another text\n\nwith the same id.\n"},  # doc_id used twice
        {"doc_id": "f", "text": 42},
        {"doc_id": "g", "text": "x" * 2000},  # over max_bytes below
        {"doc_id": "h", "text": "Lone \ud800 surrogate\n"},
    ]
    body = [json.dumps(r) for r in lines] + ["", "{not json", "[1, 2]"]
    source = tmp_path / "docs.jsonl"
    source.write_text("\n".join(body) + "\n", encoding="utf-8")
    summary = pipeline.run(source, tmp_path / "out", batch_docs=3, max_bytes=1000)
    assert (summary.documents, summary.duplicates, summary.rejects) == (1, 1, 10)
    assert summary.items == 12 and summary.ignored_fields == ["url"]
    tables = {k: v.collect() for k, v in pipeline.read_tables(tmp_path / "out").items()}
    doc = tables["documents"].row(0, named=True)
    assert (doc["doc_id"], doc["title"], doc["level"], doc["regions"]) == ("a", "Given title", "metropolitan", ["Daejeon"])
    assert doc["curated_fields"] == ["level", "published_date", "regions", "title"]
    assert doc["date_source"] == "source record" and doc["date_precision"] == "month"
    assert tables["duplicates"].row(0)[:4] == ("docs.jsonl:2", "a", doc["content_sha256"], "same_bytes")
    reasons = dict(tables["rejects"].select("path", "reason").iter_rows())
    assert reasons == {
        "docs.jsonl:3": "empty", "docs.jsonl:4": "empty", "docs.jsonl:5": "empty", "docs.jsonl:6": "invalid_record",
        "docs.jsonl:7": "invalid_record", "docs.jsonl:8": "unsupported_type", "docs.jsonl:9": "too_large",
        "docs.jsonl:10": "undecodable", "docs.jsonl:12": "undecodable", "docs.jsonl:13": "unsupported_type",
    }
    details = dict(tables["rejects"].select("path", "detail").iter_rows())
    assert "no doc_id" in details["docs.jsonl:6"] and "already used" in details["docs.jsonl:7"]
    assert tables["amounts"]["surface"].to_list() == ["30 billion won"]


def test_bad_record_metadata_is_a_reject_naming_the_record_and_field(tmp_path: Path) -> None:
    # Issue 12: one bad record no longer aborts the run; it is an invalid_record reject.
    source = tmp_path / "docs.jsonl"
    source.write_text(
        json.dumps({"doc_id": "a", "text": "Seoul plan", "level": "county"}) + "\n"
        + json.dumps({"doc_id": "b", "text": "Busan will invest 5 billion won in AI."}) + "\n"
    )
    summary = pipeline.run(source, tmp_path / "out")
    assert (summary.documents, summary.rejects) == (1, 1)
    rejects = pipeline.read_tables(tmp_path / "out")["rejects"].collect()
    row = rejects.row(0, named=True)
    assert row["path"] == "docs.jsonl:1" and row["reason"] == "invalid_record"
    assert "level" in row["detail"] and "'a'" in row["detail"] and "valid: national" in row["detail"]


def test_bad_sources_are_one_clear_line(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (tmp_path / "docs.csv").write_text("doc_id,text\n")
    pl.DataFrame({"id": ["a"], "body": ["text"]}).write_parquet(tmp_path / "wrong.parquet")
    (tmp_path / "broken.parquet").write_bytes(b"not parquet at all")
    cases = [
        (tmp_path / "nope.jsonl", {}, "source not found"),
        (tmp_path / "docs.csv", {}, "unknown source format 'docs.csv'"),
        (tmp_path / "wrong.parquet", {}, "needs columns doc_id and text; missing doc_id, text; found: id, body"),
        (tmp_path / "broken.parquet", {}, "cannot read as Parquet"),
        ("seeds", {"kinds": ["money"]}, "unknown fact kind 'money'; valid kinds: amounts,"),
        ("seeds", {"batch_docs": 0}, "batch_docs must be at least 1"),
    ]
    for source, options, message in cases:
        with pytest.raises(KpolicyError) as info:
            pipeline.run(source, out, **options)
        assert message in str(info.value) and "\n" not in str(info.value)


def test_output_folder_rules(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Ulsan Hydrogen Plan\n\nUlsan will invest 5 billion won in hydrogen.\n")
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("keep me")
    with pytest.raises(KpolicyError, match="not empty and holds no kpolicy extract run"):
        pipeline.run(corpus, busy)
    with pytest.raises(KpolicyError, match="inside the corpus folder"):
        pipeline.run(corpus, corpus / "out")
    with pytest.raises(KpolicyError, match="no kpolicy extract output here"):
        pipeline.read_tables(busy)
    out = tmp_path / "out"
    pipeline.run(corpus, out, kinds=["amounts"])
    (corpus / "b.txt").write_text("Jeju Plan\n\nJeju will invest 7 billion won.\n")
    pipeline.run(corpus, out, kinds=["amounts"])  # a re-run replaces the earlier parts
    tables = pipeline.read_tables(out)
    assert set(tables) == {*CORPUS_TABLES, "amounts", *pipeline.BATCH_TABLES, *pipeline.LINK_TABLES}
    assert tables["amounts"].collect()["surface"].to_list() == ["5 billion won", "7 billion won"]
    assert tables["rejects"].collect().height == 0  # no part written: an empty, typed frame
    assert tables["rejects"].collect_schema() == schema.get("rejects").polars_schema


def test_cli_extract_prints_one_line(tmp_path: Path, capsys) -> None:
    assert main(["extract", "--corpus", "seeds", "--out", str(tmp_path / "out"), "--batch-docs", "2", "--no-progress"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1
    assert out[0].startswith("kpolicy extract: 5 documents, 0 rejects, 0 duplicates, 108 sentences; rows: amounts ")
    assert "3 batches" in out[0]
    assert main(["extract", "--corpus", str(tmp_path / "nope"), "--out", str(tmp_path / "o2")]) == 2
    assert capsys.readouterr().err.startswith("kpolicy: error: source not found")


def test_streamed_records_recover_every_planted_amount(tmp_path: Path) -> None:
    """The benchmark's scale check (a Polars join) agrees with the in-memory one, at 100%."""
    from kpolicy import bench

    written = synth.write_records(tmp_path / "docs.parquet", 80, seed=3, chunk_docs=25)
    pipeline.run(written.path, tmp_path / "out", batch_docs=16)
    amounts = pipeline.read_tables(tmp_path / "out")["amounts"]
    lazy = bench.check_planted_lazy(amounts, written.planted)
    assert lazy == bench.check_planted(amounts.collect(), synth.generate(80, seed=3))
    assert lazy["planted"] > 100 and lazy["found"] == lazy["planted"]
    assert lazy["garbles"] > 10 and lazy["garbles_flagged"] == lazy["garbles"]
