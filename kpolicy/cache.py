"""A Parquet cache of loaded corpora and fact tables, keyed by content and code.

Every notebook of a batch loads the same corpus and asks for the same fact tables. With
``load_corpus(..., cache=True)`` the first caller stores the tables under
``paths.CACHE_DIR/<key>/`` and the others read them back. The key covers everything the
tables depend on:

* the corpus: every discovered file's relative path and the SHA-256 of its bytes, and
  the catalog's (never sizes and times: an in-place edit that keeps the size and
  restores the modification time still changes the key);
* the loader's options (``max_bytes``, ``infer_regions``);
* the code and reference data: a hash of every ``.py``, ``.yaml`` and ``.csv`` file in
  the kpolicy package.

So an edited document, catalog, extractor or gazetteer entry gives a new key, never a
stale table. Each table is written atomically (:func:`kpolicy.safety.atomic_write`)
next to a ``.sha256`` file holding its checksum, and checked against it on every read:
an entry that was edited, truncated or is missing its checksum is deleted and rebuilt,
and stderr says so once. Delete the folder at any time to reclaim space.
"""

from __future__ import annotations

import hashlib
import io
import sys
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import polars as pl

from kpolicy import paths, safety, schema
from kpolicy.errors import KpolicyError


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Hash of the package's code and reference data."""
    h = hashlib.sha256()
    for path in sorted(paths.PACKAGE_DIR.rglob("*")):
        if path.suffix in (".py", ".yaml", ".csv", ".j2", ".json") and "__pycache__" not in path.parts:
            h.update(str(path.relative_to(paths.PACKAGE_DIR)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def corpus_key(root: Path, files: list[tuple[str, str]], options: dict[str, object]) -> str:
    """Cache key of a corpus: file contents (:func:`hash_files`), loader options and the
    code fingerprint."""
    h = hashlib.sha256()
    h.update(str(root.resolve()).encode())
    for rel, digest in files:
        h.update(f"{rel}\0{digest}\n".encode())
    h.update(repr(sorted(options.items())).encode())
    h.update(code_fingerprint().encode())
    return h.hexdigest()[:32]


def hash_files(root: Path, rels: Iterable[str], max_bytes: int | None = None, skip: Iterable[str] = ()) -> list[tuple[str, str]]:
    """``(relative path, SHA-256 of the bytes)`` of each file.

    Files in ``skip`` (links the loader refuses to follow, e.g. out of the corpus) are
    never opened, and files over ``max_bytes`` (rejected unread as too large) are named
    by their size: neither one's content can reach a table. A missing or unreadable
    file gets ``-``.
    """
    skipped = set(skip)
    out = []
    for rel in rels:
        path = root / rel
        if rel in skipped:
            out.append((rel, "skipped"))
            continue
        try:
            size = path.stat().st_size
            if max_bytes is not None and size > max_bytes:
                out.append((rel, f"too_large:{size}"))
                continue
            h = hashlib.sha256()
            with open(path, "rb") as fh:
                for block in iter(lambda fh=fh: fh.read(1 << 20), b""):
                    h.update(block)
            out.append((rel, h.hexdigest()))
        except OSError:
            out.append((rel, "-"))
    return out


#: Cache folders whose damage was already reported (stderr says so once per folder).
_REPORTED: set[Path] = set()


class TableCache:
    """Parquet files in one cache folder, one per table, each with a checksum file."""

    def __init__(self, key: str):
        self.dir = paths.CACHE_DIR / key

    def _path(self, name: str) -> Path:
        return self.dir / f"{name}.parquet"

    def _sum_path(self, name: str) -> Path:
        return self.dir / f"{name}.parquet.sha256"

    def get(self, name: str) -> pl.DataFrame | None:
        """The cached table, conformed to its declared schema, or None.

        An entry whose bytes do not match its checksum (edited, truncated, or written
        without one) is deleted, so that the caller rebuilds it.
        """
        path = self._path(name)
        if not path.is_file():
            return None
        try:
            data = path.read_bytes()
            expected = self._sum_path(name).read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            expected, data = "", b""
        if hashlib.sha256(data).hexdigest() != expected:
            self._discard(name, "its bytes changed since it was written" if expected else "it has no checksum")
            return None
        try:
            df = pl.read_parquet(data)
            return schema.conform(df, name) if name in schema.all_tables() else df
        except Exception:  # an outdated file (schema changed) is simply recomputed
            return None

    def _discard(self, name: str, why: str) -> None:
        for p in (self._path(name), self._sum_path(name)):
            try:
                p.unlink(missing_ok=True)
            except OSError:
                pass
        if self.dir not in _REPORTED:
            _REPORTED.add(self.dir)
            print(f"kpolicy: cache entry {self._path(name)} failed its checksum ({why}); deleted it and rebuilding", file=sys.stderr)

    def put(self, name: str, df: pl.DataFrame) -> None:
        """Store a table's checksum, then the table, each atomically (a cache that cannot
        be written is skipped). Notebooks filling the same entry at once write the same
        bytes, so a reader never sees a table and a checksum that disagree for long."""
        buf = io.BytesIO()
        df.write_parquet(buf)
        data = buf.getvalue()
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            safety.atomic_write(self._sum_path(name), hashlib.sha256(data).hexdigest() + "\n")
            safety.atomic_write(self._path(name), data)
        except (OSError, KpolicyError):
            pass
