-- One row per organ and year (its primary report): the figures a spreadsheet user asks for first.
-- Pre-2019 answers are mapped to the same coarse outcome groups as the 2019+ table rows
-- (seeds/outcome_groups.csv), so eras compare only at that coarse level.
with reports as (
    select * from {{ ref('dim_report') }}
    where is_primary and report_status is distinct from 'not_a_report'
),

applications as (
    select * from {{ ref('fct_applications') }}
    -- the annual figure of the 总计 column (2019+) or the stated figure (pre-2019)
    where not is_cumulative
      and (era = 'pre2019' or is_total_column)
),

appeals as (
    select * from {{ ref('fct_appeals') }}
    where not is_cumulative
),

disclosures as (
    select * from {{ ref('fct_disclosures') }}
    where not is_cumulative
),

application_figures as (
    select
        report_id,
        sum(value) filter (where outcome_group = 'received')             as applications_received,
        sum(value) filter (where outcome_group = 'carried_over')         as applications_carried_over,
        sum(value) filter (where outcome_group = 'granted')              as granted,
        sum(value) filter (where outcome_group = 'partially_granted')    as partially_granted,
        sum(value) filter (where outcome_group = 'denied')               as denied,
        sum(value) filter (where outcome_group = 'unable')               as unable,
        sum(value) filter (where outcome_group = 'not_processed')        as not_processed,
        sum(value) filter (where outcome_group = 'other')                as other_outcome,
        sum(value) filter (where outcome_group = 'processed_total')      as applications_processed,
        sum(value) filter (where outcome_group = 'carried_to_next_year') as applications_carried_to_next_year
    from applications
    group by report_id
),

appeal_figures as (
    select
        report_id,
        sum(value) filter (where appeal_route = 'reconsideration' and measure = 'total')     as reconsiderations,
        sum(value) filter (where appeal_route = 'reconsideration' and measure = 'corrected') as reconsiderations_corrected,
        sum(value) filter (where appeal_route = 'litigation' and measure = 'total')          as lawsuits,
        sum(value) filter (where appeal_route = 'litigation' and measure = 'corrected')      as lawsuits_corrected,
        sum(value) filter (where appeal_route in ('reconsideration', 'litigation')
                             and measure in ('upheld', 'corrected', 'other'))              as appeals_concluded,
        sum(value) filter (where appeal_route in ('reconsideration', 'litigation')
                             and measure = 'corrected')                                    as appeals_corrected
    from appeals
    group by report_id
),

disclosure_figures as (
    select
        report_id,
        sum(value) filter (where item = 'proactive_items' and measure = 'total')              as proactive_items_published,
        sum(value) filter (where item = 'regulations' and measure in ('issued', 'newly_made')) as regulations_issued,
        sum(value) filter (where item = 'normative_documents' and measure in ('issued', 'newly_made'))
                                                                                            as normative_documents_issued,
        sum(value) filter (where item = 'administrative_licensing' and measure = 'decisions') as licensing_decisions,
        sum(value) filter (where item = 'administrative_penalty' and measure = 'decisions')   as penalty_decisions
    from disclosures
    group by report_id
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
    p.reconsiderations,
    p.reconsiderations_corrected,
    p.lawsuits,
    p.lawsuits_corrected,
    round(p.appeals_corrected / nullif(p.appeals_concluded, 0), 4)         as correction_rate,
    d.proactive_items_published,
    d.regulations_issued,
    d.normative_documents_issued,
    d.licensing_decisions,
    d.penalty_decisions
from reports as r
left join application_figures as a on a.report_id = r.report_id
left join appeal_figures as p on p.report_id = r.report_id
left join disclosure_figures as d on d.report_id = r.report_id
