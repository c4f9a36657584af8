with

source as (
    select * from {{ ehp_source('medt') }}
),

renamed as (
    select
        ----------  ids
        medt_id as team_assignment_id,
        vist_id as visit_id,
        stff_id as staff_id,
        ----------  text
        case medt_role_cd
            when 'ATND' then 'attending'
            when 'RES' then 'resident'
            when 'RN' then 'nurse'
            when 'ANES' then 'anesthetist'
            when 'CNSL' then 'consultant'
            when 'PHRM' then 'pharmacist'
            else medt_role_cd
        end as team_role,
        ----------  timestamps
        cast(medt_asgn_ts as {{ dbt.type_timestamp() }}) as assigned_at,
        cast(medt_rls_ts as {{ dbt.type_timestamp() }}) as released_at,
        cast(rec_crtd_ts as {{ dbt.type_timestamp() }}) as record_created_at,
        cast(rec_updt_ts as {{ dbt.type_timestamp() }}) as record_updated_at,
        ----------  booleans
        coalesce(medt_lead_flg = 'Y', false) as is_team_lead
    from source
)

-- a row re-sent by a dirty extract is kept once (docs/defects.md)
{{ ehp_resent_rows_removed('renamed') }}
