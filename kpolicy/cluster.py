"""The Dask engine of ``kpolicy extract``: the same batches, run on a Dask cluster.

``kpolicy extract --engine dask --scheduler local:4`` starts a LocalCluster of 4 worker
processes on this machine; ``--scheduler tcp://host:8786`` uses a running cluster (one
started by ``dask scheduler`` / ``dask worker``, by dask-jobqueue on SLURM or PBS, or on
Kubernetes). Every worker needs the same kpolicy installed and must see the source and
the output folder at the same paths (a shared file system).

How a run goes (:class:`DaskEngine`, driven by :func:`kpolicy.pipeline.run`):

1. **Probe.** The input is cut into tasks: lists of files of a folder, byte ranges of a
   JSONL file (cut at line starts), row groups of a Parquet file. Each task reads its
   items and probes them (:func:`kpolicy.corpus.probe_file` /
   :func:`~kpolicy.corpus.probe_record`: decode, hash, check), returning only digests,
   sizes and reject reasons, never the texts.
2. **Decide.** The driver takes the probes in input order through
   :meth:`kpolicy.corpus.Ingest.decide` (duplicates, doc_ids) and groups the documents
   into batches by :func:`kpolicy.pipeline.plan_batches`: the very batches the local
   engine makes, numbered the same.
3. **Extract.** Each batch is a task that reads its documents again (by path, byte
   offset or row number; their digests are checked against the probe) and runs
   :func:`kpolicy.pipeline.process_batch`, the local engine's batch function, which
   writes its parts atomically under deterministic names (``part-NNNNN.parquet``).

So the parts are byte for byte the local engine's. A worker that dies mid-batch leaves
at most a temporary file (removed at the end); Dask runs the batch again elsewhere and
it overwrites its own parts. The driver records each finished batch in the journal and
writes the manifest; a re-run after an interrupted driver skips the finished batches.
"""

from __future__ import annotations

import importlib.util
import logging
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kpolicy.corpus import (
    CatalogEntry,
    DocInput,
    FoundFile,
    Ingest,
    Probe,
    catalog_keys,
    probe_file,
    probe_record,
)
from kpolicy.errors import KpolicyError

#: A JSONL file is probed in byte ranges of about this size.
DEFAULT_SCAN_BYTES = 64 * 1024 * 1024
#: A folder is probed in lists of this many files.
DEFAULT_SCAN_FILES = 500
#: Probe tasks submitted ahead of the one the driver waits for.
SCAN_AHEAD = 4


def parse_scheduler(scheduler: str | None) -> tuple[str, Any]:
    """``local`` / ``local:N`` -> ``("local", N or None)``; an address -> ``("address", it)``.

    Raises:
        KpolicyError: no scheduler given, or a bad ``local:N``.
    """
    if not scheduler or not scheduler.strip():
        raise KpolicyError("--engine dask needs --scheduler: a scheduler address (tcp://host:8786) or local[:N]")
    s = scheduler.strip()
    if s == "local" or s.startswith("local:"):
        n = s.partition(":")[2]
        if not n:
            return "local", None
        if not n.isdigit() or int(n) < 1:
            raise KpolicyError(f"--scheduler {s!r}: give local:N with N worker processes, at least 1")
        return "local", int(n)
    return "address", s


def _require_dask() -> None:
    if importlib.util.find_spec("distributed") is None:
        raise KpolicyError("the dask engine needs dask.distributed: install the extra, pip install 'kpolicy[dask]' (make test installs it)")


def _kpolicy_version() -> str:
    from kpolicy import __version__

    return __version__


@dataclass
class _Part:
    """One probe task: a slice of the input."""

    index: int
    files: list[FoundFile] = field(default_factory=list)
    catalog: dict[str, CatalogEntry] = field(default_factory=dict)
    start: int = 0  # JSONL: first byte; Parquet: first row
    end: int | None = None  # JSONL: end byte; Parquet: row count of the group
    group: int | None = None  # Parquet row group


@dataclass
class _DocRef:
    """A kept document, as a batch task finds it again."""

    doc_id: str
    where: str
    loc: Any  # FoundFile, JSONL byte offset, or Parquet row
    sha256: str
    n_bytes: int
    n_figures: int


