"""Shared fixtures. Tests write their own fixture files into tmp_path; nothing is fetched."""

from __future__ import annotations

import pytest

import kpolicy


@pytest.fixture(scope="session")
def seed_corpus() -> kpolicy.Corpus:
    """The seed corpus, loaded once per test session."""
    return kpolicy.load_corpus()
