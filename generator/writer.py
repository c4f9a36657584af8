"""Atomic, streaming output of the raw tables.

Each table streams into its file in a staging folder beside the output folder, block by
block, while its bytes are hashed. When every table is complete, the manifest (rows and
sha256 per file, run options, version) is written there too, and the staging folder is
switched with the output folder in one step (generator/folder.py): at every instant the
output folder holds the whole previous output or the whole new one. One run at a time per
folder (a lock beside it); the next run clears whatever a killed run left behind.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from generator import folder as outdir
from generator import interrupts
from generator.folder import MANIFEST
from generator.registry import Table

__all__ = ["MANIFEST", "Chunk", "Output", "TableSink", "encode_csv", "prepare"]


class _HashingFile(io.RawIOBase):
    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw
        self.sha = hashlib.sha256()
        self.bytes = 0

    def writable(self) -> bool:
        return True

    def write(self, b) -> int:  # type: ignore[override]
        mv = memoryview(b)
        self.sha.update(mv)
        self.bytes += mv.nbytes
        return self.raw.write(mv)


@dataclass(frozen=True)
class Chunk:
    """One block of one table, ready to append: CSV bytes, or the Arrow table for Parquet.

    Made by :func:`prepare`, which the engine calls in its worker threads: pyarrow encodes
    CSV without holding the GIL, so blocks are encoded in parallel and the thread that
    writes the files only appends bytes in block order.
    """

    rows: int
    data: pa.Buffer | pa.Table


def prepare(table: Table, data: pa.Table, fmt: str, strict: bool = True) -> Chunk:
    """Check a block against the registry's schema and encode it for ``fmt``; with
    ``strict`` off (dirty data, generator/defects.py) only the column names are checked."""
    if data.schema != table.schema if strict else data.schema.names != table.column_names:
        raise ValueError(f"{table.code}: schema differs from the registry")
    if fmt != "csv":
        return Chunk(data.num_rows, data)
    return Chunk(data.num_rows, encode_csv(data))


CSV_OPTIONS = pacsv.WriteOptions(include_header=False)


def encode_csv(data: pa.Table) -> pa.Buffer:
    """The rows of ``data`` as CSV, without header. Written into one buffer sized from
    above (:func:`csv_size_bound`; pages never written are never touched), not a stream
    that grows by copying itself: a third less time. Should the bound fail, a stream."""
    bound = csv_size_bound(data)
    if bound is not None:
        buf = pa.allocate_buffer(bound)
        out = pa.FixedSizeBufferWriter(buf)
        with contextlib.suppress(OSError):  # "write out of bounds": never, if the bound holds
            pacsv.write_csv(data, out, CSV_OPTIONS)
            return buf.slice(0, out.tell())
    stream = pa.BufferOutputStream()
    pacsv.write_csv(data, stream, CSV_OPTIONS)
    return stream.getvalue()


def csv_size_bound(data: pa.Table) -> int | None:
    """At least as many bytes as ``data`` takes as CSV: per value, its widest text (a string
    twice its bytes, as if all quotes, and its own two quotes) and a separator; None for a
    type without a known widest text."""
    n = data.num_rows
    total = n * data.num_columns
    for column in data.columns:
        t = column.type
        if pa.types.is_string(t) or pa.types.is_binary(t):
            total += 2 * column.nbytes + 2 * n
        elif pa.types.is_decimal(t):
            total += (t.precision + 2) * n  # digits, sign and point
        elif pa.types.is_integer(t) or pa.types.is_boolean(t):
            total += 20 * n
        elif pa.types.is_date(t) or pa.types.is_time(t) or pa.types.is_timestamp(t):
            total += 40 * n  # "2023-06-02 09:48:09", with room for fractions and years
        elif pa.types.is_null(t):
            continue
        else:
            return None
    return total


class TableSink:
    """One table's output: a temporary file written block by block."""

    def __init__(self, table: Table, folder: Path, fmt: str, header: bool = True) -> None:
        self.table = table
        self.fmt = fmt
        self.path = folder / f"{table.file_stem}.{fmt}"
        self._fh = self.path.open("wb")
        self._out = _HashingFile(self._fh)
        self.rows = 0
        self._parquet: pq.ParquetWriter | None = None
        if fmt == "csv" and header:
            self._out.write((",".join(table.column_names) + "\n").encode())

    def write(self, data: pa.Table) -> None:
        self.append(prepare(self.table, data, self.fmt))

    def append(self, chunk: Chunk) -> None:
        if isinstance(chunk.data, pa.Buffer):
            self._out.write(memoryview(chunk.data))
        else:
            if self._parquet is None:
                self._parquet = pq.ParquetWriter(self._out, self.table.schema, compression="zstd")
            self._parquet.write_table(chunk.data, row_group_size=max(1, chunk.rows))
        self.rows += chunk.rows

    def close(self) -> dict[str, Any]:
        if self.fmt == "parquet":
            if self._parquet is None:
                self._parquet = pq.ParquetWriter(self._out, self.table.schema, compression="zstd")
            self._parquet.close()
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self._fh.close()
        return {
            "file": self.path.name,
            "rows": self.rows,
            "bytes": self._out.bytes,
            "sha256": self._out.sha.hexdigest(),
        }

    def discard(self) -> None:
        if self._parquet is not None:  # closed now, or its __del__ writes to a closed file
            with contextlib.suppress(Exception):
                self._parquet.close()
        with contextlib.suppress(Exception):
            self._fh.close()


