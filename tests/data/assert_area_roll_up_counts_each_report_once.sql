-- rpt_area_year adds up exactly the organ-years it says it counts: its applications_received
-- equals the sum over the counted reports of rpt_organ_year, and never exceeds what all the
-- area's reports together would give when there is a government-wide report.
with organ_years as (
    select * from {{ ref('rpt_organ_year') }}
    where area_code is not null
),

roll_up as (
    select * from {{ ref('rpt_area_year') }}
),

all_reports as (
    select area_code, report_year, count(*) as n_reports, sum(applications_received) as received_all
    from organ_years
    group by area_code, report_year
)

select r.area_code, r.report_year, r.n_reports, a.n_reports as n_reports_all
from roll_up as r
inner join all_reports as a using (area_code, report_year)
where r.n_reports <> a.n_reports
   or r.n_reports_counted > r.n_reports
   or r.n_reports_counted < 1
   or (r.basis = 'sum_of_own_reports' and r.n_reports_counted <> r.n_reports)
   or r.applications_received > a.received_all
