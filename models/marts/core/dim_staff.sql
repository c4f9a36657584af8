with

staff as (
    select * from {{ ref('stg_ehp__stff') }}
),

departments as (
    select * from {{ ref('stg_ehp__dpmt') }}
),

extract_dates as (
    select * from {{ ref('int_extract_dates_derived') }}
),

final as (
    select
        staff.staff_id,
        staff.employee_number,
        staff.first_name,
        staff.last_name,
        staff.sex,
        staff.staff_role,
        staff.specialty_code,
        staff.national_provider_identifier is not null as is_licensed_provider,
        staff.department_id,
        departments.department_name,
        staff.shift,
        staff.employment_type,
        staff.employment_status,
        staff.hire_date,
        staff.termination_date,
        coalesce(
            staff.hire_date <= extract_dates.as_of_date
            and (
                staff.termination_date is null
                or staff.termination_date >= extract_dates.as_of_date
            ),
            false
        ) as is_employed_at_as_of,
        {{ age_in_years(
            'staff.hire_date',
            'coalesce(staff.termination_date, extract_dates.as_of_date)'
        ) }} as tenure_years,
        staff.annual_salary_amount
    from staff
    inner join departments
        on staff.department_id = departments.department_id
    cross join extract_dates
)

select * from final