@dataclass
class _Spec:
    """What every task needs to know about the source (sent with each task; small)."""

    kind: str
    path: Path
    columns: list[str]
    max_bytes: int
    max_figures: int
    chunk_rows: int


def _sub_catalog(catalog: dict[str, CatalogEntry], files: list[FoundFile]) -> dict[str, CatalogEntry]:
    return {k: catalog[k] for f in files for k in catalog_keys(f.rel) if k in catalog}


def _partitions(src: Any, scan_bytes: int, scan_files: int) -> list[_Part]:
    if src.kind == "folder":
        chunks = [src.found[i : i + scan_files] for i in range(0, len(src.found), scan_files)]
        return [_Part(i, files=c, catalog=_sub_catalog(src.catalog, c)) for i, c in enumerate(chunks)]
    if src.kind == "jsonl":
        size = src.path.stat().st_size
        starts = list(range(0, max(size, 1), scan_bytes))
        return [_Part(i, start=s, end=min(s + scan_bytes, size)) for i, s in enumerate(starts)]
    from kpolicy.readers.records import parquet_row_groups

    try:
        groups = parquet_row_groups(src.path)
    except (OSError, ValueError, IndexError, RecursionError):
        groups = []
    if not groups:  # a footer we cannot follow: one task reads the file as the local engine does
        return [_Part(0)]
    parts, row = [], 0
    for g, n in enumerate(groups):
        parts.append(_Part(g, start=row, end=n, group=g))
        row += n
    return parts


def scan_part(spec: _Spec, part: _Part) -> tuple[list[tuple[Any, Probe]], int]:
    """Probe one slice of the input (runs on a worker).

    Returns:
        ``(probes, lines)``: ``(locator, probe without text)`` per item in input order (a
        JSONL probe's ``where`` holds its line number within the range; the driver makes
        it absolute), and for JSONL the number of lines starting in the range.
    """
    from kpolicy.readers import records

    out: list[tuple[Any, Probe]] = []
    if spec.kind == "folder":
        for f in part.files:
            out.append((f, probe_file(f, part.catalog, spec.max_bytes, spec.max_figures).light()))
        return out, 0
    if spec.kind == "jsonl":
        lines = 0
        for i, offset, record in records.jsonl_range(spec.path, spec.max_bytes, part.start, part.end):
            lines = i + 1
            if record is None:  # a blank line
                continue
            out.append((offset, probe_record(str(i), record, spec.max_bytes, spec.max_figures).light()))
        return out, lines
    if part.group is None:
        rows = records.parquet_records(spec.path, spec.columns, spec.chunk_rows)
    else:
        rows = records.parquet_group_records(spec.path, spec.columns, spec.chunk_rows, part.group, part.start, part.end)
    for where, record in rows:
        row = int(where.rpartition("#")[2]) if where.rpartition("#")[2].isdigit() else None
        out.append((row, probe_record(where, record, spec.max_bytes, spec.max_figures).light()))
    return out, 0


def _reprobe(spec: _Spec, refs: list[_DocRef], catalog: dict[str, CatalogEntry]) -> list[DocInput]:
    """The documents of a batch, read again from the source."""
    from kpolicy.readers import records

    if spec.kind == "folder":
        probes = [probe_file(r.loc, catalog, spec.max_bytes, spec.max_figures) for r in refs]
    elif spec.kind == "jsonl":
        probes = [probe_record(r.where, rec, spec.max_bytes, spec.max_figures)
                  for r, rec in zip(refs, records.jsonl_at(spec.path, spec.max_bytes, [r.loc for r in refs]), strict=True)]
    else:
        rows = records.parquet_rows(spec.path, spec.columns, [r.loc for r in refs])
        probes = [probe_record(r.where, rec, spec.max_bytes, spec.max_figures) for r, rec in zip(refs, rows, strict=True)]
    docs = []
    for ref, p in zip(refs, probes, strict=True):
        if p.doc is None or p.doc.content_sha256 != ref.sha256:
            raise KpolicyError(f"{spec.path}: {ref.where} changed while the run read it; run kpolicy extract again on a source that is not being written")
        p.doc.doc_id = ref.doc_id
        docs.append(p.doc)
    return docs


