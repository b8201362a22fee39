-- One row per identity: how many reports pass it, fail it, or state too little to tell.
select
    check_id,
    any_value(check_name)                                           as check_name,
    count(distinct report_id) filter (where check_status = 'passed')     as reports_passing,
    count(distinct report_id) filter (where check_status = 'failed')     as reports_failing,
    count(distinct report_id) filter (where check_status = 'incomplete') as reports_incomplete,
    count(distinct report_id) filter (where check_status = 'not_stated') as reports_not_stating,
    count(*) filter (where check_status = 'failed')                 as failed_checks
from {{ ref('report_checks') }}
group by check_id
order by check_id
