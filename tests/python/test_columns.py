"""The column helpers the output path is built on, against plain Python: digits (looked up
four at a time) and the NumPy -> Arrow conversion of every kind of column."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from generator.columns import digits, keys, permuted, to_arrow


@pytest.mark.parametrize("width", [1, 2, 3, 4, 5, 8, 9, 10, 12, 15])
def test_digits_are_the_last_width_digits(width):
    r = np.random.default_rng(width)
    x = np.concatenate(
        [
            r.integers(0, 10**width, 500),
            r.integers(10**width, 10**16, 100),  # wider: only the last digits are kept
            [0, 10**width - 1, 7],
        ]
    )
    got = digits(x, width)
    assert got.dtype == np.dtype(f"S{width}")
    assert [v.decode() for v in got] == [f"{v % 10**width:0{width}d}" for v in x.tolist()]


def test_digits_of_nothing():
    assert digits(np.zeros(0, dtype=np.int64), 10).shape == (0,)


@pytest.mark.parametrize("prefix", ["PT", "", "CLM"])
def test_keys_are_the_prefix_then_the_permuted_index(prefix):
    index = np.arange(0, 3_000_000, 1_001)
    got = keys(prefix, index, 10, salt=3)
    want = [f"{prefix}{v:010d}" for v in permuted(index, 10, 3).tolist()]
    assert [v.decode() for v in got] == want
    assert len(set(want)) == len(index)


@pytest.mark.parametrize(
    "values",
    [
        ["PT0000000001", "PT0000000002"],  # every value fills the width
        ["OUTP", "INPT", "ED", ""],  # padded
        ["Sjögren syndrome", "Ménière disease"],  # UTF-8, padded
        ["éé", "abcd"],  # UTF-8 filling the width (4 bytes each)
        ["a\x00b", "abc"],  # a NUL inside a value stays
        ["a\x00b", "abcde"],  # ... padded too
        [],
    ],
)
def test_bytes_become_the_same_arrow_strings(values):
    arr = np.array([v.encode() for v in values], dtype="S") if values else np.zeros(0, "S4")
    got = to_arrow(arr, "str", pa.string())
    got.validate(full=True)
    assert got.type == pa.string()
    assert got.to_pylist() == values


@pytest.mark.parametrize("values", [[b"\xff\xfe", b"ab"], [b"\xff\xfe", b"abc"]])
def test_bytes_that_are_not_utf8_are_refused(values):
    with pytest.raises(pa.ArrowInvalid):
        to_arrow(np.array(values), "str", pa.string())
