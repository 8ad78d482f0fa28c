"""`kpolicy report` on a corpus with none of the seed regions: ad-hoc --compare/--profile
runs, the default batch built from the corpus, and relative --out from another folder.

The corpus is written here: two short articles about Gwangju and two about Daejeon, one
of each in English and in Korean. The money they commit, counted by hand:
- Gwangju: "invest 30 billion won" (30e9) + "120억원을 투자" (120 x 10^8 = 12e9) = 42e9
  won in 2 commitments;
- Daejeon: "spend 45 billion won" = 45e9 won in 1 commitment; the Korean Daejeon
  article states a target (60%) and people (300명), no money.
None of the figures is suspect, so the literal and adjusted bases agree.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kpolicy.paths import ROOT
from kpolicy.reporting import run_batch

DOCS = {
    "gwangju_ai_en.txt": (
        "Gwangju to build an AI data centre\n\n"
        "Gwangju Metropolitan City said on 4 March 2024 that it will invest 30 billion won in an artificial "
        "intelligence data centre by 2027.\nThe city plans to train 500 AI specialists a year.\n"
    ),
    "gwangju_ai_ko.txt": (
        "광주광역시, 인공지능 실증 단지 조성\n\n"
        "광주광역시는 2026년까지 인공지능 실증 단지에 120억원을 투자한다고 밝혔다.\n"
        "시는 지역 기업 100곳의 디지털 전환을 지원할 계획이다.\n"
    ),
    "daejeon_quantum_en.txt": (
        "Daejeon backs quantum computing research\n\n"
        "Daejeon Metropolitan City will spend 45 billion won on quantum computing and AI research by 2028.\n"
        "The city aims to attract 20 research institutes.\n"
    ),
    "daejeon_data_ko.txt": (
        "대전광역시, 공공데이터 개방 확대\n\n"
        "대전광역시는 2025년까지 공공데이터 개방률을 60%로 높일 계획이다.\n"
        "시는 데이터 전문 인력 300명을 양성한다.\n"
    ),
}


def _figures(region: str, krw: float, n: int) -> dict:
    return {region: {f"{k}_{b}": v for b in ("literal", "adjusted")
                     for k, v in (("committed_krw", krw), ("n_commitments", n), ("n_unresolved_suspect", 0))}}


GWANGJU, DAEJEON = _figures("Gwangju", 42e9, 2), _figures("Daejeon", 45e9, 1)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    """A folder outside the project holding the corpus in ``corpus/``."""
    root = tmp_path_factory.mktemp("gwangju_daejeon")
    corpus = root / "corpus"
    corpus.mkdir()
    for name, text in DOCS.items():
        (corpus / name).write_text(text, encoding="utf-8")
    return root


def _figures_of(out: Path, run: str) -> dict:
    return json.loads((out / f"{run}.figures.json").read_text(encoding="utf-8"))


def test_compare_two_regions_from_another_folder(workdir: Path) -> None:
    cmd = [sys.executable, "-m", "kpolicy.cli", "report", "--corpus", "corpus", "--out", "out1",
           "--compare", "Gwangju,대전광역시", "--no-progress"]
    proc = subprocess.run(cmd, cwd=workdir, capture_output=True, text=True, timeout=900, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert lines[0].split()[:2] == ["ok", "compare_gwangju_daejeon"]
    # The printed path opens from where the user stands, and that is where it was written.
    assert lines[-1] == "kpolicy: 1 of 1 runs ok, 0 failed, 0 skipped; open out1/index.html"
    out = workdir / "out1"
    assert (out / "index.html").is_file() and (out / "compare_gwangju_daejeon.html").is_file()
    assert not (ROOT / "out1").exists()
    assert _figures_of(out, "compare_gwangju_daejeon") == {**GWANGJU, **DAEJEON}
    assert 'href="compare_gwangju_daejeon.html"' in (out / "index.html").read_text(encoding="utf-8")


def test_a_region_without_documents_is_refused_before_anything_runs(workdir: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "kpolicy.cli", "report", "--corpus", "corpus", "--out", "out2", "--profile", "Busan"],
                          cwd=workdir, capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 2
    assert proc.stderr == "kpolicy: error: --profile: no document in this corpus is about Busan; regions with documents: Gwangju, Daejeon\n"
    assert not (workdir / "out2").exists()


def test_default_batch_is_built_from_the_corpus(workdir: Path) -> None:
    out = workdir / "batch"
    results = run_batch(workdir / "corpus", out, jobs=2, progress=False)
    assert {r.run.name: r.status for r in results} == {
        "corpus_overview": "ok", "profile_gwangju": "ok", "profile_daejeon": "ok", "compare_with_national": "ok",
    }, [r.error for r in results]
    assert _figures_of(out, "profile_gwangju") == GWANGJU
    assert _figures_of(out, "profile_daejeon") == DAEJEON
    assert _figures_of(out, "compare_with_national") == {**GWANGJU, **DAEJEON}
    # No national plan in this corpus: the comparison says what it compared against.
    compared = (out / "compare_with_national.ipynb").read_text(encoding="utf-8")
    assert "No document in this corpus is about National: distinctive terms are against the rest of the corpus instead." in compared

    # An ad-hoc run into the same folder adds to the index and keeps the batch's runs.
    [profile] = run_batch(workdir / "corpus", out, profile=["광주광역시"], progress=False)
    assert (profile.run.name, profile.status) == ("profile_gwangju", "ok")
    index = (out / "index.html").read_text(encoding="utf-8")
    for name in ("corpus_overview", "profile_gwangju", "profile_daejeon", "compare_with_national"):
        assert f'href="{name}.html"' in index
