"""Comparisons: pure functions DataFrame -> DataFrame, long/tidy output, sorted.

Every function here takes kpolicy tables (see :mod:`kpolicy.schema`) and returns a new
small frame ready to show or to chart. None reads files.

The aggregates that must scale — :func:`region_theme_profile`, :func:`money_evidence`,
:func:`money_by_region` (and :func:`doc_regions`) — also take ``pl.LazyFrame`` tables,
such as :func:`kpolicy.pipeline.read_tables` returns for a streamed run of any size: they
read only the columns they need and aggregate with Polars' streaming engine, so memory
follows the small result rather than the tables.
"""

from __future__ import annotations

from typing import TypeVar

import polars as pl

from kpolicy import schema
from kpolicy.errors import KpolicyError

#: Columns of the documents table shown in inventories (the texts are left out).
INVENTORY_COLUMNS = (
    "doc_id",
    "title",
    "publisher",
    "published_date",
    "date_precision",
    "language",
    "level",
    "regions",
    "n_sentences",
    "n_words",
    "n_tokens",
    "encoding",
)


def inventory(documents: pl.DataFrame) -> pl.DataFrame:
    """The corpus inventory: one row per document, metadata only, sorted by doc_id."""
    return documents.select(
        *[c for c in INVENTORY_COLUMNS if c != "regions"],
        pl.col("regions").cast(pl.List(pl.String)).list.join(", ").alias("regions"),
    ).sort("doc_id")


def coverage_by_region_level(documents: pl.DataFrame) -> pl.DataFrame:
    """Documents per (region, level): a document about two regions counts for both.

    Returns:
        ``region`` (String), ``level`` (Level), ``n_documents`` (UInt32) and ``doc_ids``
        (List[String]), sorted by region (in gazetteer order) then level. Documents
        with no inferred region appear under region "(unknown)".
    """
    exploded = (
        documents.select(
            "doc_id",
            "level",
            pl.col("regions").cast(pl.List(pl.String)),
        )
        .with_columns(
            pl.when(pl.col("regions").list.len() > 0)
            .then(pl.col("regions"))
            .otherwise(pl.lit(["(unknown)"]))
            .alias("regions")
        )
        .explode("regions")
        .rename({"regions": "region"})
    )
    order = {name: i for i, name in enumerate(schema.REGION_NAMES)}
    return (
        exploded.group_by("region", "level", maintain_order=True)
        .agg(pl.len().cast(pl.UInt32).alias("n_documents"), pl.col("doc_id").sort().alias("doc_ids"))
        .with_columns(pl.col("region").replace_strict(order, default=len(order)).alias("_order"))
        .sort("_order", "region", "level", nulls_last=True)
        .drop("_order")
    )


def media_coverage(documents: pl.DataFrame, stories: pl.DataFrame) -> pl.DataFrame:
    """A region's media coverage, apart from its money: ``region``, ``n_articles``,
    ``n_stories`` (distinct announcements), ``n_outlets`` (distinct publishers) and
    ``articles_per_story``, sorted in gazetteer order."""
    out = (
        doc_regions(documents)
        .join(stories.select("doc_id", "story_id"), on="doc_id", how="left")
        .join(documents.select("doc_id", "publisher"), on="doc_id", how="left")
        .with_columns(pl.col("region").cast(pl.String))
        .group_by("region")
        .agg(
            pl.col("doc_id").n_unique().cast(pl.Int64).alias("n_articles"),
            pl.col("story_id").n_unique().cast(pl.Int64).alias("n_stories"),
            pl.coalesce("publisher", pl.lit("(unknown) ") + pl.col("doc_id")).n_unique().cast(pl.Int64).alias("n_outlets"),
        )
        .with_columns((pl.col("n_articles") / pl.col("n_stories")).round(2).alias("articles_per_story"))
    )
    return _sort_regions(out)


def coverage_by_year(documents: pl.DataFrame) -> pl.DataFrame:
    """Documents per publication year (null year = date unknown), sorted by year."""
    return (
        documents.group_by(pl.col("published_date").dt.year().alias("year"), maintain_order=True)
        .agg(pl.len().cast(pl.UInt32).alias("n_documents"))
        .sort("year", nulls_last=True)
    )


def rejects_summary(rejects: pl.DataFrame) -> pl.DataFrame:
    """Rejected files per reason (``reason``, ``n_files``), most frequent first."""
    return (
        rejects.group_by("reason", maintain_order=True)
        .agg(pl.len().cast(pl.UInt32).alias("n_files"))
        .sort("n_files", "reason", descending=[True, False])
    )


# ---------------------------------------------------------------------------------
# Attribution: which region a fact counts for
# ---------------------------------------------------------------------------------


Frame = TypeVar("Frame", pl.DataFrame, pl.LazyFrame)


def _is_lazy(*frames: pl.DataFrame | pl.LazyFrame | None) -> bool:
    return any(isinstance(f, pl.LazyFrame) for f in frames)


def _collect(lf: pl.LazyFrame, lazy_input: bool) -> pl.DataFrame:
    # Tables given lazily can be larger than memory: the streaming engine processes them in
    # chunks. In-memory tables keep the default engine, so their results stay bit-identical.
    return lf.collect(engine="streaming") if lazy_input else lf.collect()


def doc_regions(documents: Frame) -> Frame:
    """One row per (doc_id, region) the document is about (``region`` as String)."""
    return (
        documents.select("doc_id", pl.col("regions").cast(pl.List(pl.String)).alias("region"))
        .explode("region")
        .drop_nulls("region")
    )


def _region_order() -> dict[str, int]:
    return {name: i for i, name in enumerate(schema.REGION_NAMES)}


def _sort_regions(df: Frame, *more: str) -> Frame:
    order = _region_order()
    return (
        df.with_columns(pl.col("region").replace_strict(order, default=len(order), return_dtype=pl.Int64).alias("_o"))
        .sort("_o", *more)
        .drop("_o")
    )


# ---------------------------------------------------------------------------------
# Themes
# ---------------------------------------------------------------------------------


