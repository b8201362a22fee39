select
    report_id,
    trim(organ) as organ,
    area_code,
    cast(year as integer) as report_year,
    case template when '2008' then 'pre2019' else template end as template,
    text_length,
    published_at
from {{ source('synth', 'reports') }}
