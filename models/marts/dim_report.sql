-- One row per ingested report document: who, where, when, which template, and whether it is the
-- primary report of its organ and year.
-- A view over the materialised int_reports_deduplicated (the same rows, its columns in contract
-- order): no second copy of every report's row is written.
{{ config(materialized='view') }}

with reports as (
    select * from {{ ref('int_reports_deduplicated') }}
)

select
    -- contract columns (PRODUCT.md)
    report_id,
    source_path,
    organ_name,
    organ_kind,
    level,
    area_code,
    province,
    prefecture,
    county,
    township,
    report_year,
    published_date,
    template,
    warnings,
    -- more about the report
    organ_id,
    organ_kind_source,
    scope,
    title,
    report_year_source,
    report_status,
    source_format,
    source_sha256,
    source_paths,
    size_bytes,
    parser_version,
    n_cells,
    n_figures,
    n_facts,
    n_values,
    -- duplicates of one organ and year
    is_primary,
    version_rank,
    n_versions,
    duplicate_of,
    duplicate_kind
from reports
