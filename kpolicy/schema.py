"""Table schemas: every table kpolicy produces, declared once.

Each table is a :class:`Table` of :class:`Column` s (name, dtype, unit, description).
Transforms call :func:`validate` on what they return, so a wrong column or dtype is
caught where it is made. :func:`data_dictionary` renders all tables as Markdown; that
is ``docs/schema.md``, which the README links to (a test keeps it current).

Core tables (documents, sentences, rejects, duplicates, offsets) are declared here.
Fact tables are declared next to their extractor, in ``kpolicy/extract/*.py``, and
registered with :func:`register`; :func:`all_tables` imports them all.

Conventions (PUDL's): snake_case names with a unit or role suffix, booleans start with
``is_``/``has_``, closed vocabularies are ``pl.Enum``, offsets count Unicode code
points, and every fact row carries the provenance columns
:data:`PROVENANCE_COLUMNS`.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field

import polars as pl

from kpolicy.errors import SchemaError
from kpolicy.readers import READER_CODES

# Closed vocabularies -------------------------------------------------------------

#: Canonical region names: the 17 first-level divisions plus National (central government).
REGION_NAMES: tuple[str, ...] = (
    "National",
    "Seoul",
    "Busan",
    "Daegu",
    "Incheon",
    "Gwangju",
    "Daejeon",
    "Ulsan",
    "Sejong",
    "Gyeonggi",
    "Gangwon",
    "Chungbuk",
    "Chungnam",
    "Jeonbuk",
    "Jeonnam",
    "Gyeongbuk",
    "Gyeongnam",
    "Jeju",
)
Region = pl.Enum(list(REGION_NAMES))
LEVELS: tuple[str, ...] = ("national", "metropolitan", "provincial", "municipal")
Level = pl.Enum(list(LEVELS))
LANGUAGES: tuple[str, ...] = ("en", "ko", "und")
Language = pl.Enum(list(LANGUAGES))
DATE_PRECISIONS: tuple[str, ...] = ("day", "month", "year")
DatePrecision = pl.Enum(list(DATE_PRECISIONS))
REJECT_REASONS: tuple[str, ...] = (
    "empty",
    "binary",
    "undecodable",
    "too_large",
    "unreadable",
    "symlink_loop",
    "unsupported_type",
    "invalid_record",
    "outside_corpus",
    "too_many_figures",
)
# Codes of kpolicy.readers (PDF, HWPX, HWP, HTML, DOCX files), from their one list.
REJECT_REASONS += tuple(c for c in READER_CODES if c not in REJECT_REASONS)
RejectReason = pl.Enum(list(REJECT_REASONS))
DUPLICATE_REASONS: tuple[str, ...] = ("same_bytes", "same_text")
DuplicateReason = pl.Enum(list(DUPLICATE_REASONS))


@dataclass(frozen=True)
class Column:
    """One column: name, Polars dtype, unit (or "" when none) and a description."""

    name: str
    dtype: pl.DataType
    description: str
    unit: str = ""


@dataclass(frozen=True)
class Table:
    """A table's declared shape and meaning."""

    name: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    module: str = field(default="kpolicy.schema", compare=False)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def polars_schema(self) -> pl.Schema:
        return pl.Schema({c.name: c.dtype for c in self.columns})

    def empty(self) -> pl.DataFrame:
        """An empty frame with exactly this table's columns and dtypes."""
        return pl.DataFrame(schema=self.polars_schema)


_REGISTRY: dict[str, Table] = {}

#: Modules that declare fact tables; imported by :func:`all_tables`.
FACT_MODULES: tuple[str, ...] = (
    "kpolicy.extract.money",
    "kpolicy.extract.places",
    "kpolicy.extract.themes",
    "kpolicy.extract.targets",
    "kpolicy.extract.actors",
    "kpolicy.extract.years",
    "kpolicy.ledger",
    "kpolicy.stories",
)


def register(table: Table) -> Table:
    """Add a table to the registry (idempotent for the same declaration)."""
    existing = _REGISTRY.get(table.name)
    if existing is not None and existing != table:
        raise SchemaError(f"table {table.name!r} is declared twice with different columns")
    _REGISTRY[table.name] = table
    return table


def get(name: str) -> Table:
    """The declared table called ``name``."""
    all_tables()
    try:
        return _REGISTRY[name]
    except KeyError:
        raise SchemaError(
            f"unknown table {name!r}; known tables: {', '.join(sorted(_REGISTRY))}"
        ) from None


def all_tables() -> dict[str, Table]:
    """Every declared table, core and fact tables alike, by name."""
    for module in FACT_MODULES:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:  # a fact module not written yet
            if exc.name != module:
                raise
    return dict(_REGISTRY)


