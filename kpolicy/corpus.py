"""Files -> documents (+ rejects, duplicates): the only module that reads input files.

A corpus is a folder, searched recursively, of ``.txt`` and ``.md`` files, with an
optional ``catalog.yaml`` of curated metadata. :func:`load_corpus` returns a
:class:`Corpus` of Polars tables. Every file found ends up in exactly one of
``documents``, ``rejects`` (with a reason) or ``duplicates`` (same bytes as a kept
document); :meth:`Corpus.check_accounting` proves it.

Hidden files and folders (names starting with ".") and the catalog itself are not
documents and are not counted.

For corpora too large to hold in memory, :func:`open_source` reads a folder, a JSONL file
or a Parquet file of documents one item at a time (:mod:`kpolicy.pipeline` batches them);
:func:`load_corpus` and the pipeline share the per-document steps (:class:`Ingest`,
:func:`document_rows`, :func:`build_tables`), so both give the same rows.
"""

from __future__ import annotations

import bisect
import codecs
import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import os
import re
import sys
import tempfile
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import polars as pl
import yaml
from polars.exceptions import PanicException

from kpolicy import morph, readers, safety, schema
from kpolicy.errors import KpolicyError
from kpolicy.normalize import normalize_mapped, split_sentences
from kpolicy.paths import SEEDS_DIR, resolve
from kpolicy.readers import ReaderError
from kpolicy.readers.text import _ASCII_LETTER_BYTES, _HANGUL, _check_text, decode_bytes  # noqa: F401 - decode_bytes re-exported

#: Plain-text suffixes, decoded by :mod:`kpolicy.readers.text`.
TEXT_SUFFIXES = (".txt", ".md")
#: Every suffix a folder reads: plain text plus the reader formats (see :mod:`kpolicy.readers`).
DOCUMENT_SUFFIXES = readers.supported_suffixes()
CATALOG_NAMES = ("catalog.yaml", "catalog.yml")
#: Files larger than this are rejected as ``too_large`` (override with ``max_bytes``).
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
#: Documents holding more numbers (runs of digits) than this are rejected as
#: ``too_many_figures`` (override with ``max_figures``): every number may become a fact
#: row of about 2 KB, so a 10 MB file of "KRW 1" would otherwise take over 3 GB.
DEFAULT_MAX_FIGURES = 100_000
#: Largest catalog.yaml read, in bytes (checked before parsing).
MAX_CATALOG_BYTES = 16 * 1024 * 1024
#: Most YAML values (keys, scalars, lists, mappings) in a catalog: bounds memory.
MAX_CATALOG_NODES = 2_000_000
#: Nesting allowed in a catalog (doc_id -> fields -> regions needs 3).
MAX_CATALOG_DEPTH = 4
_DIGIT_RUN = re.compile(r"\d+")


def count_figures(text: str) -> int:
    """Runs of digits in ``text``: an upper bound on the figures extractors can find."""
    return _DIGIT_RUN.subn("", text)[1]

# ---------------------------------------------------------------------------------
# Decoding
# ---------------------------------------------------------------------------------

# Decoding of .txt/.md lives in kpolicy.readers.text; these names stay importable here.
#: Raised while reading a file that cannot become a document (``reason``, ``detail``).
Rejected = ReaderError

# ---------------------------------------------------------------------------------
# Discovery
# ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FoundFile:
    path: Path  # absolute
    rel: str  # relative to the corpus root, "/"-separated
    problem: Rejected | None = None


def discover(root: Path) -> list[FoundFile]:
    """Every file below ``root`` that is a candidate document, in sorted order.

    Follows symbolic links to folders once (a loop is reported, not followed again).
    A link that resolves outside ``root`` is not followed: it is rejected as
    ``outside_corpus``, so a corpus cannot pull in ``/etc/passwd`` or the whole disk.
    Skips hidden names and the catalog.
    """
    found: list[FoundFile] = []
    seen_dirs: set[str] = set()
    boundary = os.path.realpath(root)

    def walk(folder: Path, rel: str) -> None:
        real = os.path.realpath(folder)
        if real in seen_dirs:
            found.append(FoundFile(folder, rel or ".", Rejected("symlink_loop", "This folder link points back into a folder already read (a symlink loop); skipped.")))
            return
        seen_dirs.add(real)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            found.append(FoundFile(folder, rel or ".", Rejected("unreadable", f"The folder cannot be listed: {exc.strerror}.")))
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue
            child_rel = f"{rel}/{entry.name}" if rel else entry.name
            path = Path(entry.path)
            if entry.is_symlink() and os.path.exists(path) and not safety.inside(path, boundary):
                found.append(FoundFile(path, child_rel, Rejected(
                    "outside_corpus",
                    "This symbolic link points outside the corpus folder, so it was not followed; "
                    "copy the file into the corpus if it belongs there.",
                )))
                continue
            try:
                is_dir = entry.is_dir(follow_symlinks=True)
                is_file = entry.is_file(follow_symlinks=True)
            except OSError as exc:
                found.append(FoundFile(path, child_rel, Rejected("symlink_loop" if exc.errno == 40 else "unreadable", f"The path cannot be resolved: {exc.strerror}.")))
                continue
            if is_dir:
                walk(path, child_rel)
            elif is_file:
                if not rel and entry.name in CATALOG_NAMES:
                    continue
                if path.suffix.lower() not in readers.supported_suffixes():
                    found.append(FoundFile(path, child_rel, Rejected("unsupported_type", f"Only {', '.join(readers.supported_suffixes())} files are read; convert this file to one of them first.")))
                else:
                    found.append(FoundFile(path, child_rel))
            elif entry.is_symlink():
                reason = "symlink_loop" if _is_link_loop(path) else "unreadable"
                found.append(FoundFile(path, child_rel, Rejected(reason, "The symbolic link is broken or loops back on itself.")))
            else:
                found.append(FoundFile(path, child_rel, Rejected("unsupported_type", "Not a regular file (a device, socket or pipe).")))

    walk(root, "")
    return found


def _is_link_loop(path: Path) -> bool:
    try:
        path.resolve(strict=True)
    except RuntimeError:
        return True
    except OSError as exc:
        return exc.errno == 40
    return False


