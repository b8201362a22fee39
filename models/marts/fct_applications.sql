-- One row per applications fact (依申请公开) of a report: for the 2019/2021 template one row per
-- table row (item) × applicant column (measure); for pre-2019 reports one row per stated figure.
-- Each row carries the coarse outcome group (seeds/outcome_groups.csv) that compares the eras.
-- A view over the one materialised facts table (int_facts_unioned): no second copy of every fact.
{{ config(materialized='view') }}

with facts as (
    select * from {{ ref('fct_report_facts') }}
    where section = 'applications'
),

outcome_groups as (
    select * from {{ ref('outcome_groups') }}
),

applicant_types as (
    select * from {{ ref('applicant_types') }}
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
    a.measure                                               as applicant_type,
    a.applicant_group,
    coalesce(a.is_total, false)                             as is_total_column,
    g.outcome_group,
    f.value,
    f.unit,
    f.status,
    f.approx,
    f.origin,
    f.is_cumulative,
    f.is_primary,
    g.label_zh                                              as item_label_zh,
    a.label_zh                                              as applicant_label_zh
from with_era as f
left join outcome_groups as g
    on g.era = f.era
   and g.item = f.item
   and (g.measure = '*' or g.measure = f.measure)
left join applicant_types as a
    on f.era = '2019+'
   and a.measure = f.measure
