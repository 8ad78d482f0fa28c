"""``kpolicy``: a thin command-line front end over the package.

Commands::

    kpolicy corpus     [--corpus DIR] [--format table|csv|jsonl|parquet] [--out FILE] [--with-text]
    kpolicy sentences  [--corpus DIR] [--format ...] [--out FILE]
    kpolicy rejects    [--corpus DIR] [--format ...] [--out FILE]
    kpolicy facts KIND [--corpus DIR] [--format ...] [--out FILE]
    kpolicy totals     [--corpus DIR] [--basis literal|adjusted] [--by-year] [--format ...] [--out FILE]
    kpolicy report     [--corpus DIR] [--out DIR] [--batch FILE] [--jobs N] [--only NAME ...]
                       [--compare A,B [--reference R]] [--profile A]
    kpolicy extract    --corpus PATH --out DIR [--batch-docs N] [--jobs N] [--no-progress]
                       [--engine local|dask] [--scheduler ADDRESS|local[:N]]
    kpolicy bench      [--docs N] [--seed S] [--quick] [--scale N] [--format jsonl|parquet|folder]
                       [--jobs N] [--batch-docs N] [--workdir DIR] [--no-analysis]
    kpolicy schema     [--out FILE]
    kpolicy eval       [--labels DIR] [--texts DIR]

Errors are one line on stderr and a non-zero exit (2 for bad input, 1 for a failed
report run, 3 for an internal error); ``--debug`` shows the traceback.
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

import polars as pl
from polars.exceptions import PanicException

from kpolicy.errors import KpolicyError

FORMATS = ("table", "csv", "jsonl", "parquet")


def _add_listing_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--corpus", metavar="DIR", default=None, help="corpus folder (default: seeds/)")
    p.add_argument("--format", choices=FORMATS, default="table", help="output format (default: table)")
    p.add_argument("--out", metavar="FILE", default=None, help="write to FILE instead of standard output")


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (not usage + error)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="kpolicy",
        description="Compare Korean national and regional AI/digital policy documents, with provenance.",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True, parser_class=_Parser)

    p = sub.add_parser("corpus", help="list documents with their metadata")
    _add_listing_options(p)
    p.add_argument("--with-text", action="store_true", help="include raw_text and text columns")
    _add_listing_options(sub.add_parser("sentences", help="list sentences with offsets"))
    _add_listing_options(sub.add_parser("rejects", help="list files that could not be loaded, with reasons"))
    _add_listing_options(sub.add_parser("duplicates", help="list files skipped as duplicates (same bytes, or the same text saved differently)"))

    from kpolicy.facts import CORPUS_KINDS, DERIVED_KINDS, FACT_KINDS

    p = sub.add_parser("facts", help="extract a fact table (amounts, reconciliations, money_mentions, ledger, regions, themes, targets, actors, years)")
    p.add_argument("kind", choices=sorted([*FACT_KINDS, *DERIVED_KINDS, *CORPUS_KINDS]), help="fact kind")
    _add_listing_options(p)

    p = sub.add_parser("totals", help="money committed per region, from the ledger (one row per region)")
    _add_listing_options(p)
    p.add_argument("--basis", choices=("literal", "adjusted"), default="adjusted",
                   help="literal: suspect figures not counted; adjusted: counted at their adjusted reading where there is one (default)")
    p.add_argument("--by-year", action="store_true", help="one row per region and year instead of per region")

    p = sub.add_parser("report", help="run the notebook batch (params/batch.yaml), or ad-hoc comparisons and profiles, into reports/")
    p.add_argument("--corpus", metavar="DIR", default=None, help="corpus folder (default: seeds/)")
    p.add_argument("--out", metavar="DIR", default=None, help="output folder, relative to the current directory (default: the project's reports/)")
    p.add_argument("--batch", metavar="FILE", default=None, help="batch file, relative to the current directory (default: params/batch.yaml)")
    p.add_argument("--jobs", type=int, default=1, metavar="N", help="runs in parallel (default: 1)")
    p.add_argument("--only", action="append", metavar="NAME", help="run only this entry (repeatable)")
    p.add_argument("--compare", action="append", metavar="A,B", help="instead of the batch, compare these regions (names or aliases, comma-separated; repeatable)")
    p.add_argument("--reference", metavar="R", default=None,
                   help="keyness reference of --compare: rest (default), corpus, or regions, e.g. National")
    p.add_argument("--profile", action="append", metavar="A", help="instead of the batch, profile this region (repeatable, or comma-separated)")
    p.add_argument("--no-progress", action="store_true", help="hide the progress bar")

    p = sub.add_parser("extract", help="stream a corpus (folder, .jsonl or .parquet) through every extractor into Parquet parts")
    p.add_argument("--corpus", metavar="PATH", required=True, help="corpus folder, or a .jsonl/.parquet file with doc_id and text")
    p.add_argument("--out", metavar="DIR", required=True, help="output folder: one subfolder of Parquet parts per table")
    p.add_argument("--batch-docs", type=int, default=None, metavar="N", help="documents per batch (default 1000)")
    p.add_argument("--jobs", type=int, default=1, metavar="N", help="worker processes of the local engine (default: 1)")
    p.add_argument("--engine", choices=("local", "dask"), default="local", help="local (this machine) or dask (a Dask cluster; the same output)")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS|local[:N]",
                   help="with --engine dask: a scheduler address (tcp://host:8786) or local[:N] for N worker processes here")
    p.add_argument("--no-progress", action="store_true", help="hide the progress bar")

    from kpolicy.bench import add_arguments as add_bench_arguments

    # The same options as `python -m kpolicy.bench`, from one definition.
    add_bench_arguments(sub.add_parser("bench", help="benchmark each stage against baselines on a generated corpus, or --scale N through the streaming pipeline"))

    p = sub.add_parser("schema", help="print the data dictionary (Markdown)")
    p.add_argument("--out", metavar="FILE", default=None, help="write to FILE")

    p = sub.add_parser("eval", help="score the money and targets extractors on the real-text development set (devset/)")
    p.add_argument("--labels", metavar="DIR", default=None, help="label files (default: devset/labels)")
    p.add_argument("--texts", metavar="DIR", default=None, help="saved article texts (default: devset/texts)")
    return parser


#: File extensions that name a format; another format written to such a name is refused.
_EXTENSION_FORMATS = {".parquet": "parquet", ".pq": "parquet", ".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": None}


def emit(df: pl.DataFrame, fmt: str, out: str | None, *, corpus_root: str | Path | None = None) -> None:
    """Write a table to ``out`` (or stdout) in ``fmt``.

    A file is written atomically (a temporary file in the same folder, fsync, rename):
    an interrupted or failed write leaves the previous file intact. A relative ``out``
    is relative to the current folder. CSV cells that start with ``=``, ``+``, ``-``,
    ``@``, tab or CR get a leading ``'`` so that spreadsheets do not run them as
    formulas (:func:`kpolicy.safety.csv_safe`).

    Raises:
        KpolicyError: ``out`` is inside ``corpus_root``, is a folder, has a missing
            parent folder, or has an extension of another format.
    """
    from kpolicy import safety

    target = Path(out).expanduser() if out else None
    if target is not None:
        suffix = target.suffix.lower()
        if suffix in _EXTENSION_FORMATS and _EXTENSION_FORMATS[suffix] != fmt:
            other = _EXTENSION_FORMATS[suffix]
            fix = f"use --format {other}" if other else f"name the file .{fmt if fmt != 'table' else 'txt'}"
            raise KpolicyError(f"--format {fmt} does not match the file extension '{target.suffix}' of {target}; {fix}")
        if corpus_root is not None and safety.inside(target, corpus_root):
            raise KpolicyError(f"--out {target} is inside the corpus folder {corpus_root}; write it somewhere else")
    if fmt == "parquet":
        if target is None:
            raise KpolicyError("--format parquet needs --out FILE (Parquet is binary)")
        safety.atomic_write(target, write=df.write_parquet)
        return
    if fmt == "csv":
        text = safety.flat_csv(df).write_csv()
    elif fmt == "jsonl":
        buf = io.StringIO()
        df.write_ndjson(buf)
        text = buf.getvalue()
    elif df.width > 8:
        text = _records(df)
    else:
        with pl.Config(tbl_rows=-1, tbl_cols=-1, fmt_str_lengths=80, tbl_width_chars=160):
            text = str(df) + "\n"
    if target is not None:
        safety.atomic_write(target, text)
    else:
        sys.stdout.write(text)


def _records(df: pl.DataFrame, width: int = 100) -> str:
    """A wide table as one block per row ("column  value"), like psql's expanded mode."""
    pad = max(len(c) for c in df.columns)
    blocks = []
    for i, row in enumerate(df.iter_rows(named=True)):
        lines = [f"-[ row {i + 1} of {df.height} ]" + "-" * 20]
        for name, value in row.items():
            shown = ", ".join(map(str, value)) if isinstance(value, list) else ("" if value is None else str(value))
            shown = " ".join(shown.split())
            if len(shown) > width:
                shown = shown[: width - 1] + "…"
            lines.append(f"{name:<{pad}}  {shown}")
        blocks.append("\n".join(lines))
    return "\n".join(blocks) + f"\n({df.height} rows)\n"


