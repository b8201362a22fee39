-- One row per ingested report document: renamed and cast, nothing joined.
with source as (
    select * from {{ source('raw', 'reports') }}
),

renamed as (
    select
        -- ids
        cast(report_id as varchar)                          as report_id,
        cast(source_sha256 as varchar)                      as source_sha256,
        -- provenance
        cast(source_path as varchar)                        as source_path,
        source_paths,
        cast(source_format as varchar)                      as source_format,
        cast(encoding as varchar)                           as encoding,
        cast(size_bytes as bigint)                          as size_bytes,
        cast(url as varchar)                                as url,
        cast(parser_version as varchar)                     as parser_version,
        -- who
        nullif(trim(cast(title as varchar)), '')            as title,
        nullif(trim(cast(organ_name as varchar)), '')       as organ_name,
        cast(organ_source as varchar)                       as organ_source,
        cast(organ_kind as varchar)                         as organ_kind,
        cast(level as varchar)                              as level,
        cast(scope as varchar)                              as scope,
        area_mentions,
        -- when
        cast(report_year as integer)                        as report_year,
        cast(report_year_source as varchar)                 as report_year_source,
        cast(published_date as date)                        as published_date,
        -- what
        coalesce(cast(template as varchar), 'unknown')      as template,
        cast(status as varchar)                             as report_status,
        coalesce(warnings, []::varchar[])                   as warnings,
        cast(n_cells as integer)                            as n_cells,
        cast(n_figures as integer)                          as n_figures
    from source
)

select * from renamed
