{#-
    not_before(model, column_name, other_column)

    Time order within a row: fails rows where `column_name` is earlier than
    `other_column` (e.g. discharged_at before admitted_at). Rows where either
    value is empty pass, so it fits nullable end dates.

    arguments:
      other_column  the column that must come first (same or comparable type)
-#}
{% test not_before(model, column_name, other_column) %}

    select *
    from {{ model }}
    where {{ column_name }} < {{ other_column }}

{% endtest %}
