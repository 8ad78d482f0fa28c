"""``kpolicy bench`` / ``make bench``: throughput per stage, with baselines in the same run.

Speed targets live here, never in tests (these machines are noisy). Each run generates a
deterministic synthetic corpus (:mod:`kpolicy.synth`), then times:

* load: read, decode, normalise and split the files (:func:`kpolicy.load_corpus`);
* amounts: the vectorised money extractor over the sentences table;
* regex scan: one raw Polars regex pass over the same sentences — the practical speed
  limit for any regex-based extractor;
* naive loop: a plain per-sentence Python loop over the same money grammar — the baseline;
* quantulum3 on a sample, if installed (``pip install quantulum3``), as a peer.

It prints documents/s, MB/s and sentences/s per stage, peak resident memory, and the
ratios of the extractor to each reference. It also checks correctness: every planted
unambiguous amount must be recovered with its exact value, and every planted garble
flagged. ``--quick`` finishes in well under a minute and is what CI runs.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from kpolicy import synth
from kpolicy.errors import KpolicyError

#: The raw scan: any number followed by a money scale word or unit.
RAW_SCAN = r"[0-9][0-9,.]*\s?(?:억|조|만|천|원|billion|trillion|million|bn|tn|won|KRW)"


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
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


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


def run(n_docs: int, seed: int = 0, quantulum_sample: int = 2000) -> tuple[pl.DataFrame, pl.DataFrame, dict[str, int]]:
    """Run every stage on ``n_docs`` generated documents.

    Returns:
        (stage table, ratio table, correctness counts).
    """
    from kpolicy.corpus import load_corpus
    from kpolicy.extract import money

    with tempfile.TemporaryDirectory(prefix="kpolicy-bench-") as tmp:
        docs = synth.write_corpus(tmp, n_docs, seed)
        megabytes = sum(len(d.text.encode("utf-8")) for d in docs) / 1e6
        load, corpus = _timed("load + normalise", lambda: load_corpus(tmp, infer_regions=False), n_docs, megabytes, 0)
    sentences = corpus.sentences
    n_sent = sentences.height
    load.sentences = n_sent
    sent_mb = float(sentences["text"].str.len_bytes().sum()) / 1e6
    stages = [load]

    amounts_stage, amounts = _timed("amounts (kpolicy)", lambda: money.extract_amounts(sentences), n_docs, sent_mb, n_sent)
    stages.append(amounts_stage)
    scan_stage, _ = _timed(
        "raw regex scan (speed limit)",
        lambda: sentences.select(pl.col("text").str.count_matches(RAW_SCAN).sum()),
        n_docs,
        sent_mb,
        n_sent,
    )
    stages.append(scan_stage)
    texts = sentences["text"].to_list()
    naive_stage, _ = _timed(
        "naive per-sentence loop (baseline)",
        lambda: [money.extract_amounts_from_text(t) for t in texts],
        n_docs,
        sent_mb,
        n_sent,
    )
    stages.append(naive_stage)
    try:
        from quantulum3 import parser as q_parser  # optional peer

        sample = texts[:quantulum_sample]
        q_stage, _ = _timed("quantulum3 (peer, sample)", lambda: [q_parser.parse(t) for t in sample], 0, 0, len(sample))
        stages.append(q_stage)
    except ImportError:
        pass

    table = pl.DataFrame([s.row() for s in stages])
    ours = amounts_stage.sentences / max(amounts_stage.seconds, 1e-9)
    ratios = pl.DataFrame(
        [
            {
                "compared_with": s.name,
                "their_sentences_per_s": round(s.sentences / max(s.seconds, 1e-9)),
                "kpolicy_speedup": round(ours / (s.sentences / max(s.seconds, 1e-9)), 2),
            }
            for s in stages[2:]
        ]
    )
    return table, ratios, check_planted(amounts, docs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kpolicy bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=20_000, help="generated documents (default 20000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="a small run (2,000 documents) for CI")
    args = parser.parse_args(argv)
    n = 2_000 if args.quick else args.docs
    if n < 1:
        raise KpolicyError("--docs must be at least 1")
    print(f"kpolicy bench: {n:,} generated documents (seed {args.seed})")
    table, ratios, counts = run(n, args.seed)
    with pl.Config(tbl_rows=-1, tbl_cols=-1, tbl_width_chars=140, tbl_hide_dataframe_shape=True):
        print(table)
        print(ratios)
    print(
        f"correctness: {counts['found']}/{counts['planted']} planted amounts recovered exactly; "
        f"{counts['garbles_flagged']}/{counts['garbles']} planted garbles flagged"
    )
    if counts["found"] != counts["planted"] or counts["garbles_flagged"] != counts["garbles"]:
        print("kpolicy bench: FAILED correctness check")
        return 1
    return 0
