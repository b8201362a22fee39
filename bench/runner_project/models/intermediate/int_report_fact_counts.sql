select
    report_id,
    count(*) as n_facts,
    count(value) as n_values,
    sum(value) as value_sum
from {{ ref('stg_synth__facts') }}
group by report_id
