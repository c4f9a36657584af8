-- Ranks each patient's primary policies so that marts can name the payer
-- in force on the as-of date (rank 1) without repeating the rule.
with

insurance_policies as (
    select * from {{ ref('stg_ehp__insr') }}
),

extract_dates as (
    select * from {{ ref('int_extract_dates_derived') }}
),

policies_in_force as (
    select
        insurance_policies.insurance_policy_id,
        insurance_policies.patient_id,
        insurance_policies.payer_name,
        insurance_policies.payer_type,
        insurance_policies.plan_type,
        insurance_policies.member_id,
        insurance_policies.group_number,
        insurance_policies.coverage_percent,
        insurance_policies.copay_amount,
        insurance_policies.deductible_amount,
        insurance_policies.effective_date,
        insurance_policies.end_date,
        insurance_policies.record_created_at,
        insurance_policies.record_updated_at,
        insurance_policies.is_primary,
        coalesce(
            insurance_policies.effective_date <= extract_dates.as_of_date
            and (
                insurance_policies.end_date is null
                or insurance_policies.end_date >= extract_dates.as_of_date
            ),
            false
        ) as is_in_force_at_as_of
    from insurance_policies
    cross join extract_dates
),

final as (
    select
        *,
        case
            when is_primary and is_in_force_at_as_of
                then
                    row_number() over (
                        partition by
                            patient_id,
                            is_primary and is_in_force_at_as_of
                        order by effective_date desc, insurance_policy_id asc
                    )
        end as current_primary_rank
    from policies_in_force
)

select * from final
