-- Length of stay and 30-day readmissions. A readmission is any inpatient
-- admission of the same patient that begins after an index stay's
-- discharge and within 30 days of it.
with

visits as (
    select * from {{ ref('stg_ehp__vist') }}
),

extract_dates as (
    select * from {{ ref('int_extract_dates_derived') }}
),

visits_dated as (
    select
        visits.*,
        cast(visits.admitted_at as date) as admitted_date,
        cast(visits.discharged_at as date) as discharged_date,
        visits.visit_type = 'inpatient' as is_inpatient,
        visits.discharged_at is not null as is_discharged,
        extract_dates.as_of_date
    from visits
    cross join extract_dates
),

stays_measured as (
    select
        *,
        case
            when discharged_date is null then null
            when
                is_inpatient
                and discharged_date = admitted_date
                then 1
            else {{ ehp_datediff('admitted_date', 'discharged_date', 'day') }}
        end as length_of_stay_days
    from visits_dated
),

inpatient_sequences as (
    select
        visit_id,
        lead(admitted_at) over (
            partition by patient_id
            order by admitted_at, visit_id
        ) as next_inpatient_admitted_at,
        lag(discharged_at) over (
            partition by patient_id
            order by admitted_at, visit_id
        ) as previous_inpatient_discharged_at
    from visits_dated
    where is_inpatient
),

readmissions_linked as (
    select
        stays_measured.visit_id,
        stays_measured.patient_id,
        stays_measured.appointment_id,
        stays_measured.attending_staff_id,
        stays_measured.department_id,
        stays_measured.room_id,
        stays_measured.visit_type,
        stays_measured.admission_source,
        stays_measured.discharge_disposition,
        stays_measured.chief_complaint,
        stays_measured.emergency_severity_index,
        stays_measured.admitted_at,
        stays_measured.discharged_at,
        stays_measured.admitted_date,
        stays_measured.discharged_date,
        stays_measured.is_inpatient,
        stays_measured.is_discharged,
        stays_measured.length_of_stay_days,
        inpatient_sequences.next_inpatient_admitted_at,
        coalesce(
            stays_measured.is_inpatient
            and stays_measured.is_discharged
            and stays_measured.discharge_disposition not in (
                'expired', 'transfer', 'left against medical advice'
            )
            and {{ dbt.dateadd('day', 30, 'stays_measured.discharged_date') }}
            <= stays_measured.as_of_date,
            false
        ) as is_readmission_index_stay,
        coalesce(
            inpatient_sequences.next_inpatient_admitted_at
            > stays_measured.discharged_at
            and cast(inpatient_sequences.next_inpatient_admitted_at as date)
            <= {{ dbt.dateadd('day', 30, 'stays_measured.discharged_date') }},
            false
        ) as has_inpatient_admission_within_30_days,
        coalesce(
            stays_measured.admitted_at
            > inpatient_sequences.previous_inpatient_discharged_at
            and stays_measured.admitted_date <= {{ dbt.dateadd(
                'day',
                30,
                'cast(inpatient_sequences.previous_inpatient_discharged_at'
                ~ ' as date)'
            ) }},
            false
        ) as is_readmission
    from stays_measured
    left join inpatient_sequences
        on stays_measured.visit_id = inpatient_sequences.visit_id
),

final as (
    select
        *,
        is_readmission_index_stay
        and has_inpatient_admission_within_30_days
            as is_readmitted_within_30_days
    from readmissions_linked
)

select * from final