# ---------------------------------------------------------------------------------
# Catalog
# ---------------------------------------------------------------------------------

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
    (re.compile(r"(?P<y>(?:19|20)\d{2})\s*년\s*(?P<m>1[0-2]|0?[1-9])\s*월\s*(?P<d>[12]\d|3[01]|0?[1-9])\s*일"), "day"),
    (re.compile(rf"\b{_MONTH_RE}\s+(?P<d>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?,\s*(?P<y>(?:19|20)\d{{2}})\b", re.I), "day"),
    (re.compile(rf"\b(?P<d>[12]\d|3[01]|0?[1-9])\s+{_MONTH_RE}\s+(?P<y>(?:19|20)\d{{2}})\b", re.I), "day"),
)
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
        m = _REPORTER_KO.search(raw)
        meta["reporter"] = m.group("rep") if m else None
    url = _URL.search(raw)
    meta["source_url"] = url.group(0).rstrip(".,;") if url else None
    meta["published_date"] = meta["date_precision"] = None
    meta["date_source"] = "not stated in the text"
    for pat, precision in _DATE_PATTERNS:
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


def _infer_regions(sentences: pl.DataFrame, titles: pl.DataFrame) -> pl.DataFrame:
    """About-regions and level per document, from the places extractor."""
    from kpolicy.extract.places import about_regions

    return about_regions(sentences, titles)


# ---------------------------------------------------------------------------------
# The corpus
# ---------------------------------------------------------------------------------


@dataclass
class Corpus:
    """A loaded corpus: the tables every other module works from.

    Attributes:
        root: the corpus folder.
        documents, sentences, rejects, duplicates, offsets: tables declared in
            :mod:`kpolicy.schema`.
        files_found: number of candidate files discovered.
    """

    root: Path
    documents: pl.DataFrame
    sentences: pl.DataFrame
    rejects: pl.DataFrame
    duplicates: pl.DataFrame
    offsets: pl.DataFrame
    files_found: int
    catalog_path: Path | None = None
    _facts: dict[str, pl.DataFrame] = field(default_factory=dict, repr=False)
    _cache: Any = field(default=None, repr=False)

    def facts(self, kind: str) -> pl.DataFrame:
        """A fact table (see :mod:`kpolicy.facts`), computed once (and cached on disk
        when the corpus was loaded with ``cache=True``)."""
        if kind not in self._facts:
            from kpolicy.facts import CORPUS_KINDS, build

            if kind in CORPUS_KINDS:  # depends on files beside the documents: never cached
                self._facts[kind] = build(self, kind)
                return self._facts[kind]
            table = self._cache.get(kind) if self._cache is not None else None
            if table is None:
                table = build(self, kind)
                if self._cache is not None:
                    self._cache.put(kind, table)
            self._facts[kind] = table
        return self._facts[kind]

    def check_accounting(self) -> None:
        """Assert that documents + rejects + duplicates = files found."""
        total = self.documents.height + self.rejects.height + self.duplicates.height
        if total != self.files_found:
            raise AssertionError(
                f"{self.files_found} files found but {self.documents.height} documents + "
                f"{self.rejects.height} rejects + {self.duplicates.height} duplicates = {total}"
            )

    def offset_problems(self, facts: pl.DataFrame | None = None) -> pl.DataFrame:
        """Rows of a fact table (default: sentences) whose offsets do not round-trip.

        A span round-trips when ``text[char_start:char_end] == surface`` (or ``text`` for
        sentences), its source span lies inside ``raw_text`` and covers whole characters
        of it (it never starts or ends inside a decomposed syllable or before a combining
        mark), and the span's first and last characters equal the original's (after NFC
        and NFKC, since normalisation composes and folds width).
        """
        import unicodedata

        def whole(raw: str, i: int) -> bool:
            # A character boundary: nothing at i combines with what comes before it.
            if i <= 0 or i >= len(raw):
                return True
            if unicodedata.combining(raw[i]):
                return False
            before = raw[max(0, i - 3) : i]
            return unicodedata.normalize("NFC", before + raw[i]) == unicodedata.normalize("NFC", before) + unicodedata.normalize("NFC", raw[i])

        df = self.sentences if facts is None else facts
        surface = "text" if facts is None else "surface"
        texts = dict(zip(self.documents["doc_id"], self.documents["text"]))
        raws = dict(zip(self.documents["doc_id"], self.documents["raw_text"]))
        bad = []
        for row in df.select("doc_id", "char_start", "char_end", "source_start", "source_end", surface).iter_rows():
            doc_id, cs, ce, ss, se, surf = row
            text, raw = texts.get(doc_id, ""), raws.get(doc_id, "")
            ok = text[cs:ce] == surf and 0 <= ss <= se <= len(raw)
            if ok and ce > cs:
                nf = lambda c: unicodedata.normalize("NFKC", c)  # noqa: E731
                first = nf(raw[ss : min(se, ss + 8)])  # a composed character has few parts
                last = nf(raw[max(ss, se - 8) : se])
                ok = (
                    whole(raw, ss) and whole(raw, se)
                    and first[:1] == nf(text[cs])[:1] and last[-1:] == nf(text[ce - 1])[-1:]
                )
            if not ok:
                bad.append(row)
        return pl.DataFrame(bad, schema=["doc_id", "char_start", "char_end", "source_start", "source_end", surface], orient="row")

    def check_offsets(self, facts: pl.DataFrame | None = None) -> None:
        """Assert that every span of ``facts`` (default: sentences) round-trips."""
        bad = self.offset_problems(facts)
        if bad.height:
            raise AssertionError(f"{bad.height} span(s) do not round-trip, e.g. {bad.row(0)}")

    def summary(self) -> pl.DataFrame:
        """One-row inventory: files found, documents, rejects, duplicates, sentences."""
        return pl.DataFrame(
            {
                "files_found": [self.files_found],
                "documents": [self.documents.height],
                "rejects": [self.rejects.height],
                "duplicates": [self.duplicates.height],
                "sentences": [self.sentences.height],
                "words": [int(self.documents["n_words"].sum() or 0)],
            }
        )


