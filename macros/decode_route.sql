{#-
    decode_route(column)

    The readable name of an ERP route code (PO, IV, IM, SC, TOP, INH, TD), shared
    by the formulary's default route (MDCN) and each dose's route (TMMD) so the
    two always decode alike. An unknown code passes through unchanged, so
    accepted_values tests fail loudly instead of seeing a null.
-#}
{% macro decode_route(column) %}
    case {{ column }}
        when 'PO' then 'oral'
        when 'IV' then 'intravenous'
        when 'IM' then 'intramuscular'
        when 'SC' then 'subcutaneous'
        when 'TOP' then 'topical'
        when 'INH' then 'inhaled'
        when 'TD' then 'transdermal'
        else {{ column }}
    end
{% endmacro %}
