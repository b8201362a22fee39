-- One row per arithmetic identity of each report (VOCABULARY.md "The templates' arithmetic"):
-- the expected and actual sides, whether it holds, and why not when it cannot be evaluated.
-- Checks, never corrections: a report whose tables do not add up shows here with passed = false.
with reports as (
    select * from {{ ref('dim_report') }}
),

facts as not materialized (
    -- the facts table itself, not the fct_ views, and not copied: each scan below reads only
    -- the columns and rows it needs
    select report_id, section, item, measure, value, is_cumulative
    from {{ ref('int_facts_unioned') }}
    where section in ('applications', 'appeals')
),

outcome_groups as (
    select * from {{ ref('outcome_groups') }}
),

applicant_types as (
    select * from {{ ref('applicant_types') }}
),

appeal_kinds as (
    select * from {{ ref('appeal_kinds') }}
),

definitions as (
    select * from {{ ref('report_check_definitions') }}
),

template_reports as (
    select report_id, template from reports
    where template in ('2019', '2021')
),

template_rows as (
    -- the rows of the applications table each template prints
    select t.template, g.item, g.outcome_group
    from (values ('2019'), ('2021')) as t(template)
    inner join outcome_groups as g
        on g.era = '2019+'
       and ((t.template = '2019' and g.in_2019) or (t.template = '2021' and g.in_2021))
),

outcome_rows_per_template as (
    select template, count(*) as n_outcome_rows
    from template_rows
    where outcome_group in ('granted', 'partially_granted', 'denied', 'unable', 'not_processed', 'other')
    group by template
),

table_applications as materialized (
    -- the annual cells of the 2019/2021 applications table, with their row's outcome group;
    -- joined once and kept for the column and row sums below (joining it again for each was
    -- ~10% more CPU at 1k and 100k reports)
    select
        f.report_id,
        f.item,
        f.measure,
        f.value,
        g.outcome_group,
        a.is_total                                          as is_total_column
    from facts as f
    inner join template_reports as r on r.report_id = f.report_id
    inner join applicant_types as a on a.measure = f.measure
    left join outcome_groups as g on g.era = '2019+' and g.item = f.item and g.measure = '*'
    where f.section = 'applications' and not f.is_cumulative
),

column_sums as (
    select
        report_id,
        measure,
        sum(value) filter (where outcome_group in ('received', 'carried_over'))                 as flow_in,
        count(value) filter (where outcome_group in ('received', 'carried_over'))               as n_flow_in,
        sum(value) filter (where outcome_group in ('processed_total', 'carried_to_next_year'))  as flow_out,
        count(value) filter (where outcome_group in ('processed_total', 'carried_to_next_year')) as n_flow_out,
        sum(value) filter (where outcome_group = 'processed_total')                             as processed,
        count(value) filter (where outcome_group = 'processed_total')                           as n_processed,
        sum(value) filter (where outcome_group in ('granted', 'partially_granted', 'denied',
                                                   'unable', 'not_processed', 'other'))         as outcomes,
        count(value) filter (where outcome_group in ('granted', 'partially_granted', 'denied',
                                                     'unable', 'not_processed', 'other'))       as n_outcomes,
        -- the carried figures X1 compares across years (a report states each cell at most once)
        sum(value) filter (where item = 'carried_over')                                         as carried_over,
        sum(value) filter (where item = 'carried_to_next_year')                                 as carried_to_next_year
    from table_applications
    group by report_id, measure
),

row_sums as (
    select
        report_id,
        item,
        sum(value) filter (where is_total_column)           as row_total,
        count(value) filter (where is_total_column)         as n_row_total,
        sum(value) filter (where not is_total_column)       as applicants,
        count(value) filter (where not is_total_column)     as n_applicants
    from table_applications
    group by report_id, item
),

report_columns as (
    select r.report_id, r.template, a.measure as subject
    from template_reports as r
    cross join applicant_types as a
),

r1 as (
    select
        c.report_id, 'R1' as check_id, c.subject,
        s.flow_in as expected, s.flow_out as actual,
        4 as n_terms, coalesce(s.n_flow_in + s.n_flow_out, 0) as n_terms_stated,
        null::varchar as related_report_id
    from report_columns as c
    left join column_sums as s on s.report_id = c.report_id and s.measure = c.subject
),

r2 as (
    select
        c.report_id, 'R2' as check_id, c.subject,
        s.processed as expected, s.outcomes as actual,
        1 + n.n_outcome_rows as n_terms, coalesce(s.n_processed + s.n_outcomes, 0) as n_terms_stated,
        null::varchar as related_report_id
    from report_columns as c
    inner join outcome_rows_per_template as n on n.template = c.template
    left join column_sums as s on s.report_id = c.report_id and s.measure = c.subject
),

