"""Change extracts: ``--changes-since C --end-date D`` (docs/feed.md).

The run simulates the hospital through D as a full extract would, then keeps, per table,
only the rows created or changed after day C: ``REC_UPDT_TS`` on C + 1 or later (the ERP
stamps a change with its time, so the day C itself belongs to the extract as of C). Every
kept row carries all its columns as of D. Applied to the extract as of C (upsert by primary
key), it gives the extract as of D; ERPs rarely delete, so nothing else is needed.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

UPDATED = "REC_UPDT_TS"


def cutoff(since: date) -> pa.Scalar:
    """The first instant after day ``since``: a row changed at or after it is a change."""
    return pa.scalar((since + timedelta(days=1)).isoformat()).cast(pa.timestamp("s"))


def changed(data: pa.Table, since: date | None, also: np.ndarray | None = None) -> pa.Table:
    """The rows of ``data`` created or changed after day ``since`` (every row if None), and
    the rows ``also`` marks (late rows that arrive in the window, generator/defects.py)."""
    if since is None:
        return data
    stamps = data.column(UPDATED)
    if pa.types.is_string(stamps.type):  # never: no defect type touches REC_UPDT_TS
        raise ValueError(f"{UPDATED} is text: a change extract needs typed timestamps")
    mask = pc.fill_null(pc.greater_equal(stamps, cutoff(since).cast(stamps.type)), False)
    if also is not None:
        mask = pc.or_(mask, pa.array(also))
    return data.filter(mask)


def window(since: date | None, end: date) -> dict[str, Any]:
    """The manifest's description of what the extract holds."""
    if since is None:  # a full extract's manifest stays as it always was
        return {}
    return {
        "extract": "changes",
        "changes_since": since.isoformat(),
        "changes": (
            f"rows created or changed after {since.isoformat()} through {end.isoformat()} "
            f"(REC_UPDT_TS >= {(since + timedelta(days=1)).isoformat()}), as of "
            f"{end.isoformat()}; upsert by primary key onto the extract as of "
            f"{since.isoformat()}"
        ),
    }
