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
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import time
from collections import deque
from collections.abc import Sequence
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
        peak_rss_mb: peak resident memory of this process, in MiB; with ``jobs > 1``,
            ``worker_peak_rss_mb`` is the largest of the worker processes'.
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
    ignored_fields: list[str] = field(default_factory=list)

    def line(self) -> str:
        """The summary as one line, for the command line."""
        rows = ", ".join(f"{k} {v:,}" for k, v in self.rows.items())
        rate = self.documents / self.seconds if self.seconds > 0 else 0.0
        extra = f"; ignored fields: {', '.join(self.ignored_fields)}" if self.ignored_fields else ""
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
) -> Summary:
    """Extract every table from a source, batch by batch, into Parquet parts.

    Args:
        source: a corpus folder (as for :func:`kpolicy.load_corpus`), or a ``.jsonl`` /
            ``.parquet`` file of documents with ``doc_id`` and ``text`` (and optional
            metadata fields: title, publisher, reporter, source_url, published_date,
            date_source, language, level, regions). Records are named
            ``file.jsonl:LINE`` / ``file.parquet#ROW`` in the ``path`` columns.
        out_dir: output folder: new, empty, or the output of an earlier run (replaced).
        batch_docs: documents per batch. Memory grows with it; results do not change.
        kinds: fact kinds to extract (default: all, see :func:`fact_kinds`).
        progress: show a progress bar (default: on a terminal, for 500+ items).
        max_bytes: larger files or record texts are rejected as ``too_large``.
        batch_bytes: a batch also closes once its documents reach this many input bytes.
        infer_regions: infer about-regions and level where not curated (as load_corpus).
        jobs: worker processes for the batches (1: all in this process). Reading and
            duplicate detection stay in this process, so results do not depend on it.
        max_figures: documents with more numbers than this are rejected as
            ``too_many_figures``.
        batch_figures: a batch also closes once its documents hold this many numbers.

    The output folder is locked for the run (a second run on it is refused). The
    manifest says ``running`` before anything of an earlier run is deleted, and
    ``complete`` only once every part is written; it lists every part with its row
    count and SHA-256, which :func:`read_tables` checks. Parts are written atomically
    under deterministic names. SIGTERM or Ctrl-C stops the worker processes.

    Returns:
        A :class:`Summary`; also saved, with the run's status, in ``out_dir/`` :data:`MANIFEST`.

    Raises:
        KpolicyError: a bad source (missing, unknown format, a Parquet file without
            doc_id/text), a non-empty output folder that is not a kpolicy output, bad
            options, or bad curated metadata.
    """
    start = time.perf_counter()
    if batch_docs < 1:
        raise KpolicyError(f"batch_docs must be at least 1, not {batch_docs}")
    if jobs < 1:
        raise KpolicyError(f"jobs must be at least 1, not {jobs}")
    wanted = fact_kinds(kinds)
    src = open_source(source)
    target = Path(out_dir).expanduser().resolve()
    if src.kind == "folder" and safety.inside(target, src.path):
        raise KpolicyError(f"the output folder {target} is inside the corpus folder {src.path}; choose one outside it")
    if safety.inside(src.path, target):
        raise KpolicyError(f"the output folder {target} holds the corpus {src.path}; choose an output folder outside it")
    if target.exists() and not target.is_dir():
        raise KpolicyError(f"output path is a file, not a folder: {target}")
    with OutLock(target), safety.sigterm_unwinds():
        return _extract(src, target, start, wanted, batch_docs, progress, max_bytes, batch_bytes, infer_regions, jobs, max_figures, batch_figures)


