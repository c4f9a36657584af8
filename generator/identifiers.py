"""Identifiers that can never be real (docs/data_model.md "Identifiers that can never be
real"): phone numbers in the range reserved for fiction, SSNs in never-issued areas, NPIs
that pass the Luhn check but start with a digit real NPIs do not use."""

from __future__ import annotations

import numpy as np

from generator.columns import cat, digits


def fictional_phone(r: np.random.Generator, area: np.ndarray) -> np.ndarray:
    """``(617) 555-01NN``: the 555-0100..0199 range is reserved for fiction."""
    return cat(
        "(", np.asarray(area, dtype="S3"), ") 555-01", digits(r.integers(0, 100, len(area)), 2)
    )


def _area_codes() -> np.ndarray:
    """Three-digit area codes a US number may have (NXX, N 2-9), without the reserved and
    special ones: N11 service codes, N9X (expansion), 37X and 96X (reserved), toll-free
    8YY and premium 900, and 555."""
    special = {"800", "833", "844", "855", "866", "877", "888", "900", "555"}
    return np.array(
        [
            f"{n}{x}{y}"
            for n in range(2, 10)
            for x in range(9)
            for y in range(10)
            if not (x == 1 and y == 1)
            and f"{n}{x}" not in ("37", "96")
            and f"{n}{x}{y}" not in special
        ],
        dtype="S3",
    )


AREA_CODES = _area_codes()
# distinct fictional numbers: 100 per area code
PHONE_NUMBERS = len(AREA_CODES) * 100


def own_fictional_phone(index: np.ndarray) -> np.ndarray:
    """``(NXX) 555-01NN``, a different number for each index below PHONE_NUMBERS (about
    68,000): a fixed permutation of the area codes x the 100 fictional line numbers. Numbers
    repeat only beyond that many indexes."""
    k = (np.asarray(index, dtype=np.int64) * 7_919 + 12_345) % PHONE_NUMBERS
    return cat("(", AREA_CODES[k // 100], ") 555-01", digits(k % 100, 2))


def never_issued_ssn(index: np.ndarray) -> np.ndarray:
    """SSNs in areas 000 and 666, which are never issued; unique for the first ~2 million."""
    v = np.asarray(index, dtype=np.int64)
    area = np.where(v % 2 == 0, b"666", b"000")
    v = v // 2
    return cat(area, "-", digits(1 + (v // 9_999) % 99, 2), "-", digits(1 + v % 9_999, 4))


def npi_numbers(index: np.ndarray) -> np.ndarray:
    """10-digit NPIs that pass the Luhn check over the prefix 80840 but start with 3,
    a first digit real NPIs do not use."""
    base = 300_000_000 + (np.asarray(index, dtype=np.int64) * 7_919 + 12_345) % 100_000_000
    d = ((base[:, None] // 10 ** np.arange(8, -1, -1)) % 10).astype(np.int64)
    # Luhn over "80840" + 9 digits + check: double every second digit from the right,
    # starting with the last of the 9 (the check digit is the rightmost).
    doubled = d[:, ::-1].copy()
    doubled[:, ::2] *= 2
    doubled = np.where(doubled > 9, doubled - 9, doubled)
    total = 24 + doubled.sum(axis=1)  # 24 is the Luhn contribution of the prefix 80840
    check = (10 - total % 10) % 10
    return cat(digits(base, 9), digits(check, 1))


def luhn_ok(number: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(number)):
        v = int(ch)
        if i % 2 == 1:
            v = v * 2 - 9 if v > 4 else v * 2
        total += v
    return total % 10 == 0
