-- The total column is the sum of the applicant columns.
select report_id, item_key
from {{ ref('int_applications_wide') }}
where abs(total - (natural_person + commercial + research + social + legal + other_org)) > 0.001