def _run(args: argparse.Namespace) -> int:
    from kpolicy.corpus import load_corpus

    if args.command == "schema":
        from kpolicy.schema import data_dictionary

        text = data_dictionary()
        if args.out:
            Path(args.out).write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
        return 0
    if args.command == "eval":
        from kpolicy import devset

        return devset.run(args.labels, args.texts)
    if args.command == "bench":
        from kpolicy import bench

        return bench.run_from_args(args)
    if args.command == "extract":
        from kpolicy import pipeline

        summary = pipeline.run(
            args.corpus, args.out, batch_docs=args.batch_docs or pipeline.DEFAULT_BATCH_DOCS,
            progress=False if args.no_progress else None, jobs=args.jobs, engine=args.engine, scheduler=args.scheduler,
        )
        print(summary.line())
        return 0
    if args.command == "report":
        import os
        import signal

        from kpolicy.interactive import ENV_VAR
        from kpolicy.paths import REPORTS_DIR, from_cwd, shown
        from kpolicy.reporting import run_batch

        def _terminate(signum: int, frame: object) -> None:
            raise KeyboardInterrupt  # unwinds: running notebooks finish, lock released

        signal.signal(signal.SIGTERM, _terminate)
        # Reports hold static charts: a KPOLICY_CHARTS=interactive left in the shell (from
        # a `make lab` session) must not reach the kernels, whose widget output a saved
        # report cannot show.
        os.environ.pop(ENV_VAR, None)

        results = run_batch(
            args.corpus, args.out, batch_file=args.batch, jobs=args.jobs, only=args.only, progress=not args.no_progress,
            compare=args.compare, reference=args.reference, profile=args.profile,
        )
        failed = [r for r in results if r.status == "failed"]
        out_dir = from_cwd(args.out, REPORTS_DIR)
        for r in results:
            line = f"{r.status:>7}  {r.run.name:<28} {r.seconds:6.1f} s"
            print(line + (f"  {r.error}" if r.error else ""))
        ok = sum(r.status == "ok" for r in results)
        skipped = len(results) - ok - len(failed)
        print(f"kpolicy: {ok} of {len(results)} runs ok, {len(failed)} failed, {skipped} skipped; open {shown(out_dir / 'index.html')}")
        return 1 if failed else 0

    # Only `kpolicy corpus` shows documents.n_tokens; the other listings and every fact
    # extractor do not read it, so they skip counting it (Kiwi is the loader's largest cost).
    corpus = load_corpus(args.corpus, count_tokens=args.command == "corpus")
    if args.command == "corpus":
        df = corpus.documents if args.with_text else corpus.documents.drop("raw_text", "text")
    elif args.command == "sentences":
        df = corpus.sentences
    elif args.command == "rejects":
        df = corpus.rejects
    elif args.command == "duplicates":
        df = corpus.duplicates
    elif args.command == "facts":
        df = corpus.facts(args.kind)
    elif args.command == "totals":
        from kpolicy import ledger

        df = ledger.totals(corpus, args.basis, by_year=args.by_year)
    else:  # pragma: no cover - argparse restricts commands
        raise KpolicyError(f"unknown command {args.command!r}")
    emit(df, args.format, args.out, corpus_root=corpus.root)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return _run(args)
    except KpolicyError as exc:
        if args.debug:
            raise
        print(f"kpolicy: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        print("kpolicy: interrupted", file=sys.stderr)
        return 130
    except (Exception, PanicException) as exc:  # one line, never a traceback, unless --debug (a polars panic is a BaseException)
        if args.debug:
            raise
        print(f"kpolicy: internal error: {type(exc).__name__}: {exc} (re-run with --debug for details)", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
