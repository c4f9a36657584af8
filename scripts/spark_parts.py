"""The generator on a cluster: its parts as the tasks of one Spark job.

    python scripts/spark_parts.py --parts 4 --out /shared/ehp [--master local[2]] \\
        [--scale 10 --seed 42 --start-date ... --end-date ... --workers 1]

Each Spark task runs part I of K of the generator (``ehp-generate --parts K --part I``) into
``OUT/parts/part-I``; the driver then joins the parts' CSV files into ``OUT`` in part order
(part 1 holds the header and the hospital-wide tables) and writes one manifest with each
joined file's rows and sha256. The result is byte for byte what one machine writes with the
same options, and ``ehp-generate --verify OUT`` checks it.

OUT must be a folder every Spark worker can write (a shared filesystem); the workers need
this project installed (the driver's virtual environment in local mode, or the package
shipped with ``--py-files``). Java 17 and pyspark come with ``make .venv/bin/.installed-engines``
and Debian's openjdk-17-jre-headless (docs/engines.md).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def run_part(part: int, parts: int, settings: dict) -> dict:
    """One Spark task: part ``part`` of ``parts`` into its own folder; returns its manifest."""
    from generator.engine import Options, generate

    out = Path(settings["out"]) / "parts" / f"part-{part}"
    opts = Options(
        scale=settings["scale"],
        seed=settings["seed"],
        start=date.fromisoformat(settings["start"]),
        end=date.fromisoformat(settings["end"]),
        out=out,
        workers=settings["workers"],
        parts=parts,
        part=part,
    )
    return generate(opts)


def join_parts(out: Path, manifests: list[dict]) -> dict:
    """The parts' files concatenated in part order into ``out``, and one manifest for them."""
    folders = [out / "parts" / f"part-{m['part']}" for m in manifests]
    manifest = {k: v for k, v in manifests[0].items() if k not in ("parts", "part", "blocks")}
    tables = {}
    for code, entry in manifests[0]["tables"].items():
        sha = hashlib.sha256()
        size = 0
        with (out / entry["file"]).open("wb") as joined:
            for folder in folders:
                data = (folder / entry["file"]).read_bytes()
                sha.update(data)
                size += len(data)
                joined.write(data)
        rows = sum(m["tables"][code]["rows"] for m in manifests)
        tables[code] = {**entry, "rows": rows, "bytes": size, "sha256": sha.hexdigest()}
    manifest["tables"] = tables
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return manifest


def parse(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Run the generator's parts as tasks of a Spark job.")
    p.add_argument("--parts", type=int, required=True, help="number of parts (Spark tasks)")
    p.add_argument("--out", required=True, help="shared folder the joined files land in")
    p.add_argument("--master", default="local[2]", help="Spark master (default: local[2])")
    p.add_argument("--scale", type=float, default=0.1, help="as ehp-generate (default: 0.1)")
    p.add_argument("--seed", type=int, default=42, help="as ehp-generate (default: 42)")
    p.add_argument("--start-date", default="2023-01-01", help="as ehp-generate")
    p.add_argument("--end-date", default="2024-12-31", help="as ehp-generate")
    p.add_argument("--workers", type=int, default=1, help="threads inside each task")
    args = p.parse_args(argv)
    if not 1 <= args.parts <= 1000:
        p.error("--parts must be from 1 to 1000")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    from pyspark.sql import SparkSession

    out = Path(args.out).resolve()
    shutil.rmtree(out / "parts", ignore_errors=True)
    (out / "parts").mkdir(parents=True)
    settings = {
        "out": str(out),
        "scale": args.scale,
        "seed": args.seed,
        "start": args.start_date,
        "end": args.end_date,
        "workers": args.workers,
    }
    spark = SparkSession.builder.master(args.master).appName("ehp-generate-parts").getOrCreate()
    try:
        parts = args.parts
        tasks = spark.sparkContext.parallelize(range(1, parts + 1), parts)
        manifests = tasks.map(lambda i: run_part(i, parts, settings)).collect()
    finally:
        spark.stop()
    manifest = join_parts(out, sorted(manifests, key=lambda m: m["part"]))
    shutil.rmtree(out / "parts")
    rows = sum(t["rows"] for t in manifest["tables"].values())
    print(f"spark_parts: {parts} tasks, {len(manifest['tables'])} tables, {rows:,} rows -> {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