def region_theme_profile(
    themes: pl.DataFrame | pl.LazyFrame,
    documents: pl.DataFrame | pl.LazyFrame,
    baseline: str = "corpus",
    *,
    stories: pl.DataFrame | None = None,
    weight: str = "document",
) -> pl.DataFrame:
    """Theme emphasis per region: mentions per 1,000 content tokens and the ratio to a baseline.

    Each document counts for every region it is about (content tokens and mentions alike).

    Args:
        themes: the ``themes`` fact table (reads ``doc_id``, ``theme_major``).
        documents: the documents table (reads ``doc_id``, ``regions``, ``n_tokens``).
            Either table may be a ``pl.LazyFrame`` (then aggregated with the streaming
            engine, without loading the tables).
        baseline: ``"corpus"`` (all documents together) or a region name such as
            ``"National"``: the reference rate each region is compared with.
        stories, weight: ``weight="story"`` counts each document's tokens and mentions
            1 / (documents in its story), so that one announcement copied by ten outlets
            weighs as much as one reported once; ``n_mentions`` is then a weighted count.

    Returns:
        ``region``, ``theme_major``, ``n_mentions``, ``n_tokens``, ``per_1000_tokens``,
        ``baseline_per_1000_tokens`` and ``ratio_to_baseline`` (per_1000_tokens divided by
        the baseline rate; null where the baseline never mentions the theme). Every
        (region, theme) pair appears, with zero mentions where a region is silent.
    """
    lazy_input = _is_lazy(themes, documents)
    docs = documents.lazy().select("doc_id", "regions", "n_tokens")
    if weight != "document":
        w = story_weights(documents, stories, weight)
        docs = docs.join(w, on="doc_id").with_columns(pl.col("n_tokens") * pl.col("w"))
        th = themes.lazy().select("doc_id", "theme_major").join(w, on="doc_id")
        mention = pl.col("w").sum()
    else:
        th = themes.lazy().select("doc_id", "theme_major")
        mention = pl.len().cast(pl.Int64)
    pairs = doc_regions(docs).join(docs.select("doc_id", "n_tokens"), on="doc_id")
    # Small aggregates, each collected on its own (a shared scan would be cached whole);
    # themes are grouped by their Enum codes and cast to String only once aggregated.
    plans = [
        pairs.group_by("region", maintain_order=True).agg(pl.col("n_tokens").sum()),
        th.join(pairs.select("doc_id", "region"), on="doc_id")
        .group_by("region", "theme_major", maintain_order=True)
        .agg(mention.alias("n_mentions"))
        .with_columns(pl.col("theme_major").cast(pl.String)),
        th.group_by("theme_major", maintain_order=True).agg(mention.alias("n")).with_columns(pl.col("theme_major").cast(pl.String)),
        docs.select(pl.col("n_tokens").sum()),
    ]
    words, counts, per_theme, total = [_collect(p, lazy_input) for p in plans]
    majors = per_theme.select("theme_major").sort("theme_major")
    grid = words.join(majors, how="cross")
    out = (
        grid.join(counts, on=["region", "theme_major"], how="left")
        .with_columns(pl.col("n_mentions").fill_null(0))
        .with_columns((pl.col("n_mentions") * 1000.0 / pl.col("n_tokens")).alias("per_1000_tokens"))
    )
    if baseline == "corpus":
        base_words = total["n_tokens"][0]
        base = per_theme.select("theme_major", (pl.col("n") * 1000.0 / base_words).alias("baseline_per_1000_tokens"))
    else:
        base = out.filter(pl.col("region") == baseline).select(
            "theme_major", pl.col("per_1000_tokens").alias("baseline_per_1000_tokens")
        )
        if base.height == 0:
            raise KpolicyError(f"baseline region {baseline!r} has no documents; use 'corpus' or one of: {', '.join(out['region'].unique().sort())}")
    out = out.join(base, on="theme_major", how="left").with_columns(
        pl.when(pl.col("baseline_per_1000_tokens") > 0)
        .then(pl.col("per_1000_tokens") / pl.col("baseline_per_1000_tokens"))
        .otherwise(None)
        .alias("ratio_to_baseline")
    )
    return _sort_regions(out.select("region", "theme_major", "n_mentions", "n_tokens", "per_1000_tokens", "baseline_per_1000_tokens", "ratio_to_baseline"), "theme_major")


def strategy_similarity(profile: pl.DataFrame, value: str = "per_1000_tokens") -> pl.DataFrame:
    """Cosine similarity between regions' theme vectors.

    Method: each region is the vector of its theme rates (``value``, mentions per 1,000
    words by default) over the same themes; similarity is the cosine of the angle
    between two vectors: 1 = identical emphasis, 0 = no theme in common. Rates rather
    than counts keep long and short documents comparable.

    Args:
        profile: output of :func:`region_theme_profile`.

    Returns:
        ``region_a``, ``region_b``, ``similarity`` for every ordered pair (the diagonal is
        1.0 for regions with any theme), sorted by region order.
    """
    vec = profile.select("region", "theme_major", pl.col(value).alias("v"))
    norms = vec.group_by("region").agg((pl.col("v") ** 2).sum().sqrt().alias("norm"))
    pairs = (
        vec.join(vec, on="theme_major", suffix="_b")
        .group_by("region", "region_b")
        .agg((pl.col("v") * pl.col("v_b")).sum().alias("dot"))
        .join(norms, on="region")
        .join(norms.rename({"region": "region_b", "norm": "norm_b"}), on="region_b")
        .with_columns(
            pl.when((pl.col("norm") > 0) & (pl.col("norm_b") > 0))
            .then(pl.col("dot") / (pl.col("norm") * pl.col("norm_b")))
            .otherwise(None)
            .clip(upper_bound=1.0)
            .alias("similarity")
        )
    )
    order = _region_order()
    return (
        pairs.select(pl.col("region").alias("region_a"), "region_b", "similarity")
        .with_columns(
            pl.col("region_a").replace_strict(order, default=len(order), return_dtype=pl.Int64).alias("_a"),
            pl.col("region_b").replace_strict(order, default=len(order), return_dtype=pl.Int64).alias("_b"),
        )
        .sort("_a", "_b")
        .drop("_a", "_b")
    )


# ---------------------------------------------------------------------------------
# Money
# ---------------------------------------------------------------------------------

BASES = ("literal", "adjusted")
CURRENCIES = ("KRW", "USD")

# Committed money comes from the ledger (kpolicy.ledger): one row per distinct commitment.
# money_evidence and money_by_region below aggregate *mentions* by their cue-word role;
# they are mention statistics for scale runs, never "money committed".


def committed_totals(ledger: pl.DataFrame, basis: str = "adjusted", regions: list[str] | None = None, *, by_year: bool = False) -> pl.DataFrame:
    """Money committed per region, from the ledger (see :func:`kpolicy.ledger.region_totals`).

    The same figures as ``kpolicy totals``: a total and its parts are never both counted,
    repeats count once, sales targets, market sizes, deltas, past results and
    economy-wide budgets never count.
    """
    from kpolicy import ledger as ledger_mod

    out = ledger_mod.region_totals(ledger, basis, by_year=by_year)
    return out.filter(pl.col("region").is_in(regions)) if regions is not None else out


def committed_by_role(ledger: pl.DataFrame, basis: str = "adjusted", krw_per_usd: float | None = None) -> pl.DataFrame:
    """Counted ledger rows per (region, role), in the shape :func:`kpolicy.charts.money_bars` draws.

    Returns:
        ``region``, ``role``, ``total_krw`` (counted rows), ``n_counted``,
        ``n_suspect_excluded`` (rows the basis cannot resolve) and, with ``krw_per_usd``,
        ``total_usd``.
    """
    from kpolicy import ledger as ledger_mod

    if basis not in BASES:
        raise KpolicyError(f"unknown amount basis {basis!r}; valid: {', '.join(BASES)}")
    counts, value = pl.col(f"is_counted_{basis}"), pl.col(f"value_krw_{basis}")
    out = (
        ledger.with_columns(pl.col("region").cast(pl.String), pl.col("role").cast(pl.String))
        .group_by("region", "role", maintain_order=True)
        .agg(
            pl.when(counts).then(value).otherwise(0.0).sum().alias("total_krw"),
            counts.sum().cast(pl.Int64).alias("n_counted"),
            (~counts).sum().cast(pl.Int64).alias("n_suspect_excluded"),
        )
    )
    if krw_per_usd is not None:
        out = out.with_columns((pl.col("total_krw") / krw_per_usd).alias("total_usd"))
    order = {r: i for i, r in enumerate(ledger_mod.ROLES)}
    return _sort_regions(out.with_columns(pl.col("role").replace_strict(order, return_dtype=pl.Int64).alias("_r")), "_r").drop("_r")


