"""``ehp-generate --verify DIR``: are the files in DIR the ones its manifest describes?

Each file listed in manifest.json must exist with the listed size and sha256, and a CSV must
be UTF-8. Exit 0 when all match, 1 naming the first file that does not, 2 when DIR or its
manifest cannot be read.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from generator.folder import MANIFEST

CHUNK = 1 << 20


class Mismatch(Exception):
    """A file differs from the manifest; the message names it."""


def file_problem(path: Path, entry: dict[str, Any]) -> str | None:
    """Why ``path`` does not match its manifest entry (None: it matches)."""
    if not path.is_file():
        return f"{path.name}: missing"
    sha = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")() if path.suffix == ".csv" else None
    offset = 0
    with path.open("rb") as fh:
        while block := fh.read(CHUNK):
            sha.update(block)
            if decoder is not None:
                try:
                    decoder.decode(block)
                except UnicodeDecodeError as exc:
                    return f"{path.name}: not UTF-8 (byte {offset + exc.start:,})"
            offset += len(block)
    if decoder is not None:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return f"{path.name}: not UTF-8 (it ends inside a character)"
    if offset != entry.get("bytes", offset):
        return f"{path.name}: {offset:,} bytes, the manifest says {entry['bytes']:,}"
    if sha.hexdigest() != entry.get("sha256"):
        return f"{path.name}: sha256 differs from the manifest (the file was changed)"
    return None


def read_manifest(folder: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        tables = manifest["tables"]
        return {e["file"]: e for e in tables.values()}
    except FileNotFoundError:
        raise ValueError(f"{folder} has no {MANIFEST}: it is not an ehp-generate output") from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"{folder / MANIFEST} cannot be read: {exc}") from None


def main(folder_text: str, say: Callable[[str], None]) -> int:
    folder = Path(folder_text)
    if not folder.is_dir():
        sys.stderr.write(f"ehp-generate: error: --verify {folder_text!r} is not a folder\n")
        return 2
    try:
        entries = read_manifest(folder)
    except ValueError as exc:
        sys.stderr.write(f"ehp-generate: error: --verify: {exc}\n")
        return 2
    for name in sorted(entries):
        problem = file_problem(folder / Path(name).name, entries[name])
        if problem:
            sys.stderr.write(
                f"ehp-generate: verify failed: {folder}/{problem}; regenerate the folder "
                "(make generate) or restore the file\n"
            )
            return 1
    say(f"ehp-generate: {len(entries)} files in {folder} match {MANIFEST}")
    return 0
