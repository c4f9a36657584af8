{#-
    detection_ratio(numerator, denominator)

    A scorecard's precision or recall: numerator / denominator as a
    decimal(5, 4), null when the denominator is 0 (nothing detected or
    nothing injected), never a division error. Shared by the data-quality
    scorecards (int_quality_scorecard, int_quality_late_arrival_scorecard).

    arguments:
      numerator    SQL expression of the count on top (true positives)
      denominator  SQL expression of the count below (detected or injected)
-#}
{% macro detection_ratio(numerator, denominator) -%}
    cast(1.0 * {{ numerator }} / nullif({{ denominator }}, 0) as decimal(5, 4))
{%- endmacro %}
