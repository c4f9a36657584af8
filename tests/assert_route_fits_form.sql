-- docs/data_model.md invariant 9: the route fits the dosage form. Checks each
-- medicine's default route and every dose's route.
-- Returns the medicines and doses whose route does not fit.
with

medicines as (
    select * from {{ ref('stg_ehp__mdcn') }}
),

medicine_administrations as (
    select * from {{ ref('stg_ehp__tmmd') }}
),

routes_used as (
    select
        'medicine default route' as record_name,
        medicine_id as record_id,
        medicine_id,
        dosage_form,
        default_route as route
    from medicines

    union all

    select
        'dose' as record_name,
        medicine_administrations.medicine_administration_id as record_id,
        medicines.medicine_id,
        medicines.dosage_form,
        medicine_administrations.route
    from medicine_administrations
    inner join medicines
        on medicine_administrations.medicine_id = medicines.medicine_id
),

classified as (
    select
        *,
        coalesce(
            case dosage_form
                when 'tablet' then route = 'oral'
                when 'capsule' then route = 'oral'
                when 'suspension' then route = 'oral'
                when 'solution' then route in ('oral', 'intravenous')
                when 'injection'
                    then
                        route in (
                            'intravenous', 'intramuscular', 'subcutaneous'
                        )
                when 'cream' then route = 'topical'
                when 'inhaler' then route = 'inhaled'
                when 'patch' then route = 'transdermal'
            end,
            false
        ) as is_route_fitting_form
    from routes_used
),

final as (
    select *
    from classified
    where not is_route_fitting_form
)

select * from final
