select
    a.province,
    f.report_year,
    sum(f.n) filter (where f.applicant = 'total' and f.item_key = 'new_requests') as new_requests,
    sum(f.n) filter (where f.applicant = 'total') as all_counts
from {{ ref('fct_applications') }} as f
join {{ ref('dim_area') }} as a on a.area_code = f.area_code
group by a.province, f.report_year
