"""Shared fixtures: the seed document and the real corpus (skipped when absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEED = SHARED / "seed" / "000_358c1be7637ddf8e.txt"
CORPUS = SHARED / "corpus"


@pytest.fixture(scope="session")
def seed_path() -> Path:
    if not SEED.exists():
        pytest.skip(f"seed document not found at {SEED} (../shared is absent)")
    return SEED


@pytest.fixture(scope="session")
def seed_text(seed_path: Path) -> str:
    return seed_path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    if not (CORPUS / "text").is_dir():
        pytest.skip(f"corpus not found at {CORPUS} (../shared/corpus is absent)")
    return CORPUS
