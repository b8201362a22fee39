{#- Generic data tests that ogi and dbt both run from this folder (no package needed):
    a composite-key uniqueness test and an expression test. Each returns the failing rows. -#}

{% test unique_combination_of_columns(model, combination_of_columns) %}
{#- No two rows share the values of all these columns. -#}
select {{ combination_of_columns | join(', ') }}, count(*) as n_records
from {{ model }}
group by {{ combination_of_columns | join(', ') }}
having count(*) > 1
{% endtest %}

{% test expression_is_true(model, expression, column_name=None) %}
{#- Rows where the SQL expression is not true (with column_name: `<column> <expression>`). -#}
select *
from {{ model }}
where not ({% if column_name %}{{ column_name }} {% endif %}{{ expression }})
{% endtest %}
