-- One row per appeals fact (行政复议 / 行政诉讼) of a report: 2019/2021 one row per kind of
-- appeal (item) × result (measure); pre-2019 the totals stated.
-- A view over the one materialised facts table (int_facts_unioned): no second copy of every fact.
{{ config(materialized='view') }}

with facts as (
    select * from {{ ref('fct_report_facts') }}
    where section = 'appeals'
),

appeal_kinds as (
    select * from {{ ref('appeal_kinds') }}
),

with_era as (
    select
        *,
        {{ template_era('template') }} as era
    from facts
)

select
    f.report_id,
    f.organ_id,
    f.report_year,
    f.template,
    f.era,
    f.item,
    f.measure,
    coalesce(k.appeal_route, 'other')                       as appeal_route,
    f.value,
    f.unit,
    f.status,
    f.approx,
    f.origin,
    f.is_cumulative,
    f.is_primary,
    k.label_zh                                              as item_label_zh
from with_era as f
left join appeal_kinds as k
    on k.era = f.era
   and k.item = f.item
