-- Episodes of care rebuilt from the visits: one row per run of a patient's
-- visits with the same primary diagnosis code, each visit beginning at most
-- 30 days after the latest end (discharge day, or admission day while still
-- open) of the run's earlier visits. An injury seen in the ED and followed up
-- in orthopedics two weeks later is one episode of two visits; a diabetic's
-- quarterly clinic visits, 90 days apart, are episodes of one visit each. The
-- raw tables mark no episode: this is the analyst's grouping.
with

visits as (
    select * from {{ ref('stg_ehp__vist') }}
),

diagnoses as (
    select * from {{ ref('stg_ehp__diag') }}
),

primary_visits as (
    select
        visits.visit_id,
        visits.patient_id,
        visits.visit_type,
        visits.admitted_at,
        diagnoses.icd10_code,
        cast(visits.admitted_at as date) as visit_start_date,
        cast(
            coalesce(visits.discharged_at, visits.admitted_at) as date
        ) as visit_end_date
    from visits
    inner join diagnoses
        on visits.visit_id = diagnoses.visit_id
    where diagnoses.diagnosis_type = 'primary'
),

with_run_end_before as (
    select
        visit_id,
        patient_id,
        visit_type,
        admitted_at,
        icd10_code,
        visit_start_date,
        visit_end_date,
        max(visit_end_date) over (
            partition by patient_id, icd10_code
            order by admitted_at, visit_id
            rows between unbounded preceding and 1 preceding
        ) as run_end_date
    from primary_visits
),

flagged as (
    select
        visit_id,
        patient_id,
        visit_type,
        admitted_at,
        icd10_code,
        visit_start_date,
        visit_end_date,
        case
            when run_end_date is null then 1
            when
                {{ ehp_datediff('run_end_date', 'visit_start_date', 'day') }}
                > 30
                then 1
            else 0
        end as starts_episode
    from with_run_end_before
),

numbered as (
    select
        visit_id,
        patient_id,
        visit_type,
        icd10_code,
        visit_start_date,
        visit_end_date,
        starts_episode,
        cast(sum(starts_episode) over (
            partition by patient_id, icd10_code
            order by admitted_at, visit_id
            rows between unbounded preceding and current row
        ) as {{ dbt.type_bigint() }}) as episode_number
    from flagged
),

episodes as (
    select
        patient_id,
        icd10_code,
        episode_number,
        max(case when starts_episode = 1 then visit_id end) as episode_id,
        min(visit_start_date) as episode_start_date,
        max(visit_end_date) as episode_end_date,
        cast(count(*) as {{ dbt.type_bigint() }}) as visit_count,
        cast(sum(
            case when visit_type = 'emergency' then 1 else 0 end
        ) as {{ dbt.type_bigint() }}) as emergency_visit_count,
        cast(sum(
            case
                when visit_type in ('outpatient', 'telehealth') then 1 else 0
            end
        ) as {{ dbt.type_bigint() }}) as clinic_visit_count,
        cast(sum(
            case
                when visit_type in ('inpatient', 'observation') then 1 else 0
            end
        ) as {{ dbt.type_bigint() }}) as stay_visit_count
    from numbered
    group by patient_id, icd10_code, episode_number
),

final as (
    select
        episode_id,
        patient_id,
        icd10_code,
        episode_number,
        episode_start_date,
        episode_end_date,
        {{ ehp_datediff('episode_start_date', 'episode_end_date', 'day') }}
            as duration_days,
        visit_count,
        emergency_visit_count,
        clinic_visit_count,
        stay_visit_count
    from episodes
)

select * from final
