"""Document metadata from its three sources, in order of trust.

1. The curated ``catalog.yaml`` of a corpus folder (or a JSONL/Parquet record's own
   fields): :func:`read_catalog`, :func:`clean_metadata`. It always wins.
2. The file's own properties found by a reader (HTML ``<meta>``, PDF/HWPX/DOCX document
   properties): :func:`reader_metadata`. Used where the text states nothing.
3. What the text itself says (first line, dateline, byline, URL): :func:`infer_metadata`.

:class:`kpolicy.corpus.Ingest` merges them for each document.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from kpolicy import safety, schema
from kpolicy.errors import KpolicyError
from kpolicy.readers.text import _ASCII_LETTER_BYTES, _HANGUL

#: Largest catalog.yaml read, in bytes (checked before parsing).
MAX_CATALOG_BYTES = 16 * 1024 * 1024
#: Most YAML values (keys, scalars, lists, mappings) in a catalog: bounds memory.
MAX_CATALOG_NODES = 2_000_000
#: Nesting allowed in a catalog (doc_id -> fields -> regions needs 3).
MAX_CATALOG_DEPTH = 4
CATALOG_NAMES = ("catalog.yaml", "catalog.yml")


CATALOG_KEYS = {
    "title": "headline",
    "publisher": "outlet or issuing body",
    "reporter": "byline",
    "source_url": "URL stated in the document",
    "published_date": "YYYY, YYYY-MM or YYYY-MM-DD (precision follows the form)",
    "date_source": "how the date was determined",
    "language": f"one of {', '.join(schema.LANGUAGES)}",
    "level": f"one of {', '.join(schema.LEVELS)}",
    "regions": "list of canonical region names",
    "notes": "free text, kept in the catalog only",
}


@dataclass(frozen=True)
class CatalogEntry:
    doc_id: str
    values: dict[str, Any]
    line: int


def catalog_keys(rel: str) -> tuple[str, str]:
    """The catalog keys that name a file: its path relative to the corpus folder without
    the suffix (``a/report`` for ``a/report.txt``), or with it. Matching is exact, so a
    key ``report`` names ``report.txt`` and never ``a/report.txt``."""
    return str(PurePosixPath(rel).with_suffix("")), rel


def _catalog_entry(catalog: dict[str, CatalogEntry], rel: str) -> CatalogEntry | None:
    for key in catalog_keys(rel):
        if key in catalog:
            return catalog[key]
    return None


def _fail(path: Path, line: int | None, msg: str) -> KpolicyError:
    where = f"{path}:{line}" if line else str(path)
    return KpolicyError(f"{where}: {msg}")


def _parse_date(value: Any) -> tuple[dt.date, str]:
    if isinstance(value, dt.datetime):
        return value.date(), "day"
    if isinstance(value, dt.date):
        return value, "day"
    s = str(value).strip()
    for fmt, precision in (("%Y-%m-%d", "day"), ("%Y-%m", "month"), ("%Y", "year")):
        try:
            parsed = dt.datetime.strptime(s, fmt).date()
        except ValueError:
            continue
        if precision == "year" and not re.fullmatch(r"\d{4}", s):
            continue
        return parsed, precision
    raise ValueError(s)


def read_catalog(path: Path) -> dict[str, CatalogEntry]:
    """Read and validate a ``catalog.yaml`` (plain YAML only: see :func:`kpolicy.safety.load_yaml`).

    The file may hold at most :data:`MAX_CATALOG_BYTES` bytes, :data:`MAX_CATALOG_NODES`
    values and :data:`MAX_CATALOG_DEPTH` levels of nesting; tags, anchors, aliases and
    duplicate keys are refused.

    The catalog maps ``doc_id`` to metadata fields (see :data:`CATALOG_KEYS`).

    Raises:
        KpolicyError: one line naming the file, the line and the valid values.
    """
    data, root = safety.load_yaml(
        path, max_bytes=MAX_CATALOG_BYTES, max_depth=MAX_CATALOG_DEPTH, max_nodes=MAX_CATALOG_NODES,
        what="catalog", with_node=True,
    )
    if data is None:
        return {}
    if not isinstance(data, dict) or not isinstance(root, yaml.MappingNode):
        raise _fail(path, 1, "the catalog must be a mapping of doc_id -> fields")
    lines = {str(k.value): (k.start_mark.line + 1, v) for k, v in root.value}
    entries: dict[str, CatalogEntry] = {}
    for doc_id, values in data.items():
        line, node = lines.get(str(doc_id), (None, None))
        if not isinstance(values, dict):
            raise _fail(path, line, f"entry {doc_id!r} must be a mapping of fields ({', '.join(CATALOG_KEYS)})")
        key_lines = {str(k.value): k.start_mark.line + 1 for k, _ in node.value} if isinstance(node, yaml.MappingNode) else {}

        def fail(key: Any, msg: str, line: int | None = line, key_lines: dict[str, int] = key_lines) -> KpolicyError:
            return _fail(path, key_lines.get(str(key), line), msg)

        clean = clean_metadata(values, str(doc_id), fail)
        entries[str(doc_id)] = CatalogEntry(str(doc_id), clean, line or 0)
    return entries


def clean_metadata(values: dict[Any, Any], doc_id: str, fail: Callable[[Any, str], KpolicyError]) -> dict[str, Any]:
    """Validate curated metadata fields (a catalog entry, or a JSONL/Parquet record's columns).

    Args:
        values: field -> value; keys must be in :data:`CATALOG_KEYS`; None values are skipped.
        doc_id: the document, named in error messages.
        fail: builds the error for a bad key (it knows the file and line).

    Returns:
        The clean fields: ``published_date`` parsed (with ``date_precision``), language,
        level and regions checked against their vocabularies, other values as strings.

    Raises:
        KpolicyError: from ``fail``, naming the bad key or value and the valid ones.
    """
    clean: dict[str, Any] = {}
    for key, value in values.items():
        if key not in CATALOG_KEYS:
            raise fail(key, f"unknown key {key!r} in entry {doc_id!r}; valid keys: {', '.join(CATALOG_KEYS)}")
        if value is None:
            continue
        if key == "published_date":
            try:
                clean["published_date"], clean["date_precision"] = _parse_date(value)
            except ValueError:
                raise fail(key, f"bad published_date {value!r} in entry {doc_id!r}; use YYYY, YYYY-MM or YYYY-MM-DD") from None
        elif key == "language" and value not in schema.LANGUAGES:
            raise fail(key, f"unknown language {value!r} in entry {doc_id!r}; valid: {', '.join(schema.LANGUAGES)}")
        elif key == "level" and value not in schema.LEVELS:
            raise fail(key, f"unknown level {value!r} in entry {doc_id!r}; valid: {', '.join(schema.LEVELS)}")
        elif key == "regions":
            regions = [value] if isinstance(value, str) else value
            if not isinstance(regions, list):
                raise fail(key, f"regions in entry {doc_id!r} must be a list of region names")
            bad = [r for r in regions if r not in schema.REGION_NAMES]
            if bad:
                raise fail(key, f"unknown region {bad[0]!r} in entry {doc_id!r}; valid: {', '.join(schema.REGION_NAMES)}")
            clean["regions"] = regions
        else:
            clean[key] = value if key in ("language", "level") else str(value)
    return clean


# ---------------------------------------------------------------------------------
# Metadata inferred from the text
# ---------------------------------------------------------------------------------

_MONTHS = {m: i for i, m in enumerate(
    "january february march april may june july august september october november december".split(), 1)}
_MONTHS.update({m[:3]: i for m, i in list(_MONTHS.items())})
_MONTHS["sept"] = 9
_MONTH_RE = r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_DATE_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})[-./](?P<m>0?[1-9]|1[0-2])[-./](?P<d>0?[1-9]|[12]\d|3[01])(?!\d)"), "day"),
    # Korean official style with spaces: "2024. 1. 2.(화)" (the day's full stop is required)
    (re.compile(r"(?<![\d.])(?P<y>(?:19|20)\d{2})\.\s{1,3}(?P<m>1[0-2]|0?[1-9])\.\s{1,3}(?P<d>[12]\d|3[01]|0?[1-9])\.(?!\d)"), "day"),
    (re.compile(r"(?P<y>(?:19|20)\d{2})\s*년\s*(?P<m>1[0-2]|0?[1-9])\s*월\s*(?P<d>[12]\d|3[01]|0?[1-9])\s*일"), "day"),
    (re.compile(rf"\b{_MONTH_RE}\s+(?P<d>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?,\s*(?P<y>(?:19|20)\d{{2}})\b", re.I), "day"),
    (re.compile(rf"\b(?P<d>[12]\d|3[01]|0?[1-9])\s+{_MONTH_RE}\s+(?P<y>(?:19|20)\d{{2}})\b", re.I), "day"),
)
#: A necessary condition of the month-name date patterns: every month name they take
#: starts with one of these (same flags, so the same case folding).
_MONTH_HINT = re.compile(r"jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec", re.I)
_URL = re.compile(r"https?://[^\s<>\"')\]]+")
_PUBLISHER_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(r"^[ \t]*\[\s*(?P<pub>[^\]\n]{2,40}?)\s+(?:reporter|correspondent)\s+(?P<rep>[^\]\n]{2,40}?)\s*\]", re.I | re.M),
    re.compile(r"^[ \t]*(?:©|ⓒ|\(c\)|copyright)\s*(?:\d{4}\s*)?(?P<pub>[^(\n.]{2,60}?)\s*(?:\(|\.|all rights|$)", re.I | re.M),
    re.compile(r"^[ \t]*(?:source|출처)\s*[:：]\s*(?P<pub>[^(\n]{2,60}?)\s*(?:\(|$)", re.I | re.M),
    re.compile(r"^[ \t]*(?:reported|written) by\s+(?P<pub>[^\n]{2,60}?)\s*$", re.I | re.M),
    re.compile(r"^[ \t]*\((?P<place>[^)=\n]{1,10})=(?P<pub>[^)\n]{1,20})\)", re.M),
    re.compile(r"^[ \t]*\[(?P<pub>[^\]\n]{2,40})\][ \t]*$", re.M),
)
_REPORTER_KO = re.compile(r"(?P<rep>[가-힣]{2,4})\s?기자(?:\s|=|$)")


def infer_metadata(raw: str, text: str) -> dict[str, Any]:
    """Metadata inferred from a document's raw and normalised text.

    Returns:
        A dict with title, publisher, reporter, source_url, published_date,
        date_precision, date_source and language (values may be None).
    """
    meta: dict[str, Any] = {}
    first_line = next((ln.strip() for ln in text.split("\n") if ln.strip()), "")
    meta["title"] = first_line[:200] or None
    hangul = len(_HANGUL.findall(text))
    # ASCII letters are the only UTF-8 bytes in A-Z/a-z, so deleting them from the
    # encoded text counts them (a byte-level pass instead of one match per letter).
    encoded = text.encode("utf-8", "surrogatepass")
    latin = len(encoded) - len(encoded.translate(None, _ASCII_LETTER_BYTES))
    meta["language"] = "ko" if hangul > 0.3 * (hangul + latin) and hangul else ("en" if latin else "und")
    meta["publisher"] = meta["reporter"] = None
    for pat in _PUBLISHER_PATTERNS:
        m = pat.search(raw)
        if m:
            meta["publisher"] = m.group("pub").strip()
            if "rep" in m.groupdict() and m.group("rep"):
                meta["reporter"] = m.group("rep").strip()
            break
    if meta["reporter"] is None:
        m = _REPORTER_KO.search(raw) if "기자" in raw else None  # the literal first: a far cheaper test
        meta["reporter"] = m.group("rep") if m else None
    url = _URL.search(raw)
    meta["source_url"] = url.group(0).rstrip(".,;") if url else None
    meta["published_date"] = meta["date_precision"] = None
    meta["date_source"] = "not stated in the text"
    months: bool | None = None
    for pat, precision in _DATE_PATTERNS:
        if "mon" in pat.groupindex:
            # The month-name patterns need a month name: test for one once, by a search
            # far cheaper than theirs (which try every position of the text).
            if months is None:
                months = _MONTH_HINT.search(raw) is not None
            if not months:
                continue
        m = pat.search(raw)
        if not m:
            continue
        groups = m.groupdict()
        month = groups.get("m") or _MONTHS.get(groups["mon"].lower().rstrip(".")[:3])
        try:
            meta["published_date"] = dt.date(int(m.group("y")), int(month), int(m.group("d")))
        except (TypeError, ValueError):
            continue
        meta["date_precision"] = precision
        meta["date_source"] = f"inferred: first full date in the text ({m.group(0)!r})"
        break
    return meta



def reader_metadata(meta: dict[str, Any], fmt: str) -> dict[str, Any]:
    """A reader's metadata (title, date, author, publisher) as clean catalog fields.

    Values that are blank or not a valid date are dropped (a reader's metadata never
    rejects a file). ``date_source`` says where the date came from and how far to trust
    it: a web page declares its publication date, but the date in a PDF, HWPX, HWP or
    DOCX file's properties is when the file was made, which may be long after (or
    before) the release was published (:func:`date_source_for`).
    """
    out: dict[str, Any] = {}
    for key, field_name in (("title", "title"), ("publisher", "publisher"), ("author", "reporter")):
        value = meta.get(key)
        if isinstance(value, str) and value.strip():
            out[field_name] = " ".join(value.split())[:200]
    date = meta.get("date")
    if isinstance(date, str) and date.strip():
        try:
            out["published_date"], out["date_precision"] = _parse_date(date.strip()[:10])
            out["date_source"] = date_source_for(fmt)
        except ValueError:
            pass
    return out


def date_source_for(fmt: str) -> str:
    """The ``date_source`` of a date taken from a file's own metadata of format ``fmt``."""
    if fmt == "html":
        return "file metadata (HTML): the publication date the page declares"
    return f"file metadata ({fmt.upper()}): the date the file was created, which may not be the publication date"


#: How far into a document's text a file-property title is looked for.
TITLE_SEARCH_CHARS = 3000


def title_from_file(title: str, fmt: str, text: str) -> bool:
    """Whether a title from a file's properties should replace the first-line title.

    A web page's declared title (``og:title``, ``<title>``) is written for readers, so it
    is used. The title property of a PDF, HWPX, HWP or DOCX file is often left over from
    a template or from the first draft (Hancom fills it with the first paragraph on the
    first save; a PDF printed from Word gets "Microsoft Word - name.doc"), so it is used
    only when the document's opening text contains it, spaces ignored, and it has at least
    four characters and a letter (a title "3" is found in any text with a 3 in it).
    """
    if fmt == "html":
        return True
    squeeze = "".join(title.split()).casefold()
    if len(squeeze) < 4 or not any(ch.isalpha() for ch in squeeze):
        return False
    return squeeze in "".join(text[:TITLE_SEARCH_CHARS].split()).casefold()
