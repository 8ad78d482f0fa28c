"""The Dask engine writes the local engine's parts byte for byte, survives a killed
worker, and resumes after an interrupted driver (LocalCluster, 2 worker processes)."""

from __future__ import annotations

import codecs
import hashlib
import json
import os
import unicodedata
from pathlib import Path

import polars as pl
import pytest

from kpolicy import cluster, pipeline
from kpolicy.errors import KpolicyError
from kpolicy.readers import records

# Hand-written news-like texts (made up for these tests).
TEXTS = [
    "Busan will invest 5 billion won in an AI data centre by 2027.\n\nThe city said the plan creates 300 jobs.",
    "서울시는 2026년까지 인공지능 산업에 3조원을 투자한다고 밝혔다.\n\n시는 인재 1만 명을 키운다.",
    "Daegu plans a 120 billion won robotics cluster.\n\nConstruction starts in March 2025.",
    "광주광역시는 AI 반도체 실증에 450억원을 들인다.",
    "Gyeonggi Province set aside KRW 80 billion for smart factories in 2026.",
    "The Ministry of Science and ICT will spend 1.2 trillion won on digital platforms.",
    "Ulsan will invest 7 billion won in hydrogen mobility and autonomous ships.",
    "대전시는 양자컴퓨팅 연구에 2030년까지 900억원을 투자할 계획이다.",
    "Jeju aims to power 70 percent of its grid with renewables by 2030, at a cost of 2 trillion won.",
    "Incheon will open an AI startup campus worth 60 billion won next year.",
    "강원도는 디지털 헬스케어 사업에 300억원을 배정했다.",
]


def write_jsonl(path: Path) -> Path:
    """Records with a byte-order mark, a blank line, a bad line, an empty text, a record
    whose text is another's decomposed (NFD), and a doc_id used twice."""
    lines = [json.dumps({"doc_id": f"n{i}", "text": t}, ensure_ascii=False) for i, t in enumerate(TEXTS)]
    lines.insert(3, "")
    lines.insert(5, "{not json")
    lines.insert(7, json.dumps({"doc_id": "empty", "text": ""}))
    lines.append(json.dumps({"doc_id": "nfd", "text": unicodedata.normalize("NFD", TEXTS[1])}, ensure_ascii=False))
    lines.append(json.dumps({"doc_id": "n0", "text": "Another text under a used doc_id, 4 billion won."}))
    path.write_bytes(codecs.BOM_UTF8 + ("\n".join(lines) + "\n").encode("utf-8"))
    return path


def parts_of(out: Path) -> dict[str, str]:
    """Every file in a run's table folders, with its SHA-256."""
    return {str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*")) if p.is_file() and p.parent != out}


@pytest.fixture(scope="module")
def kill_plan(tmp_path_factory) -> dict[str, str]:
    base = tmp_path_factory.mktemp("kill")
    return {"out": str(base / "out"), "batch": 2, "table": "sentences", "marker": str(base / "killed")}


@pytest.fixture(scope="module")
def scheduler(kill_plan):
    """One LocalCluster of 2 worker processes for the module (started once: ~2-5 s).

    The workers inherit the fault-injection setting, which only the kill test's output
    folder triggers."""
    import distributed  # installed by make install/test (requirements.lock): never skipped

    os.environ[cluster.CRASH_ENV] = json.dumps(kill_plan)
    try:
        with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                      dashboard_address=":0", silence_logs=50) as lc:
            yield lc.scheduler_address
    finally:
        os.environ.pop(cluster.CRASH_ENV, None)


def test_jsonl_ranges_read_every_line_once(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "d.jsonl")
    whole = [(off, rec) for _, off, rec in records.jsonl_range(path, 10_000)]
    assert len(whole) == len(TEXTS) + 5  # 11 texts + blank + bad + empty + nfd + reused id
    size = path.stat().st_size
    for cut in (1, 2, 3, 60, 97, 200):
        got = []
        for start in range(0, size, cut):
            got += [(off, rec) for _, off, rec in records.jsonl_range(path, 10_000, start, start + cut)]
        assert [o for o, _ in got] == [o for o, _ in whole], cut
        assert [repr(r) for _, r in got] == [repr(r) for _, r in whole]
    # The first line's byte-order mark is dropped; a line is read again by its offset.
    assert whole[0][1]["doc_id"] == "n0"
    assert records.jsonl_at(path, 10_000, [whole[4][0]])[0]["doc_id"] == whole[4][1]["doc_id"]


def test_scheduler_option_is_checked(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "d.jsonl")
    with pytest.raises(KpolicyError, match="needs --scheduler"):
        pipeline.run(src, tmp_path / "out", engine="dask")
    with pytest.raises(KpolicyError, match="local:N with N worker processes"):
        pipeline.run(src, tmp_path / "out", engine="dask", scheduler="local:0")
    with pytest.raises(KpolicyError, match="--scheduler needs --engine dask"):
        pipeline.run(src, tmp_path / "out", scheduler="local:2")
    with pytest.raises(KpolicyError, match="unknown engine"):
        pipeline.run(src, tmp_path / "out", engine="spark")
    assert not (tmp_path / "out").exists()