def cite(df: pl.DataFrame, documents: pl.DataFrame | None = None) -> pl.DataFrame:
    """``df`` with ``source``: where its evidence is, as "file, p. N".

    The file is the document's ``path`` (its doc_id when ``documents`` is not given);
    N is the row's ``page`` (the page its sentence starts on; 1 for plain text).
    """
    page = pl.col("page").cast(pl.Int64).fill_null(1) if "page" in df.columns else pl.lit(1)
    if documents is None or "path" not in documents.columns:
        return df.with_columns(pl.format("{}, p. {}", pl.col("doc_id"), page).alias("source"))
    paths = documents.select("doc_id", pl.col("path").alias("_path"))
    return (
        df.join(paths, on="doc_id", how="left", maintain_order="left")
        .with_columns(pl.format("{}, p. {}", pl.coalesce("_path", "doc_id"), page).alias("source"))
        .drop("_path")
    )


def ledger_view(ledger: pl.DataFrame, regions: list[str] | None = None, documents: pl.DataFrame | None = None) -> pl.DataFrame:
    """The ledger as analysts read it: one row per commitment, values in billions of won;
    ``source`` cites its first evidence mention as "file, p. N" (see :func:`cite`)."""
    out = ledger if regions is None else ledger.filter(pl.col("region").cast(pl.String).is_in(regions))
    out = cite(out, documents)
    return out.select(
        pl.col("region").cast(pl.String),
        "surface",
        pl.col("role").cast(pl.String),
        (pl.col("value_krw_literal") / 1e9).round(3).alias("literal_bn_won"),
        (pl.col("value_krw_adjusted") / 1e9).round(3).alias("adjusted_bn_won"),
        "is_suspect",
        pl.when(pl.col("period_start").is_null()).then(pl.lit("not stated"))
        .when(pl.col("period_start") == pl.col("period_end")).then(pl.col("period_start").cast(pl.String))
        .otherwise(pl.col("period_start").cast(pl.String) + "–" + pl.col("period_end").cast(pl.String)).alias("period"),
        pl.col("funder").cast(pl.String),
        pl.format("{} article(s), {} outlet(s)", "n_articles", "n_outlets").alias("reported_by"),
        pl.col("doc_ids").list.join(", ").alias("articles"),
        "n_evidence",
        "n_parts",
        "why",
        "value_source",
        "source",
        "doc_id",
        "sentence_idx",
    )


def not_counted_view(mentions: pl.DataFrame, documents: pl.DataFrame, regions: list[str] | None = None) -> pl.DataFrame:
    """The "not counted, and why" table for documents about ``regions`` (all when None)."""
    from kpolicy import ledger as ledger_mod

    out = ledger_mod.not_counted(mentions)
    dr = doc_regions(documents).with_columns(pl.col("region").cast(pl.String))
    if regions is not None:
        dr = dr.filter(pl.col("region").is_in(regions))
    dr = dr.group_by("doc_id").agg(pl.col("region").sort().str.join(", ").alias("region"))
    if "page" in mentions.columns and "mention_id" in out.columns:
        out = out.join(mentions.select("mention_id", "page"), on="mention_id", how="left", maintain_order="left")
    out = cite(out, documents)
    return out.join(dr, on="doc_id", how="inner").select("region", "surface", "role", "why", "source", "doc_id", "sentence_idx").sort("region", "doc_id", "sentence_idx")


def suspect_view(mentions: pl.DataFrame, amounts: pl.DataFrame, documents: pl.DataFrame, regions: list[str] | None = None) -> pl.DataFrame:
    """Suspect figures with the full explanation, the adjusted reading and how it was derived."""
    ids = documents if regions is None else documents.filter(pl.col("regions").cast(pl.List(pl.String)).list.eval(pl.element().is_in(regions)).list.any())
    sus = cite(amounts.filter(pl.col("is_suspect")).join(ids.select("doc_id"), on="doc_id", how="semi"), documents)
    return sus.join(mentions.select("doc_id", "char_start", pl.col("role").cast(pl.String).alias("ledger_role"), "is_counted"), on=["doc_id", "char_start"], how="left").select(
        "surface",
        "ledger_role",
        (pl.col("amount_krw") / 1e9).alias("literal_bn_won"),
        (pl.col("amount_krw_adjusted") / 1e9).alias("adjusted_bn_won"),
        "adjustment_reason",
        pl.col("flags").list.join(", ").alias("flags"),
        "explanation",
        "source",
        "doc_id",
        "sentence_idx",
    ).sort("doc_id", "sentence_idx")


def budget_ceiling_check(totals: pl.DataFrame) -> pl.DataFrame:
    """Each region's committed total against a ceiling it cannot exceed.

    The ceiling is the region's whole annual budget (``kpolicy/data/money_scales.yaml``,
    approximate, recalled) times the number of years the counted commitments span, and,
    for National, the whole national budget likewise. A total above it means a figure was
    mis-read or mis-attributed.

    Returns:
        ``region``, ``committed_krw``, ``years_spanned``, ``ceiling_krw``, ``within_ceiling``.
    """
    from kpolicy.extract.money import load_scales

    scales = load_scales()

    def ceiling(region: str) -> float:
        return scales.national_budget_krw if region == "National" else scales.regional_budget_krw.get(region, scales.regional_budget_max_krw)

    span = (
        pl.when(pl.col("period").is_null()).then(1)
        .otherwise(pl.col("period").str.split("–").list.eval(pl.element().cast(pl.Int64)).list.eval(pl.element().max() - pl.element().min() + 1).list.first())
    )
    out = totals.select("region", "committed_krw", span.alias("years_spanned"))
    return out.with_columns(
        (pl.col("region").map_elements(ceiling, return_dtype=pl.Float64) * pl.col("years_spanned")).alias("ceiling_krw")
    ).with_columns((pl.col("committed_krw") <= pl.col("ceiling_krw")).alias("within_ceiling"))


def counted_rows_over_ceiling(ledger: pl.DataFrame) -> pl.DataFrame:
    """Counted ledger rows whose value is above the whole budget of whoever pays it.

    Recomputed here from ``kpolicy/data/money_scales.yaml`` and each row's funder and
    period, independently of the ledger's own ``is_over_ceiling``: a row listed here means a
    mis-read figure was summed. Returns ``ledger_id``, ``region``, ``surface``, ``basis``,
    ``value_krw`` and ``ceiling_krw``.
    """
    from kpolicy.ledger import ceiling_for

    rows = []
    for r in ledger.iter_rows(named=True):
        region = str(r["region"])
        ceiling = ceiling_for(str(r["funder"]), region, r["period_start"], r["period_end"])
        for basis in BASES:
            value = r[f"value_krw_{basis}"]
            if r[f"is_counted_{basis}"] and value is not None and value > ceiling:
                rows.append((r["ledger_id"], region, r["surface"], basis, value, ceiling))
    return pl.DataFrame(rows, schema={"ledger_id": pl.String, "region": pl.String, "surface": pl.String, "basis": pl.String,
                                      "value_krw": pl.Float64, "ceiling_krw": pl.Float64}, orient="row")


