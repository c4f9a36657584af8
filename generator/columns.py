"""Vectorized column building: NumPy arrays in, Arrow arrays typed by the registry out.

Conventions used by every domain module:
- text: NumPy bytes arrays (``S`` dtype) or unicode arrays;
- dates: ``datetime64[D]``; timestamps: ``datetime64[s]``; times: seconds after midnight;
- money: integer cents; quantities with three decimals (``qty``): integer thousandths;
- a nullable column is a :class:`Masked` pair of values and a boolean "is null" mask.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from generator import reference
from generator.registry import Table


@dataclass(frozen=True)
class Masked:
    values: Any
    null: np.ndarray


@reference.shared
def _four_digits() -> np.ndarray:
    """The four ASCII digits of every number below 10,000, each as one 4-byte word."""
    n = np.arange(10_000)
    d = np.stack([(n // 10 ** (3 - i)) % 10 + 48 for i in range(4)], axis=1).astype(np.uint8)
    return d.view(np.uint32).ravel()


def digits(x: np.ndarray, width: int) -> np.ndarray:
    """Zero-padded decimal digits of non-negative integers, as a bytes array of ``width``:
    the last ``width`` digits, looked up four at a time (one division per four digits)."""
    x = np.asarray(x, dtype=np.int64)
    if len(x) and (x.min() < 0 or x.max() >= 10**width):
        x = x % 10**width
    groups = -(-width // 4)
    words = np.empty((len(x), groups), dtype=np.uint32)
    for g in range(groups - 1, -1, -1):
        if 4 * (g + 1) <= 9:  # what is left fits 32 bits: faster division
            x = x.astype(np.uint32, copy=False)
        x, part = np.divmod(x, 10_000)
        words[:, g] = _four_digits()[part]
    chars = words.view(np.uint8)[:, 4 * groups - width :]
    return np.ascontiguousarray(chars).view(f"S{width}").ravel()


def cat(*parts: Any) -> np.ndarray:
    """Concatenate bytes arrays and bytes scalars element-wise."""
    out = None
    for p in parts:
        p = np.asarray(p.encode() if isinstance(p, str) else p)
        if p.dtype.kind == "U":
            p = np.char.encode(p, "utf-8")
        out = p if out is None else np.char.add(out, p)
    return out


def permuted(index: np.ndarray, width: int, salt: int) -> np.ndarray:
    """A bijection of [0, 10**width): keys look arbitrary, stay unique, need no lookup."""
    n = 10**width
    a = 7_654_321 + 2 * (salt % 1000)  # odd and not a multiple of 5: coprime to 10**width
    if a % 5 == 0:
        a += 2
    return (np.asarray(index, dtype=np.int64) % n * a + 1_234_567 * (salt + 1)) % n


def keys(prefix: str, index: np.ndarray, width: int, salt: int = 0) -> np.ndarray:
    """String keys like ``PT04711234``: a prefix plus a permutation of the row's index."""
    head = np.frombuffer(prefix.encode(), dtype=np.uint8)
    tail = digits(permuted(index, width, salt), width)
    out = np.empty((len(tail), len(head) + width), dtype=np.uint8)
    out[:, : len(head)] = head
    out[:, len(head) :] = tail.view(np.uint8).reshape(len(tail), width)
    return out.view(f"S{len(head) + width}").ravel()


def _decimal(units: np.ndarray, dtype: pa.Decimal128Type) -> pa.Array:
    units = np.asarray(units, dtype=np.int64)
    words = np.empty((len(units), 2), dtype=np.int64)
    words[:, 0] = units
    words[:, 1] = units >> 63  # sign extension into the high 64 bits
    return pa.Array.from_buffers(dtype, len(units), [None, pa.py_buffer(words.tobytes())])


def _string_array(arr: np.ndarray) -> pa.Array:
    """An Arrow string array of a NumPy bytes array, without a value-by-value loop. When
    every value fills the width (keys, codes) the NumPy buffer is the Arrow data as it is,
    with offsets every ``width`` bytes; otherwise Arrow copies the fixed-width values and
    strips their padding (NumPy pads with NUL bytes, which no UTF-8 character contains)."""
    n, width = len(arr), arr.dtype.itemsize
    if not n or not width or (n + 1) * width >= 2**31:
        return pa.array(arr, pa.binary()).cast(pa.string())
    arr = np.ascontiguousarray(arr)
    chars = arr.view(np.uint8).reshape(n, width)
    data = pa.py_buffer(arr)
    if chars[:, -1].all():  # no value ends in padding
        offsets = pa.py_buffer(np.arange(0, (n + 1) * width, width, dtype=np.int32))
        out = pa.Array.from_buffers(pa.string(), n, [None, offsets, data])
    else:
        padded = pa.FixedSizeBinaryArray.from_buffers(pa.binary(width), n, [None, data])
        out = pa.Array.from_buffers(pa.string(), n, padded.cast(pa.binary()).buffers())
        out = pc.ascii_rtrim(out, characters="\x00")
    if chars.max() >= 128:  # not ASCII: check it is UTF-8, as a cast to string would
        out.validate(full=True)
    return out