def _progress(items: list[FoundFile], show: bool | None):
    if show is None:
        show = len(items) >= 500 and sys.stderr.isatty()
    if not show:
        return items
    from tqdm.auto import tqdm

    return tqdm(items, desc="kpolicy: loading", unit="file")


def load_corpus(
    corpus_dir: str | Path | None = None,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    infer_regions: bool = True,
    progress: bool | None = None,
    cache: bool = False,
    max_figures: int = DEFAULT_MAX_FIGURES,
) -> Corpus:
    """Load a corpus folder into tables.

    Args:
        corpus_dir: the folder (default: the project's ``seeds/``). Relative paths are
            resolved against the working directory, then the project root.
        max_bytes: files larger than this many bytes are rejected as ``too_large``.
        max_figures: documents with more numbers (runs of digits) than this are
            rejected as ``too_many_figures``, which bounds the memory fact tables take.
        infer_regions: infer about-regions and level for documents the catalog does not
            curate (uses :mod:`kpolicy.extract.places`).
        progress: show a progress bar (default: only for 500+ files on a terminal).
        cache: keep the tables (and fact tables) as Parquet in ``paths.CACHE_DIR`` and
            reuse them while the files, options, code and reference data are unchanged
            (see :mod:`kpolicy.cache`). Notebooks and the batch use it.

    Returns:
        A :class:`Corpus`.

    Raises:
        KpolicyError: the folder does not exist, or its catalog is invalid.
    """
    root = resolve(corpus_dir, SEEDS_DIR)
    if not root.exists():
        raise KpolicyError(f"corpus folder not found: {corpus_dir or root}")
    if not root.is_dir():
        raise KpolicyError(f"corpus path is not a folder: {root}")
    catalog_path = next((root / n for n in CATALOG_NAMES if (root / n).is_file()), None)
    catalog = read_catalog(catalog_path) if catalog_path else {}

    found = discover(root)
    store = None
    if cache:
        from kpolicy import cache as cache_mod

        refused = [f.rel for f in found if f.problem is not None]
        files = cache_mod.hash_files(root, [f.rel for f in found], max_bytes=max_bytes, skip=refused)
        files += cache_mod.hash_files(root, [catalog_path.name] if catalog_path else [])
        key = cache_mod.corpus_key(root, files, {"max_bytes": max_bytes, "infer_regions": infer_regions, "max_figures": max_figures})
        store = cache_mod.TableCache(key)
        cached = {name: store.get(name) for name in CORPUS_TABLES}
        if all(t is not None for t in cached.values()):
            return Corpus(root=root, **cached, files_found=len(found), catalog_path=catalog_path, _cache=store)
    corpus = _load(root, found, catalog, catalog_path, max_bytes, infer_regions, progress, max_figures)
    if store is not None:
        for name in CORPUS_TABLES:
            store.put(name, getattr(corpus, name))
        corpus._cache = store
    return corpus


#: The tables a loaded corpus consists of (all cached together).
CORPUS_TABLES = ("documents", "sentences", "rejects", "duplicates", "offsets")


def _load(
    root: Path,
    found: list[FoundFile],
    catalog: dict[str, CatalogEntry],
    catalog_path: Path | None,
    max_bytes: int,
    infer_regions: bool,
    progress: bool | None,
    max_figures: int = DEFAULT_MAX_FIGURES,
) -> Corpus:
    """Read, decode, normalise and split every found file (no cache)."""
    docs: list[dict[str, Any]] = []
    sentences: list[dict[str, Any]] = []
    offsets: list[dict[str, Any]] = []
    rejects: list[dict[str, Any]] = []
    duplicates: list[dict[str, Any]] = []
    ingest = Ingest(max_figures)

    for f in _progress(found, progress):
        kind, item = ingest.file(f, catalog, max_bytes)
        if kind == "reject":
            rejects.append(item)
        elif kind == "duplicate":
            duplicates.append(item)
        else:
            doc, sents, offs = document_rows(item)
            docs.append(doc)
            sentences.extend(sents)
            offsets.extend(offs)

    unknown = sorted(set(catalog) - {k for f in found for k in catalog_keys(f.rel)})
    if unknown:
        e = catalog[unknown[0]]
        raise _fail(catalog_path, e.line, f"catalog entry {unknown[0]!r} matches no file in {root}")

    documents, sentence_df, offset_df = build_tables(docs, sentences, offsets, infer_regions)
    return Corpus(
        root=root,
        documents=documents,
        sentences=sentence_df,
        rejects=frame(rejects, "rejects"),
        duplicates=frame(duplicates, "duplicates"),
        offsets=offset_df,
        files_found=len(found),
        catalog_path=catalog_path,
    )


# ---------------------------------------------------------------------------------
# One document at a time: the steps load_corpus and kpolicy.pipeline share
# ---------------------------------------------------------------------------------


@dataclass
class DocInput:
    """A decoded document, ready to be normalised (see :func:`document_rows`).

    Attributes:
        doc_id: unique id (a file stem, or a record's ``doc_id``).
        path: where it came from: the path relative to the corpus folder, or
            ``file.jsonl:LINE`` / ``file.parquet#ROW`` for a record.
        content_sha256: SHA-256 (hex) of the file's bytes, or of a record's text as UTF-8.
        encoding: the encoding the bytes were decoded with.
        raw: the decoded text.
        curated: clean curated metadata (:func:`clean_metadata`), possibly empty.
        curated_by: what ``date_source`` says for a curated date without one.
        n_bytes: size of the input (the file's bytes, or the record's text as UTF-8).
        n_figures: runs of digits in the text (:func:`count_figures`); the pipeline
            closes a batch on them, since fact rows grow with them.
        format: txt, md, jsonl, parquet, or the reader format (html, pdf, hwpx, hwp, docx).
        page_starts: ``(offset in raw, page number)`` of each page, in order: a sentence
            is on the page its first character is on (one page for plain text).
        reader_metadata: clean fields from the file's own metadata (a reader's title,
            date, author, publisher) as catalog fields; the catalog overrides them.
    """

    doc_id: str
    path: str
    content_sha256: str
    encoding: str
    raw: str
    curated: dict[str, Any]
    curated_by: str = "catalog"
    n_bytes: int = 0
    n_figures: int = 0
    format: str = "txt"
    page_starts: list[tuple[int, int]] = field(default_factory=lambda: [(0, 1)])
    reader_metadata: dict[str, Any] = field(default_factory=dict)


