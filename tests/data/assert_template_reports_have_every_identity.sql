-- report_checks lists every template identity of every 2019/2021 report, stated or not:
-- 7 columns × (R1, R2), one R3 per row of its template, 3 kinds of appeal (R4).
with reports as (
    select report_id, template from {{ ref('dim_report') }}
    where template in ('2019', '2021')
),

counts as (
    select
        r.report_id,
        r.template,
        count(*) filter (where c.check_id = 'R1') as n_r1,
        count(*) filter (where c.check_id = 'R2') as n_r2,
        count(*) filter (where c.check_id = 'R3') as n_r3,
        count(*) filter (where c.check_id = 'R4') as n_r4
    from reports as r
    left join {{ ref('report_checks') }} as c on c.report_id = r.report_id
    group by r.report_id, r.template
),

rows_per_template as (
    select
        count(*) filter (where in_2019) as n_2019,
        count(*) filter (where in_2021) as n_2021
    from {{ ref('outcome_groups') }}
    where era = '2019+'
)

select counts.*
from counts
cross join rows_per_template as t
where n_r1 <> 7 or n_r2 <> 7 or n_r4 <> 3
   or n_r3 <> case template when '2019' then t.n_2019 else t.n_2021 end
