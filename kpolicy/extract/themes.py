"""Themes: dictionary coding of sentences against the codebook in ``data/themes.yaml``.

Every occurrence of a codebook term is one row of the ``themes`` table, coded with its
major and minor theme. Matching follows :class:`kpolicy.gazetteer.Matcher` with simple
English plurals: longest term wins ("smart factories" is one ``smart_factory`` hit, not
also a ``manufacturing`` one), English is case-insensitive on word boundaries except for
all-capital terms (``AI`` never matches inside "MAIL" or as "ai" in "Thai"), and Korean
terms never start inside a longer word.

:func:`theme_shares` aggregates the table per document or per region: mentions, the
group's words, mentions per 1,000 words and each theme's share of the group's theme
mentions.
"""

from __future__ import annotations

import functools

import polars as pl

from kpolicy import gazetteer, schema
from kpolicy.errors import KpolicyError
from kpolicy.schema import Column


@functools.lru_cache(maxsize=None)
def major_names() -> tuple[str, ...]:
    """Major theme codes in codebook order."""
    return tuple(m["major"] for m in gazetteer.load("themes")["themes"])


ThemeMajor = pl.Enum(list(major_names()))

THEMES = schema.register(
    schema.Table(
        "themes",
        "One row per occurrence of a themes-codebook term (kpolicy/data/themes.yaml) in a "
        "sentence; overlapping terms resolve to the longest.",
        (
            *schema.PROVENANCE,
            Column("theme_major", ThemeMajor, "Major theme code of the codebook."),
            Column("theme_minor", pl.String, "Minor theme code (unique across majors)."),
            Column("term", pl.String, "The codebook term that matched, as written in the codebook."),
        ),
        key=("doc_id", "char_start", "char_end"),
        module=__name__,
    )
)


@functools.lru_cache(maxsize=None)
def _matcher() -> gazetteer.Matcher:
    return gazetteer.Matcher(gazetteer.theme_terms(), plural=True)


def codebook() -> pl.DataFrame:
    """The codebook as a table: ``theme_major``, ``label``, ``theme_minor``, ``term``, ``language``."""
    rows = []
    for major in gazetteer.load("themes")["themes"]:
        for minor in major["minors"]:
            for lang, key in (("en", "terms_en"), ("ko", "terms_ko")):
                for term in minor.get(key) or []:
                    text = term["term"] if isinstance(term, dict) else str(term)
                    rows.append(
                        {"theme_major": major["major"], "label": major.get("label"),
                         "theme_minor": minor["minor"], "term": text, "language": lang}
                    )
    return pl.DataFrame(rows, schema_overrides={"theme_major": ThemeMajor})


def extract_themes(sentences: pl.DataFrame, documents: pl.DataFrame | None = None) -> pl.DataFrame:
    """The ``themes`` fact table (without ``source_*``).

    Args:
        sentences: the sentences table (``doc_id``, ``sentence_idx``, ``text``, ``char_start``).
        documents: unused; accepted for the common extractor signature.

    Returns:
        One row per term occurrence, ordered by document and position.
    """
    matcher = _matcher()
    rows = []
    if sentences.height:
        cand = sentences.filter(matcher.prefilter("text")).select("doc_id", "sentence_idx", "char_start", "text")
        for doc_id, idx, start, text in cand.iter_rows():
            for h in matcher.find(text):
                e = h.term.entry
                rows.append(
                    {
                        "doc_id": doc_id,
                        "sentence_idx": idx,
                        "char_start": start + h.start,
                        "char_end": start + h.end,
                        "surface": h.surface,
                        "theme_major": e.get("major"),
                        "theme_minor": e.get("minor"),
                        "term": h.term.text,
                    }
                )
    cols = [c for c in THEMES.columns if c.name not in ("source_start", "source_end")]
    return pl.DataFrame(rows, schema={c.name: c.dtype for c in cols}).sort("doc_id", "char_start", maintain_order=True)


def _n_words(documents: pl.DataFrame) -> pl.Expr:
    if "n_words" in documents.columns:
        return pl.col("n_words").cast(pl.Int64)
    # Whitespace tokens, as the documents table defines n_words.
    return pl.col("text").str.extract_all(r"\S+").list.len().cast(pl.Int64)


def theme_shares(
    themes: pl.DataFrame,
    documents: pl.DataFrame,
    by: str = "doc_id",
    level: str = "major",
) -> pl.DataFrame:
    """Theme mentions per group, per 1,000 words and as a share of the group's mentions.

    Args:
        themes: the ``themes`` table.
        documents: the documents table; needs ``doc_id`` and ``n_words`` (else ``text``,
            split on white space), and ``regions`` when ``by="region"``.
        by: ``"doc_id"`` or ``"region"``. By region, a document counts once for each
            region it is about (its ``regions`` list), words included.
        level: ``"major"`` (``theme_major``) or ``"minor"`` (``theme_minor``, with its major).

    Returns:
        Long table sorted by group then theme: the group column, the theme column(s),
        ``n_mentions`` (count), ``n_words`` (words in the group's documents),
        ``per_1000_words`` (mentions per 1,000 words) and ``share_pct`` (percent of the
        group's theme mentions). Groups without words are dropped; themes not mentioned
        in a group do not appear.
    """
    if by not in ("doc_id", "region"):
        raise KpolicyError(f"theme_shares: by must be 'doc_id' or 'region', not {by!r}")
    if level not in ("major", "minor"):
        raise KpolicyError(f"theme_shares: level must be 'major' or 'minor', not {level!r}")
    theme_cols = ["theme_major"] if level == "major" else ["theme_major", "theme_minor"]
    docs = documents.select("doc_id", _n_words(documents).alias("n_words"), *(["regions"] if by == "region" else []))
    if by == "region":
        if "regions" not in documents.columns:
            raise KpolicyError("theme_shares(by='region') needs a documents table with a 'regions' column")
        docs = docs.explode("regions").rename({"regions": "region"}).drop_nulls("region")
    words = docs.group_by(by, maintain_order=True).agg(pl.col("n_words").sum())
    counts = (
        themes.select("doc_id", *theme_cols)
        .join(docs.select("doc_id", *([by] if by != "doc_id" else [])), on="doc_id", how="inner")
        .group_by(by, *theme_cols, maintain_order=True)
        .agg(pl.len().cast(pl.Int64).alias("n_mentions"))
    )
    out = (
        counts.join(words, on=by, how="inner")
        .filter(pl.col("n_words") > 0)
        .with_columns(
            (pl.col("n_mentions") * 1000.0 / pl.col("n_words")).alias("per_1000_words"),
            (pl.col("n_mentions") * 100.0 / pl.col("n_mentions").sum().over(by)).alias("share_pct"),
        )
    )
    return out.select(by, *theme_cols, "n_mentions", "n_words", "per_1000_words", "share_pct").sort(by, *theme_cols)
