"""The batch runner: papermill runs from ``params/batch.yaml`` -> ``reports/``.

``params/batch.yaml`` lists the runs; each names a notebook in ``notebooks/`` and a
parameter file in ``params/`` (one YAML per run, keys = the notebook's parameters)::

    runs:
      - name: corpus_overview
        notebook: 00_corpus_overview.ipynb
        params: corpus_overview.yaml

:func:`run_batch` executes each run with papermill (``--jobs`` in parallel threads),
exports offline HTML with the ``kpolicy_offline`` nbconvert template (no require.js,
no MathJax, no CDN), writes the corpus tables as Parquet and CSV, and writes
``index.html`` linking every report with its parameters and status. A failing run
keeps its executed notebook (with the error) and HTML, is marked failed in the index,
and the other runs still finish. Every file is written to a temporary name and renamed,
so an interrupted batch leaves no half-written report; a lock file stops two batches
from writing the same folder at once.
"""

from __future__ import annotations

import datetime as dt
import html
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
import yaml

from kpolicy import safety
from kpolicy.errors import KpolicyError
from kpolicy.paths import BATCH_FILE, NOTEBOOKS_DIR, PARAMS_DIR, REPORTS_DIR, ROOT, SEEDS_DIR, TEMPLATES_DIR, resolve

TEMPLATE = "kpolicy_offline"
KERNEL = "python3"


@dataclass(frozen=True)
class Run:
    """One entry of the batch: a notebook and its parameters."""

    name: str
    notebook: Path
    params_file: Path | None
    parameters: dict[str, Any]


@dataclass
class RunResult:
    run: Run
    status: str  # "ok" | "failed" | "skipped" (the run does not apply to this corpus)
    seconds: float
    error: str | None = None
    outputs: dict[str, str] = field(default_factory=dict)


def _read_yaml(path: Path, what: str = "parameter file") -> Any:
    """Plain data only: tags (``!!binary``, ``!!python/...``), anchors and aliases are
    refused, so a parameter file can never carry code (see :func:`kpolicy.safety.load_yaml`)."""
    return safety.load_yaml(path, what=what)


_KINDS = {bool: "true or false", int: "a whole number", float: "a number", str: "text", list: "a list", dict: "a mapping"}


def check_parameter(name: str, value: Any, declared: dict[str, Any], where: str) -> Any:
    """``value`` if it is plain data of the kind the notebook declares for ``name``.

    The kind comes from the parameter's default in the notebook's ``parameters`` cell
    (``top_n = 15`` takes whole numbers); a default of ``None`` takes any plain value,
    and a parameter whose comment mentions a list (``# rest | corpus | a list of
    regions``) also takes a list. Papermill does no checking of its own and writes any
    other object into the notebook as source text, so nothing else may reach it.

    Raises:
        KpolicyError: naming the file, the parameter, the expected kind and the value.
    """
    import ast

    label = f"{where}: parameter {name!r} of {declared['notebook']}"
    safety.check_plain(value, label)
    info = declared["parameters"][name]
    try:
        default = ast.literal_eval(info.get("default") or "None")
    except (ValueError, SyntaxError):
        return value
    if default is None or value is None and "none" in (info.get("help") or "").lower():
        return value
    kinds = [type(default)] if type(default) in _KINDS else []
    if "list" in (info.get("help") or "").lower():
        kinds.append(list)
    ok = any(
        (k is float and isinstance(value, (int, float)) and not isinstance(value, bool))
        or (k is int and isinstance(value, int) and not isinstance(value, bool))
        or (k not in (int, float) and type(value) is k)
        for k in kinds
    )
    if not kinds or ok:
        return value
    expected = " or ".join(_KINDS[k] for k in kinds)
    raise KpolicyError(f"{label} must be {expected} (like its default {default!r}), not {value!r}")


def notebook_parameters(notebook: Path) -> dict[str, Any]:
    """The parameters a notebook declares in its ``parameters`` cell, with defaults."""
    return {name: p["default"] for name, p in _declared_parameters(notebook).items()}


def _declared_parameters(notebook: Path) -> dict[str, Any]:
    """Papermill's view of the ``parameters`` cell: name -> default (source text) and help."""
    import papermill

    return papermill.inspect_notebook(str(notebook))


