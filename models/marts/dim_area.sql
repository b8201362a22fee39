-- One row per area of the gazetteer (current MCA divisions down to township level), with its
-- parent chain: the dimension reports join to through int_report_areas_resolved.area_code.
with areas as (
    select * from {{ ref('areas') }}
)

select
    code12                                          as area_code,
    code6,
    nullif(code9, '')                               as code9,
    name,
    nullif(short_name, '')                          as short_name,
    level,
    nullif(parent_code12, '')                       as parent_code,
    nullif(province_code12, '')                     as province_code,
    nullif(province, '')                            as province,
    nullif(prefecture_code12, '')                   as prefecture_code,
    nullif(prefecture, '')                          as prefecture,
    nullif(county_code12, '')                       as county_code,
    nullif(county, '')                              as county,
    nullif(township_code12, '')                     as township_code,
    nullif(township, '')                            as township,
    cast(abolished as boolean)                      as is_abolished
from areas
