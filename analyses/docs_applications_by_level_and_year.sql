-- Applications received and outcome groups per level and year, without double counting a
-- government-wide report (scope = aggregate) and the departments it already contains.
with organ_years as (
    select * from {{ ref('rpt_organ_year') }}
),

flagged as (
    select
        *,
        bool_or(scope = 'aggregate') over (
            partition by coalesce(area_code, organ_id), report_year
        ) as area_has_aggregate
    from organ_years
),

counted as (
    select * from flagged
    where scope = 'aggregate' or not area_has_aggregate
)

select
    coalesce(level, 'unknown')      as level,
    report_year,
    count(*)                        as reports,
    sum(applications_received)      as applications_received,
    sum(granted)                    as granted,
    sum(partially_granted)          as partially_granted,
    sum(denied)                     as denied,
    sum(unable)                     as unable,
    sum(not_processed)              as not_processed,
    sum(other_outcome)              as other_outcome
from counted
group by all
order by level, report_year
