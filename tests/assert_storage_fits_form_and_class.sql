-- docs/data_model.md invariant 9: storage fits the form and the class.
-- Controlled substances (schedules II-V) are kept in the controlled vault;
-- the others as their form allows. Returns the medicines stored otherwise.
with

medicines as (
    select * from {{ ref('stg_ehp__mdcn') }}
),

classified as (
    select
        medicine_id,
        dosage_form,
        drug_schedule,
        storage_requirement,
        coalesce(
            case
                when
                    drug_schedule in (
                        'schedule II', 'schedule III', 'schedule IV',
                        'schedule V'
                    )
                    then storage_requirement = 'controlled vault'
                when dosage_form in ('tablet', 'capsule', 'inhaler', 'patch')
                    then storage_requirement = 'room temperature'
                when dosage_form in ('cream', 'suspension', 'solution')
                    then
                        storage_requirement in (
                            'room temperature', 'refrigerated'
                        )
                when dosage_form = 'injection'
                    then
                        storage_requirement in (
                            'room temperature', 'refrigerated', 'frozen'
                        )
            end,
            false
        ) as is_storage_fitting
    from medicines
),

final as (
    select *
    from classified
    where not is_storage_fitting
)

select * from final