r3 as (
    select
        r.report_id, 'R3' as check_id, t.item as subject,
        s.row_total as expected, s.applicants as actual,
        7 as n_terms, coalesce(s.n_row_total + s.n_applicants, 0) as n_terms_stated,
        null::varchar as related_report_id
    from template_reports as r
    inner join template_rows as t on t.template = r.template
    left join row_sums as s on s.report_id = r.report_id and s.item = t.item
),

appeal_sums as (
    select
        report_id,
        item,
        sum(value) filter (where measure = 'total')         as appeal_total,
        count(value) filter (where measure = 'total')       as n_appeal_total,
        sum(value) filter (where measure in ('upheld', 'corrected', 'other', 'pending'))   as results,
        count(value) filter (where measure in ('upheld', 'corrected', 'other', 'pending')) as n_results
    from facts as f
    semi join template_reports as r on r.report_id = f.report_id
    where f.section = 'appeals' and not f.is_cumulative
    group by report_id, item
),

r4 as (
    select
        r.report_id, 'R4' as check_id, k.item as subject,
        s.appeal_total as expected, s.results as actual,
        5 as n_terms, coalesce(s.n_appeal_total + s.n_results, 0) as n_terms_stated,
        null::varchar as related_report_id
    from template_reports as r
    inner join appeal_kinds as k on k.era = '2019+'
    left join appeal_sums as s on s.report_id = r.report_id and s.item = k.item
),

pre2019_figures as (
    select
        f.*,
        case when f.is_cumulative then 'cumulative' else 'annual' end          as period,
        regexp_replace(f.measure, '_cumulative$', '')                           as base_measure
    from facts as f
    anti join template_reports as r on r.report_id = f.report_id
    where f.section = 'applications' and f.item in ('applications_received', 'responses')
),

response_categories as (
    select measure from outcome_groups
    where era = 'pre2019' and item = 'responses'
      and outcome_group not in ('received', 'processed_total')
),

pre2019_sums as (
    select
        f.report_id,
        f.item,
        f.period,
        sum(f.value) filter (where f.base_measure = 'total')                    as stated_total,
        count(f.value) filter (where f.base_measure = 'total')                  as n_total,
        sum(f.value) filter (where f.base_measure <> 'total'
            and (f.item = 'applications_received' or c.measure is not null))    as parts,
        count(f.value) filter (where f.base_measure <> 'total'
            and (f.item = 'applications_received' or c.measure is not null))    as n_parts
    from pre2019_figures as f
    left join response_categories as c on c.measure = f.base_measure
    group by f.report_id, f.item, f.period
),

p12 as (
    select
        report_id,
        case item when 'applications_received' then 'P1' else 'P2' end         as check_id,
        period as subject,
        stated_total as expected, parts as actual,
        cast(n_total + n_parts as integer) as n_terms, cast(n_total + n_parts as integer) as n_terms_stated,
        null::varchar as related_report_id
    from pre2019_sums
    where n_total > 0 and n_parts > 0
),

organ_years as (
    select report_id, organ_id, report_year from reports
    where is_primary and template in ('2019', '2021') and organ_id is not null and report_year is not null
),

consecutive as (
    select this.report_id, prev.report_id as prev_report_id
    from organ_years as this
    inner join organ_years as prev
        on prev.organ_id = this.organ_id and prev.report_year = this.report_year - 1
),

x1 as (
    select
        k.report_id, 'X1' as check_id, a.measure as subject,
        last_year.carried_to_next_year as expected, this_year.carried_over as actual,
        2 as n_terms,
        (last_year.carried_to_next_year is not null)::integer
            + (this_year.carried_over is not null)::integer as n_terms_stated,
        k.prev_report_id as related_report_id
    from consecutive as k
    cross join applicant_types as a
    left join column_sums as last_year
        on last_year.report_id = k.prev_report_id and last_year.measure = a.measure
    left join column_sums as this_year
        on this_year.report_id = k.report_id and this_year.measure = a.measure
),

checks as (
    select * from r1
    union all select * from r2
    union all select * from r3
    union all select * from r4
    union all select * from p12
    union all select * from x1
)

select
    c.report_id,
    c.check_id,
    d.check_name,
    d.severity,
    c.subject,
    c.expected,
    c.actual,
    c.actual - c.expected                                   as difference,
    case when c.n_terms_stated = c.n_terms then c.expected = c.actual end as passed,
    case
        when c.n_terms_stated = 0 then 'not_stated'
        when c.n_terms_stated < c.n_terms then 'incomplete'
        when c.expected = c.actual then 'passed'
        else 'failed'
    end                                                     as check_status,
    cast(c.n_terms as integer)                              as n_terms,
    cast(c.n_terms_stated as integer)                       as n_terms_stated,
    c.related_report_id,
    d.description
from checks as c
inner join definitions as d on d.check_id = c.check_id