class Output:
    """All the tables of one run, switched in together or not at all.

    Opening takes the folder's lock (FolderBusy if another run holds it), refuses a folder
    holding files that are not an output (FolderError), clears a killed run's leftovers and
    opens the staging folder. :meth:`commit` switches it in; :meth:`abort` drops it.
    """

    def __init__(self, folder: Path, fmt: str = "csv", header: bool = True) -> None:
        self.folder = Path(folder).resolve()
        self.fmt = fmt
        self.header = header  # CSV header rows (part 2 and later of a split run have none)
        self.sinks: dict[str, TableSink] = {}
        self.lock = outdir.FolderLock(self.folder)
        self.lock.acquire()
        try:
            foreign = outdir.foreign_entries(self.folder)
            if foreign:
                raise outdir.FolderError(
                    f"{self.folder} holds {foreign[0]!r}, which ehp-generate did not write; "
                    "give a new or empty folder, or one it wrote before"
                )
            outdir.recover(self.folder)
            self.stage = outdir.sibling(self.folder, f"{outdir.NEW_MARK}{os.getpid()}")
            self.stage.mkdir()
        except BaseException:
            self.lock.release()
            raise

    def sink(self, table: Table) -> TableSink:
        if table.code not in self.sinks:
            self.sinks[table.code] = TableSink(table, self.stage, self.fmt, self.header)
        return self.sinks[table.code]

    def write(self, table: Table, data: pa.Table) -> None:
        interrupts.check()
        self.sink(table).write(data)

    def append(self, table: Table, chunk: Chunk) -> None:
        interrupts.check()
        self.sink(table).append(chunk)

    def commit(self, meta: dict[str, Any]) -> dict[str, Any]:
        interrupts.check()
        files = {code: s.close() for code, s in self.sinks.items()}
        manifest = {**meta, "format": self.fmt, "tables": files}
        with (self.stage / MANIFEST).open("w", encoding="utf-8") as fh:
            fh.write(json.dumps(manifest, indent=2, sort_keys=True, allow_nan=False) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        outdir.carry_over(self.folder, self.stage)
        outdir.fsync_dir(self.stage)
        outdir.pause_for_test("before-switch")
        with interrupts.critical():
            old = outdir.switch(self.stage, self.folder)
            outdir.fsync_dir(self.folder.parent)
            outdir.pause_for_test("after-switch")
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
        self.lock.release()
        return manifest

    def abort(self) -> None:
        for s in self.sinks.values():
            s.discard()
        shutil.rmtree(self.stage, ignore_errors=True)
        self.lock.release()
