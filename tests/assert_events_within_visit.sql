-- docs/data_model.md invariant 4: diagnoses, treatments, team assignments and
-- doses fall inside their visit, from admission to discharge (or, for a
-- patient still in, to the end of the extract). Returns the events outside.
with

visits as (
    select * from {{ ref('stg_ehp__vist') }}
),

diagnoses as (
    select * from {{ ref('stg_ehp__diag') }}
),

treatments as (
    select * from {{ ref('stg_ehp__trtm') }}
),

team_assignments as (
    select * from {{ ref('stg_ehp__medt') }}
),

medicine_administrations as (
    select * from {{ ref('stg_ehp__tmmd') }}
),

-- The extract ends on the day of the ERP's last update to a visit (audit
-- timestamps are never after the run's end date); a visit still open is
-- bounded by the end of that day.
extract_end as (
    select cast(max(record_updated_at) as date) as extract_date
    from visits
),

visit_windows as (
    select
        visits.visit_id,
        visits.discharged_at is null as is_open,
        visits.admitted_at as window_start_at,
        coalesce(
            visits.discharged_at,
            {{ dbt.dateadd(
                'day', 1,
                'cast(extract_end.extract_date as '
                ~ dbt.type_timestamp() ~ ')'
            ) }}
        ) as window_end_at,
        coalesce(
            cast(visits.discharged_at as date), extract_end.extract_date
        ) as window_end_date
    from visits
    cross join extract_end
),

visit_events as (
    -- diagnoses carry a date only: compare on the visit's days
    select
        visit_id,
        'diagnosis' as event_name,
        diagnosis_id as event_id,
        cast(diagnosis_date as {{ dbt.type_timestamp() }}) as event_start_at,
        cast(diagnosis_date as {{ dbt.type_timestamp() }}) as event_end_at,
        true as is_date_only
    from diagnoses

    union all

    select
        visit_id,
        'treatment' as event_name,
        treatment_id as event_id,
        started_at as event_start_at,
        ended_at as event_end_at,
        false as is_date_only
    from treatments

    union all

    -- a team member still assigned has no release: open to the extract end
    select
        visit_id,
        'team assignment' as event_name,
        team_assignment_id as event_id,
        assigned_at as event_start_at,
        released_at as event_end_at,
        false as is_date_only
    from team_assignments

    union all

    select
        visit_id,
        'medicine administration' as event_name,
        medicine_administration_id as event_id,
        administered_at as event_start_at,
        administered_at as event_end_at,
        false as is_date_only
    from medicine_administrations
),

events_in_windows as (
    select
        visit_events.*,
        visit_windows.window_start_at,
        visit_windows.window_end_at,
        visit_windows.is_open,
        case
            when visit_events.is_date_only
                then
                    cast(visit_events.event_start_at as date)
                    >= cast(visit_windows.window_start_at as date)
                    and cast(visit_events.event_end_at as date)
                    <= visit_windows.window_end_date
            else
                visit_events.event_start_at >= visit_windows.window_start_at
                and coalesce(
                    visit_events.event_end_at, visit_windows.window_end_at
                ) <= visit_windows.window_end_at
                -- only a visit still open may have an unfinished event
                and (
                    visit_events.event_end_at is not null
                    or visit_windows.is_open
                )
        end as is_within_visit
    from visit_events
    inner join visit_windows
        on visit_events.visit_id = visit_windows.visit_id
),

final as (
    select *
    from events_in_windows
    where not is_within_visit
)

select * from final
