"""DOCX reader: body paragraphs and tables in document order, one Page per section.

Library: python-docx. It is the maintained, widely used pure-Python reader of the Office
Open XML word-processing format (on lxml, which trafilatura needs anyway); it opens the
package, resolves the main document part through the package relationships (whatever
the part is called), gives the section and table structure, and parses every part with
entity resolution switched off. We use it for the package and the core properties and
walk the body XML ourselves so that text in tracked insertions, hyperlinks, fields and
content controls is not lost (python-docx's ``Paragraph.text`` only reads direct runs
and hyperlinks).

What is read: the body only, in order: paragraphs (separated by "\\n\\n"), tables (one
line per row, the cells of a row joined by " | "; a cell continuing a vertical merge is
empty so a merged value is not repeated), the contents of content controls and of text
boxes (the modern drawing, not its legacy VML copy). Left out: headers, footers,
footnotes, endnotes, comments, deleted text and field codes.

Pages: Word has no fixed pages in the file, so a "page" is a section: a section break
(``w:sectPr`` in a paragraph's properties) closes one. ``Page.number`` is the 1-based
section number; a section with no text gives no Page (the numbers of the others stay).

Metadata from the core properties: title, author (``dc:creator``), date (``dcterms:created``
as yyyy-mm-dd, as stored, usually UTC); publisher from the extended properties' Company.
A file without core properties gets None for all of them (python-docx would invent
defaults).

Guards: an OLE file (what Word writes for a password-protected DOCX) -> "encrypted";
not a ZIP, a damaged ZIP, no word/document.xml or unparseable XML -> "corrupt"; the
uncompressed sizes the ZIP declares are added up *before* anything is inflated and
compared with ``Limits.max_decompressed_bytes`` -> "too_large" (a member that inflates to
more than it declares cannot get past its declared size: Python's zipfile stops there and
fails the CRC check, which is "corrupt"); more sections than ``Limits.max_pages`` ->
"too_many_pages"; no text -> "empty".
"""

from __future__ import annotations

import io
import re
import zipfile

from kpolicy.readers import Extracted, Limits, Page, ReaderError

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MAX_MEMBERS = 10_000

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_EP = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
_RT_CORE = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"


def _w(tag: str) -> str:
    return f"{{{_W}}}{tag}"


_P, _TBL, _TR, _TC, _SDT, _SDT_CONTENT = _w("p"), _w("tbl"), _w("tr"), _w("tc"), _w("sdt"), _w("sdtContent")
_CUSTOM_XML, _PPR, _SECTPR, _TCPR, _VMERGE = (_w("customXml"), _w("pPr"), _w("sectPr"), _w("tcPr"),
                                              _w("vMerge"))
# Subtrees whose text is not the document's text.
_SKIP = {_w("del"), _w("moveFrom"), _w("delText"), _w("instrText"), _w("delInstrText"), _PPR, _w("rPr"),
         f"{{{_MC}}}Fallback", _w("footnoteReference"), _w("endnoteReference"), _w("commentReference")}
_SPACE = re.compile(r"[ \t\u00a0\u200b]+")