def _over_buffer(arr: np.ndarray, dtype: Any, arrow_type: pa.DataType) -> pa.Array:
    """An Arrow array of a fixed-width type over the NumPy buffer (copied only to change
    the dtype): no value-by-value conversion."""
    data = np.ascontiguousarray(arr, dtype=dtype)
    return pa.Array.from_buffers(arrow_type, len(data), [None, pa.py_buffer(data)])


def _dates(arr: np.ndarray) -> pa.Array:
    days = arr.astype("datetime64[D]", copy=False)
    as_int = days.view(np.int64)
    if np.isnat(days).any() or (len(days) and abs(as_int).max() >= 2**31):
        return pa.array(days, pa.date32())  # NaT as null, out of range refused, as before
    return _over_buffer(as_int, np.int32, pa.date32())


def _timestamps(arr: np.ndarray) -> pa.Array:
    secs = arr.astype("datetime64[s]", copy=False)
    if np.isnat(secs).any():
        return pa.array(secs, pa.timestamp("s"))  # NaT as null, as before
    return _over_buffer(secs.view(np.int64), np.int64, pa.timestamp("s"))


def _with_nulls(arr: pa.Array, null: np.ndarray, arrow_type: pa.DataType) -> pa.Array:
    """``arr`` with nulls where ``null``: a validity bitmap over the same buffers."""
    null = np.asarray(null, dtype=bool)
    if arr.null_count or arr.offset or len(null) != len(arr):
        return pc.if_else(pa.array(null), pa.scalar(None, arrow_type), arr)
    valid = pa.py_buffer(np.packbits(~null, bitorder="little"))
    return pa.Array.from_buffers(
        arr.type, len(arr), [valid, *arr.buffers()[1:]], null_count=int(null.sum())
    )


def to_arrow(value: Any, kind: str, arrow_type: pa.DataType) -> pa.Array:
    if isinstance(value, Masked):
        return _with_nulls(to_arrow(value.values, kind, arrow_type), value.null, arrow_type)
    if isinstance(value, pa.ChunkedArray):
        value = value.combine_chunks()
    if isinstance(value, pa.Array):
        return value if value.type == arrow_type else value.cast(arrow_type)
    arr = np.asarray(value)
    if kind in ("str", "flag"):
        if arr.dtype.kind == "S":
            return _string_array(arr)
        return pa.array(arr, pa.string())
    if kind == "int":
        return _over_buffer(arr, np.int64, pa.int64())
    if kind in ("money", "qty"):
        return _decimal(arr, arrow_type)
    if kind == "date":
        return _dates(arr)
    if kind == "ts":
        return _timestamps(arr)
    if kind == "time":
        return _over_buffer(arr, np.int32, pa.time32("s"))
    raise ValueError(f"unknown column kind {kind}")


def build(table: Table, columns: dict[str, Any]) -> pa.Table:
    """An Arrow table in the registry's column order and types; refuses missing or extra columns."""
    extra = set(columns) - set(table.column_names)
    missing = set(table.column_names) - set(columns)
    if extra or missing:
        raise ValueError(f"{table.code}: missing {sorted(missing)}, unexpected {sorted(extra)}")
    arrays = [to_arrow(columns[c.name], c.type, c.arrow_type) for c in table.columns]
    n = {len(a) for a in arrays}
    if len(n) > 1:
        raise ValueError(f"{table.code}: columns of different lengths {sorted(n)}")
    return pa.Table.from_arrays(arrays, schema=table.schema)


def flag(mask: np.ndarray) -> np.ndarray:
    return np.where(mask, b"Y", b"N")


def choice(
    rng: np.random.Generator, options: list[str] | np.ndarray, size: int, p=None
) -> np.ndarray:
    """Codes drawn from ``options`` (optionally weighted), as a bytes array."""
    opts = np.asarray(options, dtype="S")
    if p is None:
        return opts[rng.integers(0, len(opts), size)]
    p = np.asarray(p, dtype=np.float64)
    cdf = np.cumsum(p / p.sum())
    return opts[np.minimum(np.searchsorted(cdf, rng.random(size), side="right"), len(opts) - 1)]
