{#- Generic data tests of the warehouse models (the runner's built-ins are unique, not_null,
    accepted_values, relationships). -#}

{% test unique_grain(model, columns) %}
{#- The model's grain: no two rows share these columns (a composite key). -#}
select {{ columns | join(', ') }}, count(*) as n_records
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
