-- docs/data_model.md invariant 10: Medicare mostly covers people aged 65 or
-- over. Medicare by age starts on the first day of the month of the 65th
-- birthday, so a holder counts as under 65 when that birthday falls after the
-- policy's first month. Some people qualify younger (disability, end stage
-- renal disease), hence a share, not a rule: returns one row when 5 % or more
-- of the Medicare policies belong to people under 65.
with

patients as (
    select * from {{ ref('stg_ehp__patn') }}
),

insurance_policies as (
    select * from {{ ref('stg_ehp__insr') }}
),

medicare_policies as (
    select
        insurance_policies.insurance_policy_id,
        {{ dbt.dateadd('year', 65, 'patients.birth_date') }}
        >= {{ dbt.dateadd(
            'month', 1,
            dbt.date_trunc('month', 'insurance_policies.effective_date')
        ) }} as is_holder_under_65
    from insurance_policies
    inner join patients
        on insurance_policies.patient_id = patients.patient_id
    where insurance_policies.payer_type = 'Medicare'
),

medicare_age_mix as (
    select
        count(*) as medicare_policy_count,
        sum(
            case when is_holder_under_65 then 1 else 0 end
        ) as under_65_policy_count
    from medicare_policies
),

final as (
    select
        medicare_policy_count,
        under_65_policy_count,
        1.0 * under_65_policy_count / medicare_policy_count as under_65_share
    from medicare_age_mix
    where
        under_65_policy_count >= 0.05 * medicare_policy_count
        and medicare_policy_count > 0
)

select * from final
