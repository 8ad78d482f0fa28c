"""HWP 5 (Hancom Office binary, an OLE compound file) -> text, one page per body section.

Library choice: no maintained HWP 5 reader on PyPI has a licence we can ship (pyhwp, the
reference implementation, is AGPL; the many recent small packages are young, single-author
and unproven), so this is a small reader of our own on ``olefile`` (BSD, the standard OLE
parser). It follows Hancom's published format description (HWP 5.0 revision 1.3):

* ``FileHeader``: signature, version, property flags. Bit 0: body streams compressed
  (raw deflate); bit 1: password; bit 2: distribution document (body encrypted in
  ``ViewText``); bit 4: DRM. Password, distribution and DRM files raise ``password``.
* ``BodyText/Section0..N``: a stream of records (32-bit header: tag in bits 0-9, level in
  bits 10-19, size in bits 20-31, 0xFFF meaning a 32-bit size follows).
  ``HWPTAG_PARA_TEXT`` (tag 67) holds a paragraph's text as UTF-16LE in which code units
  0-31 are controls: "char" controls take one unit (10 line break, 13 paragraph end, 24
  hyphen, 30/31 spaces), "inline" and "extended" controls take eight (the code, six units
  of data, the code again); tab (9, inline) becomes a tab, everything else is dropped.
* Tables: an extended control whose ``CTRL_HEADER`` (tag 71) id is ``tbl `` is followed, one
  level deeper, by a ``TABLE`` record (tag 77) and one ``LIST_HEADER`` (tag 72) per cell
  giving the cell's row and column; the cell's paragraphs follow. Each table row becomes one
  line of cells joined by " | ", after the paragraph that anchors the table.
* Headers and footers (``head``/``foot`` controls) are page furniture and are skipped;
  footnotes, endnotes and text boxes are kept as paragraphs.
* Metadata: the ``\\x05HwpSummaryInformation`` property set (title 2, author 4, created 12).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import struct
import time
import zlib

import olefile

from kpolicy.readers import Extracted, Limits, Page, ReaderError

_SIGNATURE = b"HWP Document File"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_TAG_PARA_HEADER = 66
_TAG_PARA_TEXT = 67
_TAG_CTRL_HEADER = 71
_TAG_LIST_HEADER = 72
_TAG_TABLE = 77
_SKIPPED_CONTROLS = {b"head", b"foot"}
# Control code units that occupy one unit (char controls); all other codes < 32 take 8.
_CHAR_CONTROLS = {0, 10, 13, 24, 25, 26, 27, 28, 29, 30, 31}
_CHAR_REPLACEMENTS = {10: "\n", 24: "-", 30: " ", 31: " "}
_TAB = 9


def _fail(code: str, message: str) -> ReaderError:
    return ReaderError(code, message)


def read(data: bytes, *, limits: Limits) -> Extracted:
    """Read an HWP 5 file's body text; raise :class:`ReaderError` when it cannot be read."""
    deadline = time.monotonic() + limits.max_seconds
    if not data.startswith(_OLE_MAGIC):
        raise _fail("corrupt", "not an HWP 5 (OLE) file: check that the file downloaded completely")
    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except Exception as exc:  # olefile raises OSError and assorted parse errors
        raise _fail("corrupt", f"damaged HWP file ({type(exc).__name__}): open and re-save it in Hancom Office") from exc
    try:
        return _read_ole(ole, limits, deadline)
    finally:
        ole.close()


def _stream(ole: olefile.OleFileIO, name: str, limit: int) -> bytes:
    try:
        if ole.get_size(name) > limit:
            raise _fail("too_large", f"HWP stream {name} is larger than the limit: split the document")
        return ole.openstream(name).read()
    except ReaderError:
        raise
    except Exception as exc:
        raise _fail("corrupt", f"damaged HWP stream {name}: open and re-save the file in Hancom Office") from exc