def _extract(src: Any, out: Path, start: float, wanted: list[str], batch_docs: int, progress: bool | None, max_bytes: int,
             batch_bytes: int, infer_regions: bool, jobs: int, max_figures: int, batch_figures: int) -> Summary:
    """:func:`run`'s work, with the output folder locked."""
    earlier = _prepare_out_dir(out)
    summary = Summary(str(src.path), src.kind, str(out), jobs=jobs)
    tables = [*CORPUS_TABLES, *BATCH_TABLES, *wanted, *LINK_TABLES]
    options = {"batch_docs": batch_docs, "batch_bytes": batch_bytes, "max_bytes": max_bytes,
               "infer_regions": infer_regions, "kinds": wanted, "jobs": jobs,
               "max_figures": max_figures, "batch_figures": batch_figures}
    parts: dict[str, list[dict[str, Any]]] = {}
    # "running" first: if the process dies while the earlier run is cleared, the
    # folder never claims to hold a complete run.
    _write_manifest(out, "running", tables, options, summary)
    for folder in earlier:
        shutil.rmtree(folder)

    if progress is None:
        progress = sys.stderr.isatty() and (src.total is None or src.total >= 500)
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=src.total, desc="kpolicy: extracting", unit="doc" if src.kind != "folder" else "file")

    pool = None
    if jobs > 1:
        # spawn, not fork: forking a process that has started Polars' thread pool can deadlock.
        pool = ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("spawn"))
    pending: deque[tuple[_Task, Future[dict[str, Any]]]] = deque()

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
        if pool is not None:
            summary.worker_peak_rss_mb = max(summary.worker_peak_rss_mb or 0.0, counts["_peak_rss_mb"])
        if bar is not None:
            bar.update(task.n_items)

    def submit(task: _Task) -> None:
        if pool is None:
            collect(task, process_batch(task, out, wanted, infer_regions))
            return
        pending.append((task, pool.submit(process_batch, task, out, wanted, infer_regions)))
        # Keep at most two batches per worker in flight: memory stays bounded.
        while len(pending) >= 2 * jobs:
            done, fut = pending.popleft()
            collect(done, fut.result())

    try:
        task = _Task(0)
        for kind, item in src.items(max_bytes, chunk_rows=min(batch_docs, 10_000), max_figures=max_figures):
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
                submit(task)
                task = _Task(task.batch_no + 1)
        if task.n_items:
            submit(task)
        while pending:
            done, fut = pending.popleft()
            collect(done, fut.result())
    except BaseException:
        if pool is not None:
            # Interrupted or failed: stop the workers now rather than let them finish
            # (or, on SIGTERM, outlive this process).
            for proc in list(getattr(pool, "_processes", {}).values()):
                proc.terminate()
            pool.shutdown(wait=True, cancel_futures=True)
            pool = None
        _write_manifest(out, "failed", tables, options, summary, parts)
        raise
    finally:
        if bar is not None:
            bar.close()
        if pool is not None:
            pool.shutdown(wait=True)

    if progress:
        print("kpolicy: linking stories ...", file=sys.stderr)
    try:
        for name, info in link_stories(out, parts).items():
            parts[name] = [info] if info is not None else []
            summary.rows[name] = info["rows"] if info is not None else 0
    except BaseException:
        _write_manifest(out, "failed", tables, options, summary, parts)
        raise
    summary.ignored_fields = sorted(src.ignored_fields)
    summary.seconds = time.perf_counter() - start
    summary.peak_rss_mb = peak_rss_mb()
    _write_manifest(out, "complete", tables, options, summary, parts)
    return summary


def process_batch(task: _Task, out: Path, kinds: list[str], infer_regions: bool) -> dict[str, Any]:
    """Build every table for one batch of whole documents and write its parts.

    Runs the same code as the in-memory path: :func:`kpolicy.corpus.document_rows` and
    :func:`kpolicy.corpus.build_tables`, then :meth:`kpolicy.corpus.Corpus.facts` per kind.

    Returns:
        Rows written per table, and this process's ``_peak_rss_mb``.
    """
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

    for name in CORPUS_TABLES:
        write(name, getattr(batch, name))
    if documents.height:
        from kpolicy import stories

        write("doc_signatures", stories.signature_table(documents))
        for kind in kinds:
            write(kind, batch.facts(kind))
    counts["_peak_rss_mb"] = peak_rss_mb()
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
                    parts: dict[str, list[dict[str, Any]]] | None = None) -> None:
    from kpolicy import __version__

    listed = {t: sorted((parts or {}).get(t, []), key=lambda p: p["file"]) for t in tables}
    info = {"status": status, "kpolicy_version": __version__, "tables": tables, "options": options,
            "summary": asdict(summary), "parts": listed}
    safety.atomic_write(out / MANIFEST, json.dumps(info, indent=2, ensure_ascii=False) + "\n")
