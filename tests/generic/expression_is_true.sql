{#-
    expression_is_true(model, expression, column_name=none)

    Row rule: fails every row where `expression` is false. A row where the
    expression is null (a nullable column is empty) passes, as in dbt_utils;
    pair it with not_null where emptiness matters. Given on a column,
    the expression is appended to the column (`expression: ">= 0"`).
    Filter the rows checked with the test config `where:`.

    arguments:
      expression   a boolean SQL expression over the model's columns
-#}
{% test expression_is_true(model, expression, column_name=none) %}

    {%- set rule = column_name ~ ' ' ~ expression
        if column_name is not none else expression -%}

    select *
    from {{ model }}
    where not ({{ rule }})

{% endtest %}
