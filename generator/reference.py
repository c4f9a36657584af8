"""Curated reference data shipped beside the code (``generator/reference/*.csv``)."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

import numpy as np

REFERENCE_DIR = Path(__file__).with_name("reference")


@cache
def rows(name: str) -> tuple[dict[str, str], ...]:
    with (REFERENCE_DIR / f"{name}.csv").open(newline="", encoding="utf-8") as fh:
        return tuple(csv.DictReader(fh))


def column(name: str, col: str, dtype=None) -> np.ndarray:
    values = [r[col] for r in rows(name)]
    if dtype is None:
        return np.array(values, dtype="S")
    return np.array(values, dtype=dtype)
