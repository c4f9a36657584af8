{#-
    age_in_years(birth_date, on_date)

    Whole years between two dates: the calendar-year difference, less one
    when the birthday has not come yet in `on_date`'s year. Portable
    (ehp_datediff and ANSI extract), unlike a year datediff alone, which
    counts year boundaries crossed and makes a baby born on 31 December
    one year old the next day.

    arguments:
      birth_date  SQL expression of the date of birth
      on_date     SQL expression of the date the age is taken on
-#}
{% macro age_in_years(birth_date, on_date) -%}
    (
        {{ ehp_datediff(birth_date, on_date, 'year') }}
        - case
            when
                extract(month from {{ on_date }}) * 100
                + extract(day from {{ on_date }})
                < extract(month from {{ birth_date }}) * 100
                + extract(day from {{ birth_date }})
                then 1
            else 0
        end
    )
{%- endmacro %}