def ledger_evidence_problems(ledger: pl.DataFrame, mentions: pl.DataFrame) -> pl.DataFrame:
    """Ledger rows whose evidence is missing: no evidence id, an id that is not a mention,
    a first evidence mention that does not count, or a counted row without a value.

    Returns the offending ``ledger_id`` s with a ``problem`` column (empty when all is well).
    """
    known = set(mentions["mention_id"].to_list())
    counted = set(mentions.filter(pl.col("is_counted"))["mention_id"].to_list())
    rows = []
    for lid, ev, lit, adj, cl, ca in ledger.select("ledger_id", "evidence_ids", "value_krw_literal", "value_krw_adjusted", "is_counted_literal", "is_counted_adjusted").iter_rows():
        if not ev:
            rows.append((lid, "no evidence mention"))
        elif any(e not in known for e in ev):
            rows.append((lid, "an evidence id names no mention"))
        elif ev[0] not in counted:
            rows.append((lid, "its first evidence mention does not count"))
        elif (cl and lit is None) or (ca and adj is None):
            rows.append((lid, "counted without a value"))
    return pl.DataFrame(rows, schema={"ledger_id": pl.String, "problem": pl.String}, orient="row")


def _sentence_theme(themes: Frame) -> Frame:
    """The dominant major theme of each sentence (most mentions; ties: first mentioned)."""
    return (
        themes.select("doc_id", "sentence_idx", "char_start", pl.col("theme_major").cast(pl.String))
        .group_by("doc_id", "sentence_idx", "theme_major")
        .agg(pl.len().alias("n"), pl.col("char_start").min().alias("first"))
        .sort("doc_id", "sentence_idx", "n", "first", descending=[False, False, True, False])
        .group_by("doc_id", "sentence_idx", maintain_order=True)
        .first()
        .select("doc_id", "sentence_idx", "theme_major")
    )


#: The amounts columns :func:`money_by_region` reads (:func:`money_evidence` adds the
#: text columns ``char_end``, ``surface``, ``flags`` and ``explanation``).
_MONEY_COLUMNS = ("doc_id", "sentence_idx", "char_start", "currency", "amount_krw", "amount_krw_adjusted", "is_suspect", "role")


def _evidence(
    amounts: pl.LazyFrame, documents: pl.LazyFrame, themes: pl.LazyFrame | None, basis: str, *, with_text: bool, ordered: bool
) -> pl.LazyFrame:
    """:func:`money_evidence` as a lazy query.

    ``with_text=False`` leaves out the text columns (``char_end``, ``surface``, ``flags``,
    ``explanation``) and the final sort, which no total needs. ``ordered`` sorts the rows
    by document and position first, as in-memory tables always were (so float sums add up
    in the same order); lazy tables of any size skip that sort.
    """
    if basis not in BASES:
        raise KpolicyError(f"unknown amount basis {basis!r}; valid: {', '.join(BASES)}")
    text_cols = ("char_end", "surface", "flags", "explanation") if with_text else ()
    krw = amounts.select(*_MONEY_COLUMNS, *text_cols).filter(pl.col("currency") == "KRW")
    if themes is not None:
        # Only sentences with an amount need their theme: the semi-join keeps the
        # per-sentence group-by as small as the amounts table, not the themes table.
        with_amounts = krw.select("doc_id", "sentence_idx").unique()
        themes = themes.join(with_amounts, on=["doc_id", "sentence_idx"], how="semi")
        krw = krw.join(_sentence_theme(themes), on=["doc_id", "sentence_idx"], how="left")
    else:
        krw = krw.with_columns(pl.lit(None, pl.String).alias("theme_major"))
    value = (
        pl.when(pl.lit(basis == "adjusted") & pl.col("amount_krw_adjusted").is_not_null())
        .then(pl.col("amount_krw_adjusted"))
        .otherwise(pl.col("amount_krw"))
    )
    resolved = ~pl.col("is_suspect") | (pl.lit(basis == "adjusted") & pl.col("amount_krw_adjusted").is_not_null())
    out = krw.join(doc_regions(documents.select("doc_id", "regions")), on="doc_id", how="inner").with_columns(
        value.alias("value_krw"),
        pl.col("role").cast(pl.String).fill_null("other").alias("role"),
        pl.col("theme_major").fill_null("(none)"),
    )
    if ordered:
        out = out.sort("doc_id", "char_start")
    # A figure repeated with the same role in one document is one commitment: only its
    # first mention (smallest char_start) can count.
    first = pl.col("char_start").rank("ordinal").over("region", "doc_id", "value_krw", "role") == 1
    out = out.with_columns((resolved & first).alias("is_counted"), pl.lit(basis).alias("basis"))
    cols = ["region", "doc_id", "sentence_idx", "char_start", "role", "theme_major", "amount_krw", "amount_krw_adjusted",
            "value_krw", "basis", "is_suspect", "is_counted"]
    if not with_text:
        return out.select(cols)
    cols[4:4] = ["char_end", "surface"]
    cols += [pl.col("flags").list.join(", ").alias("flags"), "explanation"]
    return _sort_regions(out.select(cols), "doc_id", "char_start")


def money_evidence(
    amounts: Frame, documents: pl.DataFrame | pl.LazyFrame, themes: pl.DataFrame | pl.LazyFrame | None = None, basis: str = "literal"
) -> Frame:
    """Every KRW amount with the region it counts for, its theme, and whether it is summed.

    ``value_krw`` is the literal amount (basis ``literal``) or, for suspect figures with an
    adjusted reading, the adjusted amount (basis ``adjusted``). ``is_counted`` is false for
    suspect figures that the basis leaves unresolved (they are shown, never summed) and for
    repeats of the same figure with the same role in the same document.

    Given a ``pl.LazyFrame`` of amounts, returns a ``pl.LazyFrame`` (one row per amount
    and region, so as long as the amounts table): filter it, then collect.
    """
    if themes is not None and isinstance(themes, pl.DataFrame) and not themes.height:
        themes = None
    lazy_input = _is_lazy(amounts, documents, themes)
    ev = _evidence(
        amounts.lazy(), documents.lazy(), None if themes is None else themes.lazy(), basis, with_text=True, ordered=not lazy_input
    )
    return ev if isinstance(amounts, pl.LazyFrame) else _collect(ev, lazy_input)


def money_by_region(
    amounts: pl.DataFrame | pl.LazyFrame,
    documents: pl.DataFrame | pl.LazyFrame,
    themes: pl.DataFrame | pl.LazyFrame | None = None,
    *,
    basis: str = "literal",
    by: tuple[str, ...] = ("role",),
    krw_per_usd: float | None = None,
    population: pl.DataFrame | None = None,
    roles: tuple[str, ...] | None = None,
) -> pl.DataFrame:
    """Money per region (and role and/or theme), suspect figures kept apart.

    Sums only counted figures (see :func:`money_evidence`); suspect figures the basis
    does not resolve are counted in ``n_suspect_excluded`` and never added to a total.

    Args:
        amounts, documents, themes: kpolicy tables, as DataFrames or LazyFrames (lazy
            tables are aggregated with the streaming engine and only the columns needed
            are read). Themes are optional, and read only for ``by=("theme_major",)``.
        basis: ``literal`` (as written) or ``adjusted`` (adjusted readings of suspect
            figures where the text supports one).
        by: extra grouping columns: any of ``role``, ``theme_major``.
        krw_per_usd: if given, add ``total_usd`` at this stated rate.
        population: ``region``/``population`` (default: the gazetteer's figures; National
            uses the sum of the 17 regions).
        roles: keep only these roles (e.g. :data:`COMMITMENT_ROLES`); default all.

    Returns:
        ``region``, the ``by`` columns, ``total_krw``, ``n_counted``,
        ``n_suspect_excluded``, ``per_capita_krw`` (and ``total_usd``), plus ``basis``.
    """
    bad = [b for b in by if b not in ("role", "theme_major")]
    if bad:
        raise KpolicyError(f"money_by_region: unknown grouping {bad[0]!r}; valid: role, theme_major")
    if krw_per_usd is not None and krw_per_usd <= 0:
        raise KpolicyError(f"krw_per_usd must be positive (got {krw_per_usd})")
    lazy_input = _is_lazy(amounts, documents, themes)
    # The sentence theme does not change which figures count (one theme per sentence, a
    # left join), so the themes table is read only when the totals are grouped by it.
    if "theme_major" not in by or (isinstance(themes, pl.DataFrame) and not themes.height):
        themes = None
    ev = _evidence(
        amounts.lazy(), documents.lazy(), None if themes is None else themes.lazy(), basis, with_text=False, ordered=not lazy_input
    )
    if roles is not None:
        ev = ev.filter(pl.col("role").is_in(list(roles)))
    keys = ["region", *by]
    out = _collect(
        ev.group_by(keys, maintain_order=True).agg(
            pl.col("value_krw").filter(pl.col("is_counted")).sum().alias("total_krw"),
            pl.col("is_counted").sum().cast(pl.Int64).alias("n_counted"),
            (pl.col("is_suspect") & ~pl.col("is_counted")).sum().cast(pl.Int64).alias("n_suspect_excluded"),
        ),
        lazy_input,
    )
    pop = population if population is not None else region_population()
    out = out.join(pop.select("region", "population"), on="region", how="left").with_columns(
        (pl.col("total_krw") / pl.col("population")).alias("per_capita_krw"),
        pl.lit(basis).alias("basis"),
    )
    if krw_per_usd is not None:
        out = out.with_columns((pl.col("total_krw") / krw_per_usd).alias("total_usd"))
    cols = [*keys, "total_krw", "n_counted", "n_suspect_excluded", "per_capita_krw"]
    cols += ["total_usd"] if krw_per_usd is not None else []
    return _sort_regions(out.select(*cols, "basis"), *by)


