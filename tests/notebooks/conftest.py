"""The seed batch, built once per test session and shared by the report tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from kpolicy.reporting import run_batch


@pytest.fixture(scope="session")
def seed_reports(tmp_path_factory) -> tuple[Path, list]:
    """``kpolicy report`` on seeds/ into a temporary folder: (folder, results)."""
    out = tmp_path_factory.mktemp("reports")
    results = run_batch(None, out, jobs=2, progress=False)
    return out, results
