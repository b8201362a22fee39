{#- Generic data tests of the warehouse models (the runner's built-ins are unique, not_null,
    accepted_values, relationships). -#}

{% test unique_grain(model, columns, hash_prefilter=false) %}
{#- The model's grain: no two rows share these columns (a composite key).
    hash_prefilter (for big tables): rows are first grouped by a hash of the columns (cheap on
    millions of rows); only hashes seen twice are then compared on the real columns, so a hash
    collision can never make the test pass or fail wrongly. It reads the model twice, so small
    relations and views (which would be computed twice) are grouped by the columns directly. -#}
{%- if hash_prefilter %}
with hashes_seen_twice as (
    select hash({{ columns | join(', ') }}) as key_hash
    from {{ model }}
    group by 1
    having count(*) > 1
)

select {{ columns | join(', ') }}, count(*) as n_records
from {{ model }}
where hash({{ columns | join(', ') }}) in (select key_hash from hashes_seen_twice)
group by {{ columns | join(', ') }}
having count(*) > 1
{%- else %}
select {{ columns | join(', ') }}, count(*) as n_records
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{%- endif %}
{% endtest %}
