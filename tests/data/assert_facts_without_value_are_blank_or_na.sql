{{ config(severity="warn") }}
-- A fact has a value unless it was printed blank or '/' (VOCABULARY.md): a reported figure
-- without a number, or a blank with one, means a cast went wrong between raw and facts.
select report_id, section, item, measure, value, status
from {{ ref('int_facts_unioned') }}
where (value is null) <> (status in ('blank', 'na_marker'))
