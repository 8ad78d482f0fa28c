"""The papermill batch: reports, offline HTML, index, failures and the lock."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from kpolicy.errors import KpolicyError
from kpolicy.paths import NOTEBOOKS_DIR
from kpolicy.report import BatchLock, load_batch, run_batch

EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.IGNORECASE)


def _html_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.html"))


# seed_reports (the seed batch, built once per session) is in conftest.py.


def test_batch_on_seeds_succeeds(seed_reports) -> None:
    out, results = seed_reports
    assert [r.status for r in results] == ["ok"] * len(results), [r.error for r in results]
    expected = {r.name for r in load_batch(regions=["National", "Busan", "Incheon", "Gyeonggi"])}
    assert {r.run.name for r in results} == expected
    assert {"profile_busan", "profile_national", "compare_with_national"} <= expected
    index = (out / "index.html").read_text()
    for r in results:
        assert f'href="{r.run.name}.html"' in index
        assert (out / f"{r.run.name}.ipynb").is_file()
    assert (out / "tables" / "documents.parquet").is_file()
    assert (out / "tables" / "sentences.csv").is_file()
    assert not list(out.glob(".*.tmp")) and not list(out.glob(".*running*"))


def test_reports_load_nothing_from_the_network(seed_reports) -> None:
    out, _ = seed_reports
    for html in _html_files(out):
        text = html.read_text()
        assert not EXTERNAL.search(text), f"{html.name} references an external resource"
        assert "require.js" not in text and "mathjax" not in text.lower()


def test_overview_report_has_charts(seed_reports) -> None:
    out, _ = seed_reports
    html = (out / "corpus_overview.html").read_text()
    assert html.count("data:image/svg+xml") + html.count("<svg") >= 1
    assert "Documents by region and level" in (out / "corpus_overview.ipynb").read_text()


def _failing_notebook(folder: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell('corpus_dir = "seeds"', metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell('raise ValueError("deliberate failure for the test")'),
    ]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / "99_fails.ipynb"
    nbformat.write(nb, path)
    return path


def test_failing_run_is_kept_and_others_finish(tmp_path: Path) -> None:
    # Batch notebooks must live in notebooks/ (issue 12): the failing one is put there for
    # this test only, under a name no other test or nbval run collects, and removed after.
    failing = _failing_notebook(tmp_path)
    placed = NOTEBOOKS_DIR / f".test_fails_{tmp_path.name}.ipynb"
    placed.write_bytes(failing.read_bytes())
    batch = tmp_path / "batch.yaml"
    batch.write_text(
        f"runs:\n  - name: broken\n    notebook: {placed.name}\n"
        f"  - name: overview\n    notebook: 00_corpus_overview.ipynb\n"
    )
    out = tmp_path / "out"
    try:
        results = run_batch(None, out, batch_file=batch, jobs=2, progress=False)
    finally:
        placed.unlink(missing_ok=True)
    status = {r.run.name: r.status for r in results}
    assert status == {"broken": "failed", "overview": "ok"}
    broken = next(r for r in results if r.run.name == "broken")
    assert "deliberate failure" in broken.error
    assert (out / "broken.ipynb").is_file() and (out / "broken.html").is_file()
    index = (out / "index.html").read_text()
    assert 'class="failed"' in index and 'href="broken.ipynb"' in index


def test_unknown_parameter_is_rejected(tmp_path: Path) -> None:
    params = tmp_path / "p.yaml"
    params.write_text("corpus_dir: seeds\nregoin: Busan\n")
    batch = tmp_path / "batch.yaml"
    batch.write_text(f"runs:\n  - name: x\n    notebook: 00_corpus_overview.ipynb\n    params: {params}\n")
    with pytest.raises(KpolicyError, match=r"unknown parameter\(s\) \['regoin'\].*valid: corpus_dir"):
        load_batch(batch)


def test_second_batch_on_same_folder_is_refused(tmp_path: Path) -> None:
    with BatchLock(tmp_path):
        with pytest.raises(KpolicyError, match="another kpolicy report"):
            with BatchLock(tmp_path):
                pass
    with BatchLock(tmp_path):  # released: usable again
        pass


def test_whole_batch_runs_on_a_generated_corpus(tmp_path: Path) -> None:
    """The unchanged batch on 200+ generated documents from every region (issue: scale)."""
    from kpolicy import synth

    corpus_dir = tmp_path / "generated"
    synth.write_corpus(corpus_dir, 210, seed=3)
    out = tmp_path / "reports"
    results = run_batch(corpus_dir, out, jobs=2, progress=False)
    assert [r.error for r in results if r.status != "ok"] == []
    names = {r.run.name for r in results}
    assert len([n for n in names if n.startswith("profile_")]) >= 10  # one profile per region present
    assert {"corpus_overview", "compare_with_national"} <= names
    for html in _html_files(out):
        assert not EXTERNAL.search(html.read_text()), html.name


def test_sigterm_leaves_no_half_written_files_and_rerun_completes(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys
    import time

    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "kpolicy.cli", "report", "--out", str(out), "--jobs", "2", "--no-progress"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while time.time() < deadline and not list(out.glob(".*.running.ipynb")):
        time.sleep(0.2)
    assert list(out.glob(".*.running.ipynb")), "the batch never started a notebook"
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 130, err
    assert "interrupted" in err
    leftovers = [p.name for p in out.rglob("*") if p.name.startswith(".") and p.name != ".kpolicy-runs.json"]
    assert leftovers == [], leftovers  # no temporary files, no lock
    for html in out.glob("*.html"):
        assert html.read_text().rstrip().endswith("</html>"), f"{html.name} is half-written"
    rerun = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    assert "0 failed" in rerun.stdout


def test_fact_tables_are_byte_identical_across_runs(tmp_path: Path) -> None:
    from kpolicy import load_corpus
    from kpolicy.report import write_tables

    first, second = tmp_path / "a", tmp_path / "b"
    write_tables(load_corpus(), first)
    write_tables(load_corpus(), second)
    names = sorted(p.name for p in (first / "tables").iterdir())
    assert "amounts.parquet" in names and "targets.csv" in names
    for name in names:
        assert (first / "tables" / name).read_bytes() == (second / "tables" / name).read_bytes(), name


@pytest.mark.parametrize(
    ("params_text", "message"),
    [
        ("corpus_dir: seeds\nregions: [Busan\n", r"p\.yaml:3: malformed YAML"),
        ("- a list\n", r"p\.yaml: expected a mapping of parameter names to values"),
        ("regoins: [Busan]\n", r"unknown parameter\(s\) \['regoins'\] for 20_compare_regions\.ipynb; valid: amount_basis, corpus_dir, currency"),
    ],
)
def test_bad_parameter_files_give_one_clear_line(tmp_path: Path, params_text: str, message: str) -> None:
    import subprocess
    import sys

    params = tmp_path / "p.yaml"
    params.write_text(params_text)
    batch = tmp_path / "batch.yaml"
    batch.write_text(f"runs:\n  - name: x\n    notebook: 20_compare_regions.ipynb\n    params: {params}\n")
    proc = subprocess.run([sys.executable, "-m", "kpolicy.cli", "report", "--batch", str(batch), "--out", str(tmp_path / "o")],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and re.search(message, lines[0]), proc.stderr


def test_bad_parameter_values_fail_the_run_with_valid_values(tmp_path: Path) -> None:
    params = tmp_path / "p.yaml"
    params.write_text("regions: [Busan, Atlantis]\n")
    batch = tmp_path / "batch.yaml"
    batch.write_text(f"runs:\n  - name: bad\n    notebook: 20_compare_regions.ipynb\n    params: {params}\n")
    (result,) = run_batch(None, tmp_path / "o", batch_file=batch, progress=False)
    assert result.status == "failed"
    assert result.error.startswith("KpolicyError: unknown region 'Atlantis'; valid: National, Seoul, Busan")


def test_two_report_processes_on_one_folder(tmp_path: Path) -> None:
    """The second batch on the same output folder is refused with one line; the first finishes."""
    import subprocess
    import sys
    import time

    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "kpolicy.cli", "report", "--out", str(out), "--only", "corpus_overview", "--no-progress"]
    first = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lock = out / ".kpolicy-report.lock"
    deadline = time.time() + 120
    while time.time() < deadline and not lock.exists():
        time.sleep(0.1)
    assert lock.exists(), "the first batch never took the lock"
    second = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert second.returncode == 2
    assert second.stderr.strip().startswith("kpolicy: error: another kpolicy report (pid")
    first.communicate(timeout=300)
    assert first.returncode == 0
    assert (out / "corpus_overview.html").is_file() and not lock.exists()


# Headline figures each notebook records (<run>.figures.json), against values worked out by
# hand from the seed texts:
# - Busan (003): "invest 1.5 trillion won" is the one commitment. "annual sales of 20 trillion
#   won" is a sales goal and "from the current 11.8 trillion won to 20 trillion won" a
#   baseline and a target: 1.5 trillion on both bases.
# - Incheon (000): "12.8 billion KRW in national funds" + "5.7 billion KRW in private
#   contributions" = 18.5 billion on both bases.
# - National (001, 002), adjusted: "10 trillion trillion won" (headline and body: one figure,
#   the duplicated scale word read once) = 10 trillion; 002's total "5770 billion won" read as
#   5,770억 = 577 billion (its parts 531 + 1408 + 1656 + 2175 = 5770 add up). Not counted: the
#   R&D budget (20 and 24 trillion) and the industry/SME/energy budget (18.8 and 20 trillion),
#   which are economy-wide, and every item smaller than a document's headline total.
#   10 trillion + 577 billion = 10.577 trillion. Literal: both totals are garbled, so
#   nothing is summed and 2 commitments are unresolved.
# - Gyeonggi (004) states no money: zero.
SEED_COMMITTED = {
    "Busan": {"literal": 1.5e12, "adjusted": 1.5e12},
    "Incheon": {"literal": 18.5e9, "adjusted": 18.5e9},
    "National": {"literal": 0.0, "adjusted": 10.577e12},
    "Gyeonggi": {"literal": 0.0, "adjusted": 0.0},
}


def _figures(out: Path, run: str) -> dict:
    import json

    path = out / f"{run}.figures.json"
    assert path.is_file(), f"{run} recorded no headline figures"
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("run, regions", [
    ("profile_busan", ["Busan"]),
    ("profile_incheon", ["Incheon"]),
    ("profile_national", ["National"]),
    ("profile_gyeonggi", ["Gyeonggi"]),
    ("compare_with_national", ["Incheon", "Busan", "Gyeonggi", "National"]),  # every region with documents
    ("corpus_overview", ["Incheon", "Busan", "National"]),
])
def test_report_headline_money_equals_hand_computed_values(seed_reports, run: str, regions: list[str]) -> None:
    out, _ = seed_reports
    figures = _figures(out, run)
    for region in regions:
        for basis, expected in SEED_COMMITTED[region].items():
            got = figures[region][f"committed_krw_{basis}"]
            assert got == pytest.approx(expected, rel=1e-9), f"{run}: {region} {basis} {got:,.0f} != {expected:,.0f}"
    if "National" in regions:
        assert figures["National"]["n_unresolved_suspect_literal"] == 2
        assert figures["National"]["n_commitments_adjusted"] == 2


def test_reports_show_what_is_not_counted_and_why(seed_reports) -> None:
    out, _ = seed_reports
    html = (out / "profile_busan.html").read_text(encoding="utf-8")
    assert "Not counted, and why" in html
    assert "11.8 trillion won" in html and "the starting value" in html
    national = (out / "profile_national.html").read_text(encoding="utf-8")
    assert "economy-wide budget" in national  # the R&D budget, shown and not counted
    assert "Checks passed" in national


@pytest.mark.parametrize("corpus, truth", [("ledger_corpus", "ledger_truth.yaml"), ("stories_corpus", "stories_truth.yaml")])
def test_overview_figures_on_hand_written_corpora_equal_their_truth(tmp_path: Path, corpus: str, truth: str) -> None:
    """The overview notebook's recorded money per region, on the two hand-written test
    corpora, against their hand-computed truth (tests/data/*_truth.yaml)."""
    import yaml

    data = Path(__file__).parent.parent / "data"
    want = yaml.safe_load((data / truth).read_text(encoding="utf-8"))["regions"]
    results = run_batch(data / corpus, tmp_path / "out", only=["corpus_overview"], progress=False)
    assert [r.status for r in results] == ["ok"], [r.error for r in results]
    figures = _figures(tmp_path / "out", "corpus_overview")
    assert set(figures) == set(want)
    for region, w in want.items():
        literal = w.get("literal_krw", w.get("krw"))
        adjusted = w.get("adjusted_krw", w.get("krw"))
        assert figures[region]["committed_krw_literal"] == pytest.approx(literal), region
        assert figures[region]["committed_krw_adjusted"] == pytest.approx(adjusted), region
