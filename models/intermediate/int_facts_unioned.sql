-- One row per report and canonical fact key (section, item, measure): keyed table cells and
-- prose figures unioned with their evidence, the table preferred when both state a key
-- (the rule of ingest/facts.py). The one typed facts table every downstream model reads.
with cells as not materialized (
    select * from {{ ref('stg_raw__cells') }}
),

figures as not materialized (
    select * from {{ ref('stg_raw__figures') }}
),

-- the canonical key's hash of every cell and figure that is a fact: text and unplaced cells are
-- not facts; neither is a cell or figure without a canonical key
cell_rows as not materialized (
    select *, hash(report_id, section, item, measure) as key_hash
    from cells
    where cell_status in ('reported', 'blank', 'na_marker')
      and section is not null and item is not null and measure is not null
),

figure_rows as not materialized (
    select *, hash(report_id, section, item, measure) as key_hash
    from figures
    where section is not null and item is not null and measure is not null
),

keys_stated_twice as (
    -- the few keys more than one cell or figure states (by hash: a collision only sends a key
    -- through the ranking below, which compares the real columns); every other key needs no ranking
    select key_hash
    from (
        select key_hash from cell_rows
        union all
        select key_hash from figure_rows
    )
    group by key_hash
    having count(*) > 1
),

-- each cell and figure marked contested or not before its fact columns are built, so that each
-- branch below builds them only for its own rows (the filters on `contested` run first)
table_facts as not materialized (
    select
        report_id,
        section,
        item,
        measure,
        value,
        unit,
        cell_status                                         as status,
        false                                               as approx,
        'table'                                             as origin,
        source_line                                         as evidence_line,
        concat_ws(' | ', raw_row_label, raw_col_label, raw_text) as evidence_text,
        0                                                   as origin_rank,
        table_index,
        row_index,
        col_index,
        contested
    from (
        select *, key_hash in (select key_hash from keys_stated_twice) as contested
        from cell_rows
    )
),

prose_facts as not materialized (
    select
        report_id,
        section,
        item,
        measure,
        -- a stated zero (未收到申请) is the value 0 by definition
        case when figure_status = 'stated_zero' then coalesce(value, 0) else value end as value,
        unit,
        figure_status                                       as status,
        approx,
        'prose'                                             as origin,
        source_line                                         as evidence_line,
        sentence                                            as evidence_text,
        1                                                   as origin_rank,
        null::integer                                       as table_index,
        null::integer                                       as row_index,
        null::integer                                       as col_index,
        contested
    from (
        select *, key_hash in (select key_hash from keys_stated_twice) as contested
        from figure_rows
    )
),

uncontested as (
    select * exclude (contested), 1 as n_candidates from table_facts where not contested
    union all
    select * exclude (contested), 1 as n_candidates from prose_facts where not contested
),

contested_preferred as (
    select
        * exclude (contested),
        count(*) over by_key                                as n_candidates
    from (
        select * from table_facts where contested
        union all
        select * from prose_facts where contested
    )
    window by_key as (partition by report_id, section, item, measure)
    qualify row_number() over (
        partition by report_id, section, item, measure
        order by origin_rank, table_index nulls last, row_index nulls last,
                 col_index nulls last, evidence_line nulls last
    ) = 1
),

preferred as (
    select * from uncontested
    union all
    select * from contested_preferred
)

select
    report_id,
    section,
    item,
    measure,
    cast(value as decimal(18, 6))                           as value,
    unit,
    status,
    approx,
    origin,
    evidence_line,
    evidence_text,
    measure like '%\_cumulative' escape '\'                 as is_cumulative,
    cast(n_candidates as integer)                           as n_candidates
from preferred
