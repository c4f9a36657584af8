"""What a person sees while the generator runs, and the summary after it.

On a terminal (and without --quiet) a bar over the patients simulated, with percentage,
rows written, rows per second and time left; then a labelled summary. Nothing of it reaches
the output files: the bar only counts what the engine reports.
"""

from __future__ import annotations

import sys
import time
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    TaskProgressColumn,
    TextColumn,
    TimeRemainingColumn,
)
from rich.progress import Progress as RichProgress

from generator.engine import PATIENTS_PER_SCALE, Options

PATIENTS = "PATN"


class Progress:
    """The engine's progress callback ``(table code, rows)``, drawn as a rich bar."""

    def __init__(self, opts: Options, enabled: bool) -> None:
        self.enabled = enabled
        self.patients = max(1, round(PATIENTS_PER_SCALE * opts.scale))
        self.rows = 0
        self.t0 = time.perf_counter()
        self._bar: RichProgress | None = None
        self._task = None

    def __enter__(self) -> Progress:
        if self.enabled:
            self._bar = RichProgress(
                TextColumn("{task.description:<12}"),
                BarColumn(),
                TaskProgressColumn(),
                MofNCompleteColumn(),
                TextColumn("patients  {task.fields[rows]:>12,} rows"),
                TextColumn("{task.fields[rate]:>10,.0f} rows/s"),
                TimeRemainingColumn(),
                console=Console(file=sys.stdout),
                transient=True,
            )
            self._bar.start()
            self._task = self._bar.add_task("master data", total=self.patients, rows=0, rate=0.0)
        return self

    def __call__(self, code: str, rows: int) -> None:
        self.rows += rows
        if self._bar is None:
            return
        done = self._bar.tasks[0].completed + (rows if code == PATIENTS else 0)
        phase = "patients" if done < self.patients else "roll-ups"
        rate = self.rows / max(time.perf_counter() - self.t0, 1e-9)
        self._bar.update(self._task, completed=done, description=phase, rows=self.rows, rate=rate)

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


def summary(manifest: dict[str, Any], opts: Options, out: str, seconds: float) -> str:
    """The labelled summary of a committed run."""
    tables = manifest["tables"]
    rows = sum(t["rows"] for t in tables.values())
    size = sum(t["bytes"] for t in tables.values())
    changes = "" if opts.changes_since is None else f", changes after {opts.changes_since}"
    return "\n".join(
        [
            f"ehp-generate: {len(tables)} tables written to {out}",
            f"  rows     {rows:,}",
            f"  size     {size / 2**20:,.1f} MiB of {manifest['format']}",
            f"  time     {seconds:.1f} s ({rows / max(seconds, 1e-9):,.0f} rows/s)",
            f"  run      seed {opts.seed}, scale {opts.scale:g}, {opts.start} to {opts.end}"
            + changes,
        ]
    )
