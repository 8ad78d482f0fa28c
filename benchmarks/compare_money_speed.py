"""Money extraction speed of two versions of kpolicy, each as a ratio to the raw regex scan
measured in the same process (so a loaded machine affects both sides alike).

Usage (from the project root; REF is a commit to compare with, e.g. the one before a change):

    git archive REF kpolicy | tar -x -C /tmp/kpolicy-ref
    .venv/bin/python benchmarks/compare_money_speed.py /tmp/kpolicy-ref . --docs 3000

It writes a generated corpus once (kpolicy.synth, seed 0), then for each version runs
``extract_amounts`` on all its sentences three times in a fresh process and reports the
best time, the raw scan's best time and their ratio.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

_CHILD = r"""
import sys, time
import polars as pl
sys.path.insert(0, sys.argv[1])
from kpolicy.extract import money
from kpolicy.bench import RAW_SCAN
sentences = pl.read_parquet(sys.argv[2]); documents = pl.read_parquet(sys.argv[3])
money.extract_amounts(sentences.head(200), documents)
scan, ours = [], []
for _ in range(3):
    t = time.perf_counter(); sentences.select(pl.col("text").str.count_matches(RAW_SCAN).sum()); scan.append(time.perf_counter() - t)
    t = time.perf_counter(); out = money.extract_amounts(sentences, documents); ours.append(time.perf_counter() - t)
print(f"{sys.argv[1]}: {out.height:,} amounts; money {min(ours):.3f} s; raw scan {min(scan):.4f} s; "
      f"{min(ours) / min(scan):.1f}x the scan")
"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("versions", nargs="+", help="project roots holding a kpolicy/ package")
    ap.add_argument("--docs", type=int, default=3000)
    args = ap.parse_args()
    from kpolicy import synth
    from kpolicy.corpus import load_corpus

    with tempfile.TemporaryDirectory(prefix="kpolicy-money-speed-") as tmp:
        synth.write_corpus(Path(tmp) / "docs", args.docs, 0)
        corpus = load_corpus(Path(tmp) / "docs", infer_regions=False)
        sent, docs = Path(tmp) / "sentences.parquet", Path(tmp) / "documents.parquet"
        corpus.sentences.write_parquet(sent)
        corpus.documents.drop("raw_text", strict=False).write_parquet(docs)
        print(f"{args.docs:,} documents, {corpus.sentences.height:,} sentences")
        for root in args.versions:
            subprocess.run([sys.executable, "-c", _CHILD, str(Path(root).resolve()), str(sent), str(docs)], check=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
