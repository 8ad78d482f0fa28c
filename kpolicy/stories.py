"""Stories: one announcement across outlets, languages and copies.

A real corpus carries each announcement many times: a city's press release, the outlets
that rewrite it, a wire story in English, syndicated copies with other headers and
footers, a machine translation of the Korean original. This module groups such documents
into **stories**, without dropping any of them:

* **Text links** (syndicated copies and light rewrites, same language): MinHash over
  shingles (word 5-grams; character 4-grams for Korean, whose words carry particles), with
  datasketch's LSH index, so candidate pairs are found without comparing every pair.
  A candidate is confirmed on the exact shingle sets: Jaccard similarity
  :data:`SYNDICATED_JACCARD` (0.8) or containment (the share of the shorter document's
  shingles found in the other) :data:`SYNDICATED_CONTAINMENT` (0.8) and above is
  ``syndicated`` — a copy with its own headline, byline and footer keeps the whole body —;
  Jaccard :data:`REWRITE_JACCARD` (0.5) or containment :data:`REWRITE_CONTAINMENT` (0.7)
  and above is a ``rewrite``. Documents about different regions are never linked by text
  (formulaic phrasing of press releases is shared across cities).
* **Fact links** (translations and rewrites that share few words): a fingerprint of each
  document's facts — its about-regions, the won values it mentions (on either basis,
  rounded to 3 significant digits, so "45.6 billion won", "456억 원" and "45.6 bln" agree),
  its years — and its publication date. Two documents are linked when they are about a
  common region, published within :data:`DATE_WINDOW_DAYS` of each other (or in the same
  year when a date is only known to the year), and share at least
  :data:`MIN_SHARED_AMOUNTS` distinct amounts, or one distinctive amount (3+ significant
  digits) and a year, or one amount and two years when published within
  :data:`CLOSE_DAYS` days. The link's ``evidence`` lists what matched.

Stories are the connected components of the links; ``story_id`` is the earliest
document's id (publication date, then doc_id). Every document has a story (alone, it is
its own).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from collections import defaultdict
from typing import Any

import polars as pl

from kpolicy import schema
from kpolicy.schema import Column

#: Jaccard similarity of shingle sets at and above which a pair is a syndicated copy.
SYNDICATED_JACCARD = 0.8
#: ... and at and above which (below the first) it is a rewrite.
REWRITE_JACCARD = 0.5
#: Share of the shorter document's shingles found in the other (containment) at and above
#: which a pair is a syndicated copy (a copy with its own headline, byline and footer keeps
#: the whole body), and at and above which it is at least a rewrite.
SYNDICATED_CONTAINMENT = 0.8
REWRITE_CONTAINMENT = 0.7
#: Containment is estimated from the Jaccard estimate and the two set sizes; below this
#: estimated Jaccard (a few matching MinHash values) that estimate is noise, so no pair
#: under it is linked by text, whatever its sizes (a short document beside a long one).
MIN_ESTIMATE = 0.25
#: MinHash permutations, and the LSH bands of rows that propose candidate pairs: 42 bands
#: of 3 values find a pair at Jaccard 0.35 with probability 0.84, at 0.5 with 0.99 (the
#: estimate, not the index, then decides); a band bucket shared by more than MAX_BUCKET
#: (50) documents is common phrasing and proposes no pairs.
NUM_PERM = 128
BANDS, ROWS = 42, 3
MAX_BUCKET = 50
#: Publication dates further apart than this are not one story (fact links).
DATE_WINDOW_DAYS = 21
#: Shared distinct amounts that link two documents by their facts.
MIN_SHARED_AMOUNTS = 2
#: A (region, value, window) key shared by more documents than this proposes no pairs.
MAX_FACT_BUCKET = 50
#: One shared amount also links two documents published within this many days that
#: share two or more years (a short rewrite keeps the headline figure and the period).
CLOSE_DAYS = 7

KINDS = ("syndicated", "rewrite", "translation")
LinkKind = pl.Enum(list(KINDS))

NEAR_DUPLICATES = schema.register(
    schema.Table(
        "near_duplicates",
        "Pairs of documents that report the same story: syndicated copies and rewrites (MinHash/LSH over "
        "shingles, confirmed on exact Jaccard similarity) and translations or rewrites linked by a "
        "fingerprint of their facts (regions, amounts, years, publication date). Both documents stay "
        "loaded: they are grouped into a story, never dropped.",
        (
            Column("doc_id", pl.String, "The later document of the pair (publication date, then doc_id)."),
            Column("linked_to", pl.String, "The earlier document of the pair."),
            Column("story_id", pl.String, "The story both belong to."),
            Column("kind", LinkKind, "syndicated (Jaccard >= 0.8), rewrite (same language) or translation (different languages)."),
            Column("similarity", pl.Float64, "Jaccard similarity of the shingle sets (text links), or the share of the smaller document's amounts that the other also states (fact links).", "ratio"),
            Column("method", pl.String, "text (MinHash/LSH) or facts (fingerprint)."),
            Column("evidence", pl.String, "What matched, in words."),
        ),
        key=("doc_id", "linked_to"),
        module=__name__,
    )
)

DOC_SIGNATURES = schema.register(
    schema.Table(
        "doc_signatures",
        "MinHash signatures of the documents' shingle sets (datasketch, 128 permutations, seed 1): what "
        "near-duplicate detection compares. Written by `kpolicy extract` batch by batch, so that linking "
        "stories afterwards reads signatures, not texts.",
        (
            Column("doc_id", pl.String, "The document."),
            Column("signature", pl.List(pl.UInt32), "The MinHash values (empty when the text has no shingle)."),
            Column("n_shingles", pl.Int64, "Size of the shingle set (word 5-grams; character 4-grams for Korean).", "shingles"),
        ),
        key=("doc_id",),
        module=__name__,
    )
)

STORIES = schema.register(
    schema.Table(
        "stories",
        "Every document with the story it belongs to (the connected components of `near_duplicates`).",
        (
            Column("doc_id", pl.String, "The document."),
            Column("story_id", pl.String, "The story: the doc_id of its earliest document."),
            Column("n_documents", pl.Int64, "Documents in the story.", "documents"),
            Column("n_outlets", pl.Int64, "Distinct publishers in the story (a document without one counts as its own).", "outlets"),
            Column("languages", pl.List(pl.String), "Languages of the story's documents."),
        ),
        key=("doc_id",),
        module=__name__,
    )
)

_WORD = re.compile(r"[a-z0-9]+|[\uac00-\ud7a3]+")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")


def shingles(text: str) -> set[str]:
    """The shingle set of a text: word 5-grams, or character 4-grams for Korean text."""
    low = text.lower()
    if len(_HANGUL.findall(low)) > len(low) * 0.2:
        chars = re.sub(r"\s+", "", low)
        return {chars[i : i + 4] for i in range(max(1, len(chars) - 3))}
    words = _WORD.findall(low)
    if len(words) < 5:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + 5]) for i in range(len(words) - 4)}


@functools.lru_cache(maxsize=1)
def _base_minhash():
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=1)


def signature_array(text: str):
    """A document's MinHash signature as a numpy ``uint32`` array of :data:`NUM_PERM` values
    (datasketch) and its number of shingles; ``(None, 0)`` for a text without any."""
    from datasketch import MinHash

    sh = shingles(text or "")
    if not sh:
        return None, 0
    base = _base_minhash()
    m = MinHash(num_perm=NUM_PERM, seed=1, permutations=base.permutations, scheme=base.scheme)
    m.update_batch([x.encode("utf-8") for x in sh])
    return m.hashvalues.astype("uint32"), len(sh)


def signature(text: str) -> tuple[list[int] | None, int]:
    """:func:`signature_array` as a list (``(None, 0)`` for a text without shingles)."""
    arr, n = signature_array(text)
    return (None, 0) if arr is None else (arr.tolist(), n)


def signature_table(documents: pl.DataFrame) -> pl.DataFrame:
    """The ``doc_signatures`` table of documents with their ``text`` (one row per document)."""
    rows = [(d, *signature(t)) for d, t in documents.select("doc_id", "text").iter_rows()]
    df = pl.DataFrame(rows, schema={"doc_id": pl.String, "signature": pl.List(pl.UInt32), "n_shingles": pl.Int64}, orient="row")
    return schema.conform(df, DOC_SIGNATURES)


def _candidate_pairs(sigs: "np.ndarray") -> "np.ndarray":
    """Row pairs (i < j) that share a band of their signatures: LSH banding with numpy.

    :data:`BANDS` bands of :data:`ROWS` values each: a pair with Jaccard similarity s is a
    candidate with probability 1 - (1 - s^ROWS)^BANDS (0.84 at s = 0.35, > 0.99 at 0.5).
    A band bucket larger than :data:`MAX_BUCKET` documents is phrasing that many documents
    share, not a story, and is skipped: cost stays near-linear in the number of documents,
    and pairs are merged band by band so that memory follows the distinct pairs.
    """
    import numpy as np

    n = sigs.shape[0]
    codes = np.empty(0, dtype=np.int64)
    pending: list = []
    mult = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9], dtype=np.uint64)[:ROWS]
    for b in range(BANDS):
        band = sigs[:, b * ROWS : (b + 1) * ROWS].astype(np.uint64)
        with np.errstate(over="ignore"):
            key = (band * mult).sum(axis=1, dtype=np.uint64)
        order = np.argsort(key, kind="stable")
        k = key[order]
        starts = np.flatnonzero(np.r_[True, k[1:] != k[:-1]])
        sizes = np.diff(np.r_[starts, n])
        band_codes = []
        # Buckets of one size at a time, vectorised: a (buckets x size) matrix of members.
        for size in np.unique(sizes[(sizes >= 2) & (sizes <= MAX_BUCKET)]):
            at = starts[sizes == size]
            members = np.sort(order[at[:, None] + np.arange(size)[None, :]], axis=1).astype(np.int64)
            i, j = np.triu_indices(int(size), 1)
            band_codes.append((members[:, i] * n + members[:, j]).ravel())
        if band_codes:
            pending.append(np.unique(np.concatenate(band_codes)))
        if len(pending) >= 6 or (b == BANDS - 1 and pending):
            # Merged every few bands: memory follows the distinct pairs, not the bands.
            codes = np.unique(np.concatenate([codes, *pending]))
            pending = []
    return np.stack([codes // n, codes % n], axis=1)


def text_links(signatures: pl.DataFrame, documents: pl.DataFrame) -> list[dict[str, Any]]:
    """Syndicated copies and rewrites: candidate pairs from LSH banding of the MinHash
    signatures, confirmed on the estimated Jaccard similarity and containment.

    Args:
        signatures: the ``doc_signatures`` table.
        documents: ``doc_id``, ``language`` and ``regions`` of the documents.
    """
    import numpy as np

    sig = signatures.filter(pl.col("n_shingles") > 0)
    if sig.height < 2:
        return []
    ids = sig["doc_id"].to_list()
    mat = sig.select(pl.col("signature").list.to_array(NUM_PERM)).to_series().to_numpy().astype(np.uint32)
    size = sig["n_shingles"].to_numpy().astype(np.float64)
    meta = {d: (lang, set(rs or [])) for d, lang, rs in documents.select(
        "doc_id", pl.col("language").cast(pl.String), pl.col("regions").cast(pl.List(pl.String))).iter_rows()}
    pairs = _candidate_pairs(mat)
    out = []
    for lo in range(0, len(pairs), 200_000):  # bounded memory for the comparison
        chunk = pairs[lo : lo + 200_000]
        # A first look at 32 of the 128 values drops the pairs that cannot pass.
        rough = (mat[chunk[:, 0], :32] == mat[chunk[:, 1], :32]).mean(axis=1)
        chunk = chunk[rough >= MIN_ESTIMATE]
        est = (mat[chunk[:, 0]] == mat[chunk[:, 1]]).mean(axis=1)
        a, b = size[chunk[:, 0]], size[chunk[:, 1]]
        contained = np.minimum(1.0, est * (a + b) / ((1 + est) * np.minimum(a, b)))
        keep = (est >= MIN_ESTIMATE) & ((est >= REWRITE_JACCARD) | (contained >= REWRITE_CONTAINMENT))
        for (i, j), jac, con in zip(chunk[keep], est[keep], contained[keep]):
            da, db = ids[i], ids[j]
            (la, ra), (lb, rb) = meta.get(da, ("und", set())), meta.get(db, ("und", set()))
            if ra and rb and not ra & rb:
                continue  # documents about different regions share phrasing, not a story
            syndicated = jac >= SYNDICATED_JACCARD or con >= SYNDICATED_CONTAINMENT
            kind = "syndicated" if syndicated else ("rewrite" if la == lb else "translation")
            unit = "character 4-grams" if "ko" in (la, lb) else "word 5-grams"
            out.append({"a": da, "b": db, "kind": kind, "similarity": float(jac), "method": "text",
                        "evidence": f"about {jac:.0%} of their {unit} in common (MinHash estimate); "
                                    f"about {con:.0%} of the shorter one's are in the other"})
    return out


def _key(value: float) -> str:
    """A won value to 3 significant digits: '45.6 billion' and '456억' share a key."""
    e = math.floor(math.log10(value))
    return f"{round(value / 10 ** (e - 2))}e{e - 2}"


def significant_digits(value: float) -> int:
    """Significant digits of a value, to 7 (float noise such as 140.79999999999998 reads as 4)."""
    return len(f"{value:.6e}".split("e")[0].replace(".", "").rstrip("0"))


def fact_links(
    documents: pl.DataFrame, amounts: pl.DataFrame, years: pl.DataFrame | None = None, exclude: set[frozenset[str]] | None = None
) -> list[dict[str, Any]]:
    """Documents linked by a fingerprint of their facts (see the module docstring)."""
    docs = {
        d: (set(map(str, rs or [])), date, prec, lang)
        for d, rs, date, prec, lang in documents.select(
            "doc_id", pl.col("regions").cast(pl.List(pl.String)), "published_date", pl.col("date_precision").cast(pl.String),
            pl.col("language").cast(pl.String)).iter_rows()
    }
    pairs = _fact_candidates(documents, amounts)
    involved = {d for pair in pairs for d in pair}
    values: dict[str, dict[str, float]] = defaultdict(dict)
    for d, lit, adj in amounts.filter((pl.col("currency") == "KRW") & (pl.col("amount_krw") > 0) & pl.col("doc_id").is_in(list(involved))).select(
            "doc_id", "amount_krw", "amount_krw_adjusted").iter_rows():
        for v in (lit, adj):
            if v is not None and v > 0:
                values[d][_key(v)] = v
    yrs: dict[str, set[int]] = defaultdict(set)
    if years is not None and years.height:
        for d, y in years.filter(pl.col("doc_id").is_in(list(involved))).select("doc_id", "year").iter_rows():
            yrs[d].add(int(y))
    out = []
    for a, b in sorted(pairs):
        if exclude and frozenset((a, b)) in exclude:
            continue
        ra, da, pa, la = docs[a]
        rb, db, pb, lb = docs[b]
        if not _dates_close(da, pa, db, pb):
            continue
        shared = sorted(set(values[a]) & set(values[b]), key=lambda k: -values[a][k])
        distinctive = [k for k in shared if significant_digits(values[a][k]) >= 3]
        common_years = yrs[a] & yrs[b]
        close_in_time = da is not None and db is not None and abs((da - db).days) <= CLOSE_DAYS
        if (len(shared) >= MIN_SHARED_AMOUNTS or (distinctive and common_years)
                or (shared and len(common_years) >= 2 and close_in_time)):
            from kpolicy.analysis import format_krw

            smaller = min(len(values[a]), len(values[b])) or 1
            evidence = (f"about {', '.join(sorted(ra & rb))}; amounts {', '.join(format_krw(values[a][k]) for k in shared[:4])}"
                        + (f"; years {', '.join(map(str, sorted(common_years)[:4]))}" if common_years else "")
                        + f"; published {_gap(da, db)}")
            out.append({"a": a, "b": b, "kind": "translation" if la != lb else "rewrite",
                        "similarity": len(shared) / smaller, "method": "facts", "evidence": evidence})
    return out


def _fact_candidates(documents: pl.DataFrame, amounts: pl.DataFrame) -> set[tuple[str, str]]:
    """Pairs of documents that share a (region, won value, time window) key: an inverted
    index built with Polars joins, never all pairs.

    A document's time window is its 21-day window of publication (it is filed under that
    window and the next, so two documents at most :data:`DATE_WINDOW_DAYS` apart share
    one), its two-month window when only the month is known, and its year otherwise. A key
    shared by more than :data:`MAX_FACT_BUCKET` documents is a round figure many articles
    mention, not evidence of one story.
    """
    days = (pl.col("published_date") - pl.lit(dt.date(1970, 1, 1))).dt.total_days()
    meta = documents.select(
        "doc_id", pl.col("regions").cast(pl.List(pl.String)).alias("region"),
        pl.when(pl.col("published_date").is_null()).then(pl.lit("y?"))
        .when(pl.col("date_precision").cast(pl.String) == "day").then(pl.lit("d") + (days // DATE_WINDOW_DAYS).cast(pl.String))
        .when(pl.col("date_precision").cast(pl.String) == "month").then(
            pl.lit("m") + ((pl.col("published_date").dt.year() * 12 + pl.col("published_date").dt.month()) // 2).cast(pl.String))
        .otherwise(pl.lit("y") + pl.col("published_date").dt.year().cast(pl.String)).alias("w0"),
        pl.when(pl.col("published_date").is_null()).then(pl.lit("y?"))
        .when(pl.col("date_precision").cast(pl.String) == "day").then(pl.lit("d") + (days // DATE_WINDOW_DAYS + 1).cast(pl.String))
        .when(pl.col("date_precision").cast(pl.String) == "month").then(
            pl.lit("m") + ((pl.col("published_date").dt.year() * 12 + pl.col("published_date").dt.month()) // 2 + 1).cast(pl.String))
        .otherwise(pl.lit("y") + pl.col("published_date").dt.year().cast(pl.String)).alias("w1"),
    ).with_columns(pl.concat_list("w0", "w1").list.unique().alias("window")).drop("w0", "w1").explode("region").explode("window")
    vals = (
        amounts.filter((pl.col("currency") == "KRW") & (pl.col("amount_krw") > 0))
        .select("doc_id", pl.concat_list("amount_krw", "amount_krw_adjusted").alias("v"))
        .explode("v").drop_nulls("v").filter(pl.col("v") > 0)
        .with_columns(pl.col("v").log10().floor().cast(pl.Int64).alias("e"))
        .select("doc_id", ((pl.col("v") / (10.0 ** (pl.col("e") - 2))).round(0).cast(pl.Int64) * 100 + pl.col("e")).alias("key"))
        .unique()
    )
    keys = vals.join(meta, on="doc_id").drop_nulls("region")
    keys = keys.filter(pl.len().over("region", "key", "window") <= MAX_FACT_BUCKET)
    # Keys carry whether the value is distinctive (3+ significant digits: the mantissa
    # part of the key does not end in 0 ... unless it is like 456).
    keys = keys.with_columns(((pl.col("key") // 100) % 10 != 0).alias("distinct"))
    dates = documents.select("doc_id", "published_date")
    pairs = (
        keys.join(keys.select("region", "key", "window", pl.col("doc_id").alias("doc_id_b")), on=["region", "key", "window"])
        .filter(pl.col("doc_id") < pl.col("doc_id_b"))
        .group_by("doc_id", "doc_id_b")
        .agg(pl.col("key").n_unique().alias("n_shared"), pl.col("distinct").any())
        .join(dates, on="doc_id").join(dates.rename({"doc_id": "doc_id_b", "published_date": "date_b"}), on="doc_id_b")
        # Only pairs that one of the link rules can accept go on to the full check: two
        # shared values, a distinctive one, or one value within CLOSE_DAYS (or no dates).
        .filter((pl.col("n_shared") >= MIN_SHARED_AMOUNTS) | pl.col("distinct")
                | pl.col("published_date").is_null() | pl.col("date_b").is_null()
                | ((pl.col("published_date") - pl.col("date_b")).dt.total_days().abs() <= CLOSE_DAYS))
        .select("doc_id", "doc_id_b")
    )
    return set(pairs.iter_rows())


def _dates_close(da: dt.date | None, pa: str | None, db: dt.date | None, pb: str | None) -> bool:
    if da is None or db is None:
        return True  # unknown dates do not rule a link out; the amounts and region must do it
    if pa == "day" and pb == "day":
        return abs((da - db).days) <= DATE_WINDOW_DAYS
    return da.year == db.year if "year" in (pa, pb) else abs((da - db).days) <= DATE_WINDOW_DAYS + 31


def _gap(da: dt.date | None, db: dt.date | None) -> str:
    if da is None or db is None:
        return "date unknown"
    days = abs((da - db).days)
    return "the same day" if days == 0 else f"{days} day(s) apart"


def build_links(documents: pl.DataFrame, amounts: pl.DataFrame, years: pl.DataFrame | None = None,
                signatures: pl.DataFrame | None = None) -> pl.DataFrame:
    """The ``near_duplicates`` table: text links first, then fact links between the rest.

    ``signatures`` (the ``doc_signatures`` table) is computed from ``documents["text"]``
    when not given; the streaming pipeline passes the signatures its batches wrote.
    """
    if signatures is None:
        signatures = signature_table(documents)
    links = text_links(signatures, documents)
    seen = {frozenset((x["a"], x["b"])) for x in links}
    links += fact_links(documents, amounts, years, exclude=seen)
    order = _order(documents)
    story = _components(order, [(x["a"], x["b"]) for x in links])
    rows = []
    for x in links:
        a, b = sorted((x["a"], x["b"]), key=lambda d: order[d])
        rows.append({"doc_id": b, "linked_to": a, "story_id": story[a], "kind": x["kind"], "similarity": x["similarity"],
                     "method": x["method"], "evidence": x["evidence"]})
    near = pl.DataFrame(rows, schema=NEAR_DUPLICATES.polars_schema) if rows else NEAR_DUPLICATES.empty()
    return schema.conform(near.sort("story_id", "doc_id", "linked_to"), NEAR_DUPLICATES)


def _order(documents: pl.DataFrame) -> dict[str, tuple[dt.date, str]]:
    return {d: (date or dt.date.max, d) for d, date in documents.select("doc_id", "published_date").iter_rows()}


def _components(order: dict[str, tuple[dt.date, str]], edges: list[tuple[str, str]]) -> dict[str, str]:
    """Union-find: every document's story, named by its earliest document."""
    parent = {d: d for d in order}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            first, second = sorted((ra, rb), key=lambda d: order[d])
            parent[second] = first
    return {d: find(d) for d in order}


