"""Atomic, streaming output of the raw tables.

Each table streams into a hidden temporary file in the output folder, block by block,
while its bytes are hashed. Only when every table is complete are the temporary files
renamed into place, and the manifest (rows and sha256 per file, run options, version)
is written last. A run that fails or is killed leaves the previous output as it was; the
next run removes any temporary file a killed run left behind.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from generator.registry import Table

MANIFEST = "manifest.json"
TMP_PREFIX = ".ehp-tmp-"


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


def prepare(table: Table, data: pa.Table, fmt: str) -> Chunk:
    """Check a block against the registry's schema and encode it for ``fmt``."""
    if data.schema != table.schema:
        raise ValueError(f"{table.code}: schema differs from the registry")
    if fmt != "csv":
        return Chunk(data.num_rows, data)
    out = pa.BufferOutputStream()
    pacsv.write_csv(data, out, pacsv.WriteOptions(include_header=False))
    return Chunk(data.num_rows, out.getvalue())


class TableSink:
    """One table's output: a temporary file written block by block."""

    def __init__(self, table: Table, folder: Path, fmt: str) -> None:
        self.table = table
        self.fmt = fmt
        self.final = folder / f"{table.file_stem}.{fmt}"
        self.tmp = folder / f"{TMP_PREFIX}{os.getpid()}-{table.file_stem}.{fmt}"
        self._fh = self.tmp.open("wb")
        self._out = _HashingFile(self._fh)
        self.rows = 0
        self._parquet: pq.ParquetWriter | None = None
        if fmt == "csv":
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
            "file": self.final.name,
            "rows": self.rows,
            "bytes": self._out.bytes,
            "sha256": self._out.sha.hexdigest(),
        }

    def discard(self) -> None:
        with contextlib.suppress(Exception):
            self._fh.close()
        with contextlib.suppress(FileNotFoundError):
            self.tmp.unlink()


class Output:
    """All the tables of one run, committed together or not at all."""

    def __init__(self, folder: Path, fmt: str = "csv") -> None:
        self.folder = folder
        self.fmt = fmt
        self.sinks: dict[str, TableSink] = {}
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob(f"{TMP_PREFIX}*"):
            with contextlib.suppress(OSError):
                stale.unlink()

    def sink(self, table: Table) -> TableSink:
        if table.code not in self.sinks:
            self.sinks[table.code] = TableSink(table, self.folder, self.fmt)
        return self.sinks[table.code]

    def write(self, table: Table, data: pa.Table) -> None:
        self.sink(table).write(data)

    def append(self, table: Table, chunk: Chunk) -> None:
        self.sink(table).append(chunk)

    def commit(self, meta: dict[str, Any]) -> dict[str, Any]:
        files = {code: s.close() for code, s in self.sinks.items()}
        manifest = {**meta, "format": self.fmt, "tables": files}
        old = self.folder / MANIFEST
        # The old manifest goes first: a run stopped among the renames leaves no manifest
        # that vouches for a mix of old and new files.
        with contextlib.suppress(FileNotFoundError):
            old.unlink()
        for s in self.sinks.values():
            s.tmp.replace(s.final)
        # Files of the other format would be stale now: the manifest names the live ones.
        other = "parquet" if self.fmt == "csv" else "csv"
        for s in self.sinks.values():
            with contextlib.suppress(FileNotFoundError):
                s.final.with_suffix(f".{other}").unlink()
        tmp = self.folder / f"{TMP_PREFIX}{os.getpid()}-{MANIFEST}"
        tmp.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
        tmp.replace(old)
        return manifest

    def abort(self) -> None:
        for s in self.sinks.values():
            s.discard()