def region_population() -> pl.DataFrame:
    """``region``, ``population``, ``population_year``, ``population_verified``: the latest year
    on file per region in ``kpolicy/data/population.yaml`` (:mod:`kpolicy.reference`), with
    National the sum of the 17 for the latest year all of them have."""
    from kpolicy import reference

    rows = []
    for region in schema.REGION_NAMES:
        p = reference.population_for(region, None)
        rows.append((region, float(p["population"]), p["year_used"], bool(p["verified"])))
    return pl.DataFrame(rows, schema={"region": pl.String, "population": pl.Float64, "population_year": pl.Int32, "population_verified": pl.Boolean}, orient="row")


# ---------------------------------------------------------------------------------
# Targets
# ---------------------------------------------------------------------------------


def compare_targets(targets: pl.DataFrame, documents: pl.DataFrame, sentences: pl.DataFrame | None = None) -> pl.DataFrame:
    """KPI targets by region, grouped into comparable metric families.

    A target stated twice in one document (headline and body) is listed once.

    Returns:
        ``region``, ``metric_family``, ``metric``, ``baseline``, ``target``, ``unit``,
        ``target_year``, ``year_source``, ``is_annual``, ``doc_id``, ``sentence_idx``,
        ``surface``, ``source`` ("file, p. N", see :func:`cite`) (and ``sentence`` when
        ``sentences`` is given), sorted by region,
        family and target year.
    """
    same = ["doc_id", "metric_family", "baseline", "target", "unit", "target_year"]
    out = (
        targets.with_columns(pl.col("metric_family").cast(pl.String), pl.col("unit").cast(pl.String), pl.col("year_source").cast(pl.String))
        # A headline usually repeats a target the body states: one row per distinct target
        # and document, from its last (body) mention.
        .sort("doc_id", "sentence_idx", "char_start")
        .unique(subset=same, keep="last", maintain_order=True)
        .join(doc_regions(documents), on="doc_id", how="inner")
    )
    out = cite(out, documents)
    cols = ["region", "metric_family", "metric", "baseline", "target", "unit", "target_year", "year_source", "is_annual", "doc_id", "sentence_idx", "surface", "source"]
    if sentences is not None:
        out = out.join(sentences.select("doc_id", "sentence_idx", pl.col("text").alias("sentence")), on=["doc_id", "sentence_idx"], how="left")
        cols.append("sentence")
    return _sort_regions(out.select(cols), "metric_family", "target_year", "doc_id", "sentence_idx")


# ---------------------------------------------------------------------------------
# Timeline
# ---------------------------------------------------------------------------------


def timeline(years: pl.DataFrame, documents: pl.DataFrame, targets: pl.DataFrame | None = None) -> pl.DataFrame:
    """Plan horizons and target years per region: one row per (region, year, role).

    Returns:
        ``region``, ``year``, ``role`` (the years table's ``year_role``, plus
        ``kpi_target`` for target years of KPI targets), ``n_mentions`` and an example
        ``surface``; past and reference years are left out.
    """
    ys = years.filter(~pl.col("year_role").cast(pl.String).is_in(["past", "reference"])).select(
        "doc_id", "year", pl.col("year_role").cast(pl.String).alias("role"), "surface"
    )
    if targets is not None and targets.height:
        ys = pl.concat(
            [
                ys,
                targets.drop_nulls("target_year").select(
                    "doc_id", pl.col("target_year").alias("year"), pl.lit("kpi_target").alias("role"), pl.col("metric").alias("surface")
                ),
            ]
        )
    out = (
        ys.join(doc_regions(documents), on="doc_id")
        .group_by("region", "year", "role", maintain_order=True)
        .agg(pl.len().cast(pl.Int64).alias("n_mentions"), pl.col("surface").first().alias("surface"))
    )
    return _sort_regions(out, "year", "role")


# ---------------------------------------------------------------------------------
# Keyness and keyword-in-context
# ---------------------------------------------------------------------------------

#: Kinds of term in :func:`term_counts`; keyness reports only ``word``.
TERM_KINDS = ("word", "place", "person")
#: Gazetteer entry kinds that are places (regions, National, sub-places, macro-regions).
_PLACE_ENTRY_KINDS = frozenset({"region", "national", "national_weak", "place", "macro"})


def story_weights(documents: pl.DataFrame | pl.LazyFrame, stories: pl.DataFrame | None, weight: str = "document") -> pl.LazyFrame:
    """``doc_id``, ``w``: 1 per document (``weight="document"``), or 1 / the number of
    documents in its story (``weight="story"``), so that one announcement in ten copies
    weighs as much as one announcement in one article."""
    if weight not in WEIGHTS:
        raise KpolicyError(f"unknown weighting {weight!r}; valid: {', '.join(WEIGHTS)}")
    ids = documents.lazy().select("doc_id")
    if weight == "document":
        return ids.with_columns(pl.lit(1.0).alias("w"))
    if stories is None:
        raise KpolicyError("weight='story' needs the stories table (corpus.facts('stories'))")
    return ids.join(stories.lazy().select("doc_id", (1.0 / pl.col("n_documents")).alias("w")), on="doc_id", how="left").with_columns(
        pl.col("w").fill_null(1.0))


#: Ways to weight documents in theme and keyness profiles.
WEIGHTS = ("document", "story")


