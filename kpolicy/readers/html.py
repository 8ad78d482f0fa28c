"""HTML reader: the main text of a saved web page (one Page) and its metadata.

Library: trafilatura. Boilerplate removal (navigation, menus, share buttons, related-story
boxes, footers, cookie banners) is a hard problem that trafilatura is built for and is
actively maintained; it scores at or near the top of the published main-text extraction
benchmarks (ScrapingHub article-extraction benchmark, Bevendorff et al. 2023), works on
Korean pages as well as English ones, gives the metadata we need (title, date via
htmldate, author, site name) from meta tags and JSON-LD, and keeps tables as rows and
cells. Writing our own heuristics would be worse and longer.

Offline only: the reader parses the bytes it is given. It never fetches a URL or follows a
link: the tree handed to trafilatura is already parsed (so nothing can be mistaken for a
URL to download), no ``url`` is passed, and only trafilatura's extraction functions are
called, never its download, feed, sitemap or spider modules. lxml's HTML parser loads no
DTDs or external entities.

Safety: ``<script>``, ``<style>``, ``<iframe>``, ``<noscript>``, ``<template>``, embedded
objects, SVG/MathML, comments, processing instructions and elements hidden with the
``hidden`` attribute or an inline ``display:none``/``visibility:hidden`` style are removed
from the tree *before* trafilatura sees it, so their contents can never reach the text
(and so never reach a report), whatever trafilatura's own heuristics decide.

Decoding: a byte-order mark wins; then the charset of ``<meta charset=...>`` or of
``<meta http-equiv="Content-Type" content="...; charset=...">`` (labels mapped as
browsers do: EUC-KR -> CP949, Latin-1/ASCII -> Windows-1252); then strict UTF-8; then
charset detection (charset-normalizer). A declared charset that does not decode the
bytes is distrusted in favour of UTF-8 and detection.

Output: paragraphs and headings separated by "\\n\\n"; list items as paragraphs; tables as
one line per row with cells joined by " | ". Metadata keys: title, date (yyyy-mm-dd or
None), author, publisher (the site name). Dates come only from the page's markup (meta
tags, JSON-LD, <time>, URL-like patterns), not from guesses in the running text: a wrong
document date would shift every relative year ("next year") the targets resolve.
"""

from __future__ import annotations

import codecs
import copy
import re

from kpolicy.readers import Extracted, Limits, Page, ReaderError

# Elements whose content is never text of the page.
_DROP_TAGS = (
    "script", "style", "iframe", "frame", "frameset", "noscript", "template", "object",
    "embed", "applet", "svg", "math", "canvas", "audio", "video", "source", "track",
    "link", "base", "button", "input", "select", "textarea",
)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.IGNORECASE)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SPACE = re.compile(r"[ \t\r\f\v\u00a0\u200b]+")

# Labels that browsers treat as a wider encoding than Python's codec of the same name.
_LABEL_ALIASES = {
    "euc-kr": "cp949", "euckr": "cp949", "euc_kr": "cp949", "ks_c_5601-1987": "cp949",
    "ks_c_5601": "cp949", "ksc5601": "cp949", "x-windows-949": "cp949", "windows-949": "cp949",
    "iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252", "us-ascii": "cp1252",
    "ascii": "cp1252",
}


def _codec(label: bytes | str) -> str | None:
    name = label.decode("ascii", "ignore") if isinstance(label, bytes) else label
    name = _LABEL_ALIASES.get(name.strip().lower(), name.strip().lower())
    try:
        info = codecs.lookup(name)
    except LookupError:
        return None
    # A page that says utf-16 in an ASCII meta tag is not UTF-16 (it could not be read).
    if info.name.startswith("utf-16") or info.name.startswith("utf-32"):
        return "utf-8"
    return info.name


def decode_html(data: bytes) -> str:
    """Decode page bytes: BOM, then meta charset / http-equiv, then UTF-8, then detection."""
    for bom, enc in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                     (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom):].decode(enc, errors="replace")
    match = _META_CHARSET.search(data[:8192])
    declared = _codec(match.group(1)) if match else None
    if declared:
        try:
            return data.decode(declared)
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:1_000_000]).best()
        if best is not None and best.encoding:
            return data.decode(best.encoding, errors="replace")
    except Exception:  # detection is best effort
        pass
    return data.decode(declared or "cp949", errors="replace")


def _parse(text: str):
    from lxml import html as lxml_html

    parser = lxml_html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True,
                                  recover=True, default_doctype=False)
    text = _XML_DECL.sub("", text, count=1)
    if not text.strip():
        return None
    try:
        return lxml_html.document_fromstring(text, parser=parser)
    except Exception:  # lxml raises ParserError on documents with no elements
        return None


