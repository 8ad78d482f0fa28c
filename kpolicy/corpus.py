"""Files -> documents (+ rejects, duplicates): the corpus and its accounting.

A corpus is a folder, searched recursively, of documents in any format
:mod:`kpolicy.readers` reads (plain text, HTML, PDF, HWPX, HWP, DOCX), with an optional
``catalog.yaml`` of curated metadata. :func:`load_corpus` returns a :class:`Corpus` of
Polars tables. Every file found ends up in exactly one of ``documents``, ``rejects``
(with a reason) or ``duplicates`` (same text as a kept document);
:meth:`Corpus.check_accounting` proves it.

Hidden files and folders (names starting with ".") and the catalog itself are not
documents and are not counted.

Where the work is done:

- bytes -> text: :mod:`kpolicy.readers` (one module per format; the plain-text decoder
  with its encoding detection is :mod:`kpolicy.readers.text`);
- JSONL/Parquet files of records: :mod:`kpolicy.readers.records`;
- metadata (catalog, file properties, inferred from the text): :mod:`kpolicy.metadata`;
- here: finding files, one document at a time (:class:`Ingest`, :func:`document_rows`),
  the tables and their accounting.

For corpora too large to hold in memory, :func:`open_source` reads a folder, a JSONL file
or a Parquet file of documents one item at a time (:mod:`kpolicy.pipeline` batches them);
:func:`load_corpus` and the pipeline share the per-document steps (:class:`Ingest`,
:func:`document_rows`, :func:`build_tables`), so both give the same rows.
"""

from __future__ import annotations

import bisect
import codecs
import dataclasses
import hashlib
import os
import re
import sys
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from kpolicy import morph, readers, safety, schema
from kpolicy.errors import KpolicyError
from kpolicy.metadata import (  # noqa: F401 - read_catalog, CATALOG_KEYS re-exported
    CATALOG_KEYS,
    CATALOG_NAMES,
    CatalogEntry,
    _catalog_entry,
    _fail,
    catalog_keys,
    clean_metadata,
    infer_metadata,
    read_catalog,
    reader_metadata,
    title_from_file,
)
from kpolicy.normalize import normalize_mapped, split_sentences
from kpolicy.paths import SEEDS_DIR, resolve
from kpolicy.readers import ReaderError
from kpolicy.readers.records import (
    JSONL_SUFFIXES,
    PARQUET_SUFFIXES,
    jsonl_records,
    parquet_records,
    probe_parquet,
)
from kpolicy.readers.text import _check_text, decode_bytes  # noqa: F401 - decode_bytes re-exported

#: Plain-text suffixes, decoded by :mod:`kpolicy.readers.text`.
TEXT_SUFFIXES = (".txt", ".md")
#: Every suffix a folder reads: plain text plus the reader formats (see :mod:`kpolicy.readers`).
DOCUMENT_SUFFIXES = readers.supported_suffixes()
#: Files larger than this are rejected as ``too_large`` (override with ``max_bytes``).
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
#: Documents holding more numbers (runs of digits) than this are rejected as
#: ``too_many_figures`` (override with ``max_figures``): every number may become a fact
#: row of about 2 KB, so a 10 MB file of "KRW 1" would otherwise take over 3 GB.
DEFAULT_MAX_FIGURES = 100_000
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
    count_tokens: bool = True,
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
        count_tokens: count each document's content tokens (``documents.n_tokens``, the
            denominator of theme rates; Kiwi for Korean, the loader's largest cost). With
            False ``n_tokens`` is null: for callers that never read it, such as
            ``kpolicy facts`` (the fact extractors do not use it).
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
        key = cache_mod.corpus_key(root, files, {"max_bytes": max_bytes, "infer_regions": infer_regions, "max_figures": max_figures,
                                                           **({} if count_tokens else {"count_tokens": False})})
        store = cache_mod.TableCache(key)
        cached = {name: store.get(name) for name in CORPUS_TABLES}
        if all(t is not None for t in cached.values()):
            return Corpus(root=root, **cached, files_found=len(found), catalog_path=catalog_path, _cache=store)
    corpus = _load(root, found, catalog, catalog_path, max_bytes, infer_regions, progress, max_figures, count_tokens)
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
    count_tokens: bool = True,
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

    documents, sentence_df, offset_df = build_tables(docs, sentences, offsets, infer_regions, count_tokens)
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
        the curated ones (or None) until :func:`build_tables` infers the rest, and
        ``n_tokens`` is 0 until :func:`build_tables` counts them.
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
    # does not say; only its title can beat the text's guess (the first line), and only
    # when it is believable (see title_from_file). Dates and authors in file properties
    # are often the conversion's or a template's, so a date or byline found in the text
    # wins. The catalog (or a record's fields) beats both.
    found = item.reader_metadata
    if found.get("title") and title_from_file(found["title"], item.format, text):
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
        # Content tokens (kpolicy.morph), the denominator of theme and keyness rates:
        # counted by build_tables for all documents at once (one Kiwi batch).
        "n_tokens": 0,
        "n_sentences": len(spans),
        "boilerplate_chars": _removed_chars(raw, text),
    }
    return doc, sentences, offsets