def _span_rows(sentences: pl.DataFrame, actors: pl.DataFrame | None, documents: pl.DataFrame | None) -> pl.DataFrame:
    """Place and person spans: ``doc_id``, ``span_start``, ``span_end``, ``entity``, ``kind``.

    Places are the gazetteer's geographic hits (:func:`kpolicy.gazetteer.geo_matcher`),
    named by their entry, so 광주, 광주시 and 광주광역시 are all ``Gwangju``. Persons are
    the officials of the actors table (``name``)."""
    from kpolicy import gazetteer
    from kpolicy.extract.actors import extract_actors

    rows = []
    matcher = gazetteer.geo_matcher()
    cand = sentences.filter(matcher.prefilter("text")).select("doc_id", "sentence_idx", "char_start", "text")
    for doc_id, idx, start, text in cand.iter_rows():
        for h in matcher.find(text):
            if h.term.entry.kind in _PLACE_ENTRY_KINDS:
                rows.append((doc_id, idx, start + h.start, start + h.end, h.term.entry.name, "place"))
    if actors is None:
        actors = extract_actors(sentences, documents)
    officials = actors.filter(pl.col("actor_type") == "official").drop_nulls("name")
    for doc_id, idx, s0, s1, name in officials.select("doc_id", "sentence_idx", "char_start", "char_end", "name").iter_rows():
        rows.append((doc_id, idx, s0, s1, name, "person"))
    return pl.DataFrame(rows, schema={"doc_id": pl.String, "sentence_idx": pl.UInt32, "span_start": pl.Int64, "span_end": pl.Int64, "entity": pl.String, "kind": pl.String}, orient="row")


def _name_parts(name: str) -> set[str]:
    """Lower-case, hyphen-free parts of a person's name ("Park Hyungjoon" -> park, hyungjoon)."""
    return {p.replace("-", "").lower() for p in name.split()} | {name.replace(" ", "").lower()}


def term_occurrences(sentences: pl.DataFrame, documents: pl.DataFrame | None = None, actors: pl.DataFrame | None = None) -> pl.DataFrame:
    """Every content token of the sentences as a term, with places and persons merged.

    Tokens are :func:`kpolicy.morph.content_tokens` (English and Korean alike). Tokens
    inside a place mention become one ``place`` term named by its gazetteer entry
    ("Busan Metropolitan City", 부산시 and 부산 are all ``Busan``); the name tokens of an
    official (actors table; computed from the sentences when not given), and the same
    given names elsewhere in the document, become one ``person`` term.

    Returns:
        ``doc_id``, ``term``, ``kind`` (``word``, ``place`` or ``person``) and
        ``n_tokens`` (content tokens the occurrence covers), one row per occurrence.
    """
    from kpolicy import morph

    if "char_start" not in sentences.columns:
        sentences = sentences.with_columns(pl.lit(0, dtype=pl.Int64).alias("char_start"))
    toks = morph.tokens_frame(sentences).with_row_index("tok")
    spans = _span_rows(sentences, actors, documents)
    inside = (
        toks.join(spans, on=["doc_id", "sentence_idx"])
        .filter((pl.col("char_start") < pl.col("span_end")) & (pl.col("char_end") > pl.col("span_start")))
    )
    places = inside.filter(pl.col("kind") == "place")
    # Name parts of each official; given names (not surnames, which are also words:
    # "Park") count as the person anywhere in the document.
    parts = [(d, name, part, part != name.split()[0].lower() or len(name.split()) == 1)
             for d, name in spans.filter(pl.col("kind") == "person").select("doc_id", "entity").unique().iter_rows()
             for part in _name_parts(name)]
    parts_df = pl.DataFrame(parts, schema={"doc_id": pl.String, "entity": pl.String, "part": pl.String, "given": pl.Boolean}, orient="row")
    keyed = pl.col("lemma").str.replace_all("-", "").alias("part")
    in_person_span = (
        inside.filter((pl.col("kind") == "person") & ~pl.col("tok").is_in(places["tok"].implode()))
        .with_columns(keyed)
        .join(parts_df.select("doc_id", "entity", "part"), on=["doc_id", "entity", "part"], how="inner")
        .unique("tok")
    )
    elsewhere = (
        toks.filter(~pl.col("tok").is_in(inside["tok"].implode()))
        .with_columns(keyed)
        .join(parts_df.filter("given").unique(["doc_id", "part"]).select("doc_id", "part", "entity"), on=["doc_id", "part"], how="inner")
    )
    place_occ = places.group_by("doc_id", "sentence_idx", "span_start", "entity").agg(pl.len().alias("n_tokens")).select(
        "doc_id", pl.col("entity").alias("term"), pl.lit("place").alias("kind"), pl.col("n_tokens").cast(pl.Int64))
    person_occ = pl.concat([
        in_person_span.group_by("doc_id", "sentence_idx", "span_start", "entity").agg(pl.len().alias("n_tokens")).select("doc_id", "entity", "n_tokens"),
        elsewhere.select("doc_id", "entity", pl.lit(1).alias("n_tokens")),
    ], how="vertical_relaxed").select("doc_id", pl.col("entity").alias("term"), pl.lit("person").alias("kind"), pl.col("n_tokens").cast(pl.Int64))
    taken = pl.concat([places["tok"], in_person_span["tok"], elsewhere["tok"]])
    words = toks.filter(~pl.col("tok").is_in(taken.implode())).select(
        "doc_id", pl.col("lemma").alias("term"), pl.lit("word").alias("kind"), pl.lit(1, dtype=pl.Int64).alias("n_tokens"))
    return pl.concat([words, place_occ, person_occ], how="vertical_relaxed")


