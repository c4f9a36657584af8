-- Episodes of care (int_care_episodes_grouped) begin no later than they end,
-- have at least one visit, and a patient's consecutive episodes with the same
-- code are more than 30 days apart (else they would be one episode); the
-- generator's follow-ups of an ED visit join its episode, so this holds by
-- construction of the grouping, and breaks when the grouping does.
with

episodes as (
    select * from {{ ref('int_care_episodes_grouped') }}
),

with_previous as (
    select
        episode_id,
        patient_id,
        icd10_code,
        episode_start_date,
        episode_end_date,
        visit_count,
        lag(episode_end_date) over (
            partition by patient_id, icd10_code
            order by episode_number
        ) as previous_end_date
    from episodes
)

select *
from with_previous
where
    episode_end_date < episode_start_date
    or visit_count < 1
    or (
        previous_end_date is not null
        and {{ ehp_datediff('previous_end_date', 'episode_start_date', 'day') }}
        <= 30
    )
