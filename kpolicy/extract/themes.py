"""Themes: dictionary coding of sentences against the codebook in ``data/themes.yaml``.

Every occurrence of a codebook term is one row of the ``themes`` table, coded with its
major and minor theme. Matching follows :class:`kpolicy.gazetteer.Matcher` with simple
English plurals: multiword terms before single words, longest first ("smart factories"
is one ``smart_factory`` hit, not also a ``manufacturing`` one), English is
case-insensitive on word boundaries except for all-capital terms (``AI`` never matches
inside "MAIL" or as "ai" in "Thai"), and Korean terms never start inside a longer word
and must start and end on morpheme boundaries (:mod:`kpolicy.morph`: 수산 is not in
수산물). Generic words (``generic_en``/``generic_ko``: "data", "care") count only inside
a longer term ("big data", "elderly care"); a term listed under another minor's
``also`` ("AI semiconductor", "AI 반도체") is one row under each theme.

:func:`theme_shares` aggregates the table per document or per region: mentions, the
group's content tokens, mentions per 1,000 content tokens (the same count in English and
Korean, :mod:`kpolicy.morph`) and each theme's share of the group's theme mentions.
The codebook page ``docs/themes.md`` is :func:`codebook_markdown`.
"""

from __future__ import annotations

import functools

import polars as pl

from kpolicy import gazetteer, morph, schema
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
        "sentence and theme; overlapping terms resolve to the longest, and a term coded under "
        "two themes (AI semiconductor) gives one row per theme.",
        (
            *schema.PROVENANCE,
            Column("theme_major", ThemeMajor, "Major theme code of the codebook."),
            Column("theme_minor", pl.String, "Minor theme code (unique across majors)."),
            Column("term", pl.String, "The codebook term that matched, as written in the codebook."),
        ),
        key=("doc_id", "char_start", "char_end", "theme_minor"),
        module=__name__,
    )
)


@functools.lru_cache(maxsize=None)
def _matcher() -> gazetteer.Matcher:
    return gazetteer.Matcher(gazetteer.theme_terms(), plural=True)


@functools.lru_cache(maxsize=None)
def _minor_major() -> dict[str, str]:
    return {minor["minor"]: major["major"] for major in gazetteer.load("themes")["themes"] for minor in major["minors"]}


@functools.lru_cache(maxsize=None)
def _also() -> dict[tuple[str, str], tuple[str, ...]]:
    """(minor, alias key of a term) -> the other minors the term is also coded under."""
    out: dict[tuple[str, str], tuple[str, ...]] = {}
    for major in gazetteer.load("themes")["themes"]:
        for minor in major["minors"]:
            for other, terms in (minor.get("also") or {}).items():
                for term in terms:
                    key = (minor["minor"], gazetteer.alias_key(str(term)))
                    out[key] = out.get(key, ()) + (other,)
    return out


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
    also, majors = _also(), _minor_major()
    rows = []
    if sentences.height:
        cand = sentences.filter(matcher.prefilter("text")).select("doc_id", "sentence_idx", "char_start", "text")
        found = [(doc_id, idx, start, text, matcher.find(text)) for doc_id, idx, start, text in cand.iter_rows()]
        # Korean hits must start and end on morpheme boundaries; the sentences with one
        # are analysed in one batch.
        korean = [text for *_, text, hits in found if any(gazetteer.is_korean(h.surface) for h in hits)]
        korean = list(dict.fromkeys(korean))
        bounds = dict(zip(korean, morph.morpheme_bounds_many(korean)))
        for doc_id, idx, start, text, hits in found:
            for h in hits:
                if gazetteer.is_korean(h.surface):
                    starts, ends = bounds[text]
                    if h.start not in starts or h.end not in ends:
                        continue
                e = h.term.entry
                minor = e.get("minor")
                for code in (minor, *also.get((minor, h.term.key), ())):
                    rows.append(
                        {
                            "doc_id": doc_id,
                            "sentence_idx": idx,
                            "char_start": start + h.start,
                            "char_end": start + h.end,
                            "surface": h.surface,
                            "theme_major": majors[code],
                            "theme_minor": code,
                            "term": h.term.text,
                        }
                    )
    cols = [c for c in THEMES.columns if c.name not in ("source_start", "source_end")]
    return pl.DataFrame(rows, schema={c.name: c.dtype for c in cols}).sort("doc_id", "char_start", maintain_order=True)


def _n_tokens(documents: pl.DataFrame) -> pl.Series:
    if "n_tokens" in documents.columns:
        return documents["n_tokens"].cast(pl.Int64)
    # Content tokens, as the documents table defines n_tokens.
    return pl.Series("n_tokens", morph.count_tokens_many(documents["text"].to_list()), dtype=pl.Int64)


