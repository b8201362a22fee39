-- One row per report: its headline annual figures pivoted wide — applications by coarse outcome
-- group (the 总计 column for 2019+, the stated totals pre-2019; seeds/outcome_groups.csv), appeals
-- by route, a few disclosure counts. Materialised once so rpt_organ_year and its tests stay cheap.
with reports as (
    select report_id, template from {{ ref('int_reports_deduplicated') }}
),

facts as not materialized (
    select report_id, section, item, measure, value
    from {{ ref('int_facts_unioned') }}
    where not is_cumulative
),

outcome_groups as (
    select * from {{ ref('outcome_groups') }}
),

appeal_kinds as (
    select * from {{ ref('appeal_kinds') }}
),

with_era as (
    select
        report_id,
        {{ template_era('template') }} as era
    from reports
),

applications as (
    select f.report_id, f.value, g.outcome_group
    from facts as f
    inner join with_era as r on r.report_id = f.report_id
    inner join outcome_groups as g
        on g.era = r.era
       and g.item = f.item
       -- 2019+: the 总计 column of each row; pre-2019: the named measure
       and (g.measure = f.measure or (g.measure = '*' and f.measure = 'total'))
    where f.section = 'applications'
),

appeals as (
    select f.report_id, f.measure, f.value, k.appeal_route
    from facts as f
    inner join with_era as r on r.report_id = f.report_id
    inner join appeal_kinds as k on k.era = r.era and k.item = f.item
    where f.section = 'appeals'
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
    from facts
    where section = 'disclosure'
    group by report_id
)

select
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
    p.reconsiderations,
    p.reconsiderations_corrected,
    p.lawsuits,
    p.lawsuits_corrected,
    p.appeals_concluded,
    p.appeals_corrected,
    d.proactive_items_published,
    d.regulations_issued,
    d.normative_documents_issued,
    d.licensing_decisions,
    d.penalty_decisions
from reports as r
left join application_figures as a on a.report_id = r.report_id
left join appeal_figures as p on p.report_id = r.report_id
left join disclosure_figures as d on d.report_id = r.report_id
