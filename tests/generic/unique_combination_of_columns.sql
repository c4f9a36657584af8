{#-
    unique_combination_of_columns(model, combination_of_columns)

    Grain test for models whose key is several columns (a department and a
    day, a month and a payer type): fails each combination that appears on
    more than one row.

    arguments:
      combination_of_columns  list of the column names that form the key
-#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

    {%- set columns = combination_of_columns | join(', ') -%}

    select
        {{ columns }},
        count(*) as row_count
    from {{ model }}
    group by {{ columns }}
    having count(*) > 1

{% endtest %}