#: What ingestion yields per input item: ("document", DocInput), ("reject", row) or
#: ("duplicate", row), the rows shaped like the rejects and duplicates tables.
Item = tuple[str, Any]

#: Fields a JSONL or Parquet record may carry besides doc_id and text (as in catalog.yaml).
RECORD_FIELDS: tuple[str, ...] = tuple(CATALOG_KEYS)
#: Reason code for a record that is neither empty nor undecodable but still cannot be a
#: document: it has no doc_id, or reuses an earlier record's doc_id with other text.
RECORD_INVALID = "invalid_record"


_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def _reason(code: str) -> str:
    """A reject reason the rejects table knows (an unknown reader code becomes ``corrupt``)."""
    return code if code in schema.REJECT_REASONS else "corrupt"


def _detail(rej: Rejected) -> str:
    return rej.detail if rej.reason in schema.REJECT_REASONS else f"({rej.reason}) {rej.detail}"


def _read_with_reader(data: bytes, suffix: str) -> tuple[str, str, list[tuple[int, int]], dict[str, Any]]:
    """Read a non-text file with :mod:`kpolicy.readers`.

    Returns:
        ``(raw text, format, page starts, metadata as catalog fields)``: the non-blank
        pages joined with a blank line ("\n\n"), and where each starts in that text.

    Raises:
        Rejected: the reader's error (its code becomes the reject reason), or ``empty``/
            ``binary`` when the extracted text is blank or full of control characters.
    """
    extracted = readers.read_bytes(data, suffix)
    parts: list[str] = []
    starts: list[tuple[int, int]] = []
    at = 0
    for page in extracted.pages:
        if not page.text.strip():
            continue
        if parts:
            at += 2
        starts.append((at, int(page.number)))
        parts.append(page.text)
        at += len(page.text)
    raw, _ = _check_text("\n\n".join(parts), extracted.format, f"The text extracted from this {extracted.format.upper()} file")
    return raw, extracted.format, starts or [(0, 1)], reader_metadata(extracted.metadata, extracted.format)