def run_batch(spec: _Spec, task: Any, catalog: dict[str, CatalogEntry], out: Path, kinds: list[str], infer_regions: bool) -> dict[str, Any]:
    """One batch on a worker: read its documents, then :func:`kpolicy.pipeline.process_batch`."""
    import dataclasses

    from kpolicy.pipeline import process_batch

    docs = _reprobe(spec, task.docs, catalog)
    counts = process_batch(dataclasses.replace(task, docs=docs), out, kinds, infer_regions, _crash_hook(task.batch_no, out))
    try:
        from distributed import get_worker

        counts["_worker"] = get_worker().address
    except (ImportError, ValueError):
        counts["_worker"] = "local"
    return counts


#: Fault injection for the worker-failure test: JSON ``{"out", "batch", "table",
#: "marker"}`` makes the worker running that batch of a run into ``out`` kill itself
#: (SIGKILL) right after writing its ``table`` part, once (the ``marker`` file records
#: that it happened). Unset in normal runs.
CRASH_ENV = "KPOLICY_TEST_KILL_WORKER"


def _crash_hook(batch_no: int, out: Path) -> Any:
    import json
    import os

    spec = os.environ.get(CRASH_ENV)
    if not spec:
        return None
    plan = json.loads(spec)
    if plan["batch"] != batch_no or Path(plan["out"]) != Path(out) or Path(plan["marker"]).exists():
        return None

    def crash(name: str) -> None:
        if name == plan["table"]:
            import signal

            Path(plan["marker"]).write_text(str(os.getpid()))
            os.kill(os.getpid(), signal.SIGKILL)

    return crash