def _strip_unsafe(tree) -> None:
    from lxml import etree

    etree.strip_elements(tree, *_DROP_TAGS, with_tail=False)
    hidden = [el for el in tree.iter()
              if isinstance(el.tag, str)
              and (el.get("hidden") is not None or el.get("aria-hidden") == "true"
                   or _HIDDEN_STYLE.search(el.get("style") or ""))]
    for el in hidden:
        if el.getparent() is not None and el.tag not in ("html", "body"):
            el.drop_tree()  # keeps the element's tail, which belongs to its parent


def _clean(s: str) -> str:
    """Spaces collapsed; a blank line (e.g. <br><br> in pages without <p>) stays a paragraph break."""
    paragraphs = re.split(r"\n[ \t\r\f\v\u00a0\u200b]*\n", s)
    out = []
    for para in paragraphs:
        lines = (_SPACE.sub(" ", line).strip() for line in para.split("\n"))
        text = "\n".join(line for line in lines if line)
        if text:
            out.append(text)
    return "\n\n".join(out)


def _inline_text(el) -> str:
    """Text of a block, trafilatura's <lb/> as a newline, other inline markup flattened."""
    parts: list[str] = []

    def walk(node) -> None:
        if node.tag == "lb":
            parts.append("\n")
        elif node.text:
            parts.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(el)
    return _clean("".join(parts))


def _cell_text(cell) -> str:
    return _SPACE.sub(" ", " ".join(t.strip() for t in cell.itertext() if t.strip())).strip()


def _render_table(table) -> str:
    lines = []
    for row in table.iter("row"):
        cells = [_cell_text(c) for c in row if c.tag == "cell"]
        if any(cells):
            lines.append(" | ".join(cells))
    return "\n".join(lines)


def _render(body) -> str:
    blocks: list[str] = []

    def visit(el) -> None:
        tag = el.tag
        if tag == "table":
            blocks.append(_render_table(el))
        elif tag == "list":
            for item in el:
                if item.tag == "item":
                    if any(child.tag in ("list", "table") for child in item):
                        visit_container(item)
                    else:
                        blocks.append(_inline_text(item))
        elif tag in ("div", "main", "body", "quote", "item") and any(
                child.tag in ("p", "list", "table", "head", "quote") for child in el):
            visit_container(el)
        elif tag in ("graphic", "comments"):
            return
        else:
            blocks.append(_inline_text(el))

    def visit_container(el) -> None:
        if el.text and el.text.strip():
            blocks.append(_clean(el.text))
        for child in el:
            visit(child)
            if child.tail and child.tail.strip():
                blocks.append(_clean(child.tail))

    visit_container(body)
    return "\n\n".join(b for b in blocks if b)


def _meta_value(value) -> str | None:
    if value is None:
        return None
    value = _SPACE.sub(" ", str(value)).strip()
    return value or None


def read(data: bytes, *, limits: Limits) -> Extracted:
    """Main text and metadata of one saved HTML page, offline. One Page."""
    if len(data) > limits.max_decompressed_bytes:
        raise ReaderError("too_large", f"HTML file of {len(data):,} bytes is over the limit of "
                          f"{limits.max_decompressed_bytes:,}: save the article page alone")
    from trafilatura.core import bare_extraction
    from trafilatura.metadata import extract_metadata
    from trafilatura.settings import set_date_params

    tree = _parse(decode_html(data))
    if tree is None:
        raise ReaderError("empty", "HTML file has no elements: save the page again as complete HTML")

    # Metadata from an untouched copy (JSON-LD lives in <script> tags); text from a copy
    # stripped of everything that must never become text.
    meta_tree = copy.deepcopy(tree)
    _strip_unsafe(tree)
    try:
        meta = extract_metadata(meta_tree, default_url=None,
                                date_config=set_date_params(extensive=False), extensive=False)
    except Exception:  # metadata is optional; never lose the text over it
        meta = None
    doc = bare_extraction(tree, url=None, include_tables=True, include_comments=False,
                          include_images=False, include_links=False, with_metadata=False,
                          deduplicate=False)
    text = _render(doc.body) if doc is not None and getattr(doc, "body", None) is not None else ""
    if not text.strip():
        raise ReaderError("empty", "no article text found in the HTML (only scripts, menus or "
                          "boilerplate): save the article page itself, or paste its text into a .txt file")

    date = _meta_value(getattr(meta, "date", None))
    if date is not None:
        date = date[:10]
        if not _ISO_DATE.match(date):
            date = None
    metadata = {
        "title": _meta_value(getattr(meta, "title", None)),
        "date": date,
        "author": _meta_value(getattr(meta, "author", None)),
        "publisher": _meta_value(getattr(meta, "sitename", None)),
    }
    return Extracted(pages=[Page(number=1, text=text)], metadata=metadata, format="html")