def load_batch(batch_file: Path = BATCH_FILE, regions: list[str] | None = None) -> list[Run]:
    """Read and validate the batch file and every parameter file it names.

    An entry with ``for_each: region`` becomes one run per region the corpus is about
    (``regions``), named by its ``name`` template (``profile_{region}``) and given the
    parameter ``region``.

    Raises:
        KpolicyError: a missing notebook or parameter file, an unknown parameter name
            (with the valid names), or a duplicate run name.
    """
    data = _read_yaml(batch_file, "batch file")
    if not isinstance(data, dict) or not isinstance(data.get("runs"), list):
        raise KpolicyError(f"{batch_file}: expected a mapping with a 'runs' list")
    runs: list[Run] = []
    names: set[str] = set()
    for i, entry in enumerate(data["runs"], 1):
        if not isinstance(entry, dict) or "name" not in entry or "notebook" not in entry:
            raise KpolicyError(f"{batch_file}: run #{i} needs 'name' and 'notebook' (and optionally 'params')")
        unknown = set(entry) - {"name", "notebook", "params", "for_each"}
        if unknown:
            raise KpolicyError(f"{batch_file}: run {entry['name']!r} has unknown key(s) {sorted(unknown)}; valid: name, notebook, params, for_each")
        for_each = entry.get("for_each")
        if for_each not in (None, "region"):
            raise KpolicyError(f"{batch_file}: run {entry['name']!r}: for_each must be 'region', not {for_each!r}")
        name = entry["name"]
        if not isinstance(name, str):
            raise KpolicyError(f"{batch_file}: run #{i}: name must be text, not {name!r}")
        if for_each != "region":
            safety.check_name(name, f"{batch_file}: run name")
        notebook = NOTEBOOKS_DIR / str(entry["notebook"])
        if not safety.inside(notebook, NOTEBOOKS_DIR):
            raise KpolicyError(f"{batch_file}: run {name!r}: the notebook must be in {NOTEBOOKS_DIR}, not {entry['notebook']!r}")
        if not notebook.is_file():
            raise KpolicyError(f"{batch_file}: run {name!r}: notebook not found: {notebook}")
        params_file = PARAMS_DIR / entry["params"] if entry.get("params") else None
        parameters: dict[str, Any] = {}
        if params_file is not None:
            if not params_file.is_file():
                raise KpolicyError(f"{batch_file}: run {name!r}: parameter file not found: {params_file}")
            loaded = _read_yaml(params_file) or {}
            if not isinstance(loaded, dict):
                raise KpolicyError(f"{params_file}: expected a mapping of parameter names to values")
            parameters = loaded
        declared = notebook_parameters(notebook)
        bad = sorted(set(parameters) - set(declared))
        if bad:
            raise KpolicyError(
                f"{params_file}: unknown parameter(s) {bad} for {notebook.name}; valid: {', '.join(sorted(declared))}"
            )
        spec = {"notebook": notebook.name, "parameters": _declared_parameters(notebook)}
        parameters = {k: check_parameter(k, v, spec, str(params_file)) for k, v in parameters.items()}
        if for_each == "region":
            if "region" not in declared:
                raise KpolicyError(f"{batch_file}: run {name!r}: for_each: region needs a 'region' parameter in {notebook.name}")
            # str.replace, not str.format: a format string from a file could read attributes.
            expanded = [
                Run(safety.check_name(name.replace("{region}", r.lower()), f"{batch_file}: run name"), notebook, params_file, {**parameters, "region": r})
                for r in (regions or [])
            ]
        else:
            expanded = [Run(name, notebook, params_file, parameters)]
        for run in expanded:
            if run.name in names:
                raise KpolicyError(f"{batch_file}: run name {run.name!r} is used twice")
            names.add(run.name)
            runs.append(run)
    return runs


def _atomic_write(path: Path, data: bytes | str) -> None:
    """Write to a temporary file in the same folder, fsync, then rename over ``path``."""
    safety.atomic_write(path, data, make_parents=True)


