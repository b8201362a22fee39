with ranked as (
    select
        *,
        row_number() over (partition by organ, report_year order by published_at desc, report_id) as rn
    from {{ ref('stg_synth__reports') }}
)

select report_id, organ, area_code, report_year, template, text_length, published_at
from ranked
where rn = 1