def theme_shares(
    themes: pl.DataFrame,
    documents: pl.DataFrame,
    by: str = "doc_id",
    level: str = "major",
) -> pl.DataFrame:
    """Theme mentions per group, per 1,000 content tokens and as a share of the group's mentions.

    Args:
        themes: the ``themes`` table.
        documents: the documents table; needs ``doc_id`` and ``n_tokens`` (else ``text``,
            counted by :func:`kpolicy.morph.count_tokens`), and ``regions`` when
            ``by="region"``.
        by: ``"doc_id"`` or ``"region"``. By region, a document counts once for each
            region it is about (its ``regions`` list), tokens included.
        level: ``"major"`` (``theme_major``) or ``"minor"`` (``theme_minor``, with its major).

    Returns:
        Long table sorted by group then theme: the group column, the theme column(s),
        ``n_mentions`` (count), ``n_tokens`` (content tokens in the group's documents),
        ``per_1000_tokens`` (mentions per 1,000 content tokens) and ``share_pct`` (percent
        of the group's theme mentions). Groups without tokens are dropped; themes not
        mentioned in a group do not appear.
    """
    if by not in ("doc_id", "region"):
        raise KpolicyError(f"theme_shares: by must be 'doc_id' or 'region', not {by!r}")
    if level not in ("major", "minor"):
        raise KpolicyError(f"theme_shares: level must be 'major' or 'minor', not {level!r}")
    theme_cols = ["theme_major"] if level == "major" else ["theme_major", "theme_minor"]
    docs = documents.select("doc_id", *(["regions"] if by == "region" else [])).with_columns(_n_tokens(documents))
    if by == "region":
        if "regions" not in documents.columns:
            raise KpolicyError("theme_shares(by='region') needs a documents table with a 'regions' column")
        docs = docs.explode("regions").rename({"regions": "region"}).drop_nulls("region")
    words = docs.group_by(by, maintain_order=True).agg(pl.col("n_tokens").sum())
    counts = (
        themes.select("doc_id", *theme_cols)
        .join(docs.select("doc_id", *([by] if by != "doc_id" else [])), on="doc_id", how="inner")
        .group_by(by, *theme_cols, maintain_order=True)
        .agg(pl.len().cast(pl.Int64).alias("n_mentions"))
    )
    out = (
        counts.join(words, on=by, how="inner")
        .filter(pl.col("n_tokens") > 0)
        .with_columns(
            (pl.col("n_mentions") * 1000.0 / pl.col("n_tokens")).alias("per_1000_tokens"),
            (pl.col("n_mentions") * 100.0 / pl.col("n_mentions").sum().over(by)).alias("share_pct"),
        )
    )
    return out.select(by, *theme_cols, "n_mentions", "n_tokens", "per_1000_tokens", "share_pct").sort(by, *theme_cols)


def codebook_markdown() -> str:
    """The codebook page ``docs/themes.md``: each theme's definition and its terms."""
    data = gazetteer.load("themes")
    out = [
        "# Themes codebook",
        "",
        "Generated from `kpolicy/data/themes.yaml` by `python -m kpolicy.extract.themes`",
        "(tests/unit/test_themes.py keeps it current). Source: " + " ".join(str(data.get("source", "")).split()) + f" As of {data.get('as_of')}.",
        "",
        "Coding: every occurrence of a term in a sentence is one mention (the `themes` table).",
        "Multiword terms are matched before single words, longest first; Korean terms must",
        "start and end on morpheme boundaries (Kiwi). *Generic* words count only inside a",
        "longer term. A term marked *also* is coded under both themes. Rates are mentions per",
        "1,000 content tokens (`kpolicy.morph`), the same count in English and Korean.",
        "",
    ]
    also = _also()

    def term_list(minor: dict, key: str) -> str:
        terms = []
        for t in minor.get(key) or []:
            text = t["term"] if isinstance(t, dict) else str(t)
            extra = also.get((minor["minor"], gazetteer.alias_key(text)))
            terms.append(f"{text} (also {', '.join(extra)})" if extra else text)
        return ", ".join(terms) or "—"

    for major in data["themes"]:
        out += [f"## {major.get('label')} — {major.get('label_ko')} (`{major['major']}`)", "", str(major.get("definition", "")), ""]
        out += ["| minor | English terms | Korean terms | generic (only inside a term) |", "|---|---|---|---|"]
        for minor in major["minors"]:
            generic = ", ".join([str(g) for g in (minor.get("generic_en") or []) + (minor.get("generic_ko") or [])]) or "—"
            out.append(f"| `{minor['minor']}` | {term_list(minor, 'terms_en')} | {term_list(minor, 'terms_ko')} | {generic} |")
        out.append("")
    return "\n".join(out)


if __name__ == "__main__":  # pragma: no cover - writes docs/themes.md
    from kpolicy.paths import ROOT

    (ROOT / "docs" / "themes.md").write_text(codebook_markdown(), encoding="utf-8")
