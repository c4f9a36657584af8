"""Curated reference data shipped beside the code (``generator/reference/*.csv``)."""

from __future__ import annotations

import csv
from collections.abc import Callable
from functools import cache, wraps
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


def read_only(value):
    """``value`` with every NumPy array in it (inside dicts, tuples and lists too) made
    read-only, and returned."""
    if isinstance(value, np.ndarray):
        value.flags.writeable = False
    elif isinstance(value, dict):
        for v in value.values():
            read_only(v)
    elif isinstance(value, (tuple, list)):
        for v in value:
            read_only(v)
    return value


def shared(fn: Callable) -> Callable:
    """``functools.cache`` for tables every block and thread shares, their arrays made
    read-only: an in-place change by one caller (``ok &= ...`` on a row of a cached mask)
    would silently change every later draw of the process, so it raises instead."""

    @cache
    @wraps(fn)
    def cached(*args):
        return read_only(fn(*args))

    return cached
