select prefix, province from {{ ref('provinces') }}