def term_counts(
    sentences: pl.DataFrame, documents: pl.DataFrame, stories: pl.DataFrame | None = None, weight: str = "document", *, actors: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Term frequencies per region: ``region``, ``term``, ``kind``, ``n``, ``n_tokens``.

    Terms are :func:`term_occurrences`: content tokens (:mod:`kpolicy.morph`; nouns,
    verb stems and foreign words in Korean, lemmatised words in English, without stop
    words, numbers, units, currency or news-frame words), with places merged into their
    gazetteer entry and officials' names into one ``person`` term. ``n_tokens`` is the
    content tokens behind the count (a place of three words counts once, covers three),
    so that per region ``n_tokens`` sums to the content tokens of its documents. With
    ``weight="story"`` each document counts 1 / (documents in its story).
    """
    occ = term_occurrences(sentences, documents, actors).join(doc_regions(documents), on="doc_id")
    if weight == "document":
        n, nt = pl.len().cast(pl.Int64), pl.col("n_tokens").sum().cast(pl.Int64)
    else:
        occ = occ.join(story_weights(documents, stories, weight).collect(), on="doc_id")
        n, nt = pl.col("w").sum(), (pl.col("n_tokens") * pl.col("w")).sum()
    return occ.group_by("region", "term", "kind").agg(n.alias("n"), nt.alias("n_tokens")).sort("region", "term", "kind")


def keyness(
    sentences: pl.DataFrame,
    documents: pl.DataFrame,
    target: str,
    reference: str | list[str] | None = "rest",
    *,
    min_count: int = 3,
    top: int = 25,
    stories: pl.DataFrame | None = None,
    weight: str = "document",
    actors: pl.DataFrame | None = None,
    counts: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Terms that distinguish ``target`` from a reference group (log-likelihood G²).

    Terms are the content words of :func:`term_counts` (Korean by morphological
    analysis, English lemmatised): place names, officials' names, numbers, units,
    currency words, news-frame words and stop words are never reported, in either
    language. Totals are all content tokens, places and names included, so
    ``per_1000_*`` are per 1,000 content tokens, like the theme rates.

    ``weight="story"`` (with ``stories``) counts each document's terms 1 / (documents in
    its story), so that syndicated copies do not multiply a term.

    Method: Dunning's log-likelihood G² on the 2x2 table of a term's count versus all
    other tokens, in the target and in the reference (Rayson & Garside 2000), with the
    log2 ratio of relative frequencies (Hardie's "log ratio", +0.5 smoothing) for the
    direction and size of the effect. G² > 3.84 is p < 0.05, > 10.83 p < 0.001.

    Args:
        target: the region whose distinctive terms are wanted.
        reference: ``"rest"`` (default: every other region in the corpus), ``"corpus"``
            (the whole corpus, the target included) or a list of region names.
        min_count: drop terms seen fewer times than this in the target.
        top: keep the ``top`` terms over-used by the target (G² descending).
        actors: the actors table (officials' names to leave out); computed from the
            sentences when not given.
        counts: :func:`term_counts` already computed for these arguments (reused by
            :func:`keyness_by_region`).

    Returns:
        ``term``, ``n_target``, ``n_reference`` (raw counts), ``per_1000_target``,
        ``per_1000_reference``, ``log_likelihood``, ``log_ratio``, sorted by G².
    """
    if counts is None:
        counts = term_counts(sentences, documents, stories, weight, actors=actors)
    present = counts["region"].unique().to_list()
    if target not in present:
        raise KpolicyError(f"no text about region {target!r}; regions in the corpus: {', '.join(sorted(present))}")
    if reference is None or reference == "rest":
        ref = [r for r in present if r != target]
    elif reference == "corpus":
        ref = list(present)
    elif isinstance(reference, str):
        raise KpolicyError(f"unknown reference {reference!r}; valid: rest, corpus, or a list of regions")
    else:
        ref = [r for r in reference if r != target]
    if not ref:
        raise KpolicyError(f"keyness needs a reference group other than {target!r}")
    total_t = float(counts.filter(pl.col("region") == target)["n_tokens"].sum())
    total_r = float(counts.filter(pl.col("region").is_in(ref))["n_tokens"].sum())
    words = counts.filter(pl.col("kind") == "word")
    t = words.filter(pl.col("region") == target).select("term", pl.col("n").alias("n_target"))
    r = words.filter(pl.col("region").is_in(ref)).group_by("term").agg(pl.col("n").sum().alias("n_reference"))
    both = t.join(r, on="term", how="full", coalesce=True).fill_null(0)
    a, b = pl.col("n_target").cast(pl.Float64), pl.col("n_reference").cast(pl.Float64)
    e1 = total_t * (a + b) / (total_t + total_r)
    e2 = total_r * (a + b) / (total_t + total_r)
    ll = 2 * (
        pl.when(a > 0).then(a * (a / e1).log()).otherwise(0.0) + pl.when(b > 0).then(b * (b / e2).log()).otherwise(0.0)
    )
    out = both.with_columns(
        (a * 1000 / max(total_t, 1)).alias("per_1000_target"),
        (b * 1000 / max(total_r, 1)).alias("per_1000_reference"),
        ll.alias("log_likelihood"),
        (((a + 0.5) / max(total_t, 1)) / ((b + 0.5) / max(total_r, 1))).log(2).alias("log_ratio"),
    )
    return (
        out.filter((pl.col("n_target") >= min_count) & (pl.col("log_ratio") > 0))
        .sort(["log_likelihood", "term"], descending=[True, False])
        .head(top)
        .select("term", "n_target", "n_reference", "per_1000_target", "per_1000_reference", "log_likelihood", "log_ratio")
    )


def kwic(sentences: pl.DataFrame, documents: pl.DataFrame, term: str, *, window: int = 60, regions: list[str] | None = None) -> pl.DataFrame:
    """Keyword in context: every sentence containing ``term`` (case-insensitive, literal).

    Returns:
        ``doc_id``, ``sentence_idx``, ``left``, ``match``, ``right`` (``window`` characters
        either side), ``publisher``, ``published_date``, sorted by document and sentence.
    """
    import re

    pattern = "(?i)" + re.escape(term)
    hits = sentences.filter(pl.col("text").str.contains(pattern))
    if regions:
        hits = hits.join(doc_regions(documents).filter(pl.col("region").is_in(regions)).select("doc_id").unique(), on="doc_id")
    low = term.lower()
    rows = []
    for doc_id, idx, text in hits.select("doc_id", "sentence_idx", "text").iter_rows():
        start = text.lower().find(low)
        end = start + len(term)
        rows.append((doc_id, idx, text[max(0, start - window) : start], text[start:end], text[end : end + window]))
    out = pl.DataFrame(rows, schema={"doc_id": pl.String, "sentence_idx": pl.UInt32, "left": pl.String, "match": pl.String, "right": pl.String}, orient="row")
    return out.join(documents.select("doc_id", "publisher", "published_date"), on="doc_id", how="left").sort("doc_id", "sentence_idx")


def evidence(facts: pl.DataFrame, sentences: pl.DataFrame, documents: pl.DataFrame, columns: tuple[str, ...] = ()) -> pl.DataFrame:
    """Any fact table joined to its sentence and document: the evidence behind a figure.

    Returns:
        ``doc_id``, ``sentence_idx``, ``surface``, the extra ``columns``, ``sentence``,
        ``title``, ``publisher``, ``published_date``, ``source_start``, ``source_end``.
    """
    return (
        facts.select("doc_id", "sentence_idx", "surface", *columns, "source_start", "source_end", "char_start")
        .join(sentences.select("doc_id", "sentence_idx", pl.col("text").alias("sentence")), on=["doc_id", "sentence_idx"], how="left")
        .join(documents.select("doc_id", "title", "publisher", "published_date"), on="doc_id", how="left")
        .sort("doc_id", "char_start")
        .select("doc_id", "sentence_idx", "surface", *columns, "sentence", "title", "publisher", "published_date", "source_start", "source_end")
    )


def keyness_by_region(
    sentences: pl.DataFrame, documents: pl.DataFrame, regions: list[str], reference: str | list[str] | None = "rest", *, top: int = 12, min_count: int = 2,
    stories: pl.DataFrame | None = None, weight: str = "document", actors: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """:func:`keyness` for several regions at once, long: a ``region`` column first
    (``weight="story"`` weights documents by story, as in :func:`keyness`).

    A region that is itself the whole named reference group is compared with the rest.
    """

    def ref_for(region: str) -> str | list[str] | None:
        if isinstance(reference, (list, tuple)) and not [r for r in reference if r != region]:
            return "rest"
        return reference

    counts = term_counts(sentences, documents, stories, weight, actors=actors) if regions else None
    frames = [
        keyness(sentences, documents, r, ref_for(r), top=top, min_count=min_count, stories=stories, weight=weight, counts=counts).with_columns(pl.lit(r).alias("region"))
        for r in regions
    ]
    out = pl.concat(frames) if frames else pl.DataFrame()
    return out.select("region", *[c for c in out.columns if c != "region"]) if out.height else out


def region_headline(
    region: str,
    documents: pl.DataFrame,
    ledger: pl.DataFrame,
    targets: pl.DataFrame,
    years: pl.DataFrame,
    *,
    basis: str = "adjusted",
) -> pl.DataFrame:
    """Headline figures for one region, as a two-column table (``figure``, ``value``).

    Money committed comes from the ledger (one row per distinct commitment); the
    per-capita figure names the population year and says when the population is not
    verified against its official source.
    """
    docs = doc_regions(documents).filter(pl.col("region") == region)
    ids = docs["doc_id"].to_list()
    mine = documents.filter(pl.col("doc_id").is_in(ids))
    tot = committed_totals(ledger, basis, [region])
    tg = targets.filter(pl.col("doc_id").is_in(ids))
    hz = years.filter(pl.col("doc_id").is_in(ids) & (pl.col("year_role").cast(pl.String) == "horizon"))["year"].unique().sort()
    if tot.height:
        t = tot.row(0, named=True)
        money = f"{format_krw(t['committed_krw'])} in {t['n_commitments']} commitment(s)" + (f", period {t['period']}" if t["period"] else "")
        unresolved = f"{t['n_unresolved_suspect']}"
        if t["per_capita_krw"] is not None:
            status = "verified" if t["population_verified"] else "UNVERIFIED population figure (recalled, not checked against KOSIS)"
            per_head = f"{t['per_capita_krw']:,.0f} won per resident (population {t['population']:,.0f}, {t['population_year']}; {status})"
        else:
            per_head = "no population figure"
    else:
        money, unresolved, per_head = "none stated", "0", "no commitments"
    rows = [
        ("documents about the region", f"{len(ids)}"),
        ("words", f"{int(mine['n_words'].sum() or 0):,}"),
        *([("content tokens (the denominator of theme rates)", f"{int(mine['n_tokens'].sum() or 0):,}")]
          if "n_tokens" in mine.columns else []),
        (f"money committed ({basis} basis, from the ledger)", money),
        ("per head", per_head),
        ("commitments whose figure this basis cannot resolve (not summed)", unresolved),
        ("KPI targets", f"{tg.height}"),
        ("plan horizon years", ", ".join(str(y) for y in hz.to_list()) or "none stated"),
    ]
    return pl.DataFrame(rows, schema=["figure", "value"], orient="row")


def headline_figures(ledger: pl.DataFrame, regions: list[str] | None = None) -> dict[str, dict[str, object]]:
    """Committed money per region on both bases, as plain JSON for :func:`kpolicy.display.record_figures`.

    Returns:
        ``{region: {"committed_krw_literal", "committed_krw_adjusted", "n_commitments_literal",
        "n_commitments_adjusted", "n_unresolved_suspect_literal", "n_unresolved_suspect_adjusted"}}``
        for every region with a ledger row (restricted to ``regions`` when given).
    """
    out: dict[str, dict[str, object]] = {}
    for basis in BASES:
        for row in committed_totals(ledger, basis, regions).iter_rows(named=True):
            fig = out.setdefault(row["region"], {})
            fig[f"committed_krw_{basis}"] = row["committed_krw"]
            fig[f"n_commitments_{basis}"] = row["n_commitments"]
            fig[f"n_unresolved_suspect_{basis}"] = row["n_unresolved_suspect"]
    zero = {f"{k}_{b}": (0.0 if k == "committed_krw" else 0) for b in BASES for k in ("committed_krw", "n_commitments", "n_unresolved_suspect")}
    for region in regions or []:
        out.setdefault(region, dict(zero))  # a region with no commitment at all: recorded as zero
    return out


def format_krw(value: float | None) -> str:
    """A won amount for people: '1.5 trillion won', '18.5 billion won', '350 million won'."""
    if value is None:
        return "n/a"
    for scale, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if abs(value) >= scale:
            return f"{value / scale:,.3f}".rstrip("0").rstrip(".") + f" {word} won"
    return f"{value:,.0f} won"


def documents_about(documents: pl.DataFrame, region: str) -> pl.DataFrame:
    """The documents whose ``regions`` include ``region``."""
    return documents.filter(pl.col("regions").cast(pl.List(pl.String)).list.contains(region))


def facts_about(facts: pl.DataFrame, documents: pl.DataFrame, region: str) -> pl.DataFrame:
    """Rows of any fact table that come from documents about ``region``."""
    ids = documents_about(documents, region).select("doc_id")
    return facts.join(ids, on="doc_id", how="semi", maintain_order="left")


def select_themes(profile: pl.DataFrame, themes: list[str] | None) -> pl.DataFrame:
    """Keep only the listed major themes (``None`` keeps all)."""
    return profile if not themes else profile.filter(pl.col("theme_major").is_in(themes))


# ---------------------------------------------------------------------------------------
# Evidence behind each chart mark: the sentences a bar or a cell is made of. Charts carry
# these keys (kpolicy.charts.style.with_evidence); the interactive reports list the
# sentences when a mark is clicked (kpolicy.reporting.render).
# ---------------------------------------------------------------------------------------

def evidence_key(doc_id: str | pl.Expr = "doc_id", sentence_idx: str | pl.Expr = "sentence_idx") -> pl.Expr:
    """The key of one sentence, ``"<doc_id>#<sentence_idx>"`` (split on the last ``#``)."""
    d = pl.col(doc_id) if isinstance(doc_id, str) else doc_id
    s = pl.col(sentence_idx) if isinstance(sentence_idx, str) else sentence_idx
    return pl.concat_str(d.cast(pl.String), pl.lit("#"), s.cast(pl.String))


def _keys_by(frame: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    return frame.group_by(by, maintain_order=True).agg(pl.col("key").unique().sort().alias("evidence")).sort(by)


def theme_evidence(themes: pl.DataFrame, documents: pl.DataFrame) -> pl.DataFrame:
    """The sentences behind each (region, theme) of :func:`region_theme_profile`.

    Returns:
        ``region``, ``theme_major`` and ``evidence`` (sorted unique sentence keys,
        :func:`evidence_key`); a document counts for every region it is about, as in the
        profile.
    """
    th = themes.select("doc_id", pl.col("theme_major").cast(pl.String), evidence_key().alias("key"))
    return _keys_by(th.join(doc_regions(documents.select("doc_id", "regions")), on="doc_id"), ["region", "theme_major"])


def committed_evidence(ledger: pl.DataFrame, mentions: pl.DataFrame, basis: str = "adjusted") -> pl.DataFrame:
    """The sentences behind each (region, role) bar of :func:`committed_by_role`.

    Every mention that is evidence of a counted ledger row (its ``evidence_ids``: the
    figure and its repeats) gives its sentence.

    Returns:
        ``region``, ``role`` and ``evidence`` (sorted unique sentence keys).
    """
    if basis not in BASES:
        raise KpolicyError(f"unknown amount basis {basis!r}; valid: {', '.join(BASES)}")
    rows = (
        ledger.filter(pl.col(f"is_counted_{basis}"))
        .select(pl.col("region").cast(pl.String), pl.col("role").cast(pl.String), pl.col("evidence_ids").alias("mention_id"))
        .explode("mention_id")
    )
    sentences = mentions.select("mention_id", evidence_key().alias("key"))
    return _keys_by(rows.join(sentences, on="mention_id"), ["region", "role"])


def timeline_evidence(years: pl.DataFrame, documents: pl.DataFrame, targets: pl.DataFrame | None = None) -> pl.DataFrame:
    """The sentences behind each (region, year, role) dot of :func:`timeline`."""
    ys = years.filter(~pl.col("year_role").cast(pl.String).is_in(["past", "reference"])).select(
        "doc_id", "year", pl.col("year_role").cast(pl.String).alias("role"), evidence_key().alias("key")
    )
    if targets is not None and targets.height:
        kpi = targets.drop_nulls("target_year").select(
            "doc_id", pl.col("target_year").cast(ys.schema["year"]).alias("year"), pl.lit("kpi_target").alias("role"), evidence_key().alias("key")
        )
        ys = pl.concat([ys, kpi])
    return _keys_by(ys.join(doc_regions(documents.select("doc_id", "regions")), on="doc_id"), ["region", "year", "role"])
