-- One row per organ and year (its primary report): the figures a spreadsheet user asks for first.
-- Pre-2019 answers are mapped to the same coarse outcome groups as the 2019+ table rows
-- (seeds/outcome_groups.csv), so eras compare only at that coarse level.
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
    a.applications_received,
    a.applications_carried_over,
    a.granted,
    a.partially_granted,
    a.denied,
    a.unable,
    a.not_processed,
    a.other_outcome,
    a.applications_processed,
    a.applications_carried_to_next_year,
    round(a.granted / nullif(a.applications_processed, 0), 4)             as granted_rate,
    a.reconsiderations,
    a.reconsiderations_corrected,
    a.lawsuits,
    a.lawsuits_corrected,
    round(a.appeals_corrected / nullif(a.appeals_concluded, 0), 4)         as correction_rate,
    a.proactive_items_published,
    a.regulations_issued,
    a.normative_documents_issued,
    a.licensing_decisions,
    a.penalty_decisions
from reports as r
left join figures as a on a.report_id = r.report_id
