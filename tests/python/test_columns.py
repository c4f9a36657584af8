"""The column helpers the output path is built on, against plain Python: digits (looked up
four at a time) and the NumPy -> Arrow conversion of every kind of column."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from generator.columns import Masked, digits, keys, permuted, to_arrow


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


def reference_arrow(values: np.ndarray, kind: str) -> pa.Array:
    """pyarrow's own conversion, value by value, as columns.to_arrow did before."""
    if kind == "int":
        return pa.array(values.astype(np.int64))
    if kind == "date":
        return pa.array(values.astype("datetime64[D]"), pa.date32())
    if kind == "ts":
        return pa.array(values.astype("datetime64[s]"), pa.timestamp("s"))
    return pa.array(values.astype(np.int32), pa.int32()).cast(pa.time32("s"))


KINDS = {
    "int": (pa.int64(), np.array([0, -5, 2**40, 7], dtype=np.int64)),
    "date": (
        pa.date32(),
        np.array(["2023-01-01", "1900-02-28", "2024-12-31", "1970-01-01"], "M8[D]"),
    ),
    "ts": (
        pa.timestamp("s"),
        np.array(["2023-01-01T10:00:01", "1969-12-31T23:59:59"] * 2, "M8[s]"),
    ),
    "time": (pa.time32("s"), np.array([0, 86_399, 3_600, 61])),
}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_fixed_width_columns_are_pyarrows_arrays(kind):
    arrow_type, values = KINDS[kind]
    got = to_arrow(values, kind, arrow_type)
    got.validate(full=True)
    assert got.type == arrow_type
    assert got.equals(reference_arrow(values, kind))
    null = np.array([True, False, False, True])
    masked = to_arrow(Masked(values, null), kind, arrow_type)
    masked.validate(full=True)
    want = reference_arrow(values, kind).to_pylist()
    assert masked.to_pylist() == [None if n else v for v, n in zip(want, null, strict=True)]


@pytest.mark.parametrize("kind", ["date", "ts"])
def test_not_a_time_is_null_as_before(kind):
    values = np.array(["2023-01-01", "NaT"], "M8[D]" if kind == "date" else "M8[s]")
    got = to_arrow(values, kind, KINDS[kind][0])
    assert got.to_pylist()[1] is None and got.equals(reference_arrow(values, kind))


def test_masked_strings_are_null_where_masked():
    values = np.array([b"ab", b"abc", b"", b"xyz"])
    got = to_arrow(Masked(values, np.array([False, True, False, True])), "str", pa.string())
    got.validate(full=True)
    assert got.to_pylist() == ["ab", None, "", None]
