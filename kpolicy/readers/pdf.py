"""PDF -> text, one :class:`Page` per PDF page, in reading order.

Library choice: ``pdfplumber`` (MIT; on ``pdfminer.six``, MIT). It gives every word with its
position, which we need to read two-column pages column by column, and it finds ruled
tables, which become " | " rows. ``pypdf`` is lighter but returns one text stream per page
in content order, so columns interleave and table cells run together.

Per page:

* Tables (``find_tables``, ruled tables) become one line per row, cells joined by " | "
  (merged cells appear once); their words are not read again as running text.
* The other words are grouped into lines. If the page has a gutter (a vertical strip in
  its middle that few lines cross, with prose filling the left column up to it on both
  sides), lines are split at it and each band between full-width lines (a title across
  both columns, a footer) is read left side first, then right side. Each side is searched
  for a gutter of its own in the same way, so a three-column page reads column by column
  too (up to four columns).
* Lines join into paragraphs with a space (a hyphen at a line end before a lower-case
  letter is removed); a paragraph ends at a larger vertical gap, a line that stops well
  short of the column's right edge, or a next line starting with a bullet or number.
  Paragraphs are separated by a blank line.

Errors (:class:`ReaderError`): ``encrypted`` (needs a password; PDFs that open without one,
with only permission restrictions, are read), ``no_text_layer`` (no page has text: a scan;
OCR is not done here), ``corrupt``, ``too_many_pages`` (over ``Limits.max_pages``) and
``timeout`` (over ``Limits.max_seconds``, checked between pages).

Metadata: the document information dictionary's Title, Author and CreationDate
(``D:YYYYMMDD...`` -> ``YYYY-MM-DD``); publisher is not in PDF metadata (None).
"""

from __future__ import annotations

import io
import re
import statistics
import time
from dataclasses import dataclass, field

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

from kpolicy.readers import Extracted, Limits, Page, ReaderError

_BULLET = re.compile(r"^(?:[□■○●◦•◎◆◇▶▷►▪※\-–·*ㅇ❍➢✓①-⑳]|\(?\d{1,2}[.)]\s|[가-하][.)]\s|\([가-하0-9]{1,2}\)\s)")
_DATE = re.compile(r"^(?:D:)?(\d{4})(\d{2})?(\d{2})?")


@dataclass
class _Line:
    top: float
    bottom: float
    x0: float
    x1: float
    text: str
    table: bool = False
    tabular: bool = False   # words in separate groups far apart: a row of an unruled table
    words: list[dict] = field(default_factory=list)  # pdfplumber words, x order (text lines)


def read(data: bytes, *, limits: Limits) -> Extracted:
    """Read a PDF's text layer page by page; raise :class:`ReaderError` when it cannot be read."""
    deadline = time.monotonic() + limits.max_seconds
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:
        raise _open_error(exc) from exc
    try:
        try:
            page_objects = pdf.pages
        except Exception as exc:
            raise _open_error(exc) from exc
        if not page_objects:
            raise ReaderError("empty", "The PDF has no pages: check that it downloaded completely.")
        if len(page_objects) > limits.max_pages:
            raise ReaderError("too_many_pages", f"The PDF has {len(page_objects):,} pages, over the limit of {limits.max_pages:,} (Limits.max_pages): split it.")
        pages: list[Page] = []
        for number, page in enumerate(page_objects, start=1):
            if time.monotonic() > deadline:
                raise ReaderError("timeout", f"Reading the PDF took over {limits.max_seconds:g} s (Limits.max_seconds) by page {number}: split it.")
            try:
                text = _page_text(page)
            except ReaderError:
                raise
            except Exception as exc:
                raise ReaderError("corrupt", f"Page {number} of the PDF cannot be read ({type(exc).__name__}): re-save or print the PDF to a new PDF.") from exc
            finally:
                page.close()
            pages.append(Page(number=number, text=text))
        if not any(p.text.strip() for p in pages):
            raise ReaderError("no_text_layer", "The PDF has no text layer (a scan or images only): run OCR first (not done by kpolicy).")
        return Extracted(pages=pages, metadata=_metadata(pdf), format="pdf")
    finally:
        pdf.close()


def _open_error(exc: Exception) -> ReaderError:
    inner = exc
    while inner is not None:
        if isinstance(inner, (PDFPasswordIncorrect, PDFEncryptionError)):
            return ReaderError("encrypted", "The PDF is encrypted with a password: save an unprotected copy (print to PDF) and add that.")
        inner = inner.__cause__ or inner.__context__ or (inner.args[0] if inner.args and isinstance(inner.args[0], Exception) else None)
    first = str(exc).splitlines()[0][:160] if str(exc) else ""
    return ReaderError("corrupt", f"The PDF is damaged or not a PDF ({type(exc).__name__}: {first}): download it again or re-save it.")


# ---------------------------------------------------------------------------------
# One page
# ---------------------------------------------------------------------------------


