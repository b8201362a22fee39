-- One row per canonical fact of a report (VOCABULARY.md keys), long, with its evidence.
-- A view over the one materialised facts table (int_facts_unioned): no second copy of every fact.
{{ config(materialized='view') }}

with facts as (
    select * from {{ ref('int_facts_unioned') }}
),

reports as (
    select * from {{ ref('int_reports_deduplicated') }}
)

select
    -- contract columns (PRODUCT.md)
    f.report_id,
    r.source_path,
    r.report_year,
    r.template,
    f.section,
    f.item,
    f.measure,
    f.value,
    f.unit,
    f.status,
    f.approx,
    f.origin,
    f.evidence_line,
    f.evidence_text,
    -- who and where
    r.organ_id,
    r.organ_name,
    r.area_code,
    -- use
    f.is_cumulative,
    r.is_primary,
    f.n_candidates
from facts as f
inner join reports as r on r.report_id = f.report_id
