select
    organ,
    min(area_code) as area_code,
    count(*) as n_reports,
    min(report_year) as first_year,
    max(report_year) as last_year
from {{ ref('int_reports_dedup') }}
group by organ