def _paragraph_text(p) -> str:
    parts: list[str] = []

    def walk(el) -> None:
        for child in el:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIP:
                continue
            if tag == _w("t"):
                parts.append(child.text or "")
            elif tag in (_w("tab"), _w("ptab")):
                parts.append(" ")
            elif tag in (_w("br"), _w("cr")):
                parts.append("\n")
            elif tag == _w("noBreakHyphen"):
                parts.append("-")
            elif tag == _w("softHyphen"):
                continue
            elif tag == _P:  # a paragraph inside a text box of this paragraph
                parts.append("\n")
                walk(child)
                parts.append("\n")
            else:
                walk(child)

    walk(p)
    lines = (_SPACE.sub(" ", line).strip() for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _inside_paragraph(el, stop) -> bool:
    """Whether ``el`` sits in another paragraph (a text box) below ``stop``; that paragraph reads it."""
    parent = el.getparent()
    while parent is not None and parent is not stop:
        if parent.tag == _P:
            return True
        parent = parent.getparent()
    return False


def _cell_text(tc) -> str:
    tcpr = tc.find(_TCPR)
    if tcpr is not None:
        vmerge = tcpr.find(_VMERGE)
        if vmerge is not None and vmerge.get(_w("val"), "continue") == "continue":
            return ""
    texts = [_paragraph_text(p) for p in tc.iter(_P) if not _inside_paragraph(p, tc)]
    return _SPACE.sub(" ", " ".join(t.replace("\n", " ") for t in texts if t)).strip()


def _children(el, tag: str):
    """Direct children of ``el`` with ``tag``, looking through content controls and custom XML."""
    for child in el:
        if child.tag == tag:
            yield child
        elif child.tag in (_SDT, _CUSTOM_XML):
            yield from _children(child, tag)
        elif child.tag == _SDT_CONTENT:
            yield from _children(child, tag)


def _table_lines(tbl) -> str:
    lines = []
    for tr in _children(tbl, _TR):  # rows of nested tables are read inside their cell
        cells = [_cell_text(tc) for tc in _children(tr, _TC)]
        if any(cells):
            lines.append(" | ".join(cells))
    return "\n".join(lines)


def _body_blocks(body):
    """(kind, element) for the body's paragraphs and tables, in order, through content controls."""
    for child in body:
        tag = child.tag
        if tag == _P:
            yield "p", child
        elif tag == _TBL:
            yield "tbl", child
        elif tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                yield from _body_blocks(content)
        elif tag == _CUSTOM_XML:
            yield from _body_blocks(child)


def _ends_section(p) -> bool:
    ppr = p.find(_PPR)
    return ppr is not None and ppr.find(_SECTPR) is not None


def _check_package(data: bytes, limits: Limits) -> zipfile.ZipFile:
    if data.startswith(_OLE):
        raise ReaderError("encrypted", "DOCX is password-protected (or an old binary .doc): remove the "
                          "password in Word (or save as .docx) and add the file again")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
        raise ReaderError("corrupt", f"DOCX is not a readable ZIP package ({exc}): re-save it from Word "
                          "or export it as PDF") from None
    if len(infos) > _MAX_MEMBERS:
        raise ReaderError("too_large", f"DOCX package has {len(infos):,} parts (over {_MAX_MEMBERS:,}): "
                          "it is damaged or hostile; re-save it from Word")
    total = sum(max(info.file_size, 0) for info in infos)
    if total > limits.max_decompressed_bytes:
        raise ReaderError("too_large", f"DOCX would unpack to {total:,} bytes, over the limit of "
                          f"{limits.max_decompressed_bytes:,} (Limits.max_decompressed_bytes): remove large "
                          "images or split the document")
    names = {info.filename for info in infos}
    if "[Content_Types].xml" not in names:
        raise ReaderError("corrupt", "ZIP file is not a Word document (no [Content_Types].xml): "
                          "save it as .docx from Word")
    return zf


def _publisher(zf: zipfile.ZipFile) -> str | None:
    from lxml import etree

    try:
        raw = zf.read("docProps/app.xml")
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
        root = etree.fromstring(raw, parser=parser)
    except Exception:  # absent or damaged: the publisher is optional
        return None
    company = root.find(f"{{{_EP}}}Company")
    return _meta_value(company.text if company is not None else None)


def _meta_value(value) -> str | None:
    if value is None:
        return None
    value = _SPACE.sub(" ", str(value)).strip()
    return value or None


def _metadata(document, zf: zipfile.ZipFile) -> dict[str, str | None]:
    metadata: dict[str, str | None] = {"title": None, "date": None, "author": None,
                                       "publisher": _publisher(zf)}
    package = document.part.package
    if not any(rel.reltype == _RT_CORE for rel in package.rels.values()):
        return metadata  # python-docx would make up a title and dates
    try:
        props = document.core_properties
        created = props.created
        metadata["title"] = _meta_value(props.title)
        metadata["author"] = _meta_value(props.author)
        metadata["date"] = created.date().isoformat() if created is not None else None
    except Exception:  # unparseable core properties: keep the text, drop the metadata
        pass
    return metadata


def read(data: bytes, *, limits: Limits) -> Extracted:
    """Body text of a DOCX, one Page per section, with core-property metadata."""
    zf = _check_package(data, limits)
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
        body = document.element.body
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile, EOFError, OSError,
            AttributeError) as exc:
        raise ReaderError("corrupt", f"DOCX could not be opened ({type(exc).__name__}: "
                          f"{str(exc).splitlines()[0][:160] if str(exc) else ''}): re-save it from Word "
                          "or export it as PDF") from None
    except Exception as exc:  # lxml's XMLSyntaxError and the like
        raise ReaderError("corrupt", f"DOCX has damaged XML ({type(exc).__name__}): re-save it from Word "
                          "or export it as PDF") from None

    sections: list[list[str]] = [[]]
    for kind, el in _body_blocks(body):
        block = _paragraph_text(el) if kind == "p" else _table_lines(el)
        if block:
            sections[-1].append(block)
        if kind == "p" and _ends_section(el):
            sections.append([])
            if len(sections) > limits.max_pages:
                raise ReaderError("too_many_pages", f"DOCX has more than {limits.max_pages:,} sections "
                                  "(Limits.max_pages): split the document")
    pages = [Page(number=i, text="\n\n".join(blocks))
             for i, blocks in enumerate(sections, start=1) if blocks]
    if not pages:
        raise ReaderError("empty", "DOCX body has no text (only images, headers or footers?): "
                          "export it as PDF with text, or paste its text into a .txt file")
    return Extracted(pages=pages, metadata=_metadata(document, zf), format="docx")
