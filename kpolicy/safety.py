"""Guards shared by every module that reads untrusted configuration or writes output.

A corpus, a catalog or a parameter file may come from someone else. These helpers keep
such input to plain data and keep output whole:

* :func:`load_yaml` parses YAML into plain scalars, lists and mappings only: no tags
  (``!!binary``, ``!!python/...``, ``!custom``), no anchors or aliases (so no "billion
  laughs" expansion), a size cap before parsing, a nesting cap and a node cap, and no
  duplicate keys. Every error is one line naming ``file:line``.
* :func:`atomic_write` writes to a temporary file in the destination folder, fsyncs it
  and renames it over the target, so an interrupted or failed write (SIGTERM, a full
  disk) leaves the previous file as it was.
* :func:`csv_safe` neutralises spreadsheet formulas in string cells of a table bound for
  CSV (OWASP's advice on CSV injection).
* :func:`inside` tells whether a path lies inside a folder, after resolving symlinks.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import polars as pl
import yaml

from kpolicy.errors import KpolicyError

# ---------------------------------------------------------------------------------
# YAML: plain data only
# ---------------------------------------------------------------------------------

#: Largest YAML file read (parameter and batch files are a few hundred bytes).
MAX_YAML_BYTES = 1024 * 1024
#: Deepest nesting of lists and mappings (a catalog needs 3: doc_id -> fields -> regions).
MAX_YAML_DEPTH = 16
#: Most nodes (scalars, lists, mappings) in one file; bounds memory independently of size.
MAX_YAML_NODES = 200_000


class PlainLoader(yaml.SafeLoader):
    """PyYAML's safe loader, narrowed to plain data.

    Dates stay strings (kpolicy validates them itself), and any tag, anchor, alias,
    duplicate key, nesting deeper than ``max_depth`` or more than ``max_nodes`` nodes is
    an error. Composing is recursive in PyYAML, so the depth is checked before each
    level is entered: a file nested 20,000 levels deep is a clear error, not a
    RecursionError.
    """

    max_depth = MAX_YAML_DEPTH
    max_nodes = MAX_YAML_NODES

    def __init__(self, stream: str, label: str):
        super().__init__(stream)
        self.label = label
        self._depth = 0
        self._nodes = 0

    def _refuse(self, mark: yaml.Mark | None, msg: str) -> KpolicyError:
        where = f"{self.label}:{mark.line + 1}" if mark is not None else self.label
        return KpolicyError(f"{where}: {msg}")

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise self._refuse(event.start_mark, f"YAML aliases (*{event.anchor}) are not allowed; write the value out in full")
        if getattr(event, "anchor", None):
            raise self._refuse(event.start_mark, f"YAML anchors (&{event.anchor}) are not allowed; write values out in full")
        tag = getattr(event, "tag", None)
        if tag is not None:
            shown = tag.replace("tag:yaml.org,2002:", "!!")
            raise self._refuse(event.start_mark, f"YAML tags ({shown}) are not allowed; give plain values (text, numbers, true/false, null, lists, mappings)")
        self._nodes += 1
        if self._nodes > self.max_nodes:
            raise self._refuse(event.start_mark, f"more than {self.max_nodes:,} values; split the file")
        nested = isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent))
        if nested:
            self._depth += 1
            if self._depth > self.max_depth:
                raise self._refuse(event.start_mark, f"nested more than {self.max_depth} levels deep; flatten it")
        try:
            return super().compose_node(parent, index)
        finally:
            if nested:
                self._depth -= 1

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key is not None:
                if key in seen:
                    raise self._refuse(key_node.start_mark, f"the key {key!r} appears twice in one mapping; keep one")
                seen.add(key)
        return super().construct_mapping(node, deep=deep)


PlainLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_capped(path: Path, max_bytes: int, what: str = "file") -> bytes:
    """A file's bytes, refusing one larger than ``max_bytes`` before reading it whole.

    Raises:
        KpolicyError: one line: the file cannot be read, or is too large.
    """
    try:
        with open(path, "rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise KpolicyError(f"{path}: cannot read the {what} ({exc.strerror})") from None
    if len(data) > max_bytes:
        raise KpolicyError(f"{path}: the {what} is over the limit of {max_bytes:,} bytes; split it or trim it")
    return data


def load_yaml(
    path: Path,
    *,
    max_bytes: int = MAX_YAML_BYTES,
    max_depth: int = MAX_YAML_DEPTH,
    max_nodes: int = MAX_YAML_NODES,
    what: str = "YAML file",
    with_node: bool = False,
) -> Any:
    """Parse a YAML file into plain data (see :class:`PlainLoader`).

    Args:
        path: the file; named (with the line) in every error.
        max_bytes, max_depth, max_nodes: limits, checked before the data is built.
        what: how errors name the file ("catalog", "parameter file").
        with_node: also return the composed root node (for line numbers), as
            ``(data, node)``.

    Returns:
        The data (None for an empty file): str, int, float, bool, None, list, dict.

    Raises:
        KpolicyError: one line ``file:line: problem``.
    """
    raw = read_capped(path, max_bytes, what)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise KpolicyError(f"{path}: the {what} is not UTF-8 ({exc.reason} at byte {exc.start}); save it as UTF-8") from None
    try:
        # The reader checks every character when it is built: a control character is a
        # ReaderError here, before any parsing (issue 12 fuzz: it was an internal error).
        loader = PlainLoader(text, str(path))
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, max(0, exc.position)) + 1
        char = f"U+{exc.character:04X}" if isinstance(exc.character, int) else repr(exc.character)
        raise KpolicyError(f"{path}:{line}: malformed YAML: the control character {char} is not allowed; remove it") from None
    loader.max_depth, loader.max_nodes = max_depth, max_nodes
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or (str(exc).splitlines() or ["unreadable"])[0]
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise KpolicyError(f"{where}: malformed YAML: {problem}") from None
    finally:
        loader.dispose()
    return (data, node) if with_node else data


def check_plain(value: Any, where: str, depth: int = 0) -> None:
    """Raise unless ``value`` is plain data: str, int, float (finite), bool, None, or
    lists and string-keyed mappings of those."""
    if value is None or isinstance(value, (str, bool, int)):
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise KpolicyError(f"{where}: {value!r} is not a finite number")
        return
    if depth < MAX_YAML_DEPTH and isinstance(value, list):
        for v in value:
            check_plain(v, where, depth + 1)
        return
    if depth < MAX_YAML_DEPTH and isinstance(value, dict):
        for k, v in value.items():
            if not isinstance(k, str):
                raise KpolicyError(f"{where}: mapping keys must be text, not {k!r}")
            check_plain(v, where, depth + 1)
        return
    raise KpolicyError(f"{where}: a {type(value).__name__} is not a plain value (text, number, true/false, null, list or mapping)")


# ---------------------------------------------------------------------------------
# Paths
# ---------------------------------------------------------------------------------

#: A run name, and so a file name: letters, digits, '_', '.', '-'; not starting with '.'.
_PLAIN_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]{0,99}")


def check_name(name: object, what: str = "name") -> str:
    """``name`` if it is a plain file name (``[A-Za-z0-9_.-]``, no separator, no ``..``,
    not hidden, at most 100 characters).

    Raises:
        KpolicyError: naming the bad name and the allowed characters.
    """
    if not isinstance(name, str) or not _PLAIN_NAME.fullmatch(name) or ".." in name:
        raise KpolicyError(
            f"{what} {name!r} is not a plain name: use letters, digits, '_', '.' and '-' "
            "(no '/', no '..', not starting with '.', at most 100 characters)"
        )
    return name


def inside(path: str | Path, folder: str | Path) -> bool:
    """Whether ``path`` is ``folder`` or lies below it, both with symlinks resolved."""
    p = Path(os.path.realpath(Path(path).expanduser()))
    f = Path(os.path.realpath(Path(folder).expanduser()))
    return p == f or p.is_relative_to(f)


# ---------------------------------------------------------------------------------
# Atomic writes
# ---------------------------------------------------------------------------------

_UMASK = os.umask(0)
os.umask(_UMASK)


@contextlib.contextmanager
def sigterm_unwinds() -> Iterator[None]:
    """While writing, turn SIGTERM into KeyboardInterrupt so clean-up code runs.

    Only in the main thread, and only when nobody else handles SIGTERM (the default
    action would kill the process before the temporary file is removed).
    """
    if threading.current_thread() is not threading.main_thread() or signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        yield
        return

    def _raise(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _raise)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def atomic_write(
    path: str | Path,
    data: bytes | str | None = None,
    *,
    write: Callable[[Path], None] | None = None,
    make_parents: bool = False,
) -> Path:
    """Write a file whole or not at all.

    The content goes to a temporary file in the same folder (so the rename cannot cross
    file systems), is flushed to disk, and is renamed over ``path``. If anything fails
    or the process is interrupted, the temporary file is removed and ``path`` keeps its
    previous content.

    Args:
        path: the destination file.
        data: bytes or text (UTF-8) to write; or
        write: a function that writes the temporary file given its path (for writers
            such as ``DataFrame.write_parquet``).
        make_parents: create missing parent folders (else a missing folder is an error).

    Returns:
        ``path``.

    Raises:
        KpolicyError: one line: the folder is missing, ``path`` is a folder, or the
            write failed (e.g. the disk is full); the previous file is unchanged.
    """
    path = Path(path)
    folder = path.parent
    if make_parents:
        folder.mkdir(parents=True, exist_ok=True)
    if path.is_dir():
        raise KpolicyError(f"{path} is a folder; give a file name to write to")
    if not folder.is_dir():
        raise KpolicyError(f"cannot write {path}: the folder {folder} does not exist; create it first")
    tmp: str | None = None
    try:
        with sigterm_unwinds():
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
            if write is not None:
                os.close(fd)
                write(Path(tmp))
                fd = os.open(tmp, os.O_RDONLY)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
            else:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data.encode("utf-8") if isinstance(data, str) else (data or b""))
                    fh.flush()
                    os.fsync(fh.fileno())
            os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600 files; outputs are for sharing
            os.replace(tmp, path)
            tmp = None
        _fsync_dir(folder)
    except OSError as exc:
        raise KpolicyError(f"cannot write {path}: {exc.strerror or exc}; the previous file (if any) is unchanged") from None
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
    return path


# ---------------------------------------------------------------------------------
# CSV injection
# ---------------------------------------------------------------------------------

#: First characters that make a spreadsheet read a cell as a formula (OWASP: = + - @,
#: tab and carriage return).
FORMULA_START = r"^[=+\-@\t\r]"


def csv_safe(df: pl.DataFrame) -> pl.DataFrame:
    """Neutralise spreadsheet formulas in a table bound for CSV.

    String cells that begin with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
    get a leading single quote (``'=HYPERLINK(...)``), as OWASP recommends against CSV
    injection; a spreadsheet then shows the text instead of evaluating it. Only string
    columns change: numbers (negative ones included) stay numbers. List columns should
    be joined to strings first (they are then neutralised too).
    """
    return df.with_columns(
        pl.when(pl.col(c).str.contains(FORMULA_START)).then(pl.lit("'") + pl.col(c)).otherwise(pl.col(c)).alias(c)
        for c, t in df.schema.items()
        if t == pl.String
    )


def flat_csv(df: pl.DataFrame) -> pl.DataFrame:
    """``df`` ready for CSV: list columns joined with "; ", then :func:`csv_safe`."""
    flat = df.with_columns(
        pl.col(c).cast(pl.List(pl.String)).list.join("; ") for c, t in df.schema.items() if isinstance(t, pl.List)
    )
    return csv_safe(flat)


# ---------------------------------------------------------------------------------
# One writer per output folder
# ---------------------------------------------------------------------------------


class FolderLock:
    """An exclusive lock on an output folder, held by one process at a time.

    The lock is an ``fcntl.flock`` on a file in the folder that names the holder's pid:
    the kernel releases it when the holder exits, even by ``kill -9``, so a stale lock
    file never blocks a new run. The file is removed on a clean exit.

    Args:
        folder: the folder to lock (created if missing).
        name: the lock file's name.
        what: the command named in the refusal ("kpolicy report").
    """

    def __init__(self, folder: Path, name: str, what: str):
        self.path = Path(folder) / name
        self.what = what
        self._fd: int | None = None

    def __enter__(self) -> FolderLock:
        import fcntl

        self.path.parent.mkdir(parents=True, exist_ok=True)
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                with contextlib.suppress(OSError):
                    pid = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
                os.close(fd)
                raise KpolicyError(f"another {self.what} (pid {pid}) is writing {self.path.parent}; wait for it to finish") from None
            # The holder we waited on may have removed the file: lock the file that is there now.
            try:
                same = os.fstat(fd).st_ino == os.stat(self.path).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        self._fd = fd
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fd is not None:
            self.path.unlink(missing_ok=True)
            os.close(self._fd)
            self._fd = None
