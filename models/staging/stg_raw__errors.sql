-- One row per input file that could not be ingested: renamed and cast, nothing joined.
with source as (
    select * from {{ source('raw', 'errors') }}
),

renamed as (
    select
        cast(source_path as varchar)                as source_path,
        cast(source_sha256 as varchar)              as source_sha256,
        cast(size_bytes as bigint)                  as size_bytes,
        cast(error_kind as varchar)                 as error_kind,
        cast(reason as varchar)                     as reason,
        cast(parser_version as varchar)             as parser_version
    from source
)

select * from renamed
