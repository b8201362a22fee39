-- One row per table cell ingest rebuilt: renamed and cast, nothing joined.
with source as (
    select * from {{ source('raw', 'cells') }}
),

renamed as (
    select
        -- ids and position
        cast(report_id as varchar)                  as report_id,
        cast(table_name as varchar)                 as table_name,
        cast(table_index as integer)                as table_index,
        cast(row_index as integer)                  as row_index,
        cast(col_index as integer)                  as col_index,
        -- labels as printed
        cast(raw_row_label as varchar)              as raw_row_label,
        cast(raw_col_label as varchar)              as raw_col_label,
        -- canonical key (VOCABULARY.md), null when not recognised
        nullif(cast(section as varchar), '')        as section,
        nullif(cast(item as varchar), '')           as item,
        nullif(cast(measure as varchar), '')        as measure,
        -- content
        cast(raw_text as varchar)                   as raw_text,
        cast(value as decimal(18, 6))               as value,
        cast(status as varchar)                     as cell_status,
        nullif(cast(unit as varchar), '')           as unit,
        cast(line as integer)                       as source_line,
        cast(warning as varchar)                    as warning
    from source
)

select * from renamed
