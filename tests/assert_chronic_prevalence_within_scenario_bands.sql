{{ config(severity=(
    'warn' if ehp_defects_on()
    else ehp_choice_var('ehp_prevalence_severity', 'error', ['error', 'warn'])
)) }}
-- docs/data_model.md "Patients with histories": type 2 diabetes (E11) is
-- coded for the share of adults seen that the default scenario sets, by age
-- band at their first visit of the window (18-44 / 45-64 / 65+: 3 / 13 / 24 %),
-- each within 0.6 to 1.5 times (docs/realism.md measures the same figure).
-- The targets are the default scenario's: a dataset generated with another
-- scenario fails by design (set var ehp_prevalence_severity to warn; on a
-- dirty extract, var ehp_defects, it warns as every test does).
-- Chance: the default dataset (scale 0.1) sees only 150 to 300 adults per
-- band (9 diabetics expected at 18-44), so a band outside the bounds fails
-- only when it is also further from the target than chance explains:
-- var('ehp_prevalence_sigmas', 3) binomial standard deviations. From scale
-- 1 on the bounds decide alone; at smaller scales mostly a gross error (the
-- 50 % of adults coded E11 before patients had histories) fails, and no
-- seed fails by luck (about 1 in 370 per band).
-- Returns each band outside its bounds.
{%- set targets = {'18-44': 0.03, '45-64': 0.13, '65+': 0.24} %}
with

patients as (
    select * from {{ ref('dim_patients') }}
),

patient_conditions as (
    select * from {{ ref('fct_patient_conditions') }}
),

adults_seen as (
    select
        patient_id,
        {{ age_in_years(
            'birth_date', 'cast(first_visit_at as date)'
        ) }} as age_at_first_visit
    from patients
    where first_visit_at is not null
),

adults_banded as (
    select
        adults_seen.patient_id,
        case
            when adults_seen.age_at_first_visit >= 65 then '65+'
            when adults_seen.age_at_first_visit >= 45 then '45-64'
            else '18-44'
        end as age_band,
        patient_conditions.patient_id is not null as is_diabetic
    from adults_seen
    left join patient_conditions
        on
            adults_seen.patient_id = patient_conditions.patient_id
            and patient_conditions.condition_key = 'type2_diabetes'
    where adults_seen.age_at_first_visit >= 18
),

bands as (
    select
        age_band,
        count(*) as adults_seen_count,
        sum(case when is_diabetic then 1 else 0 end) as diabetic_count,
        case age_band
            when '18-44' then {{ targets['18-44'] }}
            when '45-64' then {{ targets['45-64'] }}
            when '65+' then {{ targets['65+'] }}
        end as target_prevalence
    from adults_banded
    group by age_band
),

final as (
    select
        age_band,
        adults_seen_count,
        diabetic_count,
        target_prevalence,
        cast(diabetic_count as {{ ehp_type_float() }})
        / adults_seen_count as prevalence
    from bands
    where
        (
            diabetic_count < 0.6 * target_prevalence * adults_seen_count
            or diabetic_count > 1.5 * target_prevalence * adults_seen_count
        )
        and abs(diabetic_count - target_prevalence * adults_seen_count)
        > {{ ehp_number_var('ehp_prevalence_sigmas', 3) }} * sqrt(
            adults_seen_count * target_prevalence * (1 - target_prevalence)
        )
)

select * from final
