"""The batch runner: papermill runs from the batch file -> a reports folder.

:func:`run_batch` executes each run of :func:`kpolicy.reporting.batchfile.load_batch`
with papermill (``--jobs`` in parallel threads), exports offline HTML
(:mod:`kpolicy.reporting.page`) with interactive, evidence-linked charts
(:mod:`kpolicy.reporting.render`: one local copy of the Vega bundle, one page per
document under ``docs/``), writes the corpus tables as Parquet and CSV, and writes
``index.html`` linking every report with its parameters and status. A failing
run keeps its executed notebook (with the error) and HTML, is marked failed in the
index, and the other runs still finish. Every file is written to a temporary name and
renamed, so an interrupted batch leaves no half-written report; a lock file
(:class:`BatchLock`) stops two batches from writing the same folder at once, and a
manifest (``.kpolicy-runs.json``) remembers every run's last result for ``--only``.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from kpolicy import safety
from kpolicy.errors import KpolicyError
from kpolicy.paths import (
    BATCH_FILE,
    NOTEBOOKS_DIR,
    REPORTS_DIR,
    SEEDS_DIR,
    from_cwd,
    resolve,
)
from kpolicy.reporting.batchfile import Run, adhoc_runs, load_batch
from kpolicy.reporting.page import export_html, render_index
from kpolicy.reporting.render import EvidenceIndex, write_assets, write_document_pages

KERNEL = "python3"


@dataclass
class RunResult:
    run: Run
    status: str  # "ok" | "failed" | "skipped" (the run does not apply to this corpus)
    seconds: float
    error: str | None = None
    outputs: dict[str, str] = field(default_factory=dict)


def _atomic_write(path: Path, data: bytes | str) -> None:
    """Write to a temporary file in the same folder, fsync, then rename over ``path``."""
    safety.atomic_write(path, data, make_parents=True)


def execute_run(run: Run, out_dir: Path, corpus_dir: Path, evidence: EvidenceIndex | None = None) -> RunResult:
    """Execute one run with papermill and export its HTML; never raises for a failing notebook.

    With ``evidence``, the HTML is interactive (see :func:`kpolicy.reporting.page.export_html`).
    """
    import papermill
    from traitlets.config import Config

    safety.check_name(run.name, "run name")  # every file below is named after it
    parameters = dict(run.parameters)
    parameters["corpus_dir"] = str(corpus_dir)
    ipynb = out_dir / f"{run.name}.ipynb"
    if not safety.inside(ipynb.parent, out_dir):
        raise KpolicyError(f"run {run.name!r} would write outside {out_dir}")
    tmp = out_dir / f".{run.name}.running.ipynb"
    start = time.perf_counter()
    error = None
    skipped = False
    try:
        # The kernel talks over local sockets in a private folder of this run instead
        # of TCP on localhost: nothing listens on the network, concurrent runs cannot
        # collide, and the kernel has no "running over TCP" warning to print.
        with tempfile.TemporaryDirectory(prefix="kpolicy-kernel-") as sockets:
            papermill.execute_notebook(
                str(run.notebook),
                str(tmp),
                parameters=parameters,
                kernel_name=KERNEL,
                cwd=str(NOTEBOOKS_DIR),
                progress_bar=False,
                log_output=False,
                config=Config({"KernelManager": {"transport": "ipc", "ip": str(Path(sockets) / "kernel")}}),
            )
    except papermill.PapermillExecutionError as exc:
        error = f"{exc.ename}: {exc.evalue}"
        skipped = exc.ename == "NotApplicable"
    except Exception as exc:  # noqa: BLE001 - kernel died, bad notebook: report, keep going
        error = f"{type(exc).__name__}: {exc}"
    seconds = time.perf_counter() - start
    outputs: dict[str, str] = {}
    if tmp.exists():
        os.replace(tmp, ipynb)
        outputs["ipynb"] = ipynb.name
        try:
            _atomic_write(out_dir / f"{run.name}.html", export_html(ipynb, run.name, evidence))
            outputs["html"] = f"{run.name}.html"
        except Exception as exc:  # noqa: BLE001 - a failed export is reported in the index
            error = error or f"HTML export failed: {type(exc).__name__}: {exc}"
    tmp.unlink(missing_ok=True)
    if ipynb.exists() and "ipynb" in outputs:
        figures = read_figures(ipynb)
        if figures:
            _atomic_write(out_dir / f"{run.name}.figures.json", json.dumps(figures, indent=2, ensure_ascii=False, sort_keys=True))
            outputs["figures"] = f"{run.name}.figures.json"
    status = "skipped" if skipped else ("failed" if error else "ok")
    return RunResult(run, status, seconds, error, outputs)


def read_figures(notebook_path: Path) -> dict[str, Any]:
    """The headline figures an executed notebook recorded (:func:`kpolicy.display.record_figures`)."""
    import nbformat

    from kpolicy.display import FIGURES_MIMETYPE

    nb = nbformat.read(str(notebook_path), as_version=4)
    figures: dict[str, Any] = {}
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if FIGURES_MIMETYPE in data:
                figures.update(data[FIGURES_MIMETYPE])
    return figures


def write_tables(corpus, out_dir: Path) -> list[str]:
    """Write the corpus tables and every available fact table as Parquet and CSV."""
    from kpolicy.facts import available_kinds

    tables = {
        "documents": corpus.documents.drop("raw_text", "text"),
        "sentences": corpus.sentences,
        "rejects": corpus.rejects,
        "duplicates": corpus.duplicates,
    }
    for kind in available_kinds():
        tables[kind] = corpus.facts(kind)
    written = []
    for name, df in tables.items():
        written += write_table(df, out_dir / "tables" / name)
    return written


def write_table(df: pl.DataFrame, stem: Path) -> list[str]:
    """Write ``df`` as ``stem.parquet`` and ``stem.csv``, each atomically.

    The CSV joins lists with "; " and neutralises spreadsheet formulas: a string cell
    starting with ``=``, ``+``, ``-``, ``@``, tab or CR gets a leading ``'``
    (:func:`kpolicy.safety.csv_safe`). The Parquet file keeps the data as it is.
    """
    safety.atomic_write(stem.with_suffix(".parquet"), write=lambda p: df.write_parquet(p, statistics=False), make_parents=True)
    safety.atomic_write(stem.with_suffix(".csv"), safety.flat_csv(df).write_csv())
    return [stem.with_suffix(".parquet").name, stem.with_suffix(".csv").name]


class BatchLock(safety.FolderLock):
    """An exclusive lock on the output folder (:class:`kpolicy.safety.FolderLock`); a
    second batch on the same folder is refused with one line."""

    def __init__(self, out_dir: Path):
        super().__init__(out_dir, ".kpolicy-report.lock", "kpolicy report")


def run_batch(
    corpus_dir: str | Path | None = None,
    out_dir: str | Path | None = None,
    *,
    batch_file: str | Path | None = None,
    jobs: int = 1,
    only: list[str] | None = None,
    progress: bool = True,
    compare: list[str] | None = None,
    reference: str | None = None,
    profile: list[str] | None = None,
) -> list[RunResult]:
    """Run the batch (or the ad-hoc runs of ``compare``/``profile``) and write
    ``out_dir/index.html``.

    Args:
        corpus_dir: corpus folder (default ``seeds/``); passed to every notebook.
        out_dir: output folder (default ``reports/``); a relative path is relative to
            the current directory.
        batch_file: the batch YAML (default ``params/batch.yaml``); a relative path is
            relative to the current directory.
        jobs: runs executed in parallel.
        only: run only these names.
        progress: show a progress bar on stderr.
        compare: instead of the batch, one comparison per item (``"Gwangju,Daejeon"``),
            see :func:`kpolicy.reporting.batchfile.adhoc_runs`; the index keeps the
            folder's earlier runs.
        reference: the keyness reference of those comparisons (``"National"``).
        profile: instead of the batch, a profile per region (``"Busan"``).

    Returns:
        One :class:`RunResult` per run, in batch order.
    """
    from kpolicy.corpus import load_corpus
    from kpolicy.params import corpus_regions

    corpus_path = resolve(corpus_dir, SEEDS_DIR)
    out = from_cwd(out_dir, REPORTS_DIR)
    batch_path = from_cwd(batch_file, BATCH_FILE)
    adhoc = bool(compare or profile)
    if adhoc and (batch_file is not None or only):
        raise KpolicyError("--compare and --profile run their own notebooks; they cannot be combined with --batch or --only")
    if reference is not None and not compare:
        raise KpolicyError("--reference applies to --compare; add --compare A,B")
    if jobs < 1:
        raise KpolicyError(f"--jobs must be at least 1 (got {jobs})")
    if safety.inside(out, corpus_path):
        raise KpolicyError(f"the output folder {out} is inside the corpus folder {corpus_path}; choose one outside it")
    if safety.inside(corpus_path, out):
        raise KpolicyError(f"the output folder {out} holds the corpus folder {corpus_path}; choose an output folder outside it")
    corpus = load_corpus(corpus_path, cache=True)  # fail fast; warms the cache the notebooks read
    present = corpus_regions(corpus.documents)
    if adhoc:
        runs = adhoc_runs(present, compare=compare, reference=reference, profile=profile)
    else:
        runs = load_batch(batch_path, present)
    if only:
        valid = [r.name for r in runs]
        missing = [n for n in only if n not in valid]
        if missing:
            raise KpolicyError(f"unknown run {missing[0]!r}; valid runs: {', '.join(valid)}")
        runs = [r for r in runs if r.name in only]
    with BatchLock(out):
        tables = write_tables(corpus, out)
        write_assets(out)
        write_document_pages(corpus, out)
        evidence = EvidenceIndex.of(corpus)
        results: dict[str, RunResult] = {}
        bar = None
        if progress:
            from tqdm.auto import tqdm

            bar = tqdm(total=len(runs), desc="kpolicy report", unit="run")
        pool = ThreadPoolExecutor(max_workers=jobs)
        try:
            futures = {pool.submit(execute_run, r, out, corpus_path, evidence): r for r in runs}
            for fut in as_completed(futures):
                res = fut.result()
                results[res.run.name] = res
                if bar is not None:
                    bar.set_postfix_str(f"{res.run.name}: {res.status}")
                    bar.update(1)
        except BaseException:
            # Interrupted (Ctrl-C, SIGTERM): start nothing new, let the running notebooks
            # finish writing (every file is renamed into place whole), then release the lock.
            print("\nkpolicy: interrupted; waiting for running notebooks to finish ...", file=sys.stderr)
            pool.shutdown(wait=True, cancel_futures=True)
            for leftover in out.glob(".*.running.ipynb"):
                leftover.unlink(missing_ok=True)
            raise
        finally:
            pool.shutdown(wait=True)
            if bar is not None:
                bar.close()
        ordered = [results[r.name] for r in runs]
        keep = None if adhoc else [r.name for r in load_batch(batch_path, present)]
        listed = _merge_manifest(out, ordered, keep, corpus_path)
        _atomic_write(out / "index.html", render_index(listed, corpus, corpus_path, tables))
    return ordered


MANIFEST = ".kpolicy-runs.json"


def _merge_manifest(out: Path, results: list[RunResult], batch_names: list[str] | None, corpus_path: Path) -> list[RunResult]:
    """Remember every run's last result, so that ``--only`` keeps the others in the index.

    Results of runs that are no longer in the batch (``batch_names``; ``None`` keeps
    every earlier run, for ad-hoc runs), or that were made from another corpus, are
    dropped.
    """
    import json

    path = out / MANIFEST
    try:
        old = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        old = {}
    if old.get("corpus") != str(corpus_path):
        old = {}
    runs = old.get("runs", {})
    for r in results:
        runs[r.run.name] = {
            "notebook": r.run.notebook.name,
            "parameters": r.run.parameters,
            "status": r.status,
            "seconds": r.seconds,
            "error": r.error,
            "outputs": r.outputs,
        }
    if batch_names is not None:
        runs = {name: runs[name] for name in batch_names if name in runs}
    _atomic_write(path, json.dumps({"corpus": str(corpus_path), "runs": runs}, indent=1, sort_keys=True, default=str))
    return [
        RunResult(Run(name, Path(v["notebook"]), None, v["parameters"]), v["status"], v["seconds"], v["error"], v["outputs"])
        for name, v in runs.items()
    ]


def clean_reports(out_dir: Path = REPORTS_DIR) -> None:
    """Remove a reports folder (used by tests)."""
    shutil.rmtree(out_dir, ignore_errors=True)