def validate(df: pl.DataFrame, table: str | Table) -> pl.DataFrame:
    """Check that ``df`` has exactly the declared columns, in order, with their dtypes.

    Args:
        df: the frame to check.
        table: a table name or declaration.

    Returns:
        ``df`` unchanged, so that a transform can ``return validate(out, "amounts")``.

    Raises:
        SchemaError: naming the first missing, extra or mistyped column.
    """
    t = get(table) if isinstance(table, str) else table
    want = t.polars_schema
    got = df.schema
    missing = [n for n in want if n not in got]
    extra = [n for n in got if n not in want]
    if missing or extra:
        raise SchemaError(f"{t.name}: missing columns {missing}, unexpected columns {extra}")
    if list(got) != list(want):
        raise SchemaError(f"{t.name}: columns out of order: {list(got)} != {list(want)}")
    for name, dtype in want.items():
        if got[name] != dtype:
            raise SchemaError(f"{t.name}.{name}: dtype {got[name]} != declared {dtype}")
    return df


def conform(df: pl.DataFrame, table: str | Table) -> pl.DataFrame:
    """Select and cast ``df`` to the declared columns, then :func:`validate` it."""
    t = get(table) if isinstance(table, str) else table
    out = df.select([pl.col(c.name).cast(c.dtype) for c in t.columns])
    return validate(out, t)


def _dtype_label(dtype: pl.DataType) -> str:
    if isinstance(dtype, pl.Enum):
        cats = dtype.categories.to_list()
        shown = ", ".join(cats) if len(cats) <= 8 else ", ".join(cats[:6]) + ", ..."
        return f"Enum({shown})"
    if isinstance(dtype, pl.List) and isinstance(dtype.inner, pl.Enum):
        return f"List({_dtype_label(dtype.inner)})"
    return str(dtype)


def data_dictionary() -> str:
    """All tables as Markdown: the data dictionary in ``docs/schema.md``."""
    lines = [
        "# kpolicy data dictionary",
        "",
        "Generated from `kpolicy/schema.py` and the fact modules by `kpolicy schema`;",
        "`tests/unit/test_schema.py` fails when this file is out of date.",
        "Offsets count Unicode code points. `char_*` offsets index the document's",
        "normalised `text`; `source_*` offsets index the decoded original file (`raw_text`).",
        "",
    ]
    for name, t in sorted(all_tables().items()):
        lines += [f"## `{name}`", "", t.description, ""]
        if t.key:
            lines += [f"Unique key: `{', '.join(t.key)}`", ""]
        lines += ["| column | dtype | unit | description |", "| --- | --- | --- | --- |"]
        for c in t.columns:
            lines.append(f"| `{c.name}` | {_dtype_label(c.dtype)} | {c.unit} | {c.description} |")
        lines.append("")
    return "\n".join(lines)


# Provenance ----------------------------------------------------------------------

PROVENANCE: tuple[Column, ...] = (
    Column("doc_id", pl.String, "The document (file stem)."),
    Column("sentence_idx", pl.UInt32, "0-based index of the sentence within the document."),
    Column("char_start", pl.Int64, "Start of the fact in the document's normalised text.", "code points"),
    Column("char_end", pl.Int64, "End (exclusive) in the normalised text.", "code points"),
    Column("source_start", pl.Int64, "Start of the fact in the original file's decoded text.", "code points"),
    Column("source_end", pl.Int64, "End (exclusive) in the original file's decoded text.", "code points"),
    Column("surface", pl.String, "The fact's text exactly as in the normalised text: text[char_start:char_end]."),
    Column("page", pl.Int32, "Page of the original file the fact's sentence starts on (sentences.page; 1 for plain text).", "pages"),
)
PROVENANCE_COLUMNS: tuple[str, ...] = tuple(c.name for c in PROVENANCE)


# Core tables -----------------------------------------------------------------------