def test_local_engine_resumes_after_an_interrupted_run(tmp_path: Path, monkeypatch) -> None:
    src = write_jsonl(tmp_path / "d.jsonl")
    fresh = pipeline.run(src, tmp_path / "fresh", batch_docs=2, kinds=["amounts"], progress=False)
    real, calls = pipeline.process_batch, []

    def dies_on_the_fourth(task, *args, **kwargs):
        calls.append(task.batch_no)
        if len(calls) == 4:
            raise KeyboardInterrupt
        return real(task, *args, **kwargs)

    monkeypatch.setattr(pipeline, "process_batch", dies_on_the_fourth)
    with pytest.raises(KeyboardInterrupt):
        pipeline.run(src, tmp_path / "out", batch_docs=2, kinds=["amounts"], progress=False)
    monkeypatch.setattr(pipeline, "process_batch", real)
    kept = {p: p.stat().st_mtime_ns for p in (tmp_path / "out" / "documents").glob("part-*.parquet")}
    assert sorted(p.name for p in kept) == ["part-00000.parquet", "part-00001.parquet", "part-00002.parquet"]
    again = pipeline.run(src, tmp_path / "out", batch_docs=2, kinds=["amounts"], progress=False)
    assert again.resumed_batches == 3 and again.batches == fresh.batches
    assert {p: p.stat().st_mtime_ns for p in kept} == kept  # not written again
    assert parts_of(tmp_path / "out") == parts_of(tmp_path / "fresh")
    assert not (tmp_path / "out" / pipeline.JOURNAL).exists()
    # Another option is another run: nothing is resumed.
    other = pipeline.run(src, tmp_path / "out", batch_docs=3, kinds=["amounts"], progress=False)
    assert other.resumed_batches == 0


def test_dask_output_is_byte_identical_to_the_local_engine(tmp_path: Path, scheduler: str) -> None:
    src = write_jsonl(tmp_path / "d.jsonl")
    local = pipeline.run(src, tmp_path / "local", batch_docs=2, progress=False)
    # 150-byte probe ranges cut the file inside lines (and inside UTF-8 characters).
    dask = pipeline.run(src, tmp_path / "dask", batch_docs=2, progress=False, engine="dask", scheduler=scheduler, scan_bytes=150)
    assert dask.engine == "dask" and dask.jobs == 2
    assert (dask.documents, dask.rejects, dask.duplicates, dask.batches) == (local.documents, local.rejects, local.duplicates, local.batches)
    assert (local.documents, local.rejects, local.duplicates) == (11, 3, 1)  # bad line, empty text, reused doc_id; NFD copy
    assert dask.rows == local.rows
    got, want = parts_of(tmp_path / "dask"), parts_of(tmp_path / "local")
    assert got == want and len(want) > 20
    manifests = [json.loads((tmp_path / d / pipeline.MANIFEST).read_text()) for d in ("local", "dask")]
    assert manifests[0]["parts"] == manifests[1]["parts"]
    assert len(dask.worker_peak_rss_mb_by_worker) >= 1 and all(v > 0 for v in dask.worker_peak_rss_mb_by_worker.values())
    # The analysis reads the output lazily, as for the local engine.
    amounts = pipeline.read_tables(tmp_path / "dask")["amounts"]
    assert isinstance(amounts, pl.LazyFrame)
    assert amounts.select(pl.col("doc_id").n_unique()).collect().item() >= 8


