"""Record sources: a JSONL or Parquet file holding many documents, one record each.

A record is a mapping with ``doc_id`` and ``text`` and optionally the metadata fields of
``catalog.yaml`` (see :mod:`kpolicy.metadata`). These functions only read records; what a
record becomes (a document, a reject or a duplicate) is decided by
:class:`kpolicy.corpus.Ingest`, exactly as for a file in a folder.

Both readers stream: a JSONL file is read one line at a time with a byte limit per line,
a Parquet file one row group at a time, so a bad line or a corrupt page becomes one
:class:`~kpolicy.readers.ReaderError` in place of its records, and the rest still load.
"""

from __future__ import annotations

import codecs
import contextlib
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
from polars.exceptions import PanicException

from kpolicy.errors import KpolicyError
from kpolicy.readers import ReaderError

__all__ = [
    "JSONL_SUFFIXES",
    "PARQUET_SUFFIXES",
    "jsonl_at",
    "jsonl_line_limit",
    "jsonl_range",
    "jsonl_records",
    "parquet_group_records",
    "parquet_records",
    "parquet_row_groups",
    "parquet_rows",
    "parse_jsonl_line",
    "probe_parquet",
]

#: Suffixes read as one JSON object per line.
JSONL_SUFFIXES = (".jsonl", ".ndjson")
#: Suffixes read as Parquet files of records.
PARQUET_SUFFIXES = (".parquet", ".pq")

@contextlib.contextmanager
def _native_stderr_silenced() -> Iterator[None]:
    """Send file descriptor 2 to a scratch file for the duration.

    A corrupt Parquet footer can make polars panic; the panic becomes a Python exception
    (reported in one line by the caller), but Rust first prints its own message, with a
    backtrace when RUST_BACKTRACE is set, straight to the process's stderr. Only used
    while one thread probes a file (open_source), so no other output is hidden.
    """
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError, AttributeError):  # no real descriptor 2: nothing to hide
        yield
        return
    try:
        with tempfile.TemporaryFile() as sink:
            os.dup2(sink.fileno(), 2)
            try:
                yield
            finally:
                os.dup2(saved, 2)
    finally:
        os.close(saved)


def jsonl_line_limit(max_bytes: int) -> int:
    """Longest JSONL line read, in bytes: room for a text of ``max_bytes`` UTF-8 bytes
    written with ``\\uXXXX`` escapes (2x for Hangul), plus 1 MiB of metadata."""
    return 2 * max_bytes + 1024 * 1024


def _bounded_lines(fh: Any, limit: int) -> Iterator[tuple[int, bytes | int]]:
    """``(offset, line)`` per line of a binary file from its current position, each read
    with at most ``limit`` bytes in memory.

    A longer line is skipped in chunks and yielded as its length (an int) instead.
    """
    while True:
        offset = fh.tell()
        line = fh.readline(limit + 1)
        if not line:
            return
        if len(line) <= limit or line.endswith(b"\n"):
            yield offset, line
            continue
        size = len(line)
        del line
        while True:
            chunk = fh.readline(1024 * 1024)
            size += len(chunk)
            if not chunk or chunk.endswith(b"\n"):
                break
        yield offset, size


def parse_jsonl_line(line: bytes | int, first: bool, limit: int) -> dict[str, Any] | ReaderError | None:
    """One JSONL line as a record, a :class:`~kpolicy.readers.ReaderError`, or None for a
    blank line. ``line`` is the length of a line over ``limit`` bytes (skipped unread);
    ``first`` says it is the file's first line (which may start with a byte-order mark)."""
    if isinstance(line, int):
        return ReaderError("too_large", f"The line is over {limit:,} bytes ({line:,} bytes), longer than a record within max_bytes can be; it was skipped unread.")
    if first and line.startswith(codecs.BOM_UTF8):
        line = line[len(codecs.BOM_UTF8) :]
    if not line.strip():
        return None
    try:
        record = json.loads(line.decode("utf-8"))
    except UnicodeDecodeError as exc:
        return ReaderError("undecodable", f"The line is not valid UTF-8 ({exc.reason} at byte {exc.start}).")
    except ValueError as exc:
        msg = getattr(exc, "msg", str(exc))
        return ReaderError("undecodable", f"The line is not valid JSON ({msg} at column {getattr(exc, 'colno', '?')}).")
    if not isinstance(record, dict):
        return ReaderError("unsupported_type", f"The line holds a JSON {type(record).__name__}, not an object with doc_id and text.")
    return record


def _open(path: Path) -> Any:
    try:
        return open(path, "rb")  # the callers close it; bytes, so a bad line is one reject
    except OSError as exc:
        raise KpolicyError(f"{path}: cannot read the file ({exc.strerror})") from None


