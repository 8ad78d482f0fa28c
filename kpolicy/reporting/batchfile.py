"""The batch file: which notebooks to run, with which parameters.

``params/batch.yaml`` lists the runs; each names a notebook in ``notebooks/`` and a
parameter file (one YAML per run, keys = the notebook's parameters; a relative name is
looked up next to the batch file, then in the current directory)::

    runs:
      - name: corpus_overview
        notebook: 00_corpus_overview.ipynb
        params: corpus_overview.yaml

:func:`load_batch` reads and checks it (unknown keys, parameters of the wrong kind,
duplicate names) before anything runs; :mod:`kpolicy.reporting.batch` runs it. The
default batch names no region: it is built from the corpus (a profile per region with
documents, one comparison of them all against National).

:func:`adhoc_runs` makes the runs of ``kpolicy report --compare A,B [--reference R]``
and ``--profile A`` without any file, after checking every region name against the
gazetteer and the corpus.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kpolicy import safety
from kpolicy.errors import KpolicyError
from kpolicy.paths import BATCH_FILE, NOTEBOOKS_DIR, PARAMS_DIR

PROFILE_NOTEBOOK = "10_region_profile.ipynb"
COMPARE_NOTEBOOK = "20_compare_regions.ipynb"
#: The parameters of the batch's profiles, shared by ``--profile`` runs.
PROFILE_PARAMS = PARAMS_DIR / "region_profile.yaml"


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
        params_file = _params_path(batch_file, entry["params"], name) if entry.get("params") else None
        parameters = _load_params(params_file, notebook)
        declared = notebook_parameters(notebook)
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


def _params_path(batch_file: Path, value: object, run_name: str) -> Path:
    """A parameter file named in a batch file: absolute, or relative to the batch file's
    folder, or else to the current directory.

    Raises:
        KpolicyError: not found in either place (both are named).
    """
    if not isinstance(value, str) or not value.strip():
        raise KpolicyError(f"{batch_file}: run {run_name!r}: params must be a file name, not {value!r}")
    path = Path(value).expanduser()
    if path.is_absolute():
        tried = [path]
    else:
        tried = list(dict.fromkeys([Path(batch_file).resolve().parent / path, Path.cwd().resolve() / path]))
    for candidate in tried:
        if candidate.is_file():
            return candidate
    raise KpolicyError(f"{batch_file}: run {run_name!r}: parameter file not found: {' or '.join(map(str, tried))}")


def _load_params(params_file: Path | None, notebook: Path, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The parameters in ``params_file`` (plus ``extra``), checked against the notebook's
    ``parameters`` cell: known names, plain values of the declared kind."""
    parameters: dict[str, Any] = {}
    if params_file is not None:
        loaded = _read_yaml(params_file) or {}
        if not isinstance(loaded, dict):
            raise KpolicyError(f"{params_file}: expected a mapping of parameter names to values")
        parameters = dict(loaded)
    where = str(params_file) if params_file is not None else "kpolicy report"
    parameters.update(extra or {})
    declared = notebook_parameters(notebook)
    bad = sorted(set(parameters) - set(declared))
    if bad:
        raise KpolicyError(f"{where}: unknown parameter(s) {bad} for {notebook.name}; valid: {', '.join(sorted(declared))}")
    spec = {"notebook": notebook.name, "parameters": _declared_parameters(notebook)}
    return {k: check_parameter(k, v, spec, where) for k, v in parameters.items()}


def region_list(value: str | list[str], option: str, present: list[str]) -> list[str]:
    """Canonical regions from a comma-separated option value (or a list of them), each
    one with documents in the corpus.

    Args:
        value: e.g. ``"Gwangju,Daejeon"`` or ``["Gwangju", "대전"]``; any gazetteer alias.
        option: the option's name, for messages (``--compare``).
        present: the regions the corpus has documents about
            (:func:`kpolicy.params.corpus_regions`).

    Raises:
        KpolicyError: an empty list, an unknown name (listing the valid names) or a
            region without documents (listing the regions that have some).
    """
    from kpolicy.params import canonical_region

    items = value if isinstance(value, list) else str(value).split(",")
    names = [str(v).strip() for v in items if str(v).strip()]
    if not names:
        raise KpolicyError(f"{option} needs region names separated by commas, e.g. {option} Gwangju,Daejeon")
    canon = []
    for name in names:
        try:
            canon.append(canonical_region(name))
        except KpolicyError as exc:
            raise KpolicyError(f"{option}: {exc}") from None
    canon = list(dict.fromkeys(canon))
    missing = [r for r in canon if r not in present]
    if missing:
        raise KpolicyError(
            f"{option}: no document in this corpus is about {', '.join(missing)}; "
            f"regions with documents: {', '.join(present) or '(none)'}"
        )
    return canon


def _compare_name(regions: list[str], reference: str | list[str] | None) -> str:
    name = "compare_" + "_".join(r.lower() for r in regions)
    if len(name) > 60:
        name = f"compare_{len(regions)}_regions"
    if isinstance(reference, list):
        name += "_vs_" + "_".join(r.lower() for r in reference)
    elif reference == "corpus":
        name += "_vs_corpus"
    return safety.check_name(name[:100], "run name")


def adhoc_runs(
    present: list[str],
    *,
    compare: list[str] | None = None,
    reference: str | None = None,
    profile: list[str] | None = None,
) -> list[Run]:
    """The runs of ``kpolicy report --compare ... --profile ...``: no batch or params file.

    Args:
        present: the regions the corpus has documents about.
        compare: one comparison per item, each a comma-separated list of at least two
            regions (``"Gwangju,Daejeon"``); run as ``compare_gwangju_daejeon``.
        reference: the keyness reference of every comparison: ``rest`` (the notebook's
            default), ``corpus``, or comma-separated regions (``"National"``).
        profile: regions to profile, each item comma-separated; run as ``profile_busan``
            with the batch's profile parameters (``params/region_profile.yaml``).

    Raises:
        KpolicyError: an unknown region, a region without documents, fewer than two
            regions in a comparison, or a reference without ``--compare``.
    """
    runs: list[Run] = []
    profile_nb, compare_nb = NOTEBOOKS_DIR / PROFILE_NOTEBOOK, NOTEBOOKS_DIR / COMPARE_NOTEBOOK
    for item in profile or []:
        for region in region_list(item, "--profile", present):
            runs.append(Run(f"profile_{region.lower()}", profile_nb, PROFILE_PARAMS,
                            _load_params(PROFILE_PARAMS, profile_nb, {"region": region})))
    if reference is not None and not compare:
        raise KpolicyError("--reference applies to --compare; add --compare A,B")
    ref: str | list[str] | None = None
    if reference is not None:
        ref = reference.strip() if reference.strip() in ("rest", "corpus") else region_list(reference, "--reference", present)
    for item in compare or []:
        regions = region_list(item, "--compare", present)
        if len(regions) < 2:
            raise KpolicyError(f"--compare needs at least two different regions, got {', '.join(regions)}; e.g. --compare Gwangju,Daejeon")
        extra: dict[str, Any] = {"regions": regions}
        if ref is not None:
            extra["reference"] = ref
        runs.append(Run(_compare_name(regions, ref), compare_nb, None, _load_params(None, compare_nb, extra)))
    seen: set[str] = set()
    unique = []
    for run in runs:  # --profile Busan --profile busan: once
        if run.name not in seen:
            seen.add(run.name)
            unique.append(run)
    return unique
