"""Every path kpolicy uses, derived from the project root in one place.

Relative paths given by a user are resolved against the current working directory.
For inputs (:func:`resolve`), only when that path does not exist *and* the working
directory is inside the project (notebooks, which nbval runs in ``notebooks/``) are they
tried against the project root, so that ``corpus_dir = "seeds"`` works there, while
``kpolicy corpus --corpus docs`` run from another folder never quietly loads the
project's own ``docs/``. Outputs and the files a user names on the command line
(``kpolicy report --out DIR --batch FILE``) use :func:`from_cwd`: the current
directory only, so the folder written is the one the user sees.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
ROOT = PACKAGE_DIR.parent
DATA_DIR = PACKAGE_DIR / "data"
TEMPLATES_DIR = PACKAGE_DIR / "templates"
SEEDS_DIR = ROOT / "seeds"
NOTEBOOKS_DIR = ROOT / "notebooks"
PARAMS_DIR = ROOT / "params"
REPORTS_DIR = ROOT / "reports"
BATCH_FILE = PARAMS_DIR / "batch.yaml"
#: Where loaded corpora and fact tables are cached as Parquet (``load_corpus(cache=True)``);
#: override with the environment variable KPOLICY_CACHE_DIR.
CACHE_DIR = Path(os.environ.get("KPOLICY_CACHE_DIR", ROOT / ".kpolicy-cache"))


def resolve(path: str | Path | None, default: Path) -> Path:
    """Resolve a user-supplied path.

    Args:
        path: an absolute path, or a path relative to the working directory (or, when
            the working directory is inside the project and the path does not exist
            there, relative to the project root). ``None`` means default.
        default: the path used when ``path`` is None or empty.

    Returns:
        An absolute path (it may not exist; callers decide whether that is an error).
    """
    if path is None or str(path) == "":
        return default
    p = Path(path).expanduser()
    if p.is_absolute():
        return p
    if p.exists():
        return p.resolve()
    cwd = Path.cwd().resolve()
    if cwd.is_relative_to(ROOT):
        return (ROOT / p).resolve()
    return cwd / p


def from_cwd(path: str | Path | None, default: Path) -> Path:
    """Resolve a user-supplied path against the current working directory only.

    Unlike :func:`resolve`, there is no project-root fallback: ``--out out1`` run in
    ``notebooks/`` is ``notebooks/out1``, whether or not it exists yet.

    Args:
        path: an absolute path, or a path relative to the working directory; ``None``
            or empty means ``default``.
        default: the path used when ``path`` is None or empty.

    Returns:
        An absolute path (it may not exist).
    """
    if path is None or str(path) == "":
        return default
    p = Path(path).expanduser()
    return p if p.is_absolute() else Path.cwd().resolve() / p


def shown(path: Path) -> str:
    """``path`` as the user should type it from the current directory: relative when it
    is below the current directory, absolute otherwise."""
    cwd = Path.cwd().resolve()
    p = Path(path)
    return str(p.relative_to(cwd)) if p.is_absolute() and p.is_relative_to(cwd) else str(p)
