select
    f.report_id,
    f.item_key,
    sum(case when f.measure_key = 'natural_person' then f.value end) as natural_person,
    sum(case when f.measure_key = 'commercial' then f.value end) as commercial,
    sum(case when f.measure_key = 'research' then f.value end) as research,
    sum(case when f.measure_key = 'social' then f.value end) as social,
    sum(case when f.measure_key = 'legal' then f.value end) as legal,
    sum(case when f.measure_key = 'other_org' then f.value end) as other_org,
    sum(case when f.measure_key = 'total' then f.value end) as total
from {{ ref('stg_synth__facts') }} as f
semi join {{ ref('int_reports_dedup') }} as d on d.report_id = f.report_id
where f.section_key = 'applications'
group by f.report_id, f.item_key
