-- One row per area of the gazetteer (current MCA divisions down to township level), with its
-- parent chain: the dimension reports join to through int_report_areas_resolved.area_code.
with areas as (
    select * from {{ ref('areas') }}
)

select
    -- the seed loads codes as integers (cheaper); the dimension publishes them as VARCHAR codes
    cast(code12 as varchar)                         as area_code,
    cast(code6 as varchar)                          as code6,
    nullif(cast(code9 as varchar), '')              as code9,
    name,
    nullif(short_name, '')                          as short_name,
    level,
    nullif(cast(parent_code12 as varchar), '')      as parent_code,
    nullif(cast(province_code12 as varchar), '')    as province_code,
    nullif(province, '')                            as province,
    nullif(cast(prefecture_code12 as varchar), '')  as prefecture_code,
    nullif(prefecture, '')                          as prefecture,
    nullif(cast(county_code12 as varchar), '')      as county_code,
    nullif(county, '')                              as county,
    nullif(cast(township_code12 as varchar), '')    as township_code,
    nullif(township, '')                            as township,
    cast(abolished as boolean)                      as is_abolished
from areas
