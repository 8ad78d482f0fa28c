"""HWPX (Hancom OWPML, a ZIP of XML parts) -> text, one :class:`Page` per body section.

No third-party library: the format is a ZIP (``zipfile``) of XML (``xml.etree``).

* Sections: ``Contents/section*.xml`` in the order of the ``Contents/content.hpf`` spine
  (items whose href is a section), else by section number.
* Paragraphs (``hp:p``): the text of their runs' ``hp:t`` (``hp:tab`` -> tab, ``hp:lineBreak``
  -> line break, special spaces -> space), separated by blank lines. Tables (``hp:tbl``)
  become one line per row (``hp:tr``), cell texts (``hp:tc``, ordered by ``hp:cellAddr``)
  joined by " | ", after the paragraph that holds them; a table inside a cell is flattened
  into that cell. Text boxes, footnotes and endnotes are kept as paragraphs; headers and
  footers (page furniture) are skipped. Elements are matched by local name, so the 2011
  and 2016 namespaces both work.
* Safety: the sum of declared uncompressed sizes must be within
  ``Limits.max_decompressed_bytes`` and each part is read with a size cap (a lying header
  cannot inflate past it) -> ``too_large``; XML with a DOCTYPE (entity expansion) and a
  damaged ZIP or XML -> ``corrupt``. Too many sections -> ``too_many_pages``.
* Metadata: ``content.hpf``'s ``opf:title``, ``creator`` and ``CreatedDate`` (or the Korean
  ``date`` text, "2024년 3월 5일 ...").
"""

from __future__ import annotations

import io
import re
import time
import zipfile
import xml.etree.ElementTree as ET

from kpolicy.readers import Extracted, Limits, Page, ReaderError

_MAX_MEMBERS = 10_000
_SECTION = re.compile(r"(?:^|/)Contents/section(\d+)\.xml$", re.IGNORECASE)
_SKIPPED = {"header", "footer", "masterPage", "secPr", "pageNum", "pageHiding"}
_SPACES = {"fwSpace": " ", "nbSpace": " ", "hyphen": "-", "tab": "\t", "lineBreak": "\n"}
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_KO_DATE = re.compile(r"(\d{4})\s*년\s*(\d{1,2})\s*월\s*(\d{1,2})\s*일")


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def read(data: bytes, *, limits: Limits) -> Extracted:
    """Read an HWPX file's sections; raise :class:`ReaderError` when it cannot be read."""
    deadline = time.monotonic() + limits.max_seconds
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
        raise ReaderError("corrupt", f"The HWPX file is damaged (not a readable ZIP: {exc}): download it again or re-save it in Hancom Office.") from exc
    with zf:
        if len(infos) > _MAX_MEMBERS:
            raise ReaderError("too_large", f"The HWPX archive has {len(infos):,} parts, over {_MAX_MEMBERS:,}: it is not a normal document.")
        total = sum(max(i.file_size, 0) for i in infos)
        if total > limits.max_decompressed_bytes:
            raise ReaderError("too_large", f"The HWPX file unpacks to {total:,} bytes, over the limit of {limits.max_decompressed_bytes:,} (Limits.max_decompressed_bytes): split the document.")
        names = {i.filename for i in infos}
        budget = [limits.max_decompressed_bytes]
        hpf = _find_hpf(names)
        hpf_root = _parse(_read_member(zf, hpf, budget), hpf) if hpf else None
        sections = _section_order(names, hpf_root)
        if not sections:
            raise ReaderError("corrupt", "The HWPX file has no Contents/section*.xml: it is damaged or not an HWPX document; re-save it in Hancom Office.")
        if len(sections) > limits.max_pages:
            raise ReaderError("too_many_pages", f"The HWPX file has {len(sections):,} sections, over the limit of {limits.max_pages:,} (Limits.max_pages): split it.")
        pages = []
        for number, name in enumerate(sections, start=1):
            if time.monotonic() > deadline:
                raise ReaderError("timeout", f"Reading the HWPX file took over {limits.max_seconds:g} s (Limits.max_seconds): split it.")
            root = _parse(_read_member(zf, name, budget), name)
            pages.append(Page(number=number, text="\n\n".join(_blocks(root))))
    return Extracted(pages=pages, metadata=_metadata(hpf_root), format="hwpx")


def _read_member(zf: zipfile.ZipFile, name: str, budget: list[int]) -> bytes:
    """Read one part, never inflating more than what is left of the byte budget."""
    try:
        with zf.open(name) as fh:
            chunks, size = [], 0
            while True:
                chunk = fh.read(min(1 << 20, budget[0] - size + 1))
                if not chunk:
                    break
                size += len(chunk)
                if size > budget[0]:
                    raise ReaderError("too_large", f"The HWPX part {name} unpacks to more than the limit (Limits.max_decompressed_bytes): the file is not a normal document.")
                chunks.append(chunk)
    except ReaderError:
        raise
    except Exception as exc:  # BadZipFile (CRC), zlib.error, OSError, NotImplementedError (method), ...
        raise ReaderError("corrupt", f"The HWPX part {name} is damaged ({type(exc).__name__}): re-save the file in Hancom Office.") from exc
    budget[0] -= size
    return b"".join(chunks)


