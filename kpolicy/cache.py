"""A Parquet cache of loaded corpora and fact tables, keyed by content and code.

Every notebook of a batch loads the same corpus and asks for the same fact tables. With
``load_corpus(..., cache=True)`` the first caller stores the tables under
``paths.CACHE_DIR/<key>/`` and the others read them back. The key covers everything the
tables depend on:

* the corpus: every discovered file's relative path, size and modification time, and
  the catalog's;
* the loader's options (``max_bytes``, ``infer_regions``);
* the code and reference data: a hash of every ``.py``, ``.yaml`` and ``.csv`` file in
  the kpolicy package.

So an edited document, catalog, extractor or gazetteer entry gives a new key, never a
stale table. Writes go to a temporary file and are renamed, so parallel notebooks never
read a half-written table. Delete the folder at any time to reclaim space.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from functools import lru_cache
from pathlib import Path

import polars as pl

from kpolicy import paths, schema


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Hash of the package's code and reference data."""
    h = hashlib.sha256()
    for path in sorted(paths.PACKAGE_DIR.rglob("*")):
        if path.suffix in (".py", ".yaml", ".csv", ".j2", ".json") and "__pycache__" not in path.parts:
            h.update(str(path.relative_to(paths.PACKAGE_DIR)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def corpus_key(root: Path, files: list[tuple[str, int, int]], options: dict[str, object]) -> str:
    """Cache key of a corpus: file stats, loader options and the code fingerprint."""
    h = hashlib.sha256()
    h.update(str(root.resolve()).encode())
    for rel, size, mtime in files:
        h.update(f"{rel}\0{size}\0{mtime}\n".encode())
    h.update(repr(sorted(options.items())).encode())
    h.update(code_fingerprint().encode())
    return h.hexdigest()[:32]


def stat_files(root: Path, rels: list[str]) -> list[tuple[str, int, int]]:
    """``(relative path, size, mtime_ns)`` of each file (missing files get -1)."""
    out = []
    for rel in rels:
        try:
            st = (root / rel).stat()
            out.append((rel, st.st_size, st.st_mtime_ns))
        except OSError:
            out.append((rel, -1, -1))
    return out


class TableCache:
    """Parquet files in one cache folder, one per table."""

    def __init__(self, key: str):
        self.dir = paths.CACHE_DIR / key

    def _path(self, name: str) -> Path:
        return self.dir / f"{name}.parquet"

    def get(self, name: str) -> pl.DataFrame | None:
        """The cached table, conformed to its declared schema, or None."""
        path = self._path(name)
        if not path.is_file():
            return None
        try:
            df = pl.read_parquet(path)
            return schema.conform(df, name) if name in schema.all_tables() else df
        except Exception:  # an unreadable or outdated file is simply recomputed
            return None

    def put(self, name: str, df: pl.DataFrame) -> None:
        """Store a table atomically (a cache that cannot be written is skipped)."""
        tmp = None
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=self.dir)
            os.close(fd)
            df.write_parquet(tmp)
            os.replace(tmp, self._path(name))
        except OSError:
            if tmp:
                Path(tmp).unlink(missing_ok=True)