def test_dask_folder_and_parquet_sources(tmp_path: Path, scheduler: str) -> None:
    folder = tmp_path / "corpus"
    (folder / "sub").mkdir(parents=True)
    for i, text in enumerate(TEXTS):
        (folder / ("sub" if i % 3 == 0 else ".") / f"d{i:02d}.txt").write_text(text, encoding="utf-8")
    (folder / "sub" / "d01.txt").write_text(TEXTS[1], encoding="utf-8")  # same stem as ./d01.txt: a duplicate
    (folder / "catalog.yaml").write_text("d02:\n  title: Curated title\n", encoding="utf-8")
    # Files discovery refuses travel to the workers with their problem (a pickled ReaderError).
    (folder / "sub" / "table.xlsx").write_bytes(b"PK\x03\x04 not read")
    (tmp_path / "outside.txt").write_text("Outside the corpus: 9 billion won.", encoding="utf-8")
    (folder / "link.txt").symlink_to(tmp_path / "outside.txt")
    table = pl.DataFrame({"doc_id": [f"p{i}" for i in range(len(TEXTS))], "text": TEXTS})
    table.write_parquet(tmp_path / "d.parquet", row_group_size=3)
    assert len(records.parquet_row_groups(tmp_path / "d.parquet")) == 4
    for name, src, opts in (("folder", folder, {"scan_bytes": 1}), ("parquet", tmp_path / "d.parquet", {})):
        local = pipeline.run(src, tmp_path / f"{name}-local", batch_docs=3, kinds=["amounts"], progress=False)
        dask = pipeline.run(src, tmp_path / f"{name}-dask", batch_docs=3, kinds=["amounts"], progress=False,
                            engine="dask", scheduler=scheduler, **opts)
        assert parts_of(tmp_path / f"{name}-dask") == parts_of(tmp_path / f"{name}-local"), name
        assert (dask.documents, dask.duplicates) == (local.documents, local.duplicates)
        assert dask.documents == len(TEXTS)
        assert dask.rejects == local.rejects == (2 if name == "folder" else 0)  # unsupported_type, outside_corpus
    docs = pipeline.read_tables(tmp_path / "folder-dask")["documents"].collect()
    assert docs.filter(pl.col("doc_id") == "d02")["title"].item() == "Curated title"


def test_a_killed_worker_leaves_a_complete_output(tmp_path: Path, scheduler: str, kill_plan: dict[str, str]) -> None:
    src = write_jsonl(tmp_path / "d.jsonl")
    local = pipeline.run(src, tmp_path / "local", batch_docs=2, kinds=["amounts"], progress=False)
    out = Path(kill_plan["out"])
    dask = pipeline.run(src, out, batch_docs=2, kinds=["amounts"], progress=False, engine="dask", scheduler=scheduler, scan_bytes=400)
    assert Path(kill_plan["marker"]).exists(), "the worker running batch 2 was not killed"
    assert (dask.documents, dask.batches) == (local.documents, local.batches)
    # Batch 2's worker died after writing its documents and sentences parts, before the
    # rest; the batch ran again elsewhere and overwrote them.
    assert parts_of(out) == parts_of(tmp_path / "local")
    assert not list(out.rglob(".part-*"))  # no temporary file left
    tables = pipeline.read_tables(out)  # every part listed, whole, none extra
    assert tables["documents"].collect().height == local.documents == 11
    assert tables["documents"].select(pl.col("doc_id").is_duplicated().any()).collect().item() is False


def test_dask_resumes_after_an_interrupted_driver(tmp_path: Path, scheduler: str, monkeypatch) -> None:
    src = write_jsonl(tmp_path / "d.jsonl")
    local = pipeline.run(src, tmp_path / "local", batch_docs=2, kinds=["amounts"], progress=False)
    real, seen = cluster.DaskEngine._collect_done, []

    def driver_dies(self):
        done = real(self)
        seen.extend(done)
        if len(seen) >= 3:
            raise KeyboardInterrupt  # Ctrl-C in the driver, after 3 batches were recorded
        return done

    monkeypatch.setattr(cluster.DaskEngine, "_collect_done", driver_dies)
    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt):
        pipeline.run(src, out, batch_docs=2, kinds=["amounts"], progress=False, engine="dask", scheduler=scheduler)
    monkeypatch.setattr(cluster.DaskEngine, "_collect_done", real)
    with pytest.raises(KpolicyError, match="did not complete"):
        pipeline.read_tables(out)
    journal = [json.loads(line) for line in (out / pipeline.JOURNAL).read_text().splitlines()]
    finished = {e["batch"] for e in journal}
    assert len(finished) >= 2  # the batches finished before the interrupt (the last one's entry is not written)
    kept = {out / "documents" / f"part-{b:05d}.parquet" for b in finished}
    mtimes = {p: p.stat().st_mtime_ns for p in kept}
    again = pipeline.run(src, out, batch_docs=2, kinds=["amounts"], progress=False, engine="dask", scheduler=scheduler)
    assert again.resumed_batches == len(finished)
    assert {p: p.stat().st_mtime_ns for p in kept} == mtimes
    assert parts_of(out) == parts_of(tmp_path / "local") and again.documents == local.documents


def test_extract_command_with_the_dask_engine(tmp_path: Path, scheduler: str, capsys) -> None:
    from kpolicy.cli import main

    src = write_jsonl(tmp_path / "d.jsonl")
    assert main(["extract", "--corpus", str(src), "--out", str(tmp_path / "out"), "--batch-docs", "4",
                 "--engine", "dask", "--scheduler", scheduler, "--no-progress"]) == 0
    assert "11 documents, 3 rejects, 1 duplicates" in capsys.readouterr().out
    assert main(["extract", "--corpus", str(src), "--out", str(tmp_path / "o2"), "--scheduler", "local:2"]) == 2
    assert "--scheduler needs --engine dask" in capsys.readouterr().err