#: Sentences per :func:`kpolicy.morph.count_tokens_many` call of :func:`_count_tokens`:
#: Kiwi analyses a list in one batch (faster than one call per document), and the
#: token cache stays bounded.
TOKEN_CHUNK = 20_000


def _count_tokens(docs: list[dict[str, Any]], sentences: list[dict[str, Any]]) -> None:
    """Set each document row's ``n_tokens``: content tokens of its sentences."""
    totals: dict[str, int] = dict.fromkeys((d["doc_id"] for d in docs), 0)
    for i in range(0, len(sentences), TOKEN_CHUNK):
        chunk = sentences[i : i + TOKEN_CHUNK]
        for row, n in zip(chunk, morph.count_tokens_many([r["text"] for r in chunk]), strict=True):
            totals[row["doc_id"]] += n
    for d in docs:
        d["n_tokens"] = totals[d["doc_id"]]


def build_tables(
    docs: list[dict[str, Any]],
    sentences: list[dict[str, Any]],
    offsets: list[dict[str, Any]],
    infer_regions: bool = True,
    count_tokens: bool = True,
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The documents, sentences and offsets tables from :func:`document_rows` output.

    Args:
        infer_regions: fill ``regions`` and ``level`` where nothing was curated, from the
            places extractor (per document, so any grouping of documents gives the same rows).
        count_tokens: count ``n_tokens`` (else null; see :func:`load_corpus`).

    Returns:
        ``(documents, sentences, offsets)``, validated against their schemas.
    """
    if count_tokens:
        _count_tokens(docs, sentences)
    else:
        for d in docs:
            d["n_tokens"] = None
    documents = frame(docs, "documents")
    sentence_df = frame(sentences, "sentences")
    if infer_regions and documents.height:
        documents = _fill_regions(documents, sentence_df)
    return schema.validate(documents, "documents"), sentence_df, frame(offsets, "offsets")


# ---------------------------------------------------------------------------------
# Sources: a corpus folder, or a JSONL / Parquet file of records
# ---------------------------------------------------------------------------------



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
        records = jsonl_records(self.path, max_bytes) if self.kind == "jsonl" else parquet_records(self.path, self.columns, chunk_rows)
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
        columns, total = probe_parquet(path)
        missing = [c for c in ("doc_id", "text") if c not in columns]
        if missing:
            raise KpolicyError(f"{path}: a Parquet source needs columns doc_id and text; missing {', '.join(missing)}; found: {', '.join(columns) or 'none'}")
        keep = [c for c in columns if c in ("doc_id", "text") or c in RECORD_FIELDS]
        return Source("parquet", path, total, columns=keep, ignored_fields={c for c in columns if c not in keep})
    raise KpolicyError(
        f"unknown source format {path.name!r}: give a corpus folder, a JSONL file ({', '.join(JSONL_SUFFIXES)}) "
        f"or a Parquet file ({', '.join(PARQUET_SUFFIXES)})"
    )


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