def export_html(notebook_path: Path, title: str | None = None) -> str:
    """Offline HTML for an executed notebook (code hidden, no external scripts)."""
    import nbformat
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name=TEMPLATE,
        extra_template_basedirs=[str(TEMPLATES_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    nb = nbformat.read(str(notebook_path), as_version=4)
    resources = {"metadata": {"name": f"kpolicy · {title}"}} if title else None
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    return body




def execute_run(run: Run, out_dir: Path, corpus_dir: Path) -> RunResult:
    """Execute one run with papermill and export its HTML; never raises for a failing notebook."""
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
    except Exception as exc:  # kernel died, bad notebook: report, keep going
        error = f"{type(exc).__name__}: {exc}"
    seconds = time.perf_counter() - start
    outputs: dict[str, str] = {}
    if tmp.exists():
        os.replace(tmp, ipynb)
        outputs["ipynb"] = ipynb.name
        try:
            _atomic_write(out_dir / f"{run.name}.html", export_html(ipynb, run.name))
            outputs["html"] = f"{run.name}.html"
        except Exception as exc:
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
) -> list[RunResult]:
    """Run the batch and write ``out_dir/index.html``.

    Args:
        corpus_dir: corpus folder (default ``seeds/``); passed to every notebook.
        out_dir: output folder (default ``reports/``).
        batch_file: the batch YAML (default ``params/batch.yaml``).
        jobs: runs executed in parallel.
        only: run only these names.
        progress: show a progress bar on stderr.

    Returns:
        One :class:`RunResult` per run, in batch order.
    """
    from kpolicy.corpus import load_corpus

    from kpolicy.params import corpus_regions

    corpus_path = resolve(corpus_dir, SEEDS_DIR)
    out = resolve(out_dir, REPORTS_DIR) if out_dir else REPORTS_DIR
    if jobs < 1:
        raise KpolicyError(f"--jobs must be at least 1 (got {jobs})")
    if safety.inside(out, corpus_path):
        raise KpolicyError(f"the output folder {out} is inside the corpus folder {corpus_path}; choose one outside it")
    if safety.inside(corpus_path, out):
        raise KpolicyError(f"the output folder {out} holds the corpus folder {corpus_path}; choose an output folder outside it")
    corpus = load_corpus(corpus_path, cache=True)  # fail fast; warms the cache the notebooks read
    runs = load_batch(resolve(batch_file, BATCH_FILE), corpus_regions(corpus.documents))
    if only:
        valid = [r.name for r in runs]
        missing = [n for n in only if n not in valid]
        if missing:
            raise KpolicyError(f"unknown run {missing[0]!r}; valid runs: {', '.join(valid)}")
        runs = [r for r in runs if r.name in only]
    with BatchLock(out):
        tables = write_tables(corpus, out)
        results: dict[str, RunResult] = {}
        bar = None
        if progress:
            from tqdm.auto import tqdm

            bar = tqdm(total=len(runs), desc="kpolicy report", unit="run")
        pool = ThreadPoolExecutor(max_workers=jobs)
        try:
            futures = {pool.submit(execute_run, r, out, corpus_path): r for r in runs}
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
        listed = _merge_manifest(out, ordered, [r.name for r in load_batch(resolve(batch_file, BATCH_FILE), corpus_regions(corpus.documents))], corpus_path)
        _atomic_write(out / "index.html", render_index(listed, corpus, corpus_path, tables))
    return ordered


MANIFEST = ".kpolicy-runs.json"


def _merge_manifest(out: Path, results: list[RunResult], batch_names: list[str], corpus_path: Path) -> list[RunResult]:
    """Remember every run's last result, so that ``--only`` keeps the others in the index.

    Results of runs that are no longer in the batch, or that were made from another
    corpus, are dropped.
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
    runs = {name: runs[name] for name in batch_names if name in runs}
    _atomic_write(path, json.dumps({"corpus": str(corpus_path), "runs": runs}, indent=1, sort_keys=True, default=str))
    return [
        RunResult(Run(name, Path(v["notebook"]), None, v["parameters"]), v["status"], v["seconds"], v["error"], v["outputs"])
        for name, v in runs.items()
    ]


_INDEX_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans KR",sans-serif;margin:2rem auto;max-width:1100px;color:#222;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}p.lead{color:#555;margin-top:0}
table{border-collapse:collapse;width:100%;margin:1rem 0}th,td{border-bottom:1px solid #ddd;padding:.45rem .6rem;text-align:left;vertical-align:top;font-size:.92rem}
th{background:#f4f4f4}.ok{color:#1a7f37;font-weight:600}.failed{color:#c62828;font-weight:600}.skipped{color:#777;font-weight:600}
code{background:#f6f8fa;padding:.1rem .3rem;border-radius:3px;font-size:.85rem}.err{color:#c62828;font-size:.85rem}
"""


def render_index(results: list[RunResult], corpus, corpus_path: Path, tables: list[str]) -> str:
    """The ``index.html`` page: every run with parameters, status and links (all escaped)."""
    e = html.escape
    rows = []
    for r in results:
        params = ", ".join(f"{k}={v!r}" for k, v in r.run.parameters.items()) or "(defaults)"
        links = " · ".join(
            f'<a href="{e(v)}">{e(k.upper())}</a>' for k, v in sorted(r.outputs.items(), key=lambda kv: kv[0] != "html")
        )
        err = f'<div class="err">{e(r.error)}</div>' if r.error else ""
        rows.append(
            f"<tr><td>{e(r.run.name)}</td><td><code>{e(r.run.notebook.name)}</code></td>"
            f"<td><code>{e(params)}</code></td><td class=\"{e(r.status)}\">{e(r.status)}{err}</td>"
            f"<td>{e(f'{r.seconds:.1f}')} s</td><td>{links}</td></tr>"
        )
    try:
        shown_corpus = corpus_path.relative_to(ROOT)
    except ValueError:
        shown_corpus = corpus_path
    n_failed = sum(r.status == "failed" for r in results)
    n_skipped = sum(r.status == "skipped" for r in results)
    table_links = " · ".join(f'<a href="tables/{e(t)}">{e(t)}</a>' for t in tables)
    summary = (
        f"{corpus.documents.height} documents, {corpus.rejects.height} rejected, "
        f"{corpus.duplicates.height} duplicate files, {corpus.sentences.height} sentences"
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>kpolicy reports</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>{_INDEX_CSS}</style></head>
<body><h1>kpolicy reports</h1>
<p class="lead">Corpus <code>{e(str(shown_corpus))}</code>: {e(summary)}.
{len(results)} run(s), {n_failed} failed, {n_skipped} skipped (not applicable to this corpus). Built {e(dt.date.today().isoformat())}.</p>
<table><thead><tr><th>Run</th><th>Notebook</th><th>Parameters</th><th>Status</th><th>Time</th><th>Report</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody></table>
<h2>Tables</h2><p>{table_links}</p>
</body></html>
"""


def clean_reports(out_dir: Path = REPORTS_DIR) -> None:
    """Remove a reports folder (used by tests)."""
    shutil.rmtree(out_dir, ignore_errors=True)
