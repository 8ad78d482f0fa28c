"""``kpolicy bench`` / ``make bench``: throughput per stage, with baselines in the same run.

Speed targets live here and in BENCHMARKS.md, never in tests (these machines are noisy).
Two modes, both on deterministic synthetic documents (:mod:`kpolicy.synth`), both checking
correctness against what the generator planted:

**Stages** (default; ``--docs N``): an in-memory corpus of N documents, timed stage by
stage after a warm-up (regex compilation and reference data are one-time costs, shown
on their own line):

* load + normalise: read, decode, normalise, split, metadata (:func:`kpolicy.load_corpus`);
* about-regions: the regions and level each document is about (places extractor);
* one stage per fact kind (:data:`kpolicy.facts.FACT_KINDS`) and the derived
  reconciliations, each as :func:`kpolicy.facts.build` runs it (with provenance);
* analysis aggregates: :func:`kpolicy.analysis.region_theme_profile` and
  :func:`kpolicy.analysis.money_by_region`;
* raw regex scan: one raw Polars regex pass over the sentences for money-like tokens —
  the practical speed limit for any regex-based money extractor;
* one call per sentence: :func:`~kpolicy.extract.money.extract_amounts_from_text` in a loop
  over a sample of sentences (the same query without batching) — the baseline;
* quantulum3 on a sample, as the peer: the ``bench`` extra, which ``make install`` installs
  (skipped if it is missing).

Each stage reports documents/s, MB/s, sentences/s and peak resident memory, and the
money extractor is compared with each reference.

**Scale** (``--scale N``): writes N generated documents to a JSONL or Parquet file (or a
folder of files), runs the streaming pipeline (:func:`kpolicy.pipeline.run`) end to end,
and reports time, throughput, peak memory and output size; then the analysis aggregates
over the pipeline's output.

``--quick`` (what CI runs) does a small stage run and a small streaming run in well under
a minute and fails on any correctness miss, never on speed. ``kpolicy bench`` and
``python -m kpolicy.bench`` take the same options (:func:`add_arguments`).

Correctness is checked against what the generator planted: every unambiguous amount
recovered with its exact value, every translation garble flagged, and every planted
official (name and title) and organisation found by the actors extractor.

**Money precision and recall** (stage mode and ``--quick``; ``--money-docs N``): a second
corpus from the generator's written grammar (``kpolicy/data/synth_money_forms.yaml``,
:func:`kpolicy.synth.generate_money`), with forms the extractor may not read, hard negatives
and planted garbles, each with its exact span in a truth table. :func:`score_money` reports
recall (span overlap, currency, value within 0.5 %), precision with the extra amounts by
where they fell (on which kind of hard negative, or a second piece of one amount), value
accuracy, recall per form (a form the extractor does not read shows 0), the clean-flag
rate, garble recall, flag precision and a verdict against the aims (clean-flag rate
<= 1 %, garble recall >= 95 %). The aims are reported; ``--strict-money`` fails on a miss.
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from kpolicy import synth
from kpolicy.errors import KpolicyError

#: The raw scan: any number followed by a money scale word or unit.
RAW_SCAN = r"[0-9][0-9,.]*\s?(?:억|조|만|천|원|billion|trillion|million|bn|tn|won|KRW)"

#: Targets, reported (not asserted): money sentences/s, and the extractor's time as a
#: multiple of the raw regex scan's.
TARGET_MONEY_SENTENCES_PER_S = 100_000
TARGET_RAW_SCAN_MULTIPLE = 5.0


@dataclass
class Stage:
    name: str
    seconds: float
    docs: int
    megabytes: float
    sentences: int
    peak_rss_mb: float

    def row(self) -> dict[str, object]:
        s = max(self.seconds, 1e-9)
        return {
            "stage": self.name,
            "seconds": round(self.seconds, 3),
            "docs_per_s": round(self.docs / s) if self.docs else None,
            "mb_per_s": round(self.megabytes / s, 2) if self.megabytes else None,
            "sentences_per_s": round(self.sentences / s) if self.sentences else None,
            "peak_rss_mb": round(self.peak_rss_mb),
        }


def _reset_peak() -> None:
    # Linux lets a process reset its own peak-RSS counter ("5" -> VmHWM = VmRSS).
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def _peak_mb() -> float:
    from kpolicy.pipeline import peak_rss_mb

    return peak_rss_mb()


def _timed(name: str, func, docs: int, megabytes: float, sentences: int) -> tuple[Stage, object]:
    _reset_peak()
    start = time.perf_counter()
    result = func()
    seconds = time.perf_counter() - start
    return Stage(name, seconds, docs, megabytes, sentences, _peak_mb()), result


def check_planted(amounts: pl.DataFrame, docs: list[synth.SynthDoc]) -> dict[str, int]:
    """Compare extracted amounts with what the generator planted.

    Returns:
        Counts: ``planted`` and ``found`` (unambiguous forms, exact surface and value),
        ``garbles`` and ``garbles_flagged``.
    """
    got = {
        (d, s): (v, sus)
        for d, s, v, sus in amounts.select("doc_id", "surface", "amount_krw", "is_suspect").iter_rows()
    }
    counts = {"planted": 0, "found": 0, "garbles": 0, "garbles_flagged": 0}
    for doc in docs:
        for p in doc.amounts:
            hit = got.get((doc.doc_id, p.surface))
            if p.is_garble:
                counts["garbles"] += 1
                counts["garbles_flagged"] += bool(hit and hit[1])
            else:
                counts["planted"] += 1
                counts["found"] += bool(hit and hit[0] is not None and abs(hit[0] - p.amount_krw) <= 1e-6 * p.amount_krw)
    return counts


_PLANTED_SCHEMA = {
    "doc_id": pl.String,
    "amounts": pl.List(pl.Struct({"surface": pl.String, "amount_krw": pl.Float64, "is_garble": pl.Boolean})),
    "actors": pl.List(pl.Struct({"org": pl.String, "name": pl.String, "title": pl.String})),
}

#: Documents of the planted-facts file checked at a time (bounds the check's memory).
CHECK_CHUNK_DOCS = 20_000


def _planted_chunks(planted: Path, field: str, chunk_docs: int = CHECK_CHUNK_DOCS):
    """The planted-facts file ``chunk_docs`` documents at a time, one row per planted
    ``field`` item (``amounts`` or ``actors``), with the chunk's smallest and largest doc_id.

    Reading in chunks keeps memory flat at any corpus size; the generator writes doc_ids
    in sorted order, so a doc_id range selects a chunk's rows from the Parquet parts
    (whose statistics let Polars skip the other parts).
    """
    import io

    schema = {"doc_id": _PLANTED_SCHEMA["doc_id"], field: _PLANTED_SCHEMA[field]}

    def frame(lines: list[bytes]) -> tuple[str, str, pl.DataFrame]:
        df = pl.read_ndjson(io.BytesIO(b"".join(lines)), schema=schema)
        lo, hi = df["doc_id"].min(), df["doc_id"].max()
        return lo, hi, df.explode(field).unnest(field)  # type: ignore[return-value]

    lines: list[bytes] = []
    with open(planted, "rb") as fh:
        for line in fh:
            lines.append(line)
            if len(lines) >= chunk_docs:
                yield frame(lines)
                lines = []
    if lines:
        yield frame(lines)


def check_planted_lazy(amounts: pl.LazyFrame, planted: Path, chunk_docs: int = CHECK_CHUNK_DOCS) -> dict[str, int]:
    """:func:`check_planted` for corpora of any size: a join of the planted-facts file
    (``synth``'s ``.planted.jsonl``) with an amounts table, in Polars, ``chunk_docs``
    documents at a time.

    A planted amount is found when every extracted amount with its document and surface
    has its exact value; a planted garble is flagged when every one is suspect.
    """
    counts = {"planted": 0, "found": 0, "garbles": 0, "garbles_flagged": 0}
    tol = 1e-6 * pl.col("planted_krw")
    ok = (pl.col("nulls") == 0) & ((pl.col("lo") - pl.col("planted_krw")).abs() <= tol) & ((pl.col("hi") - pl.col("planted_krw")).abs() <= tol)
    for lo, hi, chunk in _planted_chunks(planted, "amounts", chunk_docs):
        plan = chunk.lazy().drop_nulls("surface").rename({"amount_krw": "planted_krw"})
        got = (
            amounts.filter(pl.col("doc_id").is_between(pl.lit(lo), pl.lit(hi)))
            .group_by("doc_id", "surface")
            .agg(
                pl.col("amount_krw").min().alias("lo"),
                pl.col("amount_krw").max().alias("hi"),
                pl.col("amount_krw").null_count().alias("nulls"),
                pl.col("is_suspect").all().alias("suspect"),
            )
        )
        row = (
            plan.join(got, on=["doc_id", "surface"], how="left")
            .select(
                (~pl.col("is_garble")).sum().alias("planted"),
                (~pl.col("is_garble") & ok.fill_null(False)).sum().alias("found"),
                pl.col("is_garble").sum().alias("garbles"),
                (pl.col("is_garble") & pl.col("suspect").fill_null(False)).sum().alias("garbles_flagged"),
            )
            .collect()
            .row(0, named=True)
        )
        for k, v in row.items():
            counts[k] += int(v)
    return counts


def check_planted_actors(actors: pl.DataFrame, docs: list[synth.SynthDoc]) -> dict[str, int]:
    """Compare the actors table with the officials and organisations the generator planted.

    Returns:
        ``actors`` (planted) and ``actors_found``: an official is found when a row of its
        document has its normalised name and title, an organisation when a row has its org.
    """
    officials = set(actors.filter(pl.col("name").is_not_null()).select("doc_id", "name", "title").iter_rows())
    orgs = set(actors.drop_nulls("org").select("doc_id", "org").iter_rows())
    counts = {"actors": 0, "actors_found": 0}
    for doc in docs:
        for a in doc.actors:
            counts["actors"] += 1
            counts["actors_found"] += (doc.doc_id, a.name, a.title) in officials if a.name else (doc.doc_id, a.org) in orgs
    return counts


def check_planted_actors_lazy(actors: pl.LazyFrame, planted: Path, chunk_docs: int = CHECK_CHUNK_DOCS) -> dict[str, int]:
    """:func:`check_planted_actors` for corpora of any size, as Polars joins, ``chunk_docs``
    documents at a time."""
    counts = {"actors": 0, "actors_found": 0}
    for lo, hi, chunk in _planted_chunks(planted, "actors", chunk_docs):
        plan = chunk.filter(pl.col("org").is_not_null() | pl.col("name").is_not_null()).lazy()
        mine = actors.filter(pl.col("doc_id").is_between(pl.lit(lo), pl.lit(hi)))
        officials = mine.filter(pl.col("name").is_not_null()).select("doc_id", "name", "title").unique()
        orgs = mine.drop_nulls("org").select("doc_id", "org").unique()
        found_official = plan.filter(pl.col("name").is_not_null()).join(officials, on=["doc_id", "name", "title"], how="semi")
        found_org = plan.filter(pl.col("name").is_null()).join(orgs, on=["doc_id", "org"], how="semi")
        n_official, n_org = pl.collect_all([found_official.select(pl.len()), found_org.select(pl.len())])
        counts["actors"] += plan.select(pl.len()).collect().item()
        counts["actors_found"] += int(n_official.item() + n_org.item())
    return counts


# ---------------------------------------------------------------------------------
# Money correctness on the grammar-driven corpus (synth.generate_money): precision and recall
# ---------------------------------------------------------------------------------

#: Aims of issue 13 (reported; ``--strict-money`` makes a miss fail the run).
AIM_CLEAN_FLAG_RATE = 0.01
AIM_GARBLE_RECALL = 0.95
#: A planted amount is recovered when an extracted amount overlaps its span, has its
#: currency, and its value (for a closed range, both ends) is within this relative tolerance.
VALUE_TOLERANCE = 0.005
#: Documents of the money corpus (``--money-docs``; ``--quick`` uses :data:`QUICK_MONEY_DOCS`).
MONEY_DOCS = 600
QUICK_MONEY_DOCS = 300


def _close(got: float | None, want: float | None, tol: float = VALUE_TOLERANCE) -> bool:
    if got is None or want is None:
        return got is None and want is None
    return abs(got - want) <= tol * abs(want)


def _value_ok(f: dict, t: dict) -> bool:
    """An extracted row ``f`` reads planted amount ``t`` right: same currency, value within
    the tolerance, and for a closed range both ends."""
    if f.get("currency") != t["currency"] or not _close(f.get("value_native"), t["value"]):
        return False
    if t["bound"] == "exact" and t["low"] is not None and t["high"] is not None and t["low"] != t["high"]:
        return _close(f.get("value_low_native"), t["low"]) and _close(f.get("value_high_native"), t["high"])
    return True


@dataclass
class MoneyScore:
    """What :func:`score_money` measured. Counts are of planted items (truth rows) or of
    extracted rows, as named; rates are None when their denominator is 0."""

    amounts: int  # planted amounts (clean and context amounts of garbles)
    detected: int  # ... with an overlapping extracted row
    correct: int  # ... whose matched row has the planted currency and value
    rows: int  # extracted rows
    matched_rows: int  # rows matched one-to-one with a planted amount or garble
    extras: dict[str, int]  # unmatched rows by where they fell: split (a second row on a planted item), negative:<type>, unplanted
    clean_detected: int  # clean planted amounts (not part of a garble) with an overlapping row
    clean_flagged: int  # ... of which some overlapping row is_suspect
    garbles: int
    garbles_flagged: int  # some row overlapping the garble or one of its context amounts is suspect
    suspect_rows: int
    suspect_rows_right: int  # suspect rows overlapping a planted garble or its context amounts
    bound_checked: int  # detected amounts when the extractor gives `bound`
    bound_right: int
    per_form: pl.DataFrame  # form, category, language, planted, detected, correct, recall, clean_flags
    negatives: pl.DataFrame  # type, planted, with_rows (negatives an extracted row overlaps)
    per_garble: pl.DataFrame  # pattern, planted, flagged

    @staticmethod
    def _rate(a: int, b: int) -> float | None:
        return a / b if b else None

    @property
    def recall(self) -> float | None:
        return self._rate(self.correct, self.amounts)

    @property
    def precision(self) -> float | None:
        return self._rate(self.matched_rows, self.rows)

    @property
    def value_accuracy(self) -> float | None:
        return self._rate(self.correct, self.detected)

    @property
    def clean_flag_rate(self) -> float | None:
        return self._rate(self.clean_flagged, self.clean_detected)

    @property
    def garble_recall(self) -> float | None:
        return self._rate(self.garbles_flagged, self.garbles)

    @property
    def flag_precision(self) -> float | None:
        return self._rate(self.suspect_rows_right, self.suspect_rows)

    def aims_met(self) -> bool:
        return (self.clean_flag_rate or 0.0) <= AIM_CLEAN_FLAG_RATE and (self.garble_recall or 0.0) >= AIM_GARBLE_RECALL

    def verdict(self) -> str:
        def part(label: str, x: float | None, aim: str, ok: bool) -> str:
            shown = "n/a" if x is None else f"{x:.1%}"
            return f"{label} {shown} (aim {aim}: {'met' if ok else 'MISSED'})"

        cfr, gr = self.clean_flag_rate, self.garble_recall
        return "money aims: " + "; ".join([
            part("clean-flag rate", cfr, "<= 1%", cfr is not None and cfr <= AIM_CLEAN_FLAG_RATE),
            part("garble recall", gr, ">= 95%", gr is not None and gr >= AIM_GARBLE_RECALL),
        ])


def score_money(truth: pl.DataFrame, found: pl.DataFrame) -> MoneyScore:
    """Score extracted amounts against a truth table (:func:`kpolicy.synth.truth_table`).

    ``found`` has ``doc_id, char_start, char_end`` (in the same text as the truth's spans),
    ``currency, value_native, value_low_native, value_high_native, is_suspect`` and
    optionally ``bound``. Rows overlap a planted item when their spans share a character.
    Each planted amount or garble is matched with at most one overlapping row (a row with
    the right value first), each row with at most one item; unmatched rows are the extras,
    counted by where they fell.
    """
    has_bound = "bound" in found.columns
    items_by_doc: dict[str, list[dict]] = {}
    for t in truth.iter_rows(named=True):
        items_by_doc.setdefault(t["doc_id"], []).append(t)
    rows_by_doc: dict[str, list[dict]] = {}
    for f in found.iter_rows(named=True):
        rows_by_doc.setdefault(f["doc_id"], []).append(f)

    def overlaps(f: dict, t: dict) -> bool:
        return f["char_start"] < t["char_end"] and t["char_start"] < f["char_end"]

    amounts = detected = correct = clean_detected = clean_flagged = garbles = garbles_flagged = 0
    matched_rows = suspect_rows = suspect_right = bound_checked = bound_right = 0
    extras: dict[str, int] = {}
    form_rows: dict[str, dict] = {}
    neg_rows: dict[str, list[int]] = {}
    garble_rows: dict[str, list[int]] = {}
    for doc_id in sorted(set(items_by_doc) | set(rows_by_doc)):
        items = items_by_doc.get(doc_id, [])
        rows = rows_by_doc.get(doc_id, [])
        used: set[int] = set()
        matched: dict[int, int] = {}  # item index -> row index
        for i, t in enumerate(items):
            if t["kind"] == "negative":
                continue
            cands = [j for j, f in enumerate(rows) if j not in used and overlaps(f, t)]
            good = [j for j in cands if _value_ok(rows[j], t)]
            if cands:
                matched[i] = (good or cands)[0]
                used.add(matched[i])
        matched_rows += len(used)
        group_spans = [t for t in items if t["group"] is not None or t["kind"] == "garble"]
        for j, f in enumerate(rows):
            if f["is_suspect"]:
                suspect_rows += 1
                suspect_right += any(overlaps(f, t) for t in group_spans)
            if j in used:
                continue
            if any(overlaps(f, t) for t in items if t["kind"] != "negative"):
                where = "split"
            else:
                neg = next((t for t in items if t["kind"] == "negative" and overlaps(f, t)), None)
                where = f"negative:{neg['category']}" if neg else "unplanted"
            extras[where] = extras.get(where, 0) + 1
        for i, t in enumerate(items):
            hit = [f for f in rows if overlaps(f, t)]
            if t["kind"] == "negative":
                c = neg_rows.setdefault(t["category"], [0, 0])
                c[0] += 1
                c[1] += bool(hit)
                continue
            if t["kind"] == "garble":
                garbles += 1
                group = [u for u in group_spans if u["group"] == t["group"]] if t["group"] is not None else [t]
                flagged = any(f["is_suspect"] for f in rows for u in group if overlaps(f, u))
                garbles_flagged += flagged
                g = garble_rows.setdefault(t["garble_pattern"] or "?", [0, 0])
                g[0] += 1
                g[1] += flagged
                continue
            amounts += 1
            row = rows[matched[i]] if i in matched else None
            ok = row is not None and _value_ok(row, t)
            detected += row is not None
            correct += ok
            fr = form_rows.setdefault(t["form"], {"form": t["form"], "category": t["category"], "language": t["language"],
                                                  "planted": 0, "detected": 0, "correct": 0, "clean_flags": 0})
            fr["planted"] += 1
            fr["detected"] += row is not None
            fr["correct"] += ok
            if row is not None and has_bound:
                bound_checked += 1
                bound_right += (row.get("bound") or "exact") == t["bound"]
            if t["garble_pattern"] is None and row is not None:
                clean_detected += 1
                flagged = any(f["is_suspect"] for f in hit)
                clean_flagged += flagged
                fr["clean_flags"] += flagged
    per_form = pl.DataFrame(
        list(form_rows.values()),
        schema={"form": pl.String, "category": pl.String, "language": pl.String, "planted": pl.Int64, "detected": pl.Int64,
                "correct": pl.Int64, "clean_flags": pl.Int64},
    ).with_columns((pl.col("correct") / pl.col("planted")).round(3).alias("recall")).sort("category", "recall", "form")
    negatives = pl.DataFrame(
        [{"type": k, "planted": v[0], "with_rows": v[1]} for k, v in sorted(neg_rows.items())],
        schema={"type": pl.String, "planted": pl.Int64, "with_rows": pl.Int64},
    )
    per_garble = pl.DataFrame(
        [{"pattern": k, "planted": v[0], "flagged": v[1]} for k, v in sorted(garble_rows.items())],
        schema={"pattern": pl.String, "planted": pl.Int64, "flagged": pl.Int64},
    )
    return MoneyScore(amounts, detected, correct, sum(len(rs) for rs in rows_by_doc.values()), matched_rows, extras,
                      clean_detected, clean_flagged, garbles, garbles_flagged, suspect_rows, suspect_right,
                      bound_checked, bound_right, per_form, negatives, per_garble)


def run_money(n_docs: int = MONEY_DOCS, seed: int = 0) -> MoneyScore:
    """Generate the grammar-driven money corpus, run the loader and the money extractor on
    it as ``kpolicy extract`` does, and score the amounts against the truth table
    (offsets in the files' text: the amounts' ``source_start``/``source_end``)."""
    from kpolicy.corpus import load_corpus

    with tempfile.TemporaryDirectory(prefix="kpolicy-bench-money-") as tmp:
        docs = synth.write_money_corpus(tmp, n_docs, seed)
        amounts = load_corpus(tmp, infer_regions=False).facts("amounts")
    cols = ["doc_id", "currency", "value_native", "value_low_native", "value_high_native", "is_suspect"]
    if "bound" in amounts.columns:
        cols.append("bound")
    found = amounts.select(*cols, pl.col("source_start").alias("char_start"), pl.col("source_end").alias("char_end"))
    return score_money(synth.truth_table(docs), found)


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.1%}"


def _print_money(m: MoneyScore, n_docs: int) -> None:
    extras = sum(m.extras.values())
    print(f"money correctness on {n_docs:,} grammar-generated documents (kpolicy/data/synth_money_forms.yaml):")
    print(f"  recall: {m.correct:,}/{m.amounts:,} planted amounts recovered (span overlap, currency, value within "
          f"{VALUE_TOLERANCE:.1%}) = {_pct(m.recall)}; detected (span only) {m.detected:,} = {_pct(m.detected / m.amounts if m.amounts else None)}")
    print(f"  precision: {m.matched_rows:,}/{m.rows:,} extracted amounts are planted ones = {_pct(m.precision)}; "
          f"{extras:,} extra: " + (", ".join(f"{k} {v:,}" for k, v in sorted(m.extras.items())) or "none"))
    print(f"  value accuracy: {m.correct:,}/{m.detected:,} detected amounts read with the planted currency and value = {_pct(m.value_accuracy)}"
          + (f"; bound right {m.bound_right:,}/{m.bound_checked:,}" if m.bound_checked else "; bound: not in the extractor's output"))
    print(f"  clean-flag rate: {m.clean_flagged:,}/{m.clean_detected:,} clean planted amounts found are flagged suspect = {_pct(m.clean_flag_rate)}")
    print(f"  garble recall: {m.garbles_flagged:,}/{m.garbles:,} planted garbles flagged = {_pct(m.garble_recall)}")
    print(f"  flag precision: {m.suspect_rows_right:,}/{m.suspect_rows:,} suspect amounts are planted garbles or their context = {_pct(m.flag_precision)}")
    with pl.Config(tbl_rows=-1, tbl_cols=-1, tbl_width_chars=170, fmt_str_lengths=60, tbl_hide_dataframe_shape=True):
        print("  planted garbles by pattern:")
        print(m.per_garble)
        print("  hard negatives (planted, and how many an extracted amount overlaps):")
        print(m.negatives)
        print("  per-form recall (0 = a form the extractor does not read):")
        print(m.per_form.select("category", "form", "language", "planted", "detected", "correct", "recall", "clean_flags"))
    print(m.verdict())


def _warm_up(n: int = 60, seed: int = 99) -> float:
    """Run every stage once on a few documents: compiles regexes, reads reference data."""
    from kpolicy import analysis
    from kpolicy.corpus import load_corpus
    from kpolicy.facts import available_kinds
    from kpolicy.extract import money

    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="kpolicy-bench-warm-") as tmp:
        synth.write_corpus(tmp, n, seed)
        corpus = load_corpus(tmp)
    for kind in available_kinds():
        corpus.facts(kind)
    analysis.region_theme_profile(corpus.facts("themes"), corpus.documents)
    analysis.money_by_region(corpus.facts("amounts"), corpus.documents)
    corpus.sentences.select(pl.col("text").str.count_matches(RAW_SCAN).sum())
    for t in corpus.sentences["text"].to_list()[:50]:
        money.extract_amounts_from_text(t)
    return time.perf_counter() - start


#: Documents per reader row of :func:`reader_stages`.
READER_DOCS = 40


def _reader_samples(texts: list[str]) -> dict[str, list[bytes]]:
    """The same texts as files of each reader format a writer is installed for (HTML
    always; PDF with fpdf2, two pages each; DOCX with python-docx). HWPX and HWP have no
    writer here, so no row."""
    import html as html_mod
    import io

    out: dict[str, list[bytes]] = {"html": [
        (f"<html><head><title>doc {i}</title></head><body><article>"
        + "".join(f"<p>{html_mod.escape(p)}</p>" for p in t.split("\n\n") if p.strip())
        + "</article></body></html>"
        ).encode("utf-8")
        for i, t in enumerate(texts)
    ]}
    with contextlib.suppress(ImportError):
        from fpdf import FPDF

        pdfs = []
        for t in texts:
            doc = FPDF()
            doc.set_font("Helvetica", size=10)
            half = len(t) // 2
            for part in (t[:half], t[half:]):
                doc.add_page()
                doc.multi_cell(0, 5, part.encode("latin-1", "replace").decode("latin-1"))
            pdfs.append(bytes(doc.output()))
        out["pdf"] = pdfs
    with contextlib.suppress(ImportError):
        import docx

        docs = []
        for t in texts:
            d = docx.Document()
            for p in t.split("\n\n"):
                if p.strip():
                    d.add_paragraph(p)
            buf = io.BytesIO()
            d.save(buf)
            docs.append(buf.getvalue())
        out["docx"] = docs
    return out


def reader_stages(texts: list[str]) -> list[Stage]:
    """One row per reader format (:mod:`kpolicy.readers`): files/s and MB/s of input
    bytes, timed on :data:`READER_DOCS` of the generated documents written in that format.
    A format whose reader or writer is not installed has no row."""
    from kpolicy import readers

    sample = texts[:READER_DOCS]
    stages = []
    for fmt, files in _reader_samples(sample).items():
        try:
            readers.read_bytes(files[0], f".{fmt}")  # loads the module and its library
        except readers.ReaderError:
            continue
        mb = sum(len(f) for f in files) / 1e6
        stage, _ = _timed(f"reader: {fmt} (input MB)", lambda files=files, fmt=fmt: [readers.read_bytes(f, f".{fmt}") for f in files], len(files), mb, 0)
        stages.append(stage)
    return stages


def run(n_docs: int, seed: int = 0, quantulum_sample: int = 2000) -> tuple[pl.DataFrame, pl.DataFrame, dict[str, int]]:
    """Run every stage on ``n_docs`` generated documents.

    Returns:
        (stage table, ratio table, correctness counts).
    """
    from kpolicy import analysis, facts
    from kpolicy.corpus import _fill_regions, load_corpus
    from kpolicy.extract import money

    _reset_peak()
    warm = _warm_up()
    warm_peak = _peak_mb()
    with tempfile.TemporaryDirectory(prefix="kpolicy-bench-") as tmp:
        docs = synth.write_corpus(tmp, n_docs, seed)
        megabytes = sum(len(d.text.encode("utf-8")) for d in docs) / 1e6
        load, corpus = _timed("load + normalise", lambda: load_corpus(tmp, infer_regions=False), n_docs, megabytes, 0)
    stages = [Stage("one-time start-up (regex compile, reference data)", warm, 0, 0, 0, warm_peak), load]
    stages += reader_stages([d.text for d in docs])
    sentences = corpus.sentences
    n_sent = sentences.height
    load.sentences = n_sent
    sent_mb = float(sentences["text"].str.len_bytes().sum()) / 1e6

    about, documents = _timed("about-regions (documents.regions, level)", lambda: _fill_regions(corpus.documents, sentences), n_docs, sent_mb, n_sent)
    stages.append(about)
    corpus.documents = documents
    by_kind: dict[str, Stage] = {}
    for kind in [*facts.FACT_KINDS, *facts.DERIVED_KINDS]:
        if kind not in facts.available_kinds():
            continue
        stage, _ = _timed(kind, lambda kind=kind: corpus.facts(kind), n_docs, sent_mb, n_sent)
        by_kind[kind] = stage
        stages.append(stage)
    themes, amounts = corpus.facts("themes"), corpus.facts("amounts")
    stages.append(_timed("analysis: region_theme_profile", lambda: analysis.region_theme_profile(themes, corpus.documents), n_docs, 0, 0)[0])
    stages.append(_timed("analysis: money_by_region", lambda: analysis.money_by_region(amounts, corpus.documents, themes), n_docs, 0, 0)[0])

    scan_stage, _ = _timed(
        "raw regex scan (speed limit)",
        lambda: sentences.select(pl.col("text").str.count_matches(RAW_SCAN).sum()),
        n_docs,
        sent_mb,
        n_sent,
    )
    texts = sentences["text"].to_list()
    # One extractor call per sentence (the same query, no batching), on a sample: the cost
    # of using extract_amounts_from_text in a loop instead of one corpus-wide query.
    naive = texts[: max(1, quantulum_sample // 10)]  # ~40 ms a call: a tenth of the peer sample
    naive_stage, _ = _timed(
        "one call per sentence (baseline, sample)",
        lambda: [money.extract_amounts_from_text(t) for t in naive],
        0,
        sum(len(t.encode("utf-8")) for t in naive) / 1e6,
        len(naive),
    )
    refs = [scan_stage, naive_stage]
    try:
        with warnings.catch_warnings():  # it warns that its optional classifier is absent
            warnings.simplefilter("ignore", UserWarning)
            from quantulum3 import parser as q_parser  # the peer: the `bench` extra

        sample = texts[:quantulum_sample]
        sample_mb = sum(len(t.encode("utf-8")) for t in sample) / 1e6
        q_parser.parse(sample[0])  # its first call loads its unit tables
        q_stage, _ = _timed("quantulum3 (peer, sample)", lambda: [q_parser.parse(t) for t in sample], 0, sample_mb, len(sample))
        refs.append(q_stage)
    except ImportError:
        pass
    stages += refs

    table = pl.DataFrame([s.row() for s in stages])
    ours_stage = by_kind["amounts"]
    ours = ours_stage.sentences / max(ours_stage.seconds, 1e-9)
    ratios = pl.DataFrame(
        [
            {
                "compared_with": s.name,
                "their_sentences_per_s": round(s.sentences / max(s.seconds, 1e-9)),
                "kpolicy_amounts_sentences_per_s": round(ours),
                "kpolicy_speedup": round(ours / (s.sentences / max(s.seconds, 1e-9)), 3),
            }
            for s in refs
        ]
    )
    counts = check_planted(amounts, docs)
    if "actors" in by_kind:
        counts |= check_planted_actors(corpus.facts("actors"), docs)
    return table, ratios, counts


# ---------------------------------------------------------------------------------
# Goals (issue 17): loader, `kpolicy facts amounts` end to end, full pipeline on 2 cores
# ---------------------------------------------------------------------------------

#: The speed goals, reported (never asserted) by ``--goals``.
GOAL_LOADER_MB_PER_S_PER_CORE = 20.0
GOAL_AMOUNTS_SENTENCES_PER_S = 100_000
GOAL_PIPELINE_DOCS_PER_S = 1_500
GOAL_PIPELINE_JOBS = 2
#: ``--goals`` corpus: about 200,000 sentences of news-length generated documents.
GOAL_DOCS = 6_400
#: Documents streamed through the full pipeline by ``--goals``.
GOAL_PIPELINE_DOCS = 2_000
#: The release the goals compare with (main before issue 17's work).
PREVIOUS_RELEASE = "8f78d6f"

# Runs in a fresh process with a kpolicy root first on sys.path: one measurement, as JSON.
_GOAL_CHILD = r"""
import json, re, sys, time, resource
from pathlib import Path
sys.path.insert(0, sys.argv[1])
what, folder, extra = sys.argv[2], Path(sys.argv[3]), sys.argv[4]
RAW = re.compile(sys.argv[5])
def cpu():
    r, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime + c.ru_utime + c.ru_stime
out = {}
start_wall, start_cpu = time.perf_counter(), cpu()
if what == "raw":
    # The floor of touching every byte in Python: read, decode, one regex pass.
    n = 0
    for p in sorted(folder.glob("*.txt")):
        n += len(RAW.findall(p.read_bytes().decode("utf-8")))
    out["matches"] = n
elif what == "loader":
    from kpolicy.corpus import load_corpus
    load_corpus(extra, progress=False, infer_regions=False)  # warm-up on another corpus
    start_wall, start_cpu = time.perf_counter(), cpu()
    c = load_corpus(folder, progress=False, infer_regions=False)
    out["sentences"] = c.sentences.height
elif what == "amounts":
    # What the user runs, from a cold start: kpolicy facts amounts --corpus DIR.
    from kpolicy.cli import main
    assert main(["facts", "amounts", "--corpus", str(folder), "--format", "parquet", "--out", extra]) == 0
elif what == "pipeline":
    from kpolicy import pipeline
    s = pipeline.run(folder, extra, jobs=int(sys.argv[6]), progress=False)
    out["documents"] = s.documents
out["wall"] = time.perf_counter() - start_wall
out["cpu"] = cpu() - start_cpu
print(json.dumps(out))
"""


def _goal_child(root: Path, what: str, folder: Path, extra: str, jobs: int = 1) -> dict[str, float]:
    import json
    import subprocess

    res = subprocess.run([sys.executable, "-c", _GOAL_CHILD, str(root), what, str(folder), extra, RAW_SCAN, str(jobs)],
                         capture_output=True, text=True, check=False)
    if res.returncode != 0:
        raise KpolicyError(f"bench --goals: the {what} run of {root} failed: {res.stderr.strip().splitlines()[-1] if res.stderr.strip() else res.returncode}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def previous_release(ref: str = PREVIOUS_RELEASE) -> Path | None:
    """The kpolicy package of commit ``ref``, extracted with ``git archive`` into a temporary
    folder (None when this is not a git checkout or the commit is unknown)."""
    import subprocess

    from kpolicy.paths import ROOT

    target = Path(tempfile.mkdtemp(prefix=f"kpolicy-{ref}-"))
    try:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref, "kpolicy"], capture_output=True, check=True)
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError):
        shutil.rmtree(target, ignore_errors=True)
        return None
    return target


def run_goals(n_docs: int = GOAL_DOCS, pipeline_docs: int = GOAL_PIPELINE_DOCS, seed: int = 0, ref: str | None = PREVIOUS_RELEASE,
              jobs: int = GOAL_PIPELINE_JOBS) -> pl.DataFrame:
    """The three speed goals, each measured for this code and for the previous release
    (``ref``) in the same run, in fresh processes, and set against the raw scan.

    * loader: :func:`kpolicy.load_corpus` (read, decode, normalise, split, metadata,
      content tokens; no about-regions), MB of input per CPU second (= per core);
    * ``kpolicy facts amounts --corpus DIR`` end to end from a cold start: sentences per
      wall second;
    * the full pipeline (:func:`kpolicy.pipeline.run`, every table) with ``jobs`` worker
      processes: documents per wall second.

    The raw scan reads, decodes and runs one regex pass over the same files (MB and
    documents per CPU second). The machine's load moves all of them together, so read
    the ratios.
    """
    from kpolicy.paths import ROOT

    with tempfile.TemporaryDirectory(prefix="kpolicy-goals-") as tmp:
        base = Path(tmp)
        docs = synth.write_corpus(base / "corpus", n_docs, seed)
        synth.write_corpus(base / "warm", 30, seed + 99)
        mb = sum(len(d.text.encode("utf-8")) for d in docs) / 1e6
        pipe = base / "pipeline"
        synth.write_corpus(pipe, pipeline_docs, seed + 1)
        versions = {"this code": ROOT}
        old = previous_release(ref) if ref else None
        if old is not None:
            versions[f"previous release {ref}"] = old
        try:
            raw = _goal_child(ROOT, "raw", base / "corpus", "")
            rows = []
            for label, root in versions.items():
                loader = _goal_child(root, "loader", base / "corpus", str(base / "warm"))
                amounts = _goal_child(root, "amounts", base / "corpus", str(base / f"amounts-{len(rows)}.parquet"))
                full = _goal_child(root, "pipeline", pipe, str(base / f"out-{len(rows)}"), jobs)
                n_sent = loader["sentences"]
                rows.append({
                    "version": label,
                    "loader_mb_per_cpu_s": round(mb / loader["cpu"], 2),
                    "loader_mb_per_s_wall": round(mb / loader["wall"], 2),
                    "amounts_end_to_end_sentences_per_s": round(n_sent / amounts["wall"]),
                    "amounts_sentences_per_cpu_s": round(n_sent / amounts["cpu"]),
                    f"pipeline_docs_per_s_{jobs}_workers": round(full["documents"] / full["wall"], 1),
                    "pipeline_docs_per_cpu_s": round(full["documents"] / full["cpu"], 1),
                    "_sentences": n_sent,
                })
        finally:
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
    raw_mb_per_cpu_s = mb / raw["cpu"]
    table = pl.DataFrame(rows)
    goals = {
        "version": "goal",
        "loader_mb_per_cpu_s": GOAL_LOADER_MB_PER_S_PER_CORE,
        "loader_mb_per_s_wall": None,
        "amounts_end_to_end_sentences_per_s": GOAL_AMOUNTS_SENTENCES_PER_S,
        "amounts_sentences_per_cpu_s": None,
        f"pipeline_docs_per_s_{jobs}_workers": float(GOAL_PIPELINE_DOCS_PER_S),
        "pipeline_docs_per_cpu_s": float(GOAL_PIPELINE_DOCS_PER_S) / jobs,
        "_sentences": table["_sentences"][0],
    }
    raw_row = {
        "version": "raw scan (read + decode + one regex pass)",
        "loader_mb_per_cpu_s": round(raw_mb_per_cpu_s, 2),
        "loader_mb_per_s_wall": round(mb / raw["wall"], 2),
        "amounts_end_to_end_sentences_per_s": round(table["_sentences"][0] / raw["cpu"]),
        "amounts_sentences_per_cpu_s": round(table["_sentences"][0] / raw["cpu"]),
        f"pipeline_docs_per_s_{jobs}_workers": round(n_docs / raw["cpu"] * jobs, 1),
        "pipeline_docs_per_cpu_s": round(n_docs / raw["cpu"], 1),
        "_sentences": table["_sentences"][0],
    }
    return pl.concat([table, pl.DataFrame([raw_row, goals], schema=table.schema)], how="vertical")


def _print_goals(table: pl.DataFrame, n_docs: int, pipeline_docs: int, jobs: int) -> None:
    cols = [c for c in table.columns if not c.startswith("_")]
    n_sent = table["_sentences"][0]
    print(f"goals: loader and `kpolicy facts amounts` on {n_docs:,} generated documents ({n_sent:,} sentences); "
          f"full pipeline on {pipeline_docs:,} documents with {jobs} worker processes")
    with pl.Config(tbl_rows=-1, tbl_cols=-1, tbl_width_chars=200, fmt_str_lengths=50, tbl_hide_dataframe_shape=True):
        print(table.select(cols))
    rows = {r["version"]: r for r in table.iter_rows(named=True)}
    this, raw, goal = rows["this code"], rows["raw scan (read + decode + one regex pass)"], rows["goal"]
    prev = next((r for k, r in rows.items() if k.startswith("previous release")), None)
    # Against the goal: the goal's own measure (wall time end to end, except the loader's
    # per core). Against the previous release and the raw scan: CPU seconds, which other
    # work on a shared machine distorts far less than wall time.
    for col, cpu_col, what in (("loader_mb_per_cpu_s", "loader_mb_per_cpu_s", "loader (MB per CPU second)"),
                               ("amounts_end_to_end_sentences_per_s", "amounts_sentences_per_cpu_s", "facts amounts end to end (sentences/s)"),
                               (f"pipeline_docs_per_s_{jobs}_workers", "pipeline_docs_per_cpu_s", f"full pipeline, {jobs} workers (documents/s)")):
        v, c = this[col], this[cpu_col]
        parts = [f"{v:,} = {v / goal[col]:.3g}x the goal ({'met' if v >= goal[col] else 'missed'})",
                 f"per CPU second {c:,} = {c / raw[cpu_col]:.3g}x the raw scan"]
        if prev is not None:
            parts.append(f"{c / prev[cpu_col]:.2f}x the previous release (wall: {v / prev[col]:.2f}x)")
        print(f"  {what}: " + "; ".join(parts))


# ---------------------------------------------------------------------------------
# Scale: the streaming pipeline end to end
# ---------------------------------------------------------------------------------


def _write_folder(folder: Path, n: int, seed: int) -> synth.Written:
    """Generated documents as one .txt file each, streaming (plus the planted facts)."""
    import json

    folder.mkdir(parents=True, exist_ok=True)
    planted = folder.parent / f"{folder.name}.planted.jsonl"
    n_bytes = 0
    with open(planted, "w", encoding="utf-8") as fh:
        for d in synth.iter_docs(n, seed):
            data = d.text.encode("utf-8")
            n_bytes += len(data)
            (folder / f"{d.doc_id}.txt").write_bytes(data)
            fh.write(json.dumps(synth.planted_record(d), ensure_ascii=False) + "\n")
    return synth.Written(folder, planted, n, n_bytes)


def _du_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def run_scale(
    n_docs: int,
    seed: int = 0,
    fmt: str = "jsonl",
    *,
    batch_docs: int | None = None,
    jobs: int = 1,
    workdir: str | Path | None = None,
    keep: bool = False,
    progress: bool | None = None,
    analysis_stages: bool = True,
    engine: str = "local",
    scheduler: str | None = None,
) -> dict[str, object]:
    """Generate ``n_docs`` documents, stream them through :func:`kpolicy.pipeline.run`.

    Args:
        fmt: ``jsonl``, ``parquet`` or ``folder`` (one .txt per document).
        workdir: where to write (default: a temporary folder, removed unless ``keep``).
        engine, scheduler: as for :func:`kpolicy.pipeline.run`; the dask engine defaults
            to a LocalCluster of ``jobs`` worker processes (``local:JOBS``).

    Returns:
        Figures: generation time, pipeline time and throughput, peak memory (this
        process and the workers), output size, rows per table, analysis timings and the
        correctness counts.
    """
    from kpolicy import pipeline

    if fmt not in ("jsonl", "parquet", "folder"):
        raise KpolicyError(f"unknown --format {fmt!r}; valid: jsonl, parquet, folder")
    base = Path(workdir) if workdir else Path(tempfile.mkdtemp(prefix="kpolicy-scale-"))
    base.mkdir(parents=True, exist_ok=True)
    try:
        start = time.perf_counter()
        if fmt == "folder":
            written = _write_folder(base / "corpus", n_docs, seed)
        else:
            written = synth.write_records(base / f"docs.{fmt}", n_docs, seed)
        gen_seconds = time.perf_counter() - start
        out = base / "out"
        _reset_peak()
        if engine == "dask" and scheduler is None:
            scheduler = f"local:{jobs}"
        summary = pipeline.run(
            written.path, out, batch_docs=batch_docs or pipeline.DEFAULT_BATCH_DOCS, jobs=jobs if engine == "local" else 1,
            progress=progress, engine=engine, scheduler=scheduler,
        )
        workers = summary.jobs
        figures: dict[str, object] = {
            "documents": summary.documents,
            "input_mb": round(written.n_bytes / 1e6, 1),
            "sentences": summary.sentences,
            "format": fmt,
            "jobs": jobs,
            "engine": engine,
            "workers": workers,
            "engine_startup_seconds": round(summary.engine_startup_seconds, 1),
            "docs_per_s_per_worker": round(summary.documents / summary.seconds / max(workers, 1), 1),
            "docs_per_cpu_s": round(summary.documents / summary.batch_cpu_seconds, 1) if summary.batch_cpu_seconds else None,
            "worker_peak_rss_mb_by_worker": {k: round(v) for k, v in summary.worker_peak_rss_mb_by_worker.items()},
            "batch_docs": batch_docs or pipeline.DEFAULT_BATCH_DOCS,
            "generate_seconds": round(gen_seconds, 1),
            "pipeline_seconds": round(summary.seconds, 1),
            "docs_per_s": round(summary.documents / summary.seconds, 1),
            "mb_per_s": round(written.n_bytes / 1e6 / summary.seconds, 3),
            "sentences_per_s": round(summary.sentences / summary.seconds),
            "peak_rss_mb": round(summary.peak_rss_mb),
            "worker_peak_rss_mb": round(summary.worker_peak_rss_mb) if summary.worker_peak_rss_mb else None,
            "output_mb": round(_du_mb(out), 1),
            "rows": dict(summary.rows),
            "summary_line": summary.line(),
        }
        figures |= check_output(out, written.planted, analysis_stages=analysis_stages)
        return figures
    finally:
        if not keep and not workdir:
            shutil.rmtree(base, ignore_errors=True)


def check_output(out: str | Path, planted: Path, *, analysis_stages: bool = True) -> dict[str, object]:
    """Check a streamed run's output against the planted facts, then (optionally) run the
    analysis aggregates over it, straight from the Parquet parts.

    Both steps read the output lazily, so their memory does not grow with the corpus:
    the checks go ``CHECK_CHUNK_DOCS`` documents at a time, and the aggregates read only
    the columns they need with Polars' streaming engine.

    Returns:
        ``correctness`` (counts), ``check_seconds``, ``check_peak_rss_mb`` and, with
        ``analysis_stages``, ``region_theme_profile_seconds``, ``money_by_region_seconds``
        and ``analysis_peak_rss_mb`` (this process's peak, reset before each step).
    """
    from kpolicy import analysis, pipeline

    tables = pipeline.read_tables(out)
    figures: dict[str, object] = {}
    _reset_peak()
    t = time.perf_counter()
    counts = check_planted_lazy(tables["amounts"].select("doc_id", "surface", "amount_krw", "is_suspect"), planted)
    if "actors" in tables:
        counts |= check_planted_actors_lazy(tables["actors"].select("doc_id", "name", "title", "org"), planted)
    figures["correctness"] = counts
    figures["check_seconds"] = round(time.perf_counter() - t, 1)
    figures["check_peak_rss_mb"] = round(_peak_mb())
    if analysis_stages:
        _reset_peak()
        t = time.perf_counter()
        analysis.region_theme_profile(tables["themes"], tables["documents"])
        figures["region_theme_profile_seconds"] = round(time.perf_counter() - t, 2)
        t = time.perf_counter()
        analysis.money_by_region(tables["amounts"], tables["documents"], tables["themes"])
        figures["money_by_region_seconds"] = round(time.perf_counter() - t, 2)
        figures["analysis_peak_rss_mb"] = round(_peak_mb())
    return figures


def _correct(counts: dict[str, int]) -> bool:
    return (
        counts["found"] == counts["planted"]
        and counts["garbles_flagged"] == counts["garbles"]
        and counts.get("actors_found", 0) == counts.get("actors", 0)
    )


def _print_correctness(counts: dict[str, int]) -> None:
    print(
        f"correctness: {counts['found']:,}/{counts['planted']:,} planted amounts recovered exactly; "
        f"{counts['garbles_flagged']:,}/{counts['garbles']:,} planted garbles flagged"
        + (f"; {counts['actors_found']:,}/{counts['actors']:,} planted officials and organisations found" if "actors" in counts else "")
    )


def _print_stages(table: pl.DataFrame, ratios: pl.DataFrame) -> None:
    with pl.Config(tbl_rows=-1, tbl_cols=-1, tbl_width_chars=170, fmt_str_lengths=60, tbl_hide_dataframe_shape=True):
        print(table)
        print(ratios)
    money = table.filter(pl.col("stage") == "amounts").row(0, named=True)
    scan = table.filter(pl.col("stage") == "raw regex scan (speed limit)").row(0, named=True)
    multiple = money["seconds"] / max(scan["seconds"], 1e-9)
    rate = money["sentences_per_s"] or 0
    print(
        f"targets (reported, not asserted): money {rate:,} sentences/s (target >= {TARGET_MONEY_SENTENCES_PER_S:,}: "
        f"{'met' if rate >= TARGET_MONEY_SENTENCES_PER_S else 'MISSED'}); "
        f"{multiple:.1f}x the raw regex scan's time (target <= {TARGET_RAW_SCAN_MULTIPLE:g}x: "
        f"{'met' if multiple <= TARGET_RAW_SCAN_MULTIPLE else 'MISSED'})"
    )


def _print_scale(f: dict[str, object]) -> None:
    print(f["summary_line"])
    print(
        f"scale: {f['documents']:,} documents ({f['input_mb']:,} MB, {f['sentences']:,} sentences, {f['format']}), "
        f"engine={f['engine']}, workers={f['workers']}, batch_docs={f['batch_docs']}: {f['pipeline_seconds']:,} s = {f['docs_per_s']:,} docs/s "
        f"({f['docs_per_s_per_worker']:,} per worker), "
        f"{f['mb_per_s']} MB/s, {f['sentences_per_s']:,} sentences/s; peak RSS {f['peak_rss_mb']:,} MiB"
        + (f" (workers {f['worker_peak_rss_mb']:,} MiB each at most)" if f["worker_peak_rss_mb"] else "")
        + f"; output {f['output_mb']:,} MB; generating the input took {f['generate_seconds']} s"
    )
    if f.get("docs_per_cpu_s"):
        print(f"batch function: {f['docs_per_cpu_s']:,} documents per CPU second (the throughput of one core, all batches)")
    if f["engine"] == "dask":
        peaks = ", ".join(f"{w}: {mb:,} MiB" for w, mb in sorted(f["worker_peak_rss_mb_by_worker"].items()))  # type: ignore[union-attr]
        print(f"dask: cluster start and worker check {f['engine_startup_seconds']} s (in the pipeline time); peak RSS per worker: {peaks}")
    print(f"correctness check over the output: {f['check_seconds']} s, peak RSS {f['check_peak_rss_mb']:,} MiB")
    if "money_by_region_seconds" in f:
        print(
            f"analysis over the output (lazy, streaming): region_theme_profile "
            f"{f['region_theme_profile_seconds']} s, money_by_region {f['money_by_region_seconds']} s, "
            f"peak RSS {f['analysis_peak_rss_mb']:,} MiB"
        )
    rate = float(f["docs_per_s"])  # type: ignore[arg-type]
    if rate > 0 and int(f["documents"]) >= 10_000:  # type: ignore[call-overload]
        print(f"at this rate 1,000,000 such documents take {1e6 / rate / 3600:.1f} h")


#: ``--quick``: documents in the stage run and in the streaming run (news-length
#: documents of about 3 KB; CI runs this, so it must stay well under a minute).
QUICK_DOCS = 400
QUICK_SCALE_DOCS = 120


#: Corpus sizes of the stories benchmark (``--stories``), smallest first: the baseline.
STORIES_SIZES = (10_000, 100_000)
#: Share of generated documents given a syndicated copy (planted near-duplicates).
STORIES_COPY_SHARE = 0.02


def run_stories(sizes: tuple[int, ...] = STORIES_SIZES, seed: int = 0) -> pl.DataFrame:
    """Near-duplicate detection and story linking at growing corpus sizes.

    For each size, ``n`` generated documents plus a syndicated copy (new headline, byline
    and footer) of :data:`STORIES_COPY_SHARE` of them: MinHash signatures (per document,
    what each ``kpolicy extract`` batch does), then linking (LSH banding, estimated
    similarity, fact fingerprints, stories: what the run does once at the end), timed
    separately. The won values and years for the fact links are the planted ones.

    Returns:
        One row per size: ``documents``, ``signature_s``, ``signature_docs_per_s``,
        ``link_s``, ``link_docs_per_s``, ``link_us_per_doc_ratio`` (link time per document
        against the smallest size: 1.0 is linear growth), ``peak_rss_mb``, the planted
        copies found (``copies_found`` of ``copies_planted``) and ``other_links``.
    """
    import datetime as dt
    import random

    import numpy as np

    from kpolicy import stories

    rows = []
    base_us = None
    for n in sizes:
        # The generator writes every document from the same sentence templates, so two
        # unrelated documents of one region share far more phrasing than two real
        # articles do. Shuffling the words of each sentence keeps the vocabulary, length
        # and figures but makes unrelated documents as unlike as real ones; each gets a
        # publication day in 2020-2025, and a share of them a syndicated copy (its own
        # headline, byline and footer, published a day later). Documents are generated
        # and signed one at a time: only signatures and metadata are kept, as in
        # `kpolicy extract`, so the largest sizes fit in memory.
        rng = random.Random(seed)
        meta_rows, sig_rows, sig_arrays, amount_rows, planted = [], [], [], [], set()
        sig_s = 0.0
        _reset_peak()
        for d in synth.iter_docs(n, seed):
            text = "\n".join(" ".join(rng.sample(line.split(), len(line.split()))) for line in d.text.splitlines())
            date = dt.date(2020, 1, 1) + dt.timedelta(days=rng.randrange(6 * 365))
            versions = [(d.doc_id, text, date)]
            if rng.random() < STORIES_COPY_SHARE:
                versions.append((f"{d.doc_id}_copy", f"Wire copy\nBy Staff Reporter\n{text}\nCopyright Example Wire. All rights reserved.\n",
                                 date + dt.timedelta(days=1)))
                planted.add((f"{d.doc_id}_copy", d.doc_id))
            for doc_id, body, day in versions:
                t0 = time.perf_counter()
                sig, size = stories.signature_array(body)
                sig_s += time.perf_counter() - t0
                meta_rows.append((doc_id, d.language, [d.region], day))
                sig_rows.append((doc_id, size))
                sig_arrays.append(sig if sig is not None else np.zeros(stories.NUM_PERM, dtype=np.uint32))
            amount_rows += [(d.doc_id, a.amount_krw) for a in d.amounts]
        documents = pl.DataFrame(meta_rows, schema={"doc_id": pl.String, "language": pl.String, "regions": pl.List(pl.String),
                                                    "published_date": pl.Date}, orient="row").with_columns(
            pl.lit("day").alias("date_precision"), pl.lit(None, pl.String).alias("publisher"))
        signatures = pl.DataFrame(sig_rows, schema={"doc_id": pl.String, "n_shingles": pl.Int64}, orient="row").with_columns(
            pl.Series("signature", np.stack(sig_arrays)).cast(pl.List(pl.UInt32))).select("doc_id", "signature", "n_shingles")
        del meta_rows, sig_rows, sig_arrays
        amounts = pl.DataFrame(amount_rows, schema={"doc_id": pl.String, "amount_krw": pl.Float64}, orient="row").with_columns(
            pl.lit("KRW").alias("currency"), pl.lit(None, pl.Float64).alias("amount_krw_adjusted"))
        del amount_rows
        start = time.perf_counter()
        near = stories.build_links(documents, amounts, None, signatures=signatures)
        stories.build_stories(documents, near)
        link_s = time.perf_counter() - start
        peak = _peak_mb()
        found = {(a, b) for a, b in zip(near["doc_id"], near["linked_to"])} | {(b, a) for a, b in zip(near["doc_id"], near["linked_to"])}
        hit = len(planted & found)
        us = link_s / documents.height * 1e6
        base_us = base_us or us
        rows.append({
            "documents": documents.height, "signature_s": round(sig_s, 2), "signature_docs_per_s": round(documents.height / sig_s),
            "link_s": round(link_s, 2), "link_docs_per_s": round(documents.height / link_s),
            "link_us_per_doc_ratio": round(us / base_us, 2), "peak_rss_mb": round(peak),
            "copies_planted": len(planted), "copies_found": hit, "other_links": near.height - hit,
        })
    return pl.DataFrame(rows)


def add_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """The benchmark's options, shared by ``python -m kpolicy.bench`` and ``kpolicy bench``."""
    parser.add_argument("--docs", type=int, default=20_000, metavar="N", help="generated documents for the stage table (default 20000)")
    parser.add_argument("--seed", type=int, default=0, help="generator seed (default 0)")
    parser.add_argument(
        "--quick", action="store_true",
        help=f"CI: {QUICK_DOCS:,} documents in stages and {QUICK_SCALE_DOCS:,} streamed; fails only on correctness",
    )
    parser.add_argument("--money-docs", type=int, default=MONEY_DOCS, metavar="N",
                        help=f"grammar-generated documents for the money precision/recall section (default {MONEY_DOCS}; --quick: {QUICK_MONEY_DOCS})")
    parser.add_argument("--strict-money", action="store_true",
                        help="fail when the money aims are missed (clean-flag rate <= 1%%, garble recall >= 95%%); by default they are reported")
    parser.add_argument("--scale", type=int, default=None, metavar="N", help="stream N generated documents through the pipeline instead")
    parser.add_argument("--format", choices=("jsonl", "parquet", "folder"), default="jsonl", help="input for --scale (default jsonl)")
    parser.add_argument("--jobs", type=int, default=1, metavar="N", help="pipeline worker processes for --scale (default 1; with --engine dask: the LocalCluster's)")
    parser.add_argument("--engine", choices=("local", "dask"), default="local", help="--scale: the pipeline engine (default local)")
    parser.add_argument("--scheduler", default=None, metavar="ADDRESS|local[:N]", help="--scale --engine dask: the cluster (default local:JOBS)")
    parser.add_argument("--batch-docs", type=int, default=None, metavar="N", help="pipeline batch size for --scale (default 1000)")
    parser.add_argument("--workdir", default=None, metavar="DIR", help="folder for --scale's input and output (kept); default a temporary one")
    parser.add_argument("--no-analysis", action="store_true", help="--scale: skip the analysis aggregates over the output")
    parser.add_argument("--goals", action="store_true",
                        help="the three speed goals (loader, facts amounts end to end, full pipeline) for this code and the previous release, as ratios")
    parser.add_argument("--goal-docs", type=int, default=GOAL_DOCS, metavar="N", help=f"--goals: documents for the loader and amounts goals (default {GOAL_DOCS:,}, about 200k sentences)")
    parser.add_argument("--goal-pipeline-docs", type=int, default=GOAL_PIPELINE_DOCS, metavar="N", help=f"--goals: documents for the pipeline goal (default {GOAL_PIPELINE_DOCS:,})")
    parser.add_argument("--stories", default=None, metavar="N,N,...",
                        help="near-duplicate detection and story linking at these corpus sizes (e.g. 10000,100000,1000000): throughput and growth")
    return parser


def run_from_args(args: argparse.Namespace) -> int:
    """Run what parsed :func:`add_arguments` options ask for; 0 if every check passed, else 1."""
    ok = True
    if args.goals:
        if args.goal_docs < 10 or args.goal_pipeline_docs < 10:
            raise KpolicyError("--goal-docs and --goal-pipeline-docs must be at least 10")
        print("kpolicy bench --goals: each measured in a fresh process, this code and the previous release in one run")
        table = run_goals(args.goal_docs, args.goal_pipeline_docs, args.seed)
        _print_goals(table, args.goal_docs, args.goal_pipeline_docs, GOAL_PIPELINE_JOBS)
        return 0
    if args.stories:
        try:
            sizes = tuple(int(x) for x in args.stories.split(","))
        except ValueError:
            raise KpolicyError(f"--stories takes corpus sizes separated by commas, e.g. 10000,100000; not {args.stories!r}") from None
        if not sizes or min(sizes) < 10:
            raise KpolicyError("--stories sizes must be at least 10 documents")
        print(f"kpolicy bench --stories: near-duplicate detection and story linking at {', '.join(f'{n:,}' for n in sizes)} documents")
        table = run_stories(sizes, args.seed)
        with pl.Config(tbl_rows=-1, tbl_cols=-1, tbl_width_chars=200):
            print(table)
        missed = table.filter(pl.col("copies_found") < pl.col("copies_planted"))
        if missed.height:
            print(f"kpolicy bench: FAILED: planted copies not found at {missed['documents'].to_list()} documents")
            return 1
        return 0
    if args.scale is not None:
        if args.scale < 1:
            raise KpolicyError("--scale must be at least 1")
        print(f"kpolicy bench --scale: {args.scale:,} generated documents (seed {args.seed}) through the streaming pipeline")
        figures = run_scale(args.scale, args.seed, args.format, batch_docs=args.batch_docs, jobs=args.jobs,
                            workdir=args.workdir, analysis_stages=not args.no_analysis, engine=args.engine, scheduler=args.scheduler)
        _print_scale(figures)
        _print_correctness(figures["correctness"])  # type: ignore[arg-type]
        ok = _correct(figures["correctness"])  # type: ignore[arg-type]
    else:
        n = QUICK_DOCS if args.quick else args.docs
        if n < 1:
            raise KpolicyError("--docs must be at least 1")
        print(f"kpolicy bench: {n:,} generated documents (seed {args.seed})")
        table, ratios, counts = run(n, args.seed)
        _print_stages(table, ratios)
        _print_correctness(counts)
        ok = _correct(counts)
        n_money = QUICK_MONEY_DOCS if args.quick else args.money_docs
        if n_money > 0:
            money_score = run_money(n_money, args.seed)
            _print_money(money_score, n_money)
            if args.strict_money and not money_score.aims_met():
                print("kpolicy bench: money aims missed (--strict-money)")
                ok = False
        if args.quick:
            figures = run_scale(QUICK_SCALE_DOCS, args.seed, "jsonl", batch_docs=32, progress=False)
            _print_scale(figures)
            _print_correctness(figures["correctness"])  # type: ignore[arg-type]
            ok = ok and _correct(figures["correctness"])  # type: ignore[arg-type]
    if not ok:
        print("kpolicy bench: FAILED correctness check")
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = add_arguments(argparse.ArgumentParser(prog="python -m kpolicy.bench", description=__doc__.split("\n\n")[0]))
    return run_from_args(parser.parse_args(argv))


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KpolicyError as exc:
        print(f"kpolicy bench: error: {exc}", file=sys.stderr)
        sys.exit(2)
