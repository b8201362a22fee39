with wide as (
    select * from {{ ref('int_applications_wide') }}
),

long as (
    unpivot wide
    on natural_person, commercial, research, social, legal, other_org, total
    into name applicant value n
)

select
    d.area_code,
    d.report_year,
    long.applicant,
    long.item_key,
    sum(long.n) as n,
    count(*) as n_reports
from long
join {{ ref('int_reports_dedup') }} as d on d.report_id = long.report_id
group by d.area_code, d.report_year, long.applicant, long.item_key