def _parse(xml: bytes, name: str) -> ET.Element:
    if b"<!DOCTYPE" in xml[:4096].upper() or b"<!ENTITY" in xml.upper():
        raise ReaderError("corrupt", f"The HWPX part {name} declares a DOCTYPE/entities, which HWPX never does: the file is not a normal document.")
    try:
        return ET.fromstring(xml)
    except ET.ParseError as exc:
        raise ReaderError("corrupt", f"The HWPX part {name} is not well-formed XML ({exc}): re-save the file in Hancom Office.") from exc


def _find_hpf(names: set[str]) -> str | None:
    if "Contents/content.hpf" in names:
        return "Contents/content.hpf"
    return next((n for n in sorted(names) if n.lower().endswith(".hpf")), None)


def _section_order(names: set[str], hpf: ET.Element | None) -> list[str]:
    found = sorted((int(m.group(1)), n) for n in names if (m := _SECTION.search(n)))
    by_default = [n for _, n in found]
    if hpf is None:
        return by_default
    hrefs = {}
    for item in hpf.iter():
        if _local(item.tag) == "item" and item.get("id") is not None:
            hrefs[item.get("id")] = item.get("href", "")
    ordered = []
    for ref in hpf.iter():
        if _local(ref.tag) == "itemref":
            href = hrefs.get(ref.get("idref", ""), "")
            for candidate in (href, f"Contents/{href}"):
                if candidate in names and _SECTION.search(candidate) and candidate not in ordered:
                    ordered.append(candidate)
                    break
    # sections the spine forgot still count (after the listed ones)
    return ordered + [n for n in by_default if n not in ordered] if ordered else by_default


# ---------------------------------------------------------------------------------
# Section text
# ---------------------------------------------------------------------------------


def _blocks(container: ET.Element) -> list[str]:
    """Paragraph and table blocks of the paragraphs under ``container``, in order."""
    out: list[str] = []
    for p in _paragraphs_under(container):
        out.extend(_paragraph_blocks(p))
    return out


def _paragraphs_under(el: ET.Element):
    """``hp:p`` elements directly under ``el`` or under plain wrappers (not inside another p)."""
    for child in el:
        name = _local(child.tag)
        if name == "p":
            yield child
        elif name not in _SKIPPED:
            yield from _paragraphs_under(child)


def _paragraph_blocks(p: ET.Element) -> list[str]:
    """A paragraph's own text, then blocks of the tables and text boxes it anchors."""
    parts: list[str] = []
    nested: list[str] = []

    def walk(el: ET.Element) -> None:
        for child in el:
            name = _local(child.tag)
            if name in _SKIPPED:
                continue
            if name == "t":
                parts.append(_t_text(child))
            elif name == "tbl":
                rows = _table_rows(child)
                if rows:
                    nested.append("\n".join(rows))
            elif name in ("subList", "p"):
                nested.extend(_blocks(child) if name == "subList" else _paragraph_blocks(child))
            else:
                walk(child)

    walk(p)
    text = "".join(parts).strip()
    return ([text] if text else []) + [b for b in nested if b.strip()]


def _t_text(t: ET.Element) -> str:
    out = [t.text or ""]
    for child in t:
        out.append(_SPACES.get(_local(child.tag), ""))
        out.append(child.tail or "")
    return "".join(out)


def _cell_text(tc: ET.Element) -> str:
    texts = []
    for child in tc:
        if _local(child.tag) == "subList":
            texts.extend(_blocks(child))
    return " ".join(" ".join(texts).split())


def _table_rows(tbl: ET.Element) -> list[str]:
    rows = []
    for tr in tbl:
        if _local(tr.tag) != "tr":
            continue
        cells = []
        for i, tc in enumerate(c for c in tr if _local(c.tag) == "tc"):
            col = i
            for child in tc:
                if _local(child.tag) == "cellAddr":
                    try:
                        col = int(child.get("colAddr", i))
                    except ValueError:
                        col = i
            cells.append((col, i, _cell_text(tc)))
        texts = [text for _, _, text in sorted(cells)]
        if any(texts):
            rows.append(" | ".join(texts))
    return rows


# ---------------------------------------------------------------------------------
# Metadata
# ---------------------------------------------------------------------------------


def _metadata(hpf: ET.Element | None) -> dict[str, str | None]:
    meta: dict[str, str | None] = {"title": None, "date": None, "author": None, "publisher": None}
    if hpf is None:
        return meta
    metas: dict[str, str] = {}
    for el in hpf.iter():
        name = _local(el.tag)
        value = " ".join("".join(el.itertext()).split())
        if name == "title" and value and meta["title"] is None:
            meta["title"] = value
        elif name == "meta" and el.get("name") and value:
            metas.setdefault(el.get("name", "").lower(), value)
        elif name in ("creator", "publisher") and value:
            metas.setdefault(name, value)
    meta["author"] = metas.get("creator")
    meta["publisher"] = metas.get("publisher")
    for key in ("createddate", "date", "modifieddate"):
        value = metas.get(key)
        if not value:
            continue
        m = _ISO_DATE.match(value) or _KO_DATE.search(value)
        if m:
            year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
            if 1900 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31:
                meta["date"] = f"{year:04d}-{month:02d}-{day:02d}"
                break
    return meta