def build_stories(documents: pl.DataFrame, near: pl.DataFrame) -> pl.DataFrame:
    """The ``stories`` table: every document with its story, from the ``near_duplicates`` links."""
    story = _components(_order(documents), list(zip(near["doc_id"], near["linked_to"])))
    meta = documents.select("doc_id", "publisher", pl.col("language").cast(pl.String)).with_columns(
        pl.col("doc_id").replace_strict(story, return_dtype=pl.String).alias("story_id"))
    per_story = meta.group_by("story_id").agg(
        pl.len().cast(pl.Int64).alias("n_documents"),
        pl.coalesce("publisher", pl.lit("(unknown) ") + pl.col("doc_id")).n_unique().cast(pl.Int64).alias("n_outlets"),
        pl.col("language").unique().sort().alias("languages"),
    )
    return schema.conform(meta.select("doc_id", "story_id").join(per_story, on="story_id").sort("story_id", "doc_id"), STORIES)


def near_duplicates_for(corpus: Any) -> pl.DataFrame:
    """The ``near_duplicates`` table of a loaded corpus."""
    return build_links(corpus.documents, corpus.facts("amounts"), corpus.facts("years"))


def stories_for(corpus: Any) -> pl.DataFrame:
    """The ``stories`` table of a loaded corpus."""
    return build_stories(corpus.documents, corpus.facts("near_duplicates"))
