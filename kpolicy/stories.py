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
  Jaccard :data:`REWRITE_JACCARD` (0.35) or containment :data:`REWRITE_CONTAINMENT` (0.5)
  and above is a ``rewrite``. Documents about different regions are never linked by text
  (formulaic phrasing of press releases is shared across cities).
* **Fact links** (translations and rewrites that share few words): a fingerprint of each
  document's facts — its about-regions, the won values it mentions (on either basis,
  rounded to 3 significant digits, so "45.6 billion won", "456억 원" and "45.6 bln" agree),
  its years — and its publication date. Two documents are linked when they are about a
  common region, published within :data:`DATE_WINDOW_DAYS` of each other (or in the same
  year when a date is only known to the year), and share at least
  :data:`MIN_SHARED_AMOUNTS` distinct amounts, or one distinctive amount (3+ significant
  digits) and a year. The link's ``evidence`` lists what matched.

Stories are the connected components of the links; ``story_id`` is the earliest
document's id (publication date, then doc_id). Every document has a story (alone, it is
its own).
"""

from __future__ import annotations

import datetime as dt
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
REWRITE_JACCARD = 0.35
#: Share of the shorter document's shingles found in the other (containment) at and above
#: which a pair is a syndicated copy (a copy with its own headline, byline and footer keeps
#: the whole body), and at and above which it is at least a rewrite.
SYNDICATED_CONTAINMENT = 0.8
REWRITE_CONTAINMENT = 0.5
#: MinHash permutations and the LSH threshold that proposes candidate pairs (below the
#: rewrite threshold, so that the exact check, not the index, decides).
NUM_PERM = 128
LSH_THRESHOLD = 0.3
#: Publication dates further apart than this are not one story (fact links).
DATE_WINDOW_DAYS = 21
#: Shared distinct amounts that link two documents by their facts.
MIN_SHARED_AMOUNTS = 2

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


def _minhash(sh: set[str]):
    from datasketch import MinHash

    m = MinHash(num_perm=NUM_PERM, seed=1)
    m.update_batch([s.encode("utf-8") for s in sh])
    return m


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def text_links(documents: pl.DataFrame) -> list[dict[str, Any]]:
    """Syndicated copies and rewrites in the same language (MinHash/LSH, exact check)."""
    from datasketch import MinHashLSH

    rows = documents.select("doc_id", "text", pl.col("language").cast(pl.String), pl.col("regions").cast(pl.List(pl.String))).iter_rows()
    sets: dict[str, set[str]] = {}
    lang: dict[str, str] = {}
    about: dict[str, set[str]] = {}
    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    out = []
    for doc_id, text, language, regions in rows:
        sh = shingles(text or "")
        if not sh:
            continue
        mh = _minhash(sh)
        mine = set(regions or [])
        for other in lsh.query(mh):
            if mine and about[other] and not mine & about[other]:
                continue  # documents about different regions share phrasing, not a story
            j = _jaccard(sh, sets[other])
            contained = len(sh & sets[other]) / min(len(sh), len(sets[other]))
            if j >= REWRITE_JACCARD or contained >= REWRITE_CONTAINMENT:
                syndicated = j >= SYNDICATED_JACCARD or contained >= SYNDICATED_CONTAINMENT
                kind = "syndicated" if syndicated else ("rewrite" if lang[other] == language else "translation")
                unit = "word 5-grams" if language != "ko" else "character 4-grams"
                out.append({"a": other, "b": doc_id, "kind": kind, "similarity": j, "method": "text",
                            "evidence": f"{j:.0%} of their {unit} in common; {contained:.0%} of the shorter one's are in the other"})
        lsh.insert(doc_id, mh)
        sets[doc_id], lang[doc_id], about[doc_id] = sh, language, mine
    return out


def _key(value: float) -> str:
    """A won value to 3 significant digits: '45.6 billion' and '456억' share a key."""
    e = math.floor(math.log10(value))
    return f"{round(value / 10 ** (e - 2))}e{e - 2}"


def _sig_digits(value: float) -> int:
    digits = f"{value:.6e}".split("e")[0].replace(".", "").rstrip("0")
    return len(digits)


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
    values: dict[str, dict[str, float]] = defaultdict(dict)
    for d, lit, adj in amounts.filter((pl.col("currency") == "KRW") & (pl.col("amount_krw") > 0)).select(
            "doc_id", "amount_krw", "amount_krw_adjusted").iter_rows():
        for v in (lit, adj):
            if v is not None and v > 0:
                values[d][_key(v)] = v
    yrs: dict[str, set[int]] = defaultdict(set)
    if years is not None and years.height:
        for d, y in years.select("doc_id", "year").iter_rows():
            yrs[d].add(int(y))
    # Candidate pairs share a (region, amount) key: an inverted index, never all pairs.
    index: dict[tuple[str, str], list[str]] = defaultdict(list)
    for d, vals in values.items():
        for region in docs.get(d, (set(),))[0]:
            for k in vals:
                index[(region, k)].append(d)
    pairs: set[tuple[str, str]] = set()
    for ids in index.values():
        if len(ids) > 200:  # a round figure every article mentions: no evidence of one story
            continue
        for i, a in enumerate(ids):
            for b in ids[i + 1 :]:
                if a != b:
                    pairs.add((min(a, b), max(a, b)))
    out = []
    for a, b in sorted(pairs):
        if exclude and frozenset((a, b)) in exclude:
            continue
        ra, da, pa, la = docs[a]
        rb, db, pb, lb = docs[b]
        if not _dates_close(da, pa, db, pb):
            continue
        shared = sorted(set(values[a]) & set(values[b]), key=lambda k: -values[a][k])
        distinctive = [k for k in shared if _sig_digits(values[a][k]) >= 3]
        common_years = yrs[a] & yrs[b]
        if len(shared) >= MIN_SHARED_AMOUNTS or (distinctive and common_years):
            from kpolicy.analysis import format_krw

            smaller = min(len(values[a]), len(values[b])) or 1
            evidence = (f"about {', '.join(sorted(ra & rb))}; amounts {', '.join(format_krw(values[a][k]) for k in shared[:4])}"
                        + (f"; years {', '.join(map(str, sorted(common_years)[:4]))}" if common_years else "")
                        + f"; published {_gap(da, db)}")
            out.append({"a": a, "b": b, "kind": "translation" if la != lb else "rewrite",
                        "similarity": len(shared) / smaller, "method": "facts", "evidence": evidence})
    return out


def _dates_close(da: dt.date | None, pa: str | None, db: dt.date | None, pb: str | None) -> bool:
    if da is None or db is None:
        return True  # unknown dates do not rule a link out; the amounts and region must do it
    if pa == "day" and pb == "day":
        return abs((da - db).days) <= DATE_WINDOW_DAYS
    return abs(da.year - db.year) <= 0 if "year" in (pa, pb) else abs((da - db).days) <= DATE_WINDOW_DAYS + 31


def _gap(da: dt.date | None, db: dt.date | None) -> str:
    if da is None or db is None:
        return "date unknown"
    days = abs((da - db).days)
    return "the same day" if days == 0 else f"{days} day(s) apart"


def build_links(documents: pl.DataFrame, amounts: pl.DataFrame, years: pl.DataFrame | None = None) -> pl.DataFrame:
    """The ``near_duplicates`` table: text links first, then fact links between the rest."""
    links = text_links(documents)
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