def _inflate(raw: bytes, budget: int, name: str) -> bytes:
    """Raw-deflate ``raw`` with an output cap of ``budget`` bytes (zip-bomb guard)."""
    d = zlib.decompressobj(-15)
    try:
        out = d.decompress(raw, budget + 1)
    except zlib.error as exc:
        raise _fail("corrupt", f"damaged compressed stream {name}: re-save the file in Hancom Office") from exc
    if len(out) > budget:
        raise _fail("too_large", "HWP body decompresses to more than the limit: split the document")
    return out


def _read_ole(ole: olefile.OleFileIO, limits: Limits, deadline: float) -> Extracted:
    if not ole.exists("FileHeader"):
        raise _fail("corrupt", "not an HWP 5 file (no FileHeader): save it as HWPX or PDF in Hancom Office")
    header = _stream(ole, "FileHeader", 4096)
    if len(header) < 40 or not header.startswith(_SIGNATURE):
        raise _fail("corrupt", "not an HWP 5 file (bad signature): save it as HWPX or PDF in Hancom Office")
    flags = struct.unpack_from("<I", header, 36)[0]
    if flags & 0b10:
        raise _fail("password", "HWP file is password-protected: remove the password in Hancom Office and save again")
    if flags & 0b100 or flags & 0b10000:
        raise _fail("password", "HWP file is a distribution/DRM document (encrypted): save an unprotected copy as HWPX or PDF")
    compressed = bool(flags & 1)

    sections = []
    for entry in ole.listdir(streams=True, storages=False):
        if len(entry) == 2 and entry[0] == "BodyText" and entry[1].startswith("Section"):
            suffix = entry[1][len("Section"):]
            if suffix.isdigit():
                sections.append((int(suffix), "/".join(entry)))
    if not sections:
        raise _fail("corrupt", "HWP file has no body text sections: re-save it in Hancom Office")
    sections.sort()
    if len(sections) > limits.max_pages:
        raise _fail("too_many_pages", f"HWP file has {len(sections)} sections, more than {limits.max_pages}: split it")

    budget = limits.max_decompressed_bytes
    pages: list[Page] = []
    for number, (_, name) in enumerate(sections, start=1):
        if time.monotonic() > deadline:
            raise _fail("timeout", f"reading took longer than {limits.max_seconds} s: split the document")
        raw = _stream(ole, name, budget)
        body = _inflate(raw, budget, name) if compressed else raw
        budget -= len(body)
        pages.append(Page(number=number, text=_section_text(body, deadline, limits)))
    if not any(p.text.strip() for p in pages):
        raise _fail("empty", "HWP file has no text (only images or objects?): check the file")
    return Extracted(pages=pages, metadata=_metadata(ole), format="hwp")


def _records(body: bytes):
    pos, end = 0, len(body)
    while pos + 4 <= end:
        head = struct.unpack_from("<I", body, pos)[0]
        pos += 4
        tag, level, size = head & 0x3FF, (head >> 10) & 0x3FF, head >> 20
        if size == 0xFFF:
            if pos + 4 > end:
                raise _fail("corrupt", "truncated HWP record: re-save the file in Hancom Office")
            size = struct.unpack_from("<I", body, pos)[0]
            pos += 4
        if pos + size > end:
            raise _fail("corrupt", "truncated HWP record: re-save the file in Hancom Office")
        yield tag, level, body[pos:pos + size]
        pos += size


def _para_text(payload: bytes) -> str:
    units = struct.unpack_from(f"<{len(payload) // 2}H", payload)
    out: list[str] = []
    i, n = 0, len(units)
    while i < n:
        u = units[i]
        if u >= 32:
            j = i
            while j < n and units[j] >= 32:
                j += 1
            out.append(payload[2 * i:2 * j].decode("utf-16-le", errors="replace"))
            i = j
        elif u in _CHAR_CONTROLS:
            out.append(_CHAR_REPLACEMENTS.get(u, ""))
            i += 1
        else:
            if u == _TAB:
                out.append("\t")
            i += 8
    return "".join(out).strip()


