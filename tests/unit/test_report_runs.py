"""Which runs `kpolicy report` makes: ad-hoc --compare/--profile runs, the default batch
(built from the corpus, no region named), and where relative paths point. No notebook
runs here; tests/notebooks/test_report_adhoc.py runs them."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from kpolicy import params
from kpolicy.errors import KpolicyError
from kpolicy.paths import (
    BATCH_FILE,
    NOTEBOOKS_DIR,
    PARAMS_DIR,
    ROOT,
    from_cwd,
    resolve,
    shown,
)
from kpolicy.reporting.batchfile import adhoc_runs, load_batch, region_list

PRESENT = ["Gwangju", "Daejeon"]


def test_compare_and_profile_runs_are_named_after_their_regions() -> None:
    runs = adhoc_runs(PRESENT, compare=["gwangju, 대전광역시"], profile=["Daejeon,Gwangju", "daejeon"])
    assert [r.name for r in runs] == ["profile_daejeon", "profile_gwangju", "compare_gwangju_daejeon"]
    compare = runs[-1]
    assert compare.notebook == NOTEBOOKS_DIR / "20_compare_regions.ipynb" and compare.params_file is None
    assert compare.parameters == {"regions": ["Gwangju", "Daejeon"]}  # reference: the notebook's default
    profile = runs[0]
    shared = yaml.safe_load((PARAMS_DIR / "region_profile.yaml").read_text())
    assert profile.parameters == {**shared, "region": "Daejeon"}


@pytest.mark.parametrize(
    ("reference", "expected_name", "expected"),
    [("National", "compare_gwangju_daejeon_vs_national", ["National"]), ("corpus", "compare_gwangju_daejeon_vs_corpus", "corpus"),
     ("rest", "compare_gwangju_daejeon", "rest")],
)
def test_compare_reference(reference: str, expected_name: str, expected: object) -> None:
    [run] = adhoc_runs([*PRESENT, "National"], compare=["Gwangju,Daejeon"], reference=reference)
    assert run.name == expected_name and run.parameters["reference"] == expected


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"compare": ["Gwangju,Atlantis"]}, "--compare: unknown region 'Atlantis'; valid: National, Seoul, Busan, Daegu, Incheon, Gwangju, Daejeon, "),
        ({"profile": ["Jeju"]}, "--profile: no document in this corpus is about Jeju; regions with documents: Gwangju, Daejeon"),
        ({"compare": ["Busan,Gwangju"]}, "--compare: no document in this corpus is about Busan; regions with documents: Gwangju, Daejeon"),
        ({"compare": ["Gwangju,광주광역시"]}, "--compare needs at least two different regions, got Gwangju"),
        ({"compare": [" , "]}, "--compare needs region names separated by commas"),
        ({"compare": ["Gwangju,Daejeon"], "reference": "National"}, "--reference: no document in this corpus is about National"),
        ({"profile": ["Gwangju"], "reference": "National"}, "--reference applies to --compare"),
    ],
)
def test_bad_regions_are_clear_errors(kwargs: dict, message: str) -> None:
    with pytest.raises(KpolicyError) as exc:
        adhoc_runs(PRESENT, **kwargs)
    assert str(exc.value).startswith(message)


def test_region_list_accepts_aliases_and_lists() -> None:
    assert region_list(["광주광역시", "Daejeon Metropolitan City"], "--compare", PRESENT) == ["Gwangju", "Daejeon"]


def test_the_default_batch_names_no_region() -> None:
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(PARAMS_DIR.glob("*.yaml")))
    for seed_region in ("Incheon", "Busan", "Gyeonggi"):
        assert seed_region not in text
    runs = load_batch(BATCH_FILE, ["Gwangju", "Daejeon"])
    assert [r.name for r in runs] == ["corpus_overview", "profile_gwangju", "profile_daejeon", "compare_with_national"]
    compare = runs[-1].parameters
    assert compare["regions"] is None and compare["reference"] == ["National"]


def test_regions_none_means_every_region_with_documents() -> None:
    import polars as pl

    docs = pl.DataFrame({"doc_id": ["a", "b", "c"], "regions": [["Daejeon"], ["Gwangju"], ["Daejeon"]]})
    p = params.validate_compare(docs, regions=None, reference=["National"])
    # National has no document: the reference falls back to the rest of the corpus, with a note.
    assert p.regions == ["Gwangju", "Daejeon"] and p.reference == "rest"
    assert p.notes == ["No document in this corpus is about National: distinctive terms are against the rest of the corpus instead."]
    p = params.validate_compare(docs, regions=["Gwangju", "Daejeon"], reference=["National", "Daejeon"])
    assert p.reference == ["Daejeon"] and p.notes == ["No document in this corpus is about National: the reference is Daejeon."]


def test_out_and_batch_are_relative_to_the_current_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Inside the project (where notebooks run), an input path falls back to the project
    # root, but an output path never does.
    monkeypatch.chdir(NOTEBOOKS_DIR)
    assert from_cwd("out1", ROOT / "reports") == NOTEBOOKS_DIR / "out1"
    assert resolve("seeds", ROOT / "x") == ROOT / "seeds"
    assert shown(NOTEBOOKS_DIR / "out1" / "index.html") == "out1/index.html"
    assert shown(Path("/elsewhere/index.html")) == "/elsewhere/index.html"
    assert from_cwd(None, ROOT / "reports") == ROOT / "reports"


def test_params_files_are_found_next_to_the_batch_file_or_from_the_current_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "beside.yaml").write_text("amount_basis: literal\n")
    (tmp_path / "here.yaml").write_text("top_n: 5\n")
    (sub / "batch.yaml").write_text(
        "runs:\n"
        "  - {name: 'a_{region}', notebook: 10_region_profile.ipynb, params: beside.yaml, for_each: region}\n"
        "  - {name: 'b_{region}', notebook: 10_region_profile.ipynb, params: here.yaml, for_each: region}\n"
        "  - {name: 'c_{region}', notebook: 10_region_profile.ipynb, params: nowhere.yaml, for_each: region}\n"
    )
    monkeypatch.chdir(tmp_path)
    with pytest.raises(KpolicyError, match=r"run 'c_\{region\}': parameter file not found: .*/sub/nowhere.yaml or .*/nowhere.yaml"):
        load_batch(from_cwd("sub/batch.yaml", BATCH_FILE), ["Gwangju"])
    text = (sub / "batch.yaml").read_text().splitlines()
    (sub / "batch.yaml").write_text("\n".join(text[:-1]) + "\n")
    a, b = load_batch(from_cwd("sub/batch.yaml", BATCH_FILE), ["Gwangju"])
    assert (a.params_file, a.parameters) == (sub / "beside.yaml", {"amount_basis": "literal", "region": "Gwangju"})
    assert (b.params_file, b.parameters) == (tmp_path / "here.yaml", {"top_n": 5, "region": "Gwangju"})
