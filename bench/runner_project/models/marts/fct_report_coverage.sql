select
    d.report_id,
    d.organ,
    d.report_year,
    d.template,
    c.n_facts,
    c.n_values,
    c.value_sum
from {{ ref('int_reports_dedup') }} as d
left join {{ ref('int_report_fact_counts') }} as c on c.report_id = d.report_id
