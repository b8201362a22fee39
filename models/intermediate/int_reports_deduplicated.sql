-- One row per report document, with its organ identified and duplicates of one organ and year
-- (re-posts, revisions) resolved: the latest published readable version (then the most complete)
-- is the primary report, the others are kept and flagged with the primary they duplicate.
with reports as (
    -- every column but the area mentions (only the area resolution reads them)
    select * exclude (area_mentions) from {{ ref('stg_raw__reports') }}
),

areas as (
    select * from {{ ref('int_report_areas_resolved') }}
),

facts as (
    select * from {{ ref('int_facts_unioned') }}
),

suffixes as (
    select * from {{ ref('organ_kind_suffixes') }}
),

fact_summary as (
    -- an order-free fingerprint of a report's facts: equal fingerprints = the same figures
    select
        report_id,
        count(*)                                            as n_facts,
        count(value)                                        as n_values,
        sum(hash(section, item, measure, value, status))    as facts_fingerprint
    from facts
    group by report_id
),

organ_kind_by_suffix as (
    -- the longest suffix of the seed that ends the organ's name
    select
        r.report_id,
        arg_max(s.organ_kind, length(s.suffix))             as organ_kind
    from reports as r
    inner join suffixes as s
        on r.organ_name like '%' || s.suffix
    group by r.report_id
),

identified as (
    select
        r.*,
        coalesce(r.organ_kind, k.organ_kind)                as organ_kind_resolved,
        a.area_code,
        a.province,
        a.prefecture,
        a.county,
        a.township,
        coalesce(f.n_facts, 0)                              as n_facts,
        coalesce(f.n_values, 0)                             as n_values,
        f.facts_fingerprint,
        case
            when r.organ_name is not null then
                md5(coalesce(a.area_code, '') || '|' || regexp_replace(r.organ_name, '\s+', '', 'g'))
        end                                                 as organ_id
    from reports as r
    left join areas as a on a.report_id = r.report_id
    left join fact_summary as f on f.report_id = r.report_id
    left join organ_kind_by_suffix as k on k.report_id = r.report_id
),

ranked as (
    select
        *,
        -- reports without an organ or a year cannot be matched: each stands alone
        case when organ_id is not null and report_year is not null then organ_id || '|' || report_year
             else report_id end                             as version_group
    from identified
),

version_order as (
    -- one sort per version group: a readable report before one with no figures, then the latest
    -- published, then the fullest (report_id breaks ties, so the order is total). Only the
    -- columns the order needs go through the window (carrying every column of a report through
    -- it costs more than joining the result back on report_id, which is unique)
    select
        report_id,
        row_number() over by_rank                           as version_rank,
        first_value(report_id) over by_rank                 as primary_report_id,
        first_value(facts_fingerprint) over by_rank         as primary_fingerprint,
        count(*) over (by_rank rows between unbounded preceding and unbounded following) as n_versions
    from ranked
    window by_rank as (
        partition by version_group
        order by case report_status when 'ok' then 0 when 'no_facts' then 1 else 2 end,
                 published_date desc nulls last, n_values desc, n_facts desc, report_id
    )
),

resolved as (
    select r.*, v.version_rank, v.primary_report_id, v.primary_fingerprint, v.n_versions
    from ranked as r
    inner join version_order as v on v.report_id = r.report_id
)

select
    report_id,
    source_sha256,
    source_path,
    source_paths,
    source_format,
    encoding,
    size_bytes,
    url,
    parser_version,
    title,
    organ_id,
    organ_name,
    organ_source,
    organ_kind_resolved                                     as organ_kind,
    case when organ_kind is not null then 'ingest'
         when organ_kind_resolved is not null then 'suffix_seed' end as organ_kind_source,
    level,
    scope,
    area_code,
    province,
    prefecture,
    county,
    township,
    report_year,
    report_year_source,
    published_date,
    template,
    report_status,
    warnings,
    n_cells,
    n_figures,
    n_facts,
    n_values,
    cast(version_rank as integer)                           as version_rank,
    cast(n_versions as integer)                             as n_versions,
    version_rank = 1                                        as is_primary,
    case when version_rank > 1 then primary_report_id end   as duplicate_of,
    case
        when version_rank = 1 then null
        when facts_fingerprint is not distinct from primary_fingerprint then 'repost'
        else 'revision'
    end                                                     as duplicate_kind
from resolved