DOCUMENTS = register(
    Table(
        "documents",
        "One row per loaded input file. Metadata comes from the corpus's `catalog.yaml` where "
        "curated (see `curated_fields`) and is inferred from the text otherwise.",
        (
            Column("doc_id", pl.String, "File stem; unique within a corpus."),
            Column("path", pl.String, "Path relative to the corpus folder, with / separators; a JSONL or Parquet record is `file.jsonl:LINE` or `file.parquet#ROW`."),
            Column("content_sha256", pl.String, "SHA-256 of the file's bytes (hex)."),
            Column("encoding", pl.String, "Encoding the bytes were decoded with (utf-8, utf-16, cp949, latin-1); for a file read by a reader (PDF, HWPX, HWP, HTML, DOCX) the format's name."),
            Column("format", pl.String, "Input format: txt, md, html, pdf, hwpx, hwp, docx (read by kpolicy.readers), or jsonl/parquet for a record."),
            Column("raw_text", pl.String, "Decoded file text, unmodified; `source_*` offsets index it. For a PDF/HWPX/HWP/HTML/DOCX file: the reader's text, pages joined by a blank line."),
            Column("text", pl.String, "Normalised text (Unicode, mojibake, bullets, boilerplate, whitespace); `char_*` offsets index it."),
            Column("title", pl.String, "Headline."),
            Column("publisher", pl.String, "Outlet or issuing body, where known."),
            Column("reporter", pl.String, "Byline, where named."),
            Column("source_url", pl.String, "Source URL, where stated."),
            Column("published_date", pl.Date, "Publication date; for month/year precision the first day of the period."),
            Column("date_precision", DatePrecision, "How much of `published_date` is known: day, month or year."),
            Column("date_source", pl.String, "How the date was determined."),
            Column("language", Language, "Main language: en, ko, or und (undetermined)."),
            Column("level", Level, "Government level the document speaks for."),
            Column("regions", pl.List(Region), "Canonical regions the document is about (National = central government)."),
            Column("curated_fields", pl.List(pl.String), "Metadata fields taken from catalog.yaml rather than inferred."),
            Column("n_chars", pl.Int64, "Length of the normalised text.", "code points"),
            Column("n_words", pl.Int64, "Whitespace-separated tokens in the normalised text (eojeol in Korean); a length, not a rate denominator.", "words"),
            Column("n_tokens", pl.Int64, "Content tokens of the sentences (kpolicy.morph: English lemmas, Korean nouns and stems by Kiwi; no stop words, numbers, units): the denominator of every per-1,000 rate.", "tokens"),
            Column("n_sentences", pl.Int64, "Sentences in the sentences table.", "sentences"),
            Column("boilerplate_chars", pl.Int64, "Non-space characters of the raw text removed by normalisation (boilerplate, mojibake bytes).", "code points"),
        ),
        key=("doc_id",),
    )
)

SENTENCES = register(
    Table(
        "sentences",
        "One row per sentence or bullet item of the normalised text.",
        (
            Column("doc_id", pl.String, "The document (file stem)."),
            Column("sentence_idx", pl.UInt32, "0-based index within the document."),
            Column("text", pl.String, "The sentence: the document's text[char_start:char_end]."),
            Column("char_start", pl.Int64, "Start in the document's normalised text.", "code points"),
            Column("char_end", pl.Int64, "End (exclusive) in the normalised text.", "code points"),
            Column("source_start", pl.Int64, "Start in the original file's decoded text.", "code points"),
            Column("source_end", pl.Int64, "End (exclusive) in the original file's decoded text.", "code points"),
            Column("is_bullet", pl.Boolean, "The sentence is a bullet item (▲ ◆ ㅇ □ • ...)."),
            Column("page", pl.Int32, "Page of the original file the sentence starts on (PDF page; HWPX/HWP/DOCX section or block, as the reader numbers them); 1 for plain text, HTML and records.", "pages"),
        ),
        key=("doc_id", "sentence_idx"),
    )
)

REJECTS = register(
    Table(
        "rejects",
        "Input files that could not be loaded, each with the reason.",
        (
            Column("path", pl.String, "Path relative to the corpus folder, with / separators; a record is `file.jsonl:LINE` or `file.parquet#ROW`."),
            Column("reason", RejectReason, "Short code for why the file was rejected."),
            Column("detail", pl.String, "One human sentence explaining the reason."),
        ),
        key=("path",),
    )
)

DUPLICATES = register(
    Table(
        "duplicates",
        "Files whose bytes, or whose decoded and normalised text, equal an earlier loaded file's (kept once, in documents).",
        (
            Column("path", pl.String, "Path of the duplicate, relative to the corpus folder (or `file.jsonl:LINE` / `file.parquet#ROW`)."),
            Column("duplicate_of", pl.String, "doc_id of the document that was kept."),
            Column("content_sha256", pl.String, "SHA-256 shared by both files: of the bytes (`same_bytes`), or of the text with line endings unified, byte-order marks dropped, NFC and ends stripped (`same_text`)."),
            Column("reason", DuplicateReason, "`same_bytes`: identical bytes; `same_text`: the same text saved differently."),
            Column("detail", pl.String, "One sentence naming what differs (encoding, byte-order mark, line endings, Unicode form)."),
        ),
        key=("path",),
    )
)

OFFSETS = register(
    Table(
        "offsets",
        "Offset map from normalised text to original text, as runs: a normalised position p in "
        "the run starting at `char_start` maps to `source_start + (p - char_start)`, and its "
        "original ends `source_width` code points later.",
        (
            Column("doc_id", pl.String, "The document (file stem)."),
            Column("char_start", pl.Int64, "First normalised position of the run.", "code points"),
            Column("source_start", pl.Int64, "Original position that `char_start` maps to.", "code points"),
            Column("source_width", pl.Int64, "Original code points each position of the run stands for: 1, or more for a character composed from several (decomposed Hangul, a letter and its accent, mojibake).", "code points"),
        ),
        key=("doc_id", "char_start"),
    )
)
