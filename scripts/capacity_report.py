"""Capacity ratios of a generated extract, computed from the raw CSV files as an analyst would.

    python scripts/capacity_report.py seeds/ehp          # a table: figure, target, measured

Each figure is defined in docs/data_model.md ("A hospital at capacity"): bed occupancy is the
midnight census of inpatients over the inpatient beds (ward, private, ICU), averaged over
the nights of the window; a provider clinic day is a provider and a date with at least one
completed appointment.
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

TARGETS = {
    "bed_occupancy": (0.65, 0.85),
    "admissions_per_bed_year": (40.0, 60.0),
    "clinic_visits_per_provider_day": (15.0, 25.0),
    "ed_visits_per_bay_year": (1000.0, 2000.0),
    "staff_per_occupied_bed": (4.0, 7.0),
}

SQL = """
with
vist as (select * from read_csv('{d}/ehp_vist.csv', all_varchar = true)),
roms as (select * from read_csv('{d}/ehp_roms.csv', all_varchar = true)),
appt as (select * from read_csv('{d}/ehp_appt.csv', all_varchar = true)),
stff as (select * from read_csv('{d}/ehp_stff.csv', all_varchar = true)),
manifest as (
    select cast(start_date as date) as first_day, cast(end_date as date) as last_day
    from read_json('{d}/manifest.json')
),
nights as (
    select cast(n as date) + interval 1 day as midnight
    from manifest, range(manifest.first_day, manifest.last_day, interval 1 day) as t(n)
),
inpatients as (
    select cast(VIST_ADMT_TS as timestamp) as admitted_at,
        coalesce(cast(VIST_DSCH_TS as timestamp), timestamp '9999-01-01') as discharged_at
    from vist where VIST_TYP_CD = 'INPT'
),
census as (
    select n.midnight, count(i.admitted_at) as patients
    from nights as n left join inpatients as i
        on i.admitted_at < n.midnight and i.discharged_at > n.midnight
    group by n.midnight
),
beds as (
    select
        sum(cast(ROMS_BED_CNT as integer))
            filter (where ROMS_TYP_CD in ('WARD', 'PRIV', 'ICU')) as beds,
        count(*) filter (where ROMS_TYP_CD = 'EDBY') as bays
    from roms
),
years as (select (last_day - first_day + 1) / 365.25 as years from manifest),
clinic as (
    select APPT_PRVDR_STFF_ID, APPT_SCHD_DT, count(*) as visits
    from appt where APPT_STS_CD = 'COMP' group by all
),
staff_days as (
    select avg(employed) as staff from (
        select n.midnight, count(*) as employed from nights as n, stff
        where cast(STFF_HIRE_DT as date) < n.midnight
            and coalesce(cast(STFF_TERM_DT as date), date '9999-01-01') >= cast(n.midnight as date)
        group by n.midnight
    )
)
select
    (select avg(patients) from census) / beds.beds as bed_occupancy,
    (select count(*) from inpatients) / beds.beds / years.years as admissions_per_bed_year,
    (select avg(visits) from clinic) as clinic_visits_per_provider_day,
    (select count(*) from vist where VIST_TYP_CD = 'EMER') / beds.bays / years.years
        as ed_visits_per_bay_year,
    (select staff from staff_days) / (select avg(patients) from census) as staff_per_occupied_bed,
    beds.beds as inpatient_beds,
    beds.bays as ed_bays,
    (select count(*) from vist where VIST_TYP_CD = 'EMER' and VIST_DSCH_DISP_CD = 'TRNS')
        as ed_transfers_out,
    (select count(*) from vist where VIST_TYP_CD = 'EMER' and ROMS_ID is null)
        as ed_visits_without_bay
from beds, years
"""


def measure(folder: Path) -> dict[str, float]:
    """The capacity figures of the extract in ``folder``."""
    con = duckdb.connect()
    try:
        cur = con.execute(SQL.format(d=Path(folder).as_posix()))
        names = [c[0] for c in cur.description]
        return dict(zip(names, cur.fetchone(), strict=True))
    finally:
        con.close()


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: capacity_report.py FOLDER", file=sys.stderr)
        return 2
    figures = measure(Path(argv[0]))
    print(f"{'figure':34} {'target':>14} {'measured':>10}")
    for name, value in figures.items():
        lo_hi = TARGETS.get(name)
        target = f"{lo_hi[0]:g}-{lo_hi[1]:g}" if lo_hi else ""
        print(
            f"{name:34} {target:>14} {value:>10.3f}"
            if isinstance(value, float)
            else f"{name:34} {target:>14} {value:>10}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