def _page_text(page) -> str:
    tables = page.find_tables()
    boxes = [t.bbox for t in tables]
    items: list[_Line] = []
    for table, box in zip(tables, boxes):
        rows = []
        for row in table.extract():
            cells = [" ".join((c or "").split()) for c in row if c is not None]
            if any(cells):
                rows.append(" | ".join(cells))
        if rows:
            items.append(_Line(box[1], box[3], box[0], box[2], "\n".join(rows), table=True))

    def outside(w) -> bool:
        cx, cy = (w["x0"] + w["x1"]) / 2, (w["top"] + w["bottom"]) / 2
        return not any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in boxes)

    words = [w for w in page.extract_words() if outside(w)]
    lines = _group_lines(words)
    return "\n\n".join(_read_region(lines, items, float(page.bbox[0]), float(page.bbox[2])))


#: Columns are found by splitting a region at its gutter, then each side again: at most
#: this many levels of splits, so up to four columns (three is the common maximum).
_MAX_COLUMN_DEPTH = 2


def _read_region(lines: list[_Line], items: list[_Line], x0: float, x1: float, depth: int = 0) -> list[str]:
    """Paragraphs of the text lines and tables between x0 and x1, in reading order.

    With no gutter: top to bottom. With a gutter: bands between lines that cross it (a
    title across both sides, a footer); in each band the left side is read whole, then
    the right side, and each side is itself searched for a gutter, so three columns are
    read left to right too.
    """
    gutter = _find_gutter(lines, x0, x1) if depth < _MAX_COLUMN_DEPTH else None
    if gutter is None:
        return _paragraphs(sorted(lines + items, key=lambda ln: (ln.top, ln.x0)))
    blocks: list[str] = []
    left: list[_Line] = []
    right: list[_Line] = []

    def flush() -> None:
        for side, lo, hi in ((left, x0, gutter), (right, gutter, x1)):
            blocks.extend(_read_region([ln for ln in side if not ln.table], [ln for ln in side if ln.table], lo, hi, depth + 1))
        left.clear()
        right.clear()

    split_lines: list[tuple[str, _Line]] = []
    for line in lines:
        split_lines.extend(_split_line(line, gutter))
    for item in items:
        side = "L" if item.x1 <= gutter else "R" if item.x0 >= gutter else "F"
        split_lines.append((side, item))
    split_lines.sort(key=lambda sl: (sl[1].top, sl[1].x0))
    gap = 1.5 * statistics.median([ln.bottom - ln.top for ln in lines]) if lines else 15.0
    for side, line in split_lines:
        if side == "F":
            flush()
            blocks.extend(_paragraphs([line]))
            continue
        if left and right and line.top > max(ln.bottom for ln in left + right) + gap:
            flush()  # below both columns: a new band (e.g. a short closing line)
        (left if side == "L" else right).append(line)
    flush()
    return blocks


def _group_lines(words: list[dict]) -> list[_Line]:
    """Words -> lines (by vertical overlap), each with its words in x order."""
    groups: list[list[dict]] = []
    for w in sorted(words, key=lambda w: ((w["top"] + w["bottom"]) / 2, w["x0"])):
        mid = (w["top"] + w["bottom"]) / 2
        if groups:
            g = groups[-1]
            top = min(x["top"] for x in g)
            bottom = max(x["bottom"] for x in g)
            if top <= mid <= bottom:
                g.append(w)
                continue
        groups.append([w])
    out = []
    for g in groups:
        g.sort(key=lambda w: w["x0"])
        out.append(_make_line(g))
    return out


def _words_text(words: list[dict]) -> str:
    return " ".join(w["text"] for w in words)


def _make_line(words: list[dict]) -> _Line:
    """A line of words (x order); groups separated by more than twice the text height
    (an unruled table row, label ... value) are joined by " | "."""
    height = statistics.median(w["bottom"] - w["top"] for w in words)
    groups: list[list[dict]] = [[words[0]]]
    for prev, w in zip(words, words[1:]):
        if w["x0"] - prev["x1"] > 2 * height:
            groups.append([w])
        else:
            groups[-1].append(w)
    text = " | ".join(_words_text(g) for g in groups)
    return _Line(min(w["top"] for w in words), max(w["bottom"] for w in words), words[0]["x0"],
                 max(w["x1"] for w in words), text, tabular=len(groups) > 1, words=words)


def _split_line(line: _Line, gutter: float) -> list[tuple[str, _Line]]:
    words = line.words
    if any(w["x0"] < gutter < w["x1"] for w in words):
        return [("F", line)]
    out = []
    for side, part in (("L", [w for w in words if w["x1"] <= gutter]), ("R", [w for w in words if w["x0"] >= gutter])):
        if part:
            out.append((side, _make_line(part)))
    return out