def reader_metadata(meta: dict[str, Any], fmt: str) -> dict[str, Any]:
    """A reader's metadata (title, date, author, publisher) as clean catalog fields.

    Values that are blank or not a valid date are dropped (a reader's metadata never
    rejects a file); ``date_source`` says the date came from the file.
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
            out["date_source"] = f"file metadata ({fmt.upper()})"
        except ValueError:
            pass
    return out


def text_key(raw: str) -> bytes:
    """SHA-256 of a decoded text with the differences of saving undone: line endings
    unified, byte-order marks dropped, Unicode composed (NFC) and the white space at
    either end stripped. Two files with the same key hold the same article."""
    t = raw.replace("\r\n", "\n").replace("\r", "\n") if "\r" in raw else raw
    t = t.replace("\ufeff", "")
    if not unicodedata.is_normalized("NFC", t):
        t = unicodedata.normalize("NFC", t)
    return hashlib.sha256(t.strip().encode("utf-8", "surrogatepass")).digest()


def _saved_form(encoding: str, has_bom: bool, raw: str) -> tuple[str, str, str, str]:
    """How a text was saved: (encoding, byte-order mark, line endings, Unicode form)."""
    newline = "CRLF" if "\r\n" in raw else "CR" if "\r" in raw else "LF" if "\n" in raw else "no line breaks"
    if unicodedata.is_normalized("NFC", raw):
        form = "composed (NFC)"
    elif unicodedata.is_normalized("NFD", raw):
        form = "decomposed (NFD)"
    else:
        form = "mixed NFC/NFD"
    return (encoding.upper(), "a byte-order mark" if has_bom else "no byte-order mark", f"{newline} line endings", form)


def _differences(mine: tuple[str, ...], kept: tuple[str, ...], kept_id: str) -> str:
    what = ("encoding", "byte-order mark", "line endings", "Unicode form")
    diffs = [f"{w} ({a} here, {b} in {kept_id!r})" for w, a, b in zip(what, mine, kept) if a != b]
    said = "; ".join(diffs) if diffs else "only white space at the start or end"
    return f"Same text as {kept_id!r} once decoded and normalised; it differs in {said}."


@dataclass
class Probe:
    """One input item read on its own, before the run's state decides what it is.

    :func:`probe_file` and :func:`probe_record` do everything about an item that does not
    depend on the items before it (read, decode, hash, check); :meth:`Ingest.decide`
    then applies what does (same bytes or text as a kept document, a doc_id already
    used) in the order the checks always ran. The two halves let a distributed run probe
    items on many machines and decide them, in input order, in one place
    (:mod:`kpolicy.cluster`), with the same outcome as reading them in one process.

    Attributes:
        kind: ``file`` or ``record``.
        where: the path (``rel``, ``file.jsonl:LINE``, ``file.parquet#ROW``).
        reject: ``(reason, detail)`` found before the content could be hashed.
        digest: SHA-256 of the bytes (a record's text as UTF-8).
        late_reject: ``(reason, detail)`` found after the same-bytes check (a file that
            does not decode), before the same-text check.
        key, form: :func:`text_key` and :func:`_saved_form` of the decoded text.
        doc_id: a record's doc_id (a file's is given by :meth:`Ingest.decide`).
        last_reject: ``(reason, detail)`` found once the text is new (binary text, too
            many figures, bad metadata).
        doc: the document to keep, without its doc_id for a file; None when rejected, or
            once :meth:`light` dropped it.
        n_bytes, n_figures: as in :class:`DocInput`.
        ignored: record fields that are not doc_id, text or metadata.
    """

    kind: str
    where: str
    reject: tuple[str, str] | None = None
    digest: bytes | None = None
    late_reject: tuple[str, str] | None = None
    key: bytes | None = None
    form: tuple[str, str, str, str] | None = None
    doc_id: str | None = None
    last_reject: tuple[str, str] | None = None
    doc: DocInput | None = None
    n_bytes: int = 0
    n_figures: int = 0
    ignored: tuple[str, ...] = ()

    def light(self) -> Probe:
        """This probe without the document text (what a distributed run sends back)."""
        return dataclasses.replace(self, doc=None)


def _file_rejected(rej: Rejected) -> tuple[str, str]:
    return _reason(rej.reason), _detail(rej)


def probe_file(f: FoundFile, catalog: dict[str, CatalogEntry], max_bytes: int, max_figures: int = DEFAULT_MAX_FIGURES) -> Probe:
    """Read one discovered file on its own (see :class:`Probe`)."""
    p = Probe("file", f.rel)
    try:
        if f.problem is not None:
            raise f.problem
        try:
            size = f.path.stat().st_size
            if size > max_bytes:
                raise Rejected("too_large", f"The file is {size:,} bytes, over the limit of {max_bytes:,} bytes (max_bytes).")
            data = f.path.read_bytes()
        except OSError as exc:
            raise Rejected("unreadable", f"The file cannot be read: {exc.strerror}.") from None
    except Rejected as rej:
        p.reject = _file_rejected(rej)
        return p
    p.digest = hashlib.sha256(data).digest()
    try:
        if f.path.suffix.lower() in TEXT_SUFFIXES:
            raw, encoding = decode_bytes(data)
            fmt, page_starts, reader_meta = f.path.suffix.lower().lstrip("."), [(0, 1)], {}
        else:
            raw, fmt, page_starts, reader_meta = _read_with_reader(data, f.path.suffix)
            encoding = fmt
    except Rejected as rej:
        p.late_reject = _file_rejected(rej)
        return p
    p.form = _saved_form(encoding, data.startswith(_BOMS), raw)
    p.key = text_key(raw)
    try:
        p.n_figures = _check_figures(raw, max_figures)
    except Rejected as rej:
        p.last_reject = _file_rejected(rej)
        return p
    p.n_bytes = len(data)
    curated = _catalog_entry(catalog, f.rel)
    p.doc = DocInput(
        "", f.rel, p.digest.hex(), encoding, raw, curated.values if curated else {},
        n_bytes=len(data), n_figures=p.n_figures, format=fmt, page_starts=page_starts, reader_metadata=reader_meta,
    )
    return p


def probe_record(where: str, record: dict[str, Any] | Rejected, max_bytes: int, max_figures: int = DEFAULT_MAX_FIGURES) -> Probe:
    """Take one JSONL/Parquet record on its own (see :class:`Probe` and :meth:`Ingest.record`)."""
    p = Probe("record", where)
    try:
        if isinstance(record, Rejected):
            raise record
        text, doc_id = record.get("text"), record.get("doc_id")
        if text is None:
            raise Rejected("empty", "The record has no text (the field is missing or null).")
        if not isinstance(text, str):
            raise Rejected("unsupported_type", f"The record's text is a {type(text).__name__}, not a string.")
        if doc_id is None or (isinstance(doc_id, str) and not doc_id.strip()):
            raise Rejected(RECORD_INVALID, "The record has no doc_id; every record needs a unique, non-empty doc_id.")
        if not text:
            raise Rejected("empty", "The record's text is empty.")
        if isinstance(doc_id, bool) or not isinstance(doc_id, (str, int)):
            raise Rejected("unsupported_type", f"The record's doc_id is a {type(doc_id).__name__}, not a string.")
        doc_id = str(doc_id)
        for name, value in [("doc_id", doc_id), *((k, record.get(k)) for k in RECORD_FIELDS)]:
            if isinstance(value, str) and not value.isascii():
                try:
                    value.encode("utf-8")
                except UnicodeEncodeError as exc:
                    raise Rejected("undecodable", f"The record's {name} holds a lone surrogate code point at character {exc.start}, which is not valid Unicode.") from None
        try:
            data = text.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise Rejected("undecodable", f"The text holds a lone surrogate code point at character {exc.start}, which is not valid Unicode.") from None
        if len(data) > max_bytes:
            raise Rejected("too_large", f"The text is {len(data):,} bytes as UTF-8, over the limit of {max_bytes:,} bytes (max_bytes).")
    except Rejected as rej:
        p.reject = (rej.reason, rej.detail)
        return p
    p.digest = hashlib.sha256(data).digest()
    p.form = _saved_form("utf-8", False, text)
    p.key = text_key(text)
    p.doc_id = doc_id
    try:
        raw, encoding = _check_text(text, "utf-8", "The record's text")
        p.n_figures = _check_figures(raw, max_figures)
        given = {k: record[k] for k in RECORD_FIELDS if record.get(k) is not None}
        if isinstance(given.get("regions"), tuple):
            given["regions"] = list(given["regions"])
        try:
            curated = clean_metadata(given, doc_id, lambda field, msg: KpolicyError(f"field {field!r}: {msg}")) if given else {}
        except KpolicyError as exc:
            # One bad field rejects its record, not the run (issue 12: record 7's date).
            raise Rejected(RECORD_INVALID, f"The record {doc_id!r} has a bad {exc}.") from None
    except Rejected as rej:
        p.last_reject = (rej.reason, rej.detail)
        return p
    p.n_bytes = len(data)
    p.ignored = tuple(sorted(k for k in record if k not in RECORD_FIELDS and k not in ("doc_id", "text")))
    fmt = "parquet" if "#" in where else "jsonl"
    p.doc = DocInput(doc_id, where, p.digest.hex(), encoding, raw, curated, "source record", len(data), p.n_figures, format=fmt)
    return p


def _check_figures(text: str, max_figures: int) -> int:
    n = count_figures(text)
    if n > max_figures:
        raise Rejected(
            "too_many_figures",
            f"The text holds {n:,} numbers, over the limit of {max_figures:,} per document (max_figures); "
            "split the document, or raise the limit if it really is one document.",
        )
    return n


class Ingest:
    """The running state of one load: the contents and doc_ids seen so far.

    Keeps only two SHA-256 digests (of the bytes, and of the decoded text: see
    :func:`text_key`), how it was saved and a doc_id per kept document, so a corpus of
    any size can be deduplicated while its documents are processed in batches.
    """

    def __init__(self, max_figures: int = DEFAULT_MAX_FIGURES) -> None:
        self.max_figures = max_figures
        self._by_hash: dict[bytes, str] = {}
        self._by_text: dict[bytes, str] = {}
        self._forms: dict[str, tuple[str, str, str, str]] = {}
        self._ids: set[str] = set()
        #: Record fields that were not doc_id, text or a metadata field (ignored).
        self.ignored_fields: set[str] = set()

    def _file_doc_id(self, rel: str) -> str:
        """A file's doc_id: its stem; if taken (same stem in another folder, or a.txt and
        a.md), the relative path without suffix, then with it, which is unique."""
        for candidate in (Path(rel).stem, str(Path(rel).with_suffix("")), rel):
            if candidate not in self._ids:
                return candidate
        n = 2
        while f"{rel}~{n}" in self._ids:  # only if a path equals an earlier fallback id
            n += 1
        return f"{rel}~{n}"

    def _keep(self, doc_id: str, digest: bytes, key: bytes, form: tuple[str, str, str, str]) -> None:
        self._ids.add(doc_id)
        self._by_hash[digest] = doc_id
        self._by_text[key] = doc_id
        self._forms[doc_id] = form

    def decide(self, p: Probe) -> tuple[str, Any, str | None]:
        """What a probed item is, given every item decided before it.

        Returns:
            ``(kind, row, doc_id)``: ``("document", p.doc, doc_id)`` (the probe's document,
            its doc_id set, or None once :meth:`Probe.light` dropped it), ``("reject", row,
            None)`` or ``("duplicate", row, None)``.
        """
        where = p.where
        if p.reject is not None:
            return "reject", {"path": where, "reason": p.reject[0], "detail": p.reject[1]}, None
        kept = self._by_hash.get(p.digest)
        if kept is not None:
            detail = f"Byte for byte the same file as {kept!r}." if p.kind == "file" else f"The same text as {kept!r}, character for character."
            return "duplicate", {"path": where, "duplicate_of": kept, "content_sha256": p.digest.hex(), "reason": "same_bytes", "detail": detail}, None
        if p.late_reject is not None:
            return "reject", {"path": where, "reason": p.late_reject[0], "detail": p.late_reject[1]}, None
        kept = self._by_text.get(p.key)
        if kept is not None:
            detail = _differences(p.form, self._forms.get(kept, p.form), kept)
            return "duplicate", {"path": where, "duplicate_of": kept, "content_sha256": p.key.hex(), "reason": "same_text", "detail": detail}, None
        if p.kind == "record" and p.doc_id in self._ids:
            detail = f"The doc_id {p.doc_id!r} is already used by an earlier record with different text; doc_ids must be unique."
            return "reject", {"path": where, "reason": RECORD_INVALID, "detail": detail}, None
        if p.last_reject is not None:
            return "reject", {"path": where, "reason": p.last_reject[0], "detail": p.last_reject[1]}, None
        doc_id = p.doc_id if p.kind == "record" else self._file_doc_id(where)
        self.ignored_fields.update(p.ignored)
        self._keep(doc_id, p.digest, p.key, p.form)
        if p.doc is not None:
            p.doc.doc_id = doc_id
        return "document", p.doc, doc_id

    def file(self, f: FoundFile, catalog: dict[str, CatalogEntry], max_bytes: int) -> Item:
        """Read one discovered file: a document, a reject or a duplicate."""
        kind, item, _ = self.decide(probe_file(f, catalog, max_bytes, self.max_figures))
        return kind, item

    def record(self, where: str, record: dict[str, Any] | Rejected, max_bytes: int) -> Item:
        """Take one JSONL/Parquet record (``doc_id``, ``text``, optional metadata fields).

        ``where`` names it (``file.jsonl:LINE``, ``file.parquet#ROW``) in the ``path``
        columns and in errors. A record without text, or with empty, binary or oversized
        text, or without a usable ``doc_id`` is a reject; one whose text equals an earlier
        document's is a duplicate.

        A metadata field with a bad value (as in catalog.yaml) makes the record an
        ``invalid_record`` reject naming the record and the field.
        """
        kind, item, _ = self.decide(probe_record(where, record, max_bytes, self.max_figures))
        return kind, item


def _page_of(position: int, starts: list[int], numbers: list[int]) -> int:
    """The number of the page whose text holds raw position ``position``."""
    return numbers[max(0, bisect.bisect_right(starts, position) - 1)]


def document_rows(item: DocInput) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    """Normalise, split and describe one document.

    Returns:
        ``(documents row, sentences rows, offsets rows)``; ``regions`` and ``level`` are
        the curated ones (or None) until :func:`build_tables` infers the rest.
    """
    doc_id, raw = item.doc_id, item.raw
    mapped = normalize_mapped(raw)
    text = mapped.text
    spans = split_sentences(text)
    src = mapped.src
    starts = [start for start, _ in item.page_starts]
    numbers = [number for _, number in item.page_starts]
    sentences = [
        {
            "doc_id": doc_id,
            "sentence_idx": i,
            "text": text[s.start : s.end],
            "char_start": s.start,
            "char_end": s.end,
            "source_start": src[s.start],
            "source_end": mapped.end_of(s.end - 1),
            "is_bullet": s.is_bullet,
            "page": _page_of(src[s.start], starts, numbers),
        }
        for i, s in enumerate(spans)
    ]
    offsets = [{"doc_id": doc_id, "char_start": c, "source_start": s, "source_width": w} for c, s, w in mapped.width_runs()]

    meta = infer_metadata(raw, text)
    # The file's own metadata (PDF/DOCX/HWPX properties, HTML head) fills what the text
    # does not say; only its title beats the text's guess (the first line). Dates and
    # authors in file properties are often the conversion's or a template's, so a date or
    # byline found in the text wins. The catalog (or a record's fields) beats both.
    found = item.reader_metadata
    if found.get("title"):
        meta["title"] = found["title"]
    for key in ("publisher", "reporter"):
        if meta.get(key) is None and found.get(key):
            meta[key] = found[key]
    if meta.get("published_date") is None and found.get("published_date") is not None:
        meta.update({k: found[k] for k in ("published_date", "date_precision", "date_source")})
    curated_values = item.curated
    meta.update(curated_values)
    if "published_date" in curated_values and "date_source" not in curated_values:
        meta["date_source"] = item.curated_by
    doc = {
        "doc_id": doc_id,
        "path": item.path,
        "content_sha256": item.content_sha256,
        "encoding": item.encoding,
        "format": item.format,
        "raw_text": raw,
        "text": text,
        **{k: meta.get(k) for k in ("title", "publisher", "reporter", "source_url", "published_date", "date_precision", "date_source", "language")},
        "level": meta.get("level"),
        "regions": meta.get("regions"),
        "curated_fields": sorted(k for k in curated_values if k != "date_precision"),
        "n_chars": len(text),
        "n_words": len(text.split()),
        # Content tokens (kpolicy.morph), the denominator of theme and keyness rates.
        "n_tokens": sum(morph.count_tokens_many([r["text"] for r in sentences])),
        "n_sentences": len(spans),
        "boilerplate_chars": _removed_chars(raw, text),
    }
    return doc, sentences, offsets


def build_tables(
    docs: list[dict[str, Any]],
    sentences: list[dict[str, Any]],
    offsets: list[dict[str, Any]],
    infer_regions: bool = True,
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The documents, sentences and offsets tables from :func:`document_rows` output.

    Args:
        infer_regions: fill ``regions`` and ``level`` where nothing was curated, from the
            places extractor (per document, so any grouping of documents gives the same rows).

    Returns:
        ``(documents, sentences, offsets)``, validated against their schemas.
    """
    documents = frame(docs, "documents")
    sentence_df = frame(sentences, "sentences")
    if infer_regions and documents.height:
        documents = _fill_regions(documents, sentence_df)
    return schema.validate(documents, "documents"), sentence_df, frame(offsets, "offsets")


# ---------------------------------------------------------------------------------
# Sources: a corpus folder, or a JSONL / Parquet file of records
# ---------------------------------------------------------------------------------

JSONL_SUFFIXES = (".jsonl", ".ndjson")
PARQUET_SUFFIXES = (".parquet", ".pq")


@dataclass
class Source:
    """Where documents come from, read one item at a time (see :func:`open_source`).

    Attributes:
        kind: ``folder``, ``jsonl`` or ``parquet``.
        path: the folder or file.
        total: number of items when known without reading them (folder files,
            Parquet rows), else None.
        ignored_fields: record fields that are neither doc_id, text nor a metadata
            field (complete once :meth:`items` is exhausted).
    """

    kind: str
    path: Path
    total: int | None
    catalog_path: Path | None = None
    catalog: dict[str, CatalogEntry] = field(default_factory=dict)
    found: list[FoundFile] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    ignored_fields: set[str] = field(default_factory=set)

    def items(self, max_bytes: int = DEFAULT_MAX_BYTES, chunk_rows: int = 1000, max_figures: int = DEFAULT_MAX_FIGURES) -> Iterator[Item]:
        """Every item of the source, in order: documents, rejects and duplicates.

        Duplicates are detected across the whole source (a running set of content
        hashes). Holds at most one item (or one Parquet chunk of ``chunk_rows`` rows)
        in memory.

        Raises:
            KpolicyError: a catalog entry matches no file (raised after the last item,
                as :func:`load_corpus` does), or a record has bad metadata.
        """
        ingest = Ingest(max_figures)
        if self.kind == "folder":
            matched: set[str] = set()
            for f in self.found:
                kind, item = ingest.file(f, self.catalog, max_bytes)
                matched.update(k for k in catalog_keys(f.rel) if k in self.catalog)
                yield kind, item
            unknown = sorted(set(self.catalog) - matched)
            if unknown:
                e = self.catalog[unknown[0]]
                raise _fail(self.catalog_path, e.line, f"catalog entry {unknown[0]!r} matches no file in {self.path}")
            return
        records = _jsonl_records(self.path, max_bytes) if self.kind == "jsonl" else _parquet_records(self.path, self.columns, chunk_rows)
        for where, record in records:
            yield ingest.record(where, record, max_bytes)
            self.ignored_fields |= ingest.ignored_fields


def open_source(source: str | Path) -> Source:
    """Open a corpus folder, a ``.jsonl`` file or a ``.parquet`` file of documents.

    A folder follows :func:`load_corpus`'s rules (recursive ``.txt``/``.md`` files plus an
    optional ``catalog.yaml``). A JSONL file holds one JSON object per line and a Parquet
    file one row per document, each with ``doc_id`` and ``text`` and optionally the
    metadata fields of the catalog (title, publisher, reporter, source_url,
    published_date, date_source, language, level, regions).

    Raises:
        KpolicyError: one line: the source does not exist, has an unknown format, its
            catalog is invalid, or a Parquet file lacks the doc_id/text columns.
    """
    path = resolve(source, SEEDS_DIR)
    if not path.exists():
        raise KpolicyError(f"source not found: {source}")
    if path.is_dir():
        catalog_path = next((path / n for n in CATALOG_NAMES if (path / n).is_file()), None)
        catalog = read_catalog(catalog_path) if catalog_path else {}
        found = discover(path)
        # Fail before any work when a catalog entry cannot match (items() re-checks exactly).
        possible = {k for f in found for k in catalog_keys(f.rel)}
        unknown = sorted(set(catalog) - possible)
        if unknown:
            raise _fail(catalog_path, catalog[unknown[0]].line, f"catalog entry {unknown[0]!r} matches no file in {path}")
        return Source("folder", path, len(found), catalog_path, catalog, found)
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES + PARQUET_SUFFIXES and not os.access(path, os.R_OK):
        raise KpolicyError(f"{path}: cannot read the file (permission denied)")
    if suffix in JSONL_SUFFIXES:
        return Source("jsonl", path, None)
    if suffix in PARQUET_SUFFIXES:
        try:
            with _native_stderr_silenced():
                columns = list(pl.read_parquet_schema(path))
                total = pl.scan_parquet(path).select(pl.len()).collect().item()
        except (Exception, PanicException) as exc:  # polars raises several error types (and panics) for a bad file
            raise KpolicyError(f"{path}: cannot read as Parquet ({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''})") from None
        missing = [c for c in ("doc_id", "text") if c not in columns]
        if missing:
            raise KpolicyError(f"{path}: a Parquet source needs columns doc_id and text; missing {', '.join(missing)}; found: {', '.join(columns) or 'none'}")
        keep = [c for c in columns if c in ("doc_id", "text") or c in RECORD_FIELDS]
        return Source("parquet", path, total, columns=keep, ignored_fields={c for c in columns if c not in keep})
    raise KpolicyError(
        f"unknown source format {path.name!r}: give a corpus folder, a JSONL file ({', '.join(JSONL_SUFFIXES)}) "
        f"or a Parquet file ({', '.join(PARQUET_SUFFIXES)})"
    )


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


def _bounded_lines(fh: Any, limit: int) -> Iterator[bytes | int]:
    """Lines of a binary file, each read with at most ``limit`` bytes in memory.

    A longer line is skipped in chunks and yielded as its length (an int) instead.
    """
    while True:
        line = fh.readline(limit + 1)
        if not line:
            return
        if len(line) <= limit or line.endswith(b"\n"):
            yield line
            continue
        size = len(line)
        del line
        while True:
            chunk = fh.readline(1024 * 1024)
            size += len(chunk)
            if not chunk or chunk.endswith(b"\n"):
                break
        yield size


def _jsonl_records(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[tuple[str, dict[str, Any] | Rejected]]:
    """``(file:LINE, record)`` per non-blank line; a bad line yields a :class:`Rejected`.

    Lines are read with a byte limit (:func:`jsonl_line_limit`): a longer line is
    rejected as ``too_large`` without ever being held whole.
    """
    name = path.name
    limit = jsonl_line_limit(max_bytes)
    try:
        fh = open(path, "rb")  # noqa: SIM115 - closed below; bytes so a bad line is one reject
    except OSError as exc:
        raise KpolicyError(f"{path}: cannot read the file ({exc.strerror})") from None
    with fh:
        for lineno, line in enumerate(_bounded_lines(fh, limit), 1):
            where = f"{name}:{lineno}"
            if isinstance(line, int):
                yield where, Rejected("too_large", f"The line is over {limit:,} bytes ({line:,} bytes), longer than a record within max_bytes can be; it was skipped unread.")
                continue
            if lineno == 1 and line.startswith(codecs.BOM_UTF8):
                line = line[len(codecs.BOM_UTF8) :]
            if not line.strip():
                continue
            try:
                record = json.loads(line.decode("utf-8"))
            except UnicodeDecodeError as exc:
                yield where, Rejected("undecodable", f"The line is not valid UTF-8 ({exc.reason} at byte {exc.start}).")
                continue
            except ValueError as exc:
                msg = getattr(exc, "msg", str(exc))
                yield where, Rejected("undecodable", f"The line is not valid JSON ({msg} at column {getattr(exc, 'colno', '?')}).")
                continue
            if not isinstance(record, dict):
                yield where, Rejected("unsupported_type", f"The line holds a JSON {type(record).__name__}, not an object with doc_id and text.")
                continue
            yield where, record


def _parquet_records(path: Path, columns: list[str], chunk_rows: int) -> Iterator[tuple[str, dict[str, Any] | Rejected]]:
    """``(file#ROW, record)`` per row (ROW counts from 0), read ``chunk_rows`` rows at a time.

    Row groups are read one at a time, so a corrupt page spoils only its own row group:
    its unread rows become one ``unreadable`` :class:`Rejected` at ``file#row_group_N``
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
            yield f"{name}#row_group_0", Rejected("unreadable", f"The file's rows cannot be counted ({type(exc).__name__}); none were read.")
            return
    start = 0
    for g, n_rows in enumerate(groups):
        row = start
        try:
            for chunk in pl.scan_parquet(path).slice(start, n_rows).select(columns).collect_batches(chunk_size=chunk_rows):
                for record in chunk.iter_rows(named=True):
                    yield f"{name}#{row}", record
                    row += 1
        except (Exception, PanicException) as exc:  # polars raises several error types (or panics) for a corrupt page
            first = str(exc).splitlines()[0] if str(exc) else ""
            yield f"{name}#row_group_{g}", Rejected(
                "unreadable",
                f"Row group {g} (rows {row:,} to {start + n_rows - 1:,}) cannot be read ({type(exc).__name__}: {first}); "
                "its rows were skipped and the other row groups loaded.",
            )
        start += n_rows


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


def _non_space(s: str) -> int:
    # str.split() splits on exactly the characters regex \s matches (both use
    # Py_UNICODE_ISSPACE), so this counts \S matches without a match object per character.
    return sum(map(len, s.split()))


def _removed_chars(raw: str, text: str) -> int:
    """Non-space characters that normalisation removed (boilerplate, mojibake bytes, ...)."""
    return max(0, _non_space(raw) - _non_space(text))


def frame(rows: list[dict[str, Any]], table: str) -> pl.DataFrame:
    """Rows (dicts) as the declared ``table``: columns selected, cast and validated."""
    t = schema.get(table)
    if not rows:
        return t.empty()
    return schema.conform(pl.DataFrame(rows, schema_overrides=None, infer_schema_length=None), t)


def _fill_regions(documents: pl.DataFrame, sentences: pl.DataFrame) -> pl.DataFrame:
    """Fill ``regions`` and ``level`` where the catalog did not curate them."""
    inferred = _infer_regions(sentences, documents.select("doc_id", "title"))
    inferred = inferred.select(
        "doc_id",
        pl.col("regions").cast(pl.List(schema.Region)).alias("_regions"),
        pl.col("level").cast(schema.Level).alias("_level"),
    )
    return (
        documents.join(inferred, on="doc_id", how="left", maintain_order="left")
        .with_columns(
            pl.when(pl.col("curated_fields").list.contains("regions"))
            .then(pl.col("regions"))
            .otherwise(pl.col("_regions"))
            .alias("regions"),
            pl.when(pl.col("curated_fields").list.contains("level"))
            .then(pl.col("level"))
            .otherwise(pl.col("_level"))
            .alias("level"),
        )
        .drop("_regions", "_level")
    )