class _Table:
    def __init__(self, level: int) -> None:
        self.level = level           # level of the table's CTRL_HEADER
        self.cells: dict[tuple[int, int], list[str]] = {}
        self.current: tuple[int, int] | None = None
        self.started = False         # TABLE record seen (a LIST_HEADER before it is the caption)
        self.caption: list[str] = []

    def block(self) -> str:
        """Caption paragraphs, then one line per row (rows with no text left out)."""
        rows = [line for line in self._rows() if line.replace("|", "").strip()]
        return "\n".join([t for t in self.caption if t] + rows)

    def _rows(self) -> list[str]:
        rows: dict[int, list[tuple[int, str]]] = {}
        for (row, col), texts in self.cells.items():
            rows.setdefault(row, []).append((col, " ".join(t for t in texts if t)))
        return [" | ".join(text for _, text in sorted(cells)) for _, cells in sorted(rows.items())]


def _section_text(body: bytes, deadline: float, limits: Limits) -> str:
    """Paragraphs of one body section, tables as " | " rows, joined by blank lines."""
    blocks: list[str] = []
    tables: list[_Table] = []         # open tables, innermost last
    skip_level: int | None = None     # inside a header/footer control at this level
    count = 0
    for tag, level, payload in _records(body):
        count += 1
        if count % 4096 == 0 and time.monotonic() > deadline:
            raise _fail("timeout", f"reading took longer than {limits.max_seconds} s: split the document")
        if skip_level is not None:
            if level > skip_level:
                continue
            skip_level = None
        while tables and level <= tables[-1].level:
            _close(tables, blocks)
        if tag == _TAG_CTRL_HEADER and len(payload) >= 4:
            ctrl_id = payload[:4][::-1]
            if ctrl_id == b"tbl ":
                tables.append(_Table(level))
            elif ctrl_id in _SKIPPED_CONTROLS:
                skip_level = level
        elif tag == _TAG_TABLE and tables and level == tables[-1].level + 1:
            tables[-1].started = True
        elif tag == _TAG_LIST_HEADER and tables and level == tables[-1].level + 1:
            table = tables[-1]
            if table.started and len(payload) >= 12:
                # paragraph count (2), 2 unknown, attributes (4), column and row address (2 each)
                col, row = struct.unpack_from("<HH", payload, 8)
                table.current = (row, col)
                table.cells.setdefault((row, col), [])
            else:
                table.current = None
        elif tag == _TAG_PARA_TEXT:
            text = _para_text(payload)
            if tables and level > tables[-1].level:
                table = tables[-1]
                if table.current is not None:
                    table.cells[table.current].append(text)
                else:
                    table.caption.append(text)
            elif text:
                blocks.append(text)
    while tables:
        _close(tables, blocks)
    return "\n\n".join(blocks)


def _close(tables: list[_Table], blocks: list[str]) -> None:
    """End the innermost open table: its text goes into the outer table's cell, or becomes a block."""
    block = tables.pop().block()
    if not block:
        return
    if tables and tables[-1].current is not None:
        tables[-1].cells[tables[-1].current].append(block.replace("\n", " "))
    else:
        blocks.append(block)


def _metadata(ole: olefile.OleFileIO) -> dict[str, str | None]:
    meta: dict[str, str | None] = {"title": None, "date": None, "author": None, "publisher": None}
    name = "\x05HwpSummaryInformation"
    if not ole.exists(name):
        return meta
    try:
        props = ole.getproperties(name, convert_time=True, no_conversion=[10])
    except Exception:
        return meta

    def text(value: object) -> str | None:
        if isinstance(value, bytes):
            value = value.decode("utf-16-le" if b"\x00" in value else "utf-8", errors="replace")
        if isinstance(value, str):
            # olefile reads past the end of some HWP strings: keep what precedes the first control
            value = re.split(r"[\x00-\x1f]", value, maxsplit=1)[0].strip()
            return value or None
        return None

    meta["title"] = text(props.get(2))
    meta["author"] = text(props.get(4))
    created = props.get(12)
    if isinstance(created, dt.datetime) and created.year > 1601:
        meta["date"] = created.date().isoformat()
    return meta