def jsonl_range(path: Path, max_bytes: int, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int, dict[str, Any] | ReaderError | None]]:
    """``(i, offset, record)`` for each line that starts in bytes ``[start, end)``, i
    counting those lines from 0 (blank lines included, with record None).

    Cutting a file at any byte positions and reading each range gives every line exactly
    once: a line belongs to the range it starts in. The Dask engine probes a JSONL file
    range by range (:mod:`kpolicy.cluster`).
    """
    limit = jsonl_line_limit(max_bytes)
    with _open(path) as fh:
        if start > 0:
            fh.seek(start - 1)
            if fh.read(1) != b"\n":  # start is inside a line: it belongs to the range before
                while True:
                    chunk = fh.readline(1024 * 1024)
                    if not chunk or chunk.endswith(b"\n"):
                        break
        for i, (offset, line) in enumerate(_bounded_lines(fh, limit)):
            if end is not None and offset >= end:
                return
            yield i, offset, parse_jsonl_line(line, offset == 0, limit)


def jsonl_records(path: Path, max_bytes: int) -> Iterator[tuple[str, dict[str, Any] | ReaderError]]:
    """``(file:LINE, record)`` per non-blank line; a bad line yields a :class:`~kpolicy.readers.ReaderError`.

    Lines are read with a byte limit (:func:`jsonl_line_limit`): a longer line is
    rejected as ``too_large`` without ever being held whole.
    """
    name = path.name
    for i, _, record in jsonl_range(path, max_bytes):
        if record is not None:
            yield f"{name}:{i + 1}", record


def jsonl_at(path: Path, max_bytes: int, offsets: list[int]) -> list[dict[str, Any] | ReaderError | None]:
    """The records of the lines starting at these byte offsets (found by :func:`jsonl_range`)."""
    limit = jsonl_line_limit(max_bytes)
    out: list[dict[str, Any] | ReaderError | None] = []
    with _open(path) as fh:
        for offset in offsets:
            fh.seek(offset)
            _, line = next(_bounded_lines(fh, limit), (offset, b""))
            out.append(parse_jsonl_line(line, offset == 0, limit))
    return out


def parquet_records(path: Path, columns: list[str], chunk_rows: int) -> Iterator[tuple[str, dict[str, Any] | ReaderError]]:
    """``(file#ROW, record)`` per row (ROW counts from 0), read ``chunk_rows`` rows at a time.

    Row groups are read one at a time, so a corrupt page spoils only its own row group:
    its unread rows become one ``unreadable`` :class:`~kpolicy.readers.ReaderError` at ``file#row_group_N``
    and the next row group is read.
    """
    name = path.name
    try:
        groups = parquet_row_groups(path)
    except (OSError, ValueError, IndexError, RecursionError):
        groups = []
    if not groups:  # a footer this reader cannot follow: the file is one group
        try:
            groups = [pl.scan_parquet(path).select(pl.len()).collect().item()]
        except (Exception, PanicException) as exc:
            yield f"{name}#row_group_0", ReaderError("unreadable", f"The file's rows cannot be counted ({type(exc).__name__}); none were read.")
            return
    start = 0
    for g, n_rows in enumerate(groups):
        yield from parquet_group_records(path, columns, chunk_rows, g, start, n_rows)
        start += n_rows


def parquet_group_records(path: Path, columns: list[str], chunk_rows: int, group: int, start: int, n_rows: int) -> Iterator[tuple[str, dict[str, Any] | ReaderError]]:
    """The records of one row group (``n_rows`` rows from row ``start``), as :func:`parquet_records` reads them."""
    name = path.name
    row = start
    try:
        for chunk in pl.scan_parquet(path).slice(start, n_rows).select(columns).collect_batches(chunk_size=chunk_rows):
            for record in chunk.iter_rows(named=True):
                yield f"{name}#{row}", record
                row += 1
    except (Exception, PanicException) as exc:  # polars raises several error types (or panics) for a corrupt page
        first = str(exc).splitlines()[0] if str(exc) else ""
        yield f"{name}#row_group_{group}", ReaderError(
            "unreadable",
            f"Row group {group} (rows {row:,} to {start + n_rows - 1:,}) cannot be read ({type(exc).__name__}: {first}); "
            "its rows were skipped and the other row groups loaded.",
        )


def parquet_rows(path: Path, columns: list[str], rows: list[int]) -> list[dict[str, Any]]:
    """The records at these row numbers (ascending), reading only the rows they span."""
    if not rows:
        return []
    first = rows[0]
    df = pl.scan_parquet(path).slice(first, rows[-1] - first + 1).select(columns).collect()
    return [df.row(r - first, named=True) for r in rows]


