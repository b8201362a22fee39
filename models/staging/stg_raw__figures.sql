-- One row per figure found in prose: renamed and cast, nothing joined.
with source as (
    select * from {{ source('raw', 'figures') }}
),

renamed as (
    select
        cast(report_id as varchar)                  as report_id,
        -- canonical key (VOCABULARY.md)
        cast(section as varchar)                    as section,
        cast(item as varchar)                       as item,
        cast(measure as varchar)                    as measure,
        -- content
        cast(value as decimal(18, 6))               as value,
        cast(status as varchar)                     as figure_status,
        coalesce(cast(approx as boolean), false)    as approx,
        coalesce(cast(stated_zero as boolean), false) as stated_zero,
        nullif(cast(unit as varchar), '')           as unit,
        cast(sentence as varchar)                   as sentence,
        cast(line as integer)                       as source_line
    from source
)

select * from renamed
