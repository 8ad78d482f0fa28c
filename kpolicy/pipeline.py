"""Corpus-scale extraction: documents -> every table, as Parquet parts, in bounded batches.

:func:`kpolicy.load_corpus` holds a whole corpus in memory; :func:`run` streams one
instead. It reads a source (a corpus folder, or a JSONL or Parquet file of documents;
see :func:`kpolicy.corpus.open_source`) one item at a time, groups the documents into
batches of whole documents, and for each batch runs what the in-memory path runs —
normalisation, sentence splitting, metadata and about-region inference, every fact
extractor of :data:`kpolicy.facts.FACT_KINDS` and the derived tables — then appends
each table to ``out_dir/<table>/part-NNNNN.parquet``. Memory is bounded by the batch,
not the corpus: across batches only a content hash and a doc_id per document are kept
(to find duplicates and keep doc_ids unique).

Every extractor works one document at a time (about-regions, money plausibility,
target horizons), so batching by whole documents gives exactly the rows of the
in-memory path; ``tests/unit/test_pipeline.py`` checks it table by table.

Usage::

    summary = kpolicy.pipeline.run("my_corpus/", "out/")     # or a .jsonl / .parquet file
    tables = kpolicy.pipeline.read_tables("out/")            # dict of pl.LazyFrame
    tables["amounts"].filter(pl.col("is_suspect")).collect()

or ``kpolicy extract --corpus my_corpus/ --out out/``.

**Engines.** Batches run in this process or in ``jobs`` local processes (``engine="local"``),
or on a Dask cluster (``engine="dask"``, ``scheduler="tcp://host:8786"`` or ``"local:N"``;
:mod:`kpolicy.cluster`). Every engine forms the same batches (:func:`plan_batches`) and
runs them with the same function (:func:`process_batch`), so the parts are the same,
byte for byte. Finished batches are journaled (:data:`JOURNAL`): a re-run after an
interrupted run resumes (see :func:`run`).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import polars as pl

from kpolicy import safety, schema
from kpolicy.corpus import (
    CORPUS_TABLES,
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_FIGURES,
    Corpus,
    DocInput,
    build_tables,
    document_rows,
    frame,
    open_source,
)
from kpolicy.errors import KpolicyError

#: Documents per batch (a batch also closes at :data:`DEFAULT_BATCH_BYTES`).
DEFAULT_BATCH_DOCS = 1000
#: Input bytes per batch: keeps memory bounded when documents are large.
DEFAULT_BATCH_BYTES = 32 * 1024 * 1024
#: Rejects and duplicates per batch, when a stretch of the source holds no documents.
_MAX_OTHER_ROWS = 10_000
#: Figures (runs of digits) per batch: fact rows grow with them, so a batch of documents
#: dense with numbers closes early and memory stays bounded.
DEFAULT_BATCH_FIGURES = 200_000
#: The run's manifest in the output folder: status, options, the summary and every
#: part with its row count and SHA-256.
MANIFEST = "_kpolicy_extract.json"
#: The lock file that keeps a second run off the same output folder.
LOCK = ".kpolicy-extract.lock"


class OutLock(safety.FolderLock):
    """One ``kpolicy extract`` per output folder (:class:`kpolicy.safety.FolderLock`)."""

    def __init__(self, out_dir: Path):
        super().__init__(out_dir, LOCK, "kpolicy extract")


@dataclass
class Summary:
    """What a run read and wrote.

    Attributes:
        source, source_kind, out_dir: the input (``folder``, ``jsonl`` or ``parquet``)
            and the output folder.
        items: files (or records) found; ``documents + rejects + duplicates``.
        documents, rejects, duplicates, sentences: row counts of those tables.
        rows: rows per fact table (extracted and derived kinds).
        batches: batches processed.
        megabytes: input size (file bytes, or record texts as UTF-8), in MB (10^6 bytes).
        seconds: wall time of the run.
        peak_rss_mb: peak resident memory of this process, in MiB; with ``jobs > 1``
            or the dask engine, ``worker_peak_rss_mb`` is the largest of the worker
            processes' (per worker in ``worker_peak_rss_mb_by_worker``, dask engine).
        jobs: worker processes (the dask engine: the cluster's workers at the start).
        engine: ``local`` or ``dask``.
        resumed_batches: batches an interrupted earlier run had finished (not run again).
        engine_startup_seconds: starting the engine (a LocalCluster, the workers' check),
            included in ``seconds``.
        batch_cpu_seconds: CPU time (all threads) the batch function took, summed over
            the batches: documents per CPU second is the throughput of one core, which a
            machine shared with other work does not distort as much as wall time.
        ignored_fields: record fields that were not doc_id, text or metadata.
    """

    source: str
    source_kind: str
    out_dir: str
    items: int = 0
    documents: int = 0
    rejects: int = 0
    duplicates: int = 0
    sentences: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    batches: int = 0
    megabytes: float = 0.0
    seconds: float = 0.0
    peak_rss_mb: float = 0.0
    worker_peak_rss_mb: float | None = None
    jobs: int = 1
    engine: str = "local"
    resumed_batches: int = 0
    worker_peak_rss_mb_by_worker: dict[str, float] = field(default_factory=dict)
    engine_startup_seconds: float = 0.0
    batch_cpu_seconds: float = 0.0
    ignored_fields: list[str] = field(default_factory=list)

    def line(self) -> str:
        """The summary as one line, for the command line."""
        rows = ", ".join(f"{k} {v:,}" for k, v in self.rows.items())
        rate = self.documents / self.seconds if self.seconds > 0 else 0.0
        extra = f"; ignored fields: {', '.join(self.ignored_fields)}" if self.ignored_fields else ""
        if self.resumed_batches:
            extra += f"; resumed: {self.resumed_batches:,} batches were already done"
        return (
            f"kpolicy extract: {self.documents:,} documents, {self.rejects:,} rejects, {self.duplicates:,} duplicates, "
            f"{self.sentences:,} sentences; rows: {rows}; {self.batches:,} batches, {self.megabytes:,.1f} MB in "
            f"{self.seconds:,.1f} s ({rate:,.0f} documents/s){extra} -> {self.out_dir}"
        )


def fact_kinds(kinds: Sequence[str] | None = None) -> list[str]:
    """The fact kinds a run writes: ``kinds`` checked, or every available kind (extracted, then derived).

    Kinds built from the whole corpus (:data:`kpolicy.facts.CORPUS_KINDS`: the ledger, which
    relates documents to each other, and the story tables) are not written batch by batch;
    build them from the output with :func:`kpolicy.stories` and :mod:`kpolicy.ledger` on the
    loaded tables, or with :func:`link_stories`.
    """
    from kpolicy.facts import CORPUS_KINDS, available_kinds

    valid = [k for k in available_kinds() if k not in CORPUS_KINDS]
    if kinds is None:
        return valid
    bad = [k for k in kinds if k not in valid]
    if bad:
        raise KpolicyError(f"unknown fact kind {bad[0]!r}; valid kinds: {', '.join(valid)}")
    return list(dict.fromkeys(kinds))


@dataclass
class _Task:
    batch_no: int
    docs: list[DocInput] = field(default_factory=list)
    rejects: list[dict[str, Any]] = field(default_factory=list)
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    n_bytes: int = 0
    n_figures: int = 0

    @property
    def n_items(self) -> int:
        return len(self.docs) + len(self.rejects) + len(self.duplicates)


#: Engines :func:`run` can use: this machine's processes, or a Dask cluster (:mod:`kpolicy.cluster`).
ENGINES = ("local", "dask")
#: Finished batches of an unfinished run, one JSON line each, so a re-run can resume.
JOURNAL = "_kpolicy_extract.batches.jsonl"


def run(
    source: str | Path,
    out_dir: str | Path,
    *,
    batch_docs: int = DEFAULT_BATCH_DOCS,
    kinds: Sequence[str] | None = None,
    progress: bool | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    batch_bytes: int = DEFAULT_BATCH_BYTES,
    infer_regions: bool = True,
    jobs: int = 1,
    max_figures: int = DEFAULT_MAX_FIGURES,
    batch_figures: int = DEFAULT_BATCH_FIGURES,
    engine: str = "local",
    scheduler: str | None = None,
    scan_bytes: int | None = None,
) -> Summary:
    """Extract every table from a source, batch by batch, into Parquet parts.

    Args:
        source: a corpus folder (as for :func:`kpolicy.load_corpus`), or a ``.jsonl`` /
            ``.parquet`` file of documents with ``doc_id`` and ``text`` (and optional
            metadata fields: title, publisher, reporter, source_url, published_date,
            date_source, language, level, regions). Records are named
            ``file.jsonl:LINE`` / ``file.parquet#ROW`` in the ``path`` columns.
        out_dir: output folder: new, empty, or the output of an earlier run (replaced,
            or resumed when that run did not complete: see below).
        batch_docs: documents per batch. Memory grows with it; results do not change.
        kinds: fact kinds to extract (default: all, see :func:`fact_kinds`).
        progress: show a progress bar (default: on a terminal, for 500+ items).
        max_bytes: larger files or record texts are rejected as ``too_large``.
        batch_bytes: a batch also closes once its documents reach this many input bytes.
        infer_regions: infer about-regions and level where not curated (as load_corpus).
        jobs: worker processes for the batches (1: all in this process). Reading and
            duplicate detection stay in this process, so results do not depend on it.
            Local engine only.
        max_figures: documents with more numbers than this are rejected as
            ``too_many_figures``.
        batch_figures: a batch also closes once its documents hold this many numbers.
        engine: ``local`` (this machine: ``jobs`` processes) or ``dask`` (a Dask cluster,
            :mod:`kpolicy.cluster`; needs the ``dask`` extra). Both write the same parts,
            byte for byte.
        scheduler: for ``engine="dask"``: a scheduler address (``tcp://host:8786``) or
            ``local[:N]`` for a LocalCluster of N worker processes on this machine.
        scan_bytes: for ``engine="dask"``: the input is probed in tasks of about this many
            bytes (JSONL byte ranges, folder file lists; Parquet by row group).

    The output folder is locked for the run (a second run on it is refused). The
    manifest says ``running`` before anything of an earlier run is deleted, and
    ``complete`` only once every part is written; it lists every part with its row
    count and SHA-256, which :func:`read_tables` checks. Parts are written atomically
    under deterministic names. SIGTERM or Ctrl-C stops the worker processes.

    **Resuming.** Each finished batch is recorded in ``out_dir/`` :data:`JOURNAL`. A run
    on a folder whose earlier run did not complete (interrupted, killed, failed) with the
    same source (same files, sizes and modification times), options and kpolicy version
    keeps the batches the journal lists and runs only the others; parts of unfinished
    batches are rewritten. The result is the same as a run from scratch.

    Returns:
        A :class:`Summary`; also saved, with the run's status, in ``out_dir/`` :data:`MANIFEST`.

    Raises:
        KpolicyError: a bad source (missing, unknown format, a Parquet file without
            doc_id/text), a non-empty output folder that is not a kpolicy output, bad
            options, or bad curated metadata; for the dask engine, a missing ``dask``
            extra, an unreachable scheduler or workers without the same kpolicy.
    """
    start = time.perf_counter()
    if batch_docs < 1:
        raise KpolicyError(f"batch_docs must be at least 1, not {batch_docs}")
    if jobs < 1:
        raise KpolicyError(f"jobs must be at least 1, not {jobs}")
    if engine not in ENGINES:
        raise KpolicyError(f"unknown engine {engine!r}; choose one of: {', '.join(ENGINES)}")
    if engine == "local" and scheduler is not None:
        raise KpolicyError("--scheduler needs --engine dask")
    if engine == "dask":
        from kpolicy import cluster

        cluster.parse_scheduler(scheduler)  # fail on a bad address before touching the output
    wanted = fact_kinds(kinds)
    src = open_source(source)
    target = Path(out_dir).expanduser().resolve()
    if src.kind == "folder" and safety.inside(target, src.path):
        raise KpolicyError(f"the output folder {target} is inside the corpus folder {src.path}; choose one outside it")
    if safety.inside(src.path, target):
        raise KpolicyError(f"the output folder {target} holds the corpus {src.path}; choose an output folder outside it")
    if target.exists() and not target.is_dir():
        raise KpolicyError(f"output path is a file, not a folder: {target}")
    options = {"batch_docs": batch_docs, "batch_bytes": batch_bytes, "max_bytes": max_bytes,
               "infer_regions": infer_regions, "kinds": wanted, "max_figures": max_figures,
               "batch_figures": batch_figures}
    with OutLock(target), safety.sigterm_unwinds():
        if engine == "dask":
            from kpolicy import cluster

            with cluster.DaskEngine(scheduler, target, wanted, options, scan_bytes=scan_bytes, progress=progress) as eng:
                return _extract(src, target, start, wanted, options, progress, eng)
        return _extract(src, target, start, wanted, options, progress, LocalEngine(jobs, target, wanted, options))


def plan_batches(items: Iterable[tuple[str, Any]], batch_docs: int, batch_bytes: int, batch_figures: int) -> Iterator[_Task]:
    """Group the source's items, in order, into batches of whole documents.

    A batch closes at ``batch_docs`` documents, ``batch_bytes`` input bytes,
    ``batch_figures`` figures, or :data:`_MAX_OTHER_ROWS` rejects and duplicates. Every
    engine batches with this one rule, which is why their parts are the same.
    """
    task = _Task(0)
    for kind, item in items:
        if kind == "document":
            task.docs.append(item)
            task.n_bytes += item.n_bytes
            task.n_figures += item.n_figures
        elif kind == "reject":
            task.rejects.append(item)
        else:
            task.duplicates.append(item)
        if (len(task.docs) >= batch_docs or task.n_bytes >= batch_bytes or task.n_figures >= batch_figures
                or len(task.rejects) + len(task.duplicates) >= _MAX_OTHER_ROWS):
            yield task
            task = _Task(task.batch_no + 1)
    if task.n_items:
        yield task


class LocalEngine:
    """Batches run in this process (``jobs=1``) or in a pool of ``jobs`` spawned processes.

    An engine gives :func:`_extract` the batches of a source (:meth:`tasks`), runs them
    (:meth:`submit` returns those finished so far, :meth:`drain` the rest) and stops its
    workers (:meth:`abort`). :class:`kpolicy.cluster.DaskEngine` is the other one.
    """

    name = "local"

    def __init__(self, jobs: int, out: Path, kinds: list[str], options: dict[str, Any]) -> None:
        self.jobs, self.out, self.kinds, self.options = jobs, out, kinds, options
        self.pool: ProcessPoolExecutor | None = None
        self.pending: deque[tuple[_Task, Future[dict[str, Any]]]] = deque()
        self.workers = jobs

    def tasks(self, src: Any) -> Iterator[_Task]:
        o = self.options
        items = src.items(o["max_bytes"], chunk_rows=min(o["batch_docs"], 10_000), max_figures=o["max_figures"])
        return plan_batches(items, o["batch_docs"], o["batch_bytes"], o["batch_figures"])

    def submit(self, task: _Task) -> list[tuple[_Task, dict[str, Any]]]:
        if self.jobs == 1:
            return [(task, process_batch(task, self.out, self.kinds, self.options["infer_regions"]))]
        if self.pool is None:
            # spawn, not fork: forking a process that has started Polars' thread pool can deadlock.
            self.pool = ProcessPoolExecutor(max_workers=self.jobs, mp_context=get_context("spawn"))
        self.pending.append((task, self.pool.submit(process_batch, task, self.out, self.kinds, self.options["infer_regions"])))
        done = []
        # Keep at most two batches per worker in flight: memory stays bounded.
        while len(self.pending) >= 2 * self.jobs:
            t, fut = self.pending.popleft()
            done.append((t, fut.result()))
        return done

    def drain(self) -> Iterator[tuple[_Task, dict[str, Any]]]:
        while self.pending:
            t, fut = self.pending.popleft()
            yield t, fut.result()
        if self.pool is not None:
            self.pool.shutdown(wait=True)
            self.pool = None

    def abort(self) -> None:
        if self.pool is not None:
            # Interrupted or failed: stop the workers now rather than let them finish
            # (or, on SIGTERM, outlive this process).
            for proc in list(getattr(self.pool, "_processes", {}).values()):
                proc.terminate()
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


def source_identity(src: Any) -> str:
    """A fingerprint of the source as it is on disk: its path, and the name, size and
    modification time of every file it reads. A run resumes only on the same one."""
    h = hashlib.sha256(f"{src.kind}\0{src.path}\0".encode("utf-8", "surrogatepass"))
    files = [(f.rel, f.path) for f in src.found] if src.kind == "folder" else [("", src.path)]
    if src.catalog_path is not None:
        files.append((src.catalog_path.name, src.catalog_path))
    for rel, path in files:
        try:
            st = path.stat()
            h.update(f"{rel}\0{st.st_size}\0{st.st_mtime_ns}\n".encode("utf-8", "surrogatepass"))
        except OSError:
            h.update(f"{rel}\0missing\n".encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def _extract(src: Any, out: Path, start: float, wanted: list[str], options: dict[str, Any], progress: bool | None,
             engine: Any) -> Summary:
    """:func:`run`'s work, with the output folder locked."""
    from kpolicy import __version__

    identity = source_identity(src)
    done = _resumable(out, options, identity, __version__)
    earlier = _prepare_out_dir(out) if done is None else []
    summary = Summary(str(src.path), src.kind, str(out), jobs=getattr(engine, "workers", 1), engine=engine.name,
                      engine_startup_seconds=getattr(engine, "startup_seconds", 0.0))
    tables = [*CORPUS_TABLES, *BATCH_TABLES, *wanted, *LINK_TABLES]
    run_info = {"source_identity": identity}
    parts: dict[str, list[dict[str, Any]]] = {}
    # "running" first: if the process dies while the earlier run is cleared, the
    # folder never claims to hold a complete run.
    _write_manifest(out, "running", tables, options, summary, None, run_info)
    if done is None:
        (out / JOURNAL).unlink(missing_ok=True)
        for folder in earlier:
            shutil.rmtree(folder)
    else:
        summary.resumed_batches = len(done)
        _drop_unjournaled_parts(out, done)

    if progress is None:
        progress = sys.stderr.isatty() and (src.total is None or src.total >= 500)
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=src.total, desc="kpolicy: extracting", unit="doc" if src.kind != "folder" else "file")

    def collect(task: _Task, counts: dict[str, Any]) -> None:
        summary.batches += 1
        summary.items += task.n_items
        summary.megabytes += task.n_bytes / 1e6
        summary.documents += counts["documents"]
        summary.rejects += counts["rejects"]
        summary.duplicates += counts["duplicates"]
        summary.sentences += counts["sentences"]
        for kind in wanted:
            summary.rows[kind] = summary.rows.get(kind, 0) + counts.get(kind, 0)
        for table, info in counts["_parts"].items():
            parts.setdefault(table, []).append(info)
        summary.batch_cpu_seconds += counts.get("_cpu_s", 0.0)
        if "_peak_rss_mb" in counts and (engine.name != "local" or engine.workers > 1):
            summary.worker_peak_rss_mb = max(summary.worker_peak_rss_mb or 0.0, counts["_peak_rss_mb"])
        if bar is not None:
            bar.update(task.n_items)

    journal = open(out / JOURNAL, "a", encoding="utf-8")  # noqa: SIM115 - closed below

    def finished(results: Iterable[tuple[_Task, dict[str, Any]]]) -> None:
        for task, counts in results:
            collect(task, counts)
            entry = {"batch": task.batch_no, "n_items": task.n_items, "n_bytes": task.n_bytes, "counts": counts}
            journal.write(json.dumps(entry, ensure_ascii=False) + "\n")
            journal.flush()

    try:
        with journal:
            for task in engine.tasks(src):
                earlier_counts = done.get(task.batch_no) if done else None
                if earlier_counts is not None:
                    collect(task, earlier_counts)  # finished by the interrupted run
                    continue
                finished(engine.submit(task))
            finished(engine.drain())
            os.fsync(journal.fileno())
    except BaseException:
        engine.abort()
        _write_manifest(out, "failed", tables, options, summary, parts, run_info)
        raise
    finally:
        if bar is not None:
            bar.close()

    if progress:
        print("kpolicy: linking stories ...", file=sys.stderr)
    try:
        for name, info in link_stories(out, parts).items():
            parts[name] = [info] if info is not None else []
            summary.rows[name] = info["rows"] if info is not None else 0
    except BaseException:
        _write_manifest(out, "failed", tables, options, summary, parts, run_info)
        raise
    summary.ignored_fields = sorted(set(src.ignored_fields) | set(getattr(engine, "ignored_fields", ())))
    summary.seconds = time.perf_counter() - start
    summary.peak_rss_mb = peak_rss_mb()
    summary.worker_peak_rss_mb_by_worker = dict(getattr(engine, "worker_peaks", {}))
    _write_manifest(out, "complete", tables, options, summary, parts, run_info)
    _remove_leftovers(out)
    return summary


def _resumable(out: Path, options: dict[str, Any], identity: str, version: str) -> dict[int, dict[str, Any]] | None:
    """The finished batches of an unfinished earlier run on the same source and options
    (batch number -> its counts and parts), or None to start afresh."""
    manifest, journal = out / MANIFEST, out / JOURNAL
    if not (manifest.is_file() and journal.is_file()):
        return None
    try:
        info = json.loads(safety.read_capped(manifest, 64 * 1024 * 1024, "manifest").decode("utf-8"))
        if (info.get("status") == "complete" or info.get("options") != json.loads(json.dumps(options))
                or info.get("run", {}).get("source_identity") != identity or info.get("kpolicy_version") != version):
            return None
    except (ValueError, AttributeError, KpolicyError):
        return None
    done: dict[int, dict[str, Any]] = {}
    with open(journal, encoding="utf-8") as fh:
        for line in fh:
            try:
                entry = json.loads(line)
                done[int(entry["batch"])] = entry["counts"]
            except (ValueError, KeyError, TypeError):
                break  # a line cut short by the interruption: batches after it run again
    # A batch counts as finished only if every part it wrote is there, whole.
    for no, counts in list(done.items()):
        for table, part in counts.get("_parts", {}).items():
            path = out / table / part["file"]
            if not path.is_file() or _sha256(path) != part["sha256"]:
                del done[no]
                break
    return done


def _drop_unjournaled_parts(out: Path, done: dict[int, dict[str, Any]]) -> None:
    """Delete every part not written by a finished batch (unfinished batches run again)."""
    keep = {(table, part["file"]) for counts in done.values() for table, part in counts.get("_parts", {}).items()}
    known = set(schema.all_tables())
    for folder in out.iterdir():
        if folder.is_dir() and not folder.is_symlink() and folder.name in known:
            for path in folder.iterdir():
                if (folder.name, path.name) not in keep:
                    path.unlink()
    _remove_leftovers(out)


def _remove_leftovers(out: Path) -> None:
    """Remove temporary part files a killed worker left (``.part-*.tmp``) and the journal
    of a completed run."""
    known = set(schema.all_tables())
    for folder in out.iterdir():
        if folder.is_dir() and not folder.is_symlink() and folder.name in known:
            for path in folder.glob(".part-*.tmp"):
                path.unlink(missing_ok=True)
    info = out / MANIFEST
    if info.is_file() and (out / JOURNAL).is_file():
        try:
            complete = json.loads(info.read_text(encoding="utf-8")).get("status") == "complete"
        except ValueError:
            complete = False
        if complete:
            (out / JOURNAL).unlink()


def process_batch(task: _Task, out: Path, kinds: list[str], infer_regions: bool,
                  after_part: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Build every table for one batch of whole documents and write its parts.

    Runs the same code as the in-memory path: :func:`kpolicy.corpus.document_rows` and
    :func:`kpolicy.corpus.build_tables`, then :meth:`kpolicy.corpus.Corpus.facts` per kind.
    Every engine runs batches with this function. ``after_part`` is called with each
    table's name once its part is written (the worker-failure test uses it).

    Returns:
        Rows written per table, this process's ``_peak_rss_mb`` and the batch's CPU
        time ``_cpu_s``.
    """
    cpu_start = time.process_time()
    docs, sentences, offsets = [], [], []
    for item in task.docs:
        d, s, o = document_rows(item)
        docs.append(d)
        sentences.extend(s)
        offsets.extend(o)
    documents, sentence_df, offset_df = build_tables(docs, sentences, offsets, infer_regions)
    del docs, sentences, offsets
    batch = Corpus(
        root=out,
        documents=documents,
        sentences=sentence_df,
        rejects=frame(task.rejects, "rejects"),
        duplicates=frame(task.duplicates, "duplicates"),
        offsets=offset_df,
        files_found=task.n_items,
    )
    counts: dict[str, Any] = {"_parts": {}}

    def write(name: str, df: pl.DataFrame) -> None:
        counts[name] = df.height
        info = _write_part(out, name, task.batch_no, df)
        if info is not None:
            counts["_parts"][name] = info
        if after_part is not None:
            after_part(name)

    for name in CORPUS_TABLES:
        write(name, getattr(batch, name))
    if documents.height:
        from kpolicy import stories

        write("doc_signatures", stories.signature_table(documents))
        for kind in kinds:
            write(kind, batch.facts(kind))
    counts["_peak_rss_mb"] = peak_rss_mb()
    counts["_cpu_s"] = time.process_time() - cpu_start
    return counts


#: Tables every batch writes besides the corpus tables: what linking stories needs later.
BATCH_TABLES = ("doc_signatures",)
#: Tables written once, after the last batch, from the parts of every batch.
LINK_TABLES = ("near_duplicates", "stories")


def link_stories(out: Path, parts: dict[str, list[dict[str, Any]]]) -> dict[str, dict[str, Any] | None]:
    """Near-duplicate documents and stories across the whole run, from the batches' parts.

    Reads only the columns it needs: the documents' metadata, the MinHash signatures the
    batches wrote (``doc_signatures``, never the texts), and the won values and years of
    the ``amounts`` and ``years`` parts. Candidate pairs come from LSH banding and an
    inverted index (:mod:`kpolicy.stories`), so the cost grows near-linearly with the
    number of documents. Returns the manifest entries of the two tables it writes.
    """
    from kpolicy import stories

    def scan(name: str, columns: list[str]) -> pl.DataFrame:
        files = [out / name / p["file"] for p in parts.get(name, [])]
        if not files:
            return schema.get(name).empty().select(columns)
        return pl.scan_parquet(files).select(columns).collect()

    documents = scan("documents", ["doc_id", "regions", "published_date", "date_precision", "language", "publisher"])
    signatures = scan("doc_signatures", ["doc_id", "signature", "n_shingles"])
    amounts = scan("amounts", ["doc_id", "currency", "amount_krw", "amount_krw_adjusted"]) if "amounts" in parts else None
    years = scan("years", ["doc_id", "year"]) if "years" in parts else None
    if amounts is None:
        amounts = pl.DataFrame(schema={"doc_id": pl.String, "currency": pl.String, "amount_krw": pl.Float64, "amount_krw_adjusted": pl.Float64})
    near = stories.build_links(documents, amounts, years, signatures=signatures)
    story = stories.build_stories(documents, near)
    return {"near_duplicates": _write_part(out, "near_duplicates", 0, near), "stories": _write_part(out, "stories", 0, story)}


def read_tables(out_dir: str | Path, *, verify: bool = True) -> dict[str, pl.LazyFrame]:
    """The tables of a completed run, each a lazy scan over its Parquet parts.

    The parts on disk must be exactly those the manifest lists (no stray part from
    another run, none missing) and, with ``verify``, each must have the SHA-256 the
    manifest records; otherwise the folder is refused with how to recover (run
    ``kpolicy extract`` again).

    Args:
        out_dir: the folder :func:`run` wrote.
        verify: check every part's SHA-256 (reads each part once; ``False`` checks
            only the list of parts).

    Returns:
        Table name -> ``pl.LazyFrame`` with the declared schema (an empty frame for a
        table no batch produced rows for). Rows come in batch order; sort by the
        table's key (``kpolicy.schema.get(name).key``) where order matters.

    Raises:
        KpolicyError: the folder holds no run, the run did not complete, or its parts
            do not match the manifest.
    """
    out = Path(out_dir)
    path = out / MANIFEST
    if not path.is_file():
        raise KpolicyError(f"{out}: no kpolicy extract output here (no {MANIFEST})")
    again = "run kpolicy extract again to rebuild it"
    try:
        info = json.loads(safety.read_capped(path, 64 * 1024 * 1024, "manifest").decode("utf-8"))
        listed_parts = info.get("parts")
        tables_listed = [str(n) for n in info["tables"]]
        for n in tables_listed:
            schema.get(n)
    except (ValueError, KeyError, TypeError, AttributeError, KpolicyError):
        raise KpolicyError(f"{path}: the manifest is unreadable or not kpolicy's; {again}") from None
    if info.get("status") != "complete":
        raise KpolicyError(f"{out}: the extract run did not complete (status {info.get('status')!r}); run it again")
    if not isinstance(listed_parts, dict):
        raise KpolicyError(f"{path}: the manifest lists no parts (an older kpolicy wrote it); {again}")
    tables: dict[str, pl.LazyFrame] = {}
    for name in tables_listed:
        declared = schema.get(name)
        listed = {p["file"]: p for p in listed_parts.get(name, [])}
        on_disk = {p.name for p in (out / name).glob("part-*.parquet")}
        for extra in sorted(on_disk - set(listed)):
            raise KpolicyError(f"{out}: {name}/{extra} is not listed in the manifest; the folder mixes parts of another run; {again}")
        for missing in sorted(set(listed) - on_disk):
            raise KpolicyError(f"{out}: {name}/{missing} is missing; {again}")
        if verify:
            for file, part in sorted(listed.items()):
                if _sha256(out / name / file) != part["sha256"]:
                    raise KpolicyError(f"{out}: {name}/{file} does not match the manifest (edited, truncated or from another run); {again}")
        parts = sorted((out / name / f for f in listed), key=lambda p: int(p.stem.split("-")[1]))
        if not parts:
            tables[name] = declared.empty().lazy()
            continue
        tables[name] = pl.scan_parquet(parts).select([pl.col(c.name).cast(c.dtype) for c in declared.columns])
    return tables


def peak_rss_mb() -> float:
    """This process's peak resident memory, in MiB (Linux VmHWM; ru_maxrss elsewhere)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ---------------------------------------------------------------------------------
# The output folder
# ---------------------------------------------------------------------------------


def _prepare_out_dir(out: Path) -> list[Path]:
    """Check the (locked) output folder: empty, or an earlier run's; refuse anything else.

    Returns:
        The earlier run's table folders, to delete once the manifest says ``running``.
    """
    entries = [p for p in out.iterdir() if p.name != LOCK]
    if not entries:
        return []
    if not (out / MANIFEST).is_file():
        raise KpolicyError(f"output folder {out} is not empty and holds no kpolicy extract run; choose a new or empty folder")
    known = set(schema.all_tables())
    return [p for p in entries if p.is_dir() and not p.is_symlink() and p.name in known]


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1024 * 1024), b""):
            h.update(block)
    return h.hexdigest()


def _write_part(out: Path, table: str, batch_no: int, df: pl.DataFrame) -> dict[str, Any] | None:
    """Write one batch's rows of a table (nothing for no rows), atomically.

    Returns:
        ``{"file", "rows", "sha256"}`` for the manifest, or None when there are no rows.
    """
    if df.height == 0:
        return None
    folder = out / table
    folder.mkdir(exist_ok=True)
    name = f"part-{batch_no:05d}.parquet"
    safety.atomic_write(folder / name, write=df.write_parquet)
    return {"file": name, "rows": df.height, "sha256": _sha256(folder / name)}


def _write_manifest(out: Path, status: str, tables: list[str], options: dict[str, Any], summary: Summary,
                    parts: dict[str, list[dict[str, Any]]] | None = None, run_info: dict[str, Any] | None = None) -> None:
    from kpolicy import __version__

    listed = {t: sorted((parts or {}).get(t, []), key=lambda p: p["file"]) for t in tables}
    info = {"status": status, "kpolicy_version": __version__, "tables": tables, "options": options,
            "summary": asdict(summary), "parts": listed, "run": run_info or {}}
    safety.atomic_write(out / MANIFEST, json.dumps(info, indent=2, ensure_ascii=False) + "\n")
