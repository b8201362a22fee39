-- Reports with at least one failed identity, most failures first.
with failed as (
    select * from {{ ref('report_checks') }}
    where check_status = 'failed'
)

select
    r.organ_name,
    r.report_year,
    r.template,
    count(*)                                                as failed_checks,
    string_agg(distinct f.check_id, ', ' order by f.check_id) as checks,
    sum(abs(f.difference))                                  as total_abs_difference,
    r.source_path
from failed as f
inner join {{ ref('dim_report') }} as r on r.report_id = f.report_id
group by r.report_id, r.organ_name, r.report_year, r.template, r.source_path
order by failed_checks desc, r.organ_name, r.report_year
