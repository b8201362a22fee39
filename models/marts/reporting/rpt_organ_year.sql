-- One row per organ and year (its primary report): the figures a spreadsheet user asks for first.
-- Pre-2019 answers are mapped to the same coarse outcome groups as the 2019+ table rows
-- (seeds/outcome_groups.csv), so eras compare only at that coarse level. Counts are whole numbers.
with reports as (
    select * from {{ ref('dim_report') }}
    where is_primary and report_status is distinct from 'not_a_report'
),

figures as (
    select * from {{ ref('int_report_figures_pivoted') }}
)

select
    r.organ_id,
    r.organ_name,
    r.organ_kind,
    r.level,
    r.scope,
    r.area_code,
    r.province,
    r.prefecture,
    r.county,
    r.township,
    r.report_year,
    r.template,
    r.report_id,
    cast(a.applications_received as bigint) as applications_received,
    cast(a.applications_carried_over as bigint) as applications_carried_over,
    cast(a.granted as bigint) as granted,
    cast(a.partially_granted as bigint) as partially_granted,
    cast(a.denied as bigint) as denied,
    cast(a.unable as bigint) as unable,
    cast(a.not_processed as bigint) as not_processed,
    cast(a.other_outcome as bigint) as other_outcome,
    cast(a.applications_processed as bigint) as applications_processed,
    cast(a.applications_carried_to_next_year as bigint) as applications_carried_to_next_year,
    round(a.granted / nullif(a.applications_processed, 0), 4)             as granted_rate,
    cast(a.reconsiderations as bigint) as reconsiderations,
    cast(a.reconsiderations_corrected as bigint) as reconsiderations_corrected,
    cast(a.lawsuits as bigint) as lawsuits,
    cast(a.lawsuits_corrected as bigint) as lawsuits_corrected,
    round(a.appeals_corrected / nullif(a.appeals_concluded, 0), 4)         as correction_rate,
    cast(a.proactive_items_published as bigint) as proactive_items_published,
    cast(a.regulations_issued as bigint) as regulations_issued,
    cast(a.normative_documents_issued as bigint) as normative_documents_issued,
    cast(a.licensing_decisions as bigint) as licensing_decisions,
    cast(a.penalty_decisions as bigint) as penalty_decisions
from reports as r
left join figures as a on a.report_id = r.report_id
