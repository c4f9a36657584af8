{#-
    matches_pattern(model, column_name, pattern)

    Format check: fails rows where `column_name` is not empty and does not
    match the regular expression `pattern` (RE2 syntax; anchor it with ^...$).
    Used for the identifiers that must never be real: phone numbers in
    555-0100..0199, SSNs in a never-issued area, NPIs starting with 3,
    emails on reserved domains.

    arguments:
      pattern  the regular expression, e.g. '^\(\d{3}\) 555-01\d{2}$'
-#}
{% test matches_pattern(model, column_name, pattern) %}

    select *
    from {{ model }}
    where
        {{ column_name }} is not null
        and not {{ proactivehealth.regex_matches(column_name, pattern) }}

{% endtest %}
