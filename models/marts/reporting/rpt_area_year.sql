-- One row per resolved area and year: the figures of the area's reports added up without double
-- counting. Where the area has a government-wide report (scope = aggregate) for the year, that
-- report already contains its own departments (and any lower government of the same area), so
-- only the aggregate reports of the highest level are counted; otherwise the own reports of the
-- area's organs are added up.
with organ_years as (
    -- the columns added up below (each test of this view plans it again: fewer columns, less work)
    select area_code, province, prefecture, county, township, report_year, level, scope,
           applications_received, granted, partially_granted, denied, unable, not_processed,
           other_outcome, applications_processed, reconsiderations, lawsuits, proactive_items_published
    from {{ ref('rpt_organ_year') }}
    where area_code is not null
),

ranked as (
    select
        *,
        case level when 'province' then 1 when 'prefecture' then 2 when 'county' then 3
                   when 'township' then 4 else 5 end           as level_rank
    from organ_years
),

flagged as (
    select
        *,
        bool_or(scope = 'aggregate') over area_year            as area_has_aggregate,
        min(level_rank) filter (where scope = 'aggregate') over area_year as top_aggregate_rank
    from ranked
    window area_year as (partition by area_code, report_year)
),

counted as (
    select
        *,
        case when area_has_aggregate then scope = 'aggregate' and level_rank = top_aggregate_rank
             else true end                                 as is_counted
    from flagged
)

select
    area_code,
    any_value(province)                                     as province,
    any_value(prefecture)                                   as prefecture,
    any_value(county)                                       as county,
    any_value(township)                                     as township,
    report_year,
    case when bool_or(area_has_aggregate) then 'aggregate_report'
         else 'sum_of_own_reports' end                      as basis,
    cast(count(*) as integer)                               as n_reports,
    cast(count(*) filter (where is_counted) as integer)     as n_reports_counted,
    cast(sum(applications_received) filter (where is_counted) as bigint) as applications_received,
    cast(sum(granted) filter (where is_counted) as bigint) as granted,
    cast(sum(partially_granted) filter (where is_counted) as bigint) as partially_granted,
    cast(sum(denied) filter (where is_counted) as bigint) as denied,
    cast(sum(unable) filter (where is_counted) as bigint) as unable,
    cast(sum(not_processed) filter (where is_counted) as bigint) as not_processed,
    cast(sum(other_outcome) filter (where is_counted) as bigint) as other_outcome,
    cast(sum(applications_processed) filter (where is_counted) as bigint) as applications_processed,
    cast(sum(reconsiderations) filter (where is_counted) as bigint) as reconsiderations,
    cast(sum(lawsuits) filter (where is_counted) as bigint) as lawsuits,
    cast(sum(proactive_items_published) filter (where is_counted) as bigint) as proactive_items_published
from counted
group by area_code, report_year
