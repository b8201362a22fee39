select distinct
    r.area_code,
    p.province
from {{ ref('int_reports_dedup') }} as r
left join {{ ref('stg_provinces') }} as p on p.prefix = left(r.area_code, 2)