def parquet_row_groups(path: Path) -> list[int]:
    """Rows per row group of a Parquet file, read from its footer alone.

    The footer is Thrift (compact protocol) ``FileMetaData``; only ``row_groups``
    (field 4) and each group's ``num_rows`` (field 3) are read, everything else is
    skipped. Polars reads a row range without exposing the row groups behind it.

    Raises:
        ValueError: not a Parquet footer, or one this reader cannot follow.
    """
    with open(path, "rb") as fh:
        size = fh.seek(0, os.SEEK_END)
        if size < 12:
            raise ValueError("too short for Parquet")
        fh.seek(size - 8)
        tail = fh.read(8)
        n = int.from_bytes(tail[:4], "little")
        if tail[4:] != b"PAR1" or n > size - 12 or n > 64 * 1024 * 1024:
            raise ValueError("no Parquet footer")
        fh.seek(size - 8 - n)
        meta = fh.read(n)
    t = _ThriftCompact(meta)
    groups: list[int] = []
    for fid, ftype in t.fields():
        if fid == 4 and ftype == 9:
            _, count = t.list_header()
            for _ in range(count):
                rows = None
                for gid, gtype in t.fields():
                    if gid == 3 and gtype == 6:
                        rows = t.zigzag()
                    else:
                        t.skip(gtype)
                if rows is None or rows < 0:
                    raise ValueError("a row group without num_rows")
                groups.append(rows)
        else:
            t.skip(ftype)
    return groups


class _ThriftCompact:
    """Just enough of Thrift's compact protocol to walk a Parquet footer."""

    def __init__(self, data: bytes) -> None:
        self.data, self.pos, self.depth = data, 0, 0

    def byte(self) -> int:
        b = self.data[self.pos]  # IndexError at the end: a truncated footer
        self.pos += 1
        return b

    def varint(self) -> int:
        out = shift = 0
        while True:
            b = self.byte()
            out |= (b & 0x7F) << shift
            if not b & 0x80:
                return out
            shift += 7
            if shift > 70:
                raise ValueError("varint too long")

    def zigzag(self) -> int:
        v = self.varint()
        return (v >> 1) ^ -(v & 1)

    def fields(self) -> Iterator[tuple[int, int]]:
        """``(field id, type)`` of each field of a struct, up to its stop byte."""
        last = 0
        while True:
            head = self.byte()
            ftype = head & 0x0F
            if ftype == 0:
                return
            delta = head >> 4
            last = last + delta if delta else self.zigzag()
            yield last, ftype

    def list_header(self) -> tuple[int, int]:
        head = self.byte()
        count = head >> 4
        if count == 15:
            count = self.varint()
        return head & 0x0F, count

    def skip(self, ftype: int) -> None:
        if ftype in (1, 2):  # bool: the value is in the type
            return
        if ftype == 3:
            self.pos += 1
        elif ftype in (4, 5, 6):
            self.varint()
        elif ftype == 7:
            self.pos += 8
        elif ftype == 8:
            length = self.varint()  # read first: "pos += varint()" would lose the length bytes
            self.pos += length
        elif ftype in (9, 10):
            etype, count = self.list_header()
            for _ in range(count):
                self.pos += 1 if etype in (1, 2) else 0
                if etype not in (1, 2):
                    self.skip(etype)
        elif ftype == 11:
            count = self.varint()
            if count:
                kv = self.byte()
                for _ in range(count):
                    self.skip(kv >> 4)
                    self.skip(kv & 0x0F)
        elif ftype == 12:
            self.depth += 1
            if self.depth > 64:
                raise ValueError("footer nested too deep")
            for _, t in self.fields():
                self.skip(t)
            self.depth -= 1
        else:
            raise ValueError(f"unknown Thrift type {ftype}")
        if self.pos > len(self.data):
            raise ValueError("truncated footer")


def probe_parquet(path: Path) -> tuple[list[str], int]:
    """The column names and row count of a Parquet file, read from its footer.

    Raises:
        KpolicyError: one line, when the file cannot be read as Parquet.
    """
    try:
        with _native_stderr_silenced():
            columns = list(pl.read_parquet_schema(path))
            total = pl.scan_parquet(path).select(pl.len()).collect().item()
    except (Exception, PanicException) as exc:  # polars raises several error types (and panics) for a bad file
        first = str(exc).splitlines()[0] if str(exc) else ""
        raise KpolicyError(f"{path}: cannot read as Parquet ({type(exc).__name__}: {first})") from None
    return columns, total
