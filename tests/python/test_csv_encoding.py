"""writer.encode_csv writes a block's CSV into one buffer sized from above: its bytes must be
pyarrow's own, its bound must hold for the widest values of every type the registry uses,
and a table it cannot bound still encodes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

from generator.registry import TABLES
from generator.writer import csv_size_bound, encode_csv


def pyarrow_csv(data: pa.Table) -> bytes:
    out = pa.BufferOutputStream()
    pacsv.write_csv(data, out, pacsv.WriteOptions(include_header=False))
    return out.getvalue().to_pybytes()


def widest_values(n: int = 50) -> pa.Table:
    """The widest text of every type: strings all quotes (each doubled), the extreme
    integers, negative decimals of full precision, timestamps and dates far from now."""
    return pa.table(
        {
            "quotes": pa.array(['"' * 40] * n, pa.string()),
            "text": pa.array(['Sjögren, "Ménière"\n'] * n, pa.string()),
            "big": pa.array([-(2**63)] * n, pa.int64()),
            "money": pa.array([Decimal("-999999999999.99")] * n, pa.decimal128(14, 2)),
            "qty": pa.array([Decimal("-99999999999.999")] * n, pa.decimal128(14, 3)),
            "day": pa.array([dt.date(1, 1, 1)] * n, pa.date32()),
            "ts": pa.array([dt.datetime(9999, 12, 31, 23, 59, 59)] * n, pa.timestamp("s")),
            "time": pa.array([dt.time(23, 59, 59)] * n, pa.time32("s")),
            "nothing": pa.array([None] * n, pa.string()),
        }
    )


@pytest.mark.parametrize("name", widest_values().column_names)
def test_bound_holds_for_the_widest_values(name):
    data = widest_values().select([name])  # alone: no other column's slack hides a short one
    assert csv_size_bound(data) >= len(pyarrow_csv(data))


def test_same_bytes_as_pyarrow():
    data = widest_values()
    assert encode_csv(data).to_pybytes() == pyarrow_csv(data)


def test_a_table_without_a_bound_still_encodes():
    data = pa.table({"x": pa.array([1.5, None, 2.25], pa.float64())})
    assert csv_size_bound(data) is None
    assert encode_csv(data).to_pybytes() == pyarrow_csv(data)


@pytest.mark.parametrize("code", sorted(TABLES))
def test_every_registry_type_has_a_bound(code):
    empty = TABLES[code].schema.empty_table()
    assert csv_size_bound(empty) == 0
    assert encode_csv(empty).to_pybytes() == b""
