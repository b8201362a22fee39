with facts as (
    select * from {{ source('synth', 'facts') }}
),

labels as (
    select * from {{ ref('label_map') }}
)

select
    facts.report_id,
    coalesce(s.key, trim(facts.section)) as section_key,
    coalesce(i.key, trim(facts.item)) as item_key,
    coalesce(m.key, trim(facts.measure)) as measure_key,
    try_cast(facts.value as double) as value
from facts
left join labels as s on s.label = trim(facts.section)
left join labels as i on i.label = trim(facts.item)
left join labels as m on m.label = trim(facts.measure)
