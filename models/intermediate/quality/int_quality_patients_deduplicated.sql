-- One row per patient record with the record it duplicates, if any. The
-- matching rule (docs/defects.md): two records are the same patient when they
-- share the social security number and agree on at least two of
--   - the name: first and last equal, ignoring case, in either order;
--   - the birth date: equal, or with day and month transposed;
--   - the address: street line and ZIP code equal.
-- Of a group of matches the earliest registered (then the smallest key) is the
-- master record; every other one is a duplicate of it.

with

patients as (
    select
        patient_id,
        social_security_number,
        lower(first_name) as first_name,
        lower(last_name) as last_name,
        birth_date,
        address_line_1,
        zip_code,
        registration_date
    from {{ ref('stg_ehp__patn') }}
),

pairs as (
    select
        later.patient_id,
        earlier.patient_id as master_patient_id,
        earlier.registration_date as master_registration_date
    from patients as later
    inner join patients as earlier
        on
            later.social_security_number = earlier.social_security_number
            and (
                later.registration_date > earlier.registration_date
                or (
                    later.registration_date = earlier.registration_date
                    and later.patient_id > earlier.patient_id
                )
            )
    where
        case
            when
                (
                    later.first_name = earlier.first_name
                    and later.last_name = earlier.last_name
                )
                or (
                    later.first_name = earlier.last_name
                    and later.last_name = earlier.first_name
                )
                then 1
            else 0
        end
        + case
            when later.birth_date = earlier.birth_date then 1
            when
                extract(year from later.birth_date)
                = extract(year from earlier.birth_date)
                and extract(month from later.birth_date)
                = extract(day from earlier.birth_date)
                and extract(day from later.birth_date)
                = extract(month from earlier.birth_date)
                then 1
            else 0
        end
        + case
            when
                later.address_line_1 = earlier.address_line_1
                and later.zip_code = earlier.zip_code
                then 1
            else 0
        end >= 2
),

masters as (
    select
        patient_id,
        master_patient_id,
        row_number() over (
            partition by patient_id
            order by master_registration_date, master_patient_id
        ) as match_rank
    from pairs
),

deduplicated as (
    select
        patients.patient_id,
        coalesce(
            masters.master_patient_id, patients.patient_id
        ) as master_patient_id,
        masters.master_patient_id is not null as is_duplicate
    from patients
    left join masters
        on
            patients.patient_id = masters.patient_id
            and masters.match_rank = 1
)

select * from deduplicated