class DaskEngine:
    """Runs :func:`kpolicy.pipeline.run`'s batches on a Dask cluster (see the module doc).

    Args:
        scheduler: a scheduler address, or ``local[:N]`` (a LocalCluster of N processes,
            one thread each; N defaults to the CPU count).
        out: the output folder (the workers write into it).
        kinds, options: as :func:`kpolicy.pipeline.run` resolved them.
        scan_bytes: JSONL bytes per probe task (default :data:`DEFAULT_SCAN_BYTES`); a
            folder is probed in lists of ``scan_files`` files.
        progress: print the dashboard link (default: when stderr is a terminal).
    """

    name = "dask"

    def __init__(self, scheduler: str | None, out: Path, kinds: list[str], options: dict[str, Any], *,
                 scan_bytes: int | None = None, scan_files: int = DEFAULT_SCAN_FILES, progress: bool | None = None) -> None:
        self.how, self.where = parse_scheduler(scheduler)
        _require_dask()
        self.out, self.kinds, self.options = out, kinds, options
        self.scan_bytes = scan_bytes or DEFAULT_SCAN_BYTES
        if self.scan_bytes < 1 or scan_files < 1:
            raise KpolicyError("scan_bytes and scan_files must be at least 1")
        self.scan_files = scan_files
        self.progress = sys.stderr.isatty() if progress is None else progress
        self.cluster: Any = None
        self.client: Any = None
        self.pending: list[tuple[Any, Any]] = []
        self.ignored_fields: set[str] = set()
        self.worker_peaks: dict[str, float] = {}
        self.workers = 0
        self.dashboard_link: str | None = None
        self.startup_seconds = 0.0
        # Task keys are unique per run: two runs sharing a cluster never share results.
        import uuid

        self.run_id = uuid.uuid4().hex[:12]

    # -- the cluster -------------------------------------------------------------------

    def __enter__(self) -> DaskEngine:
        import time

        from distributed import Client, LocalCluster

        started = time.perf_counter()
        try:
            if self.how == "local":
                self.cluster = LocalCluster(n_workers=self.where, threads_per_worker=1, processes=True,
                                            dashboard_address=":0", silence_logs=logging.ERROR)
                self.client = Client(self.cluster)
            else:
                self.client = Client(self.where, timeout="30s")
        except (OSError, TimeoutError) as exc:
            self.__exit__(None, None, None)
            raise KpolicyError(f"cannot reach the Dask scheduler {self.where}: {exc}") from None
        try:
            versions = self.client.run(_kpolicy_version)
        except Exception as exc:  # noqa: BLE001 - a worker without kpolicy fails to unpickle the function, with any error
            self.__exit__(None, None, None)
            raise KpolicyError(f"the Dask workers cannot run kpolicy ({type(exc).__name__}: {exc}); install the same kpolicy on every worker") from None
        mine = _kpolicy_version()
        other = sorted({v for v in versions.values() if v != mine})
        if other:
            self.__exit__(None, None, None)
            raise KpolicyError(f"the Dask workers run kpolicy {', '.join(other)}, this process {mine}; install the same version everywhere")
        if not versions:
            self.__exit__(None, None, None)
            raise KpolicyError(f"the Dask cluster at {self.where} has no workers; start some (dask worker {self.where})")
        self.workers = len(versions)
        self.threads = sum(w.get("nthreads", 1) for w in self.client.scheduler_info()["workers"].values()) or self.workers
        self.dashboard_link = self.client.dashboard_link
        self.startup_seconds = time.perf_counter() - started
        if self.progress:
            note = "" if self.how != "local" or importlib.util.find_spec("bokeh") else " (install bokeh to serve it)"
            print(f"kpolicy: Dask cluster with {self.workers} workers; dashboard: {self.dashboard_link}{note}", file=sys.stderr)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.client is not None:
            self.client.close()
            self.client = None
        if self.cluster is not None:
            self.cluster.close()
            self.cluster = None

    # -- the engine protocol of kpolicy.pipeline._extract --------------------------------

    def tasks(self, src: Any) -> Any:
        from kpolicy.pipeline import plan_batches

        o = self.options
        self.spec = _Spec(src.kind, src.path, list(src.columns), o["max_bytes"], o["max_figures"], min(o["batch_docs"], 10_000))
        self.catalog = src.catalog
        return plan_batches(self._items(src), o["batch_docs"], o["batch_bytes"], o["batch_figures"])

    def _items(self, src: Any) -> Any:
        """Every item of the source in order, decided here from the workers' probes."""
        ingest = Ingest(self.options["max_figures"])
        parts = _partitions(src, self.scan_bytes, self.scan_files)
        ahead = max(SCAN_AHEAD, self.threads)
        futures: dict[int, Any] = {}
        line_base = 0
        name = src.path.name
        for i, _ in enumerate(parts):
            for j in range(i, min(i + ahead, len(parts))):
                if j not in futures:
                    futures[j] = self.client.submit(scan_part, self.spec, parts[j], pure=False, key=f"kpolicy-probe-{self.run_id}-{j}")
            probes, lines = futures.pop(i).result()
            for loc, probe in probes:
                if src.kind == "jsonl":
                    probe.where = f"{name}:{line_base + int(probe.where) + 1}"
                kind, row, doc_id = ingest.decide(probe)
                if kind == "document":
                    yield kind, _DocRef(doc_id, probe.where, loc, probe.digest.hex(), probe.n_bytes, probe.n_figures)
                else:
                    yield kind, row
            line_base += lines
        self.ignored_fields = ingest.ignored_fields

    def submit(self, task: Any) -> list[tuple[Any, dict[str, Any]]]:
        catalog = _sub_catalog(self.catalog, [r.loc for r in task.docs]) if self.spec.kind == "folder" else {}
        fut = self.client.submit(run_batch, self.spec, task, catalog, self.out, self.kinds, self.options["infer_regions"],
                                 pure=False, key=f"kpolicy-batch-{self.run_id}-{task.batch_no}", priority=1)
        self.pending.append((task, fut))
        done = self._collect_done()
        # At most two batches per worker thread in flight: the driver's memory stays bounded.
        while len(self.pending) >= 2 * self.threads:
            from distributed import wait

            wait([f for _, f in self.pending], return_when="FIRST_COMPLETED")
            done += self._collect_done()
        return done

    def _collect_done(self) -> list[tuple[Any, dict[str, Any]]]:
        done, still = [], []
        for task, fut in self.pending:
            if fut.done():
                counts = fut.result()  # raises the task's error (or KilledWorker after repeated deaths)
                worker = counts.pop("_worker", "?")
                self.worker_peaks[worker] = max(self.worker_peaks.get(worker, 0.0), counts.get("_peak_rss_mb", 0.0))
                done.append((task, counts))
            else:
                still.append((task, fut))
        self.pending = still
        return done

    def drain(self) -> Any:
        from distributed import wait

        while self.pending:
            wait([f for _, f in self.pending], return_when="FIRST_COMPLETED")
            yield from self._collect_done()

    def abort(self) -> None:
        if self.client is not None and self.pending:
            self.client.cancel([f for _, f in self.pending], force=True)
        self.pending = []
