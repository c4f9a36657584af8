-- docs/data_model.md invariant 10: a patient's primary policies do not overlap
-- in time. Both dates are inclusive; an empty end date means still in force.
-- Returns each overlapping pair once.
with

insurance_policies as (
    select * from {{ ref('stg_ehp__insr') }}
),

primary_policies as (
    select
        insurance_policy_id,
        patient_id,
        effective_date,
        end_date
    from insurance_policies
    where is_primary
),

final as (
    select
        first_policy.patient_id,
        first_policy.insurance_policy_id as first_policy_id,
        first_policy.effective_date as first_effective_date,
        first_policy.end_date as first_end_date,
        second_policy.insurance_policy_id as second_policy_id,
        second_policy.effective_date as second_effective_date,
        second_policy.end_date as second_end_date
    from primary_policies as first_policy
    inner join primary_policies as second_policy
        on
            first_policy.patient_id = second_policy.patient_id
            and first_policy.insurance_policy_id
            < second_policy.insurance_policy_id
            and (
                first_policy.effective_date <= second_policy.end_date
                or second_policy.end_date is null
            )
            and (
                first_policy.end_date >= second_policy.effective_date
                or first_policy.end_date is null
            )
)

select * from final
