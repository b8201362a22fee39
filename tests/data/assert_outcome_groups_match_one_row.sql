-- seeds/outcome_groups.csv must map each (era, item, measure) of a fact to at most one group:
-- an item listed both for every column ('*') and for a named measure would duplicate facts in
-- fct_applications. Returns the offending seed rows.
with groups as (
    select * from {{ ref('outcome_groups') }}
)

select specific.*
from groups as specific
inner join groups as wildcard
    on wildcard.era = specific.era
   and wildcard.item = specific.item
   and wildcard.measure = '*'
   and specific.measure <> '*'
