-- One row per proactive-disclosure fact (主动公开) of a report: 第二十条 tables (2019, 2021) and
-- the pre-2019 counts of items published.
-- A view over the one materialised facts table (int_facts_unioned): no second copy of every fact.
{{ config(materialized='view') }}

with facts as (
    select * from {{ ref('fct_report_facts') }}
    where section = 'disclosure'
)

select
    report_id,
    organ_id,
    report_year,
    template,
    item,
    measure,
    value,
    unit,
    status,
    approx,
    origin,
    is_cumulative,
    is_primary
from facts