def _find_gutter(lines: list[_Line], x0: float, x1: float) -> float | None:
    """The x of a gutter between x0 and x1, or None: a strip in the middle half of the region that
    at most 1 line in 10 crosses, with prose-like lines (filling their column up to the
    strip) on both sides in at least 3 lines and 1 in 5 lines each."""
    if len(lines) < 6:
        return None
    spans = [[(w["x0"], w["x1"]) for w in ln.words] for ln in lines]
    run_start = None
    candidates: list[tuple[int, float, float]] = []  # (crossings, start, end) of strips
    width = x1 - x0
    x = x0 + width * 0.25
    prev = None
    while x <= x0 + width * 0.75:
        crossings = sum(1 for sp in spans if any(a < x < b for a, b in sp))
        if crossings != prev:
            if run_start is not None and prev is not None:
                candidates.append((prev, run_start, x - 1))
            run_start = x
            prev = crossings
        x += 1.0
    if run_start is not None and prev is not None:
        candidates.append((prev, run_start, x - 1))
    if not candidates:
        return None
    crossings, start, end = min(candidates, key=lambda c: (c[0], -(c[2] - c[1])))
    if crossings > len(lines) // 10:
        return None
    gutter = (start + end) / 2
    left_ends, right_widths = [], []
    right_edge = max(ln.x1 for ln in lines)
    left_edge = min(ln.x0 for ln in lines)
    for sp in spans:
        if any(a < gutter < b for a, b in sp):
            continue
        lefts = [b for a, b in sp if b <= gutter]
        rights = [(a, b) for a, b in sp if a >= gutter]
        if lefts:
            left_ends.append(max(lefts))
        if rights:
            right_widths.append(max(b for _, b in rights) - min(a for a, _ in rights))
    n = len(lines)
    if len(left_ends) < max(3, n // 5) or len(right_widths) < max(3, n // 5):
        return None
    left_col = gutter - left_edge
    right_col = right_edge - gutter
    if statistics.median(gutter - e for e in left_ends) > 0.25 * left_col:
        return None  # left side is short labels, not a column of prose
    if statistics.median(right_widths) < 0.5 * right_col:
        return None  # right side is short values, not a column of prose
    return gutter


def _paragraphs(lines: list[_Line]) -> list[str]:
    """Lines of one column (top to bottom) -> paragraphs; tables stay as they are."""
    text_lines = [ln for ln in lines if not ln.table]
    if not lines:
        return []
    heights = [ln.bottom - ln.top for ln in text_lines] or [10.0]
    line_height = statistics.median(heights)
    gaps = [b.top - a.bottom for a, b in zip(text_lines, text_lines[1:]) if b.top - a.bottom > 0]
    normal_gap = statistics.median(gaps) if gaps else line_height * 0.3
    right = max((ln.x1 for ln in text_lines), default=0.0)
    left = min((ln.x0 for ln in text_lines), default=0.0)
    col_width = max(right - left, 1.0)
    out: list[str] = []
    current = ""
    prev: _Line | None = None
    for ln in lines:
        if ln.table:
            if current:
                out.append(current)
            out.append(ln.text)
            current, prev = "", None
            continue
        if ln.tabular and prev is not None and prev.tabular:
            current = f"{current}\n{ln.text}"   # rows of one unruled table stay one block
            prev = ln
            continue
        new_para = (
            prev is None
            or ln.tabular
            or prev.tabular
            or ln.top - prev.bottom > normal_gap + 0.5 * line_height
            or prev.x1 < right - 0.15 * col_width
            or _BULLET.match(ln.text) is not None
        )
        if new_para:
            if current:
                out.append(current)
            current = ln.text
        elif re.search(r"[A-Za-z]-$", current) and ln.text[:1].islower():
            current = current[:-1] + ln.text
        else:
            current = f"{current} {ln.text}"
        prev = ln
    if current:
        out.append(current)
    return out


# ---------------------------------------------------------------------------------
# Metadata
# ---------------------------------------------------------------------------------


def _metadata(pdf) -> dict[str, str | None]:
    meta: dict[str, str | None] = {"title": None, "date": None, "author": None, "publisher": None}
    try:
        info = pdf.metadata or {}
    except Exception:
        return meta

    def text(value: object) -> str | None:
        if isinstance(value, bytes):
            for enc in ("utf-16" if value[:2] in (b"\xfe\xff", b"\xff\xfe") else "utf-8", "latin-1"):
                try:
                    value = value.decode(enc)
                    break
                except UnicodeDecodeError:
                    continue
        if not isinstance(value, str):
            return None
        value = " ".join(value.replace("\x00", "").split())
        return value or None

    meta["title"] = text(info.get("Title"))
    meta["author"] = text(info.get("Author"))
    created = text(info.get("CreationDate"))
    if created:
        m = _DATE.match(created)
        if m and 1900 <= int(m.group(1)) <= 2100:
            month, day = m.group(2), m.group(3)
            if month and day and 1 <= int(month) <= 12 and 1 <= int(day) <= 31:
                meta["date"] = f"{m.group(1)}-{month}-{day}"
    return meta
