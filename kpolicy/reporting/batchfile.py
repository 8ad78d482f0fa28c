"""The batch file: which notebooks to run, with which parameters.

``params/batch.yaml`` lists the runs; each names a notebook in ``notebooks/`` and a
parameter file in ``params/`` (one YAML per run, keys = the notebook's parameters)::

    runs:
      - name: corpus_overview
        notebook: 00_corpus_overview.ipynb
        params: corpus_overview.yaml

:func:`load_batch` reads and checks it (unknown keys, parameters of the wrong kind,
duplicate names) before anything runs; :mod:`kpolicy.reporting.batch` runs it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kpolicy import safety
from kpolicy.errors import KpolicyError
from kpolicy.paths import BATCH_FILE, NOTEBOOKS_DIR, PARAMS_DIR


@dataclass(frozen=True)
class Run:
    """One entry of the batch: a notebook and its parameters."""

    name: str
    notebook: Path
    params_file: Path | None
    parameters: dict[str, Any]


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
