-- One row per organ (an organ name within its resolved area) that published at least one report.
with reports as (
    select * from {{ ref('int_reports_deduplicated') }}
    where organ_id is not null
)

select
    organ_id,
    -- the name, kind and level of the organ's most recent report
    arg_max(organ_name, coalesce(report_year, 0))           as organ_name,
    arg_max(organ_kind, coalesce(report_year, 0))           as organ_kind,
    arg_max(level, coalesce(report_year, 0))                as level,
    any_value(area_code)                                    as area_code,
    any_value(province)                                     as province,
    any_value(prefecture)                                   as prefecture,
    any_value(county)                                       as county,
    any_value(township)                                     as township,
    min(report_year)                                        as first_report_year,
    max(report_year)                                        as last_report_year,
    cast(count(distinct report_year) as integer)            as n_report_years,
    cast(count(*) as integer)                               as n_reports,
    cast(count(*) filter (where not is_primary) as integer) as n_duplicate_reports
from reports
group by organ_id
