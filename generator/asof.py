"""The extract as it stood on the end date (docs/engine.md, "Time").

The engine simulates whole epochs (``Context.end``, at least the reference epochs), so a
row's key and values never depend on the end date. Each table is then cut to the end date
(``Context.cut``): a row created after it is not in the extract, and a row whose one later
change (a discharge, a death, a termination...) comes after it shows its values from before
that change, with ``REC_UPDT_TS`` back at its creation. The change is the row's
``REC_UPDT_TS`` in the simulated history, so "after the cut" is one comparison.

Tables whose rows change several times (bills as payments post, vendor invoices, equipment
maintenance, patients who move and die, supplies whose reorder settings are reviewed)
compute their state as of the cut where they are drawn (``Context.cut``).
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from generator.core import Context

# per table: the columns the row's one later change sets, and their value before it
BEFORE_CHANGE: dict[str, dict[str, Any]] = {
    "STFF": {"STFF_TERM_DT": None, "STFF_STS_CD": "ACTV"},  # termination
    "INSR": {"INSR_END_DT": None},  # the policy ended (a new plan, Medicare, death)
    "APPT": {"APPT_STS_CD": "SCHD", "APPT_CHKIN_TS": None, "APPT_CANC_TS": None},  # outcome
    "VIST": {"VIST_DSCH_TS": None, "VIST_DSCH_DISP_CD": None},  # discharge
    "MEDT": {"MEDT_RLS_TS": None},  # released from the care team
    # the evening's stock count, verified the next morning
    "INVN": {"INVN_VRFY_STS_CD": "PEND", "INVN_VRFD_BY_STFF_ID": None, "INVN_VRFD_TS": None},
}


def _at(table: pa.Table, ts: Any) -> pa.Scalar:
    return pa.array([ts]).cast(table.schema.field("REC_CRTD_TS").type)[0]


def cut(ctx: Context, code: str, table: pa.Table) -> pa.Table:
    """``table`` (code ``code``) as of the end date."""
    if ctx.cut >= ctx.end or not table.num_rows:
        return table
    at = _at(table, ctx.cut_ts)
    table = table.filter(pc.less_equal(table["REC_CRTD_TS"], at))
    rules = BEFORE_CHANGE.get(code)
    if not rules or not table.num_rows:
        return table
    later = pc.greater(table["REC_UPDT_TS"], at)
    for name, before in {**rules, "REC_UPDT_TS": table["REC_CRTD_TS"]}.items():
        i = table.schema.get_field_index(name)
        column = table.column(i)
        value = before if isinstance(before, pa.ChunkedArray) else pa.scalar(before, column.type)
        table = table.set_column(i, table.schema.field(i), pc.if_else(later, value, column))
    return table
