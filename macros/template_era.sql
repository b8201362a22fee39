{#- The template era a report's template belongs to: '2019+' (the 2019 trial and 2021 formats share
    the applications and appeals tables) or 'pre2019' (free prose and local 附表). The seeds that
    make the eras comparable (outcome_groups, appeal_kinds) are keyed by it. -#}
{% macro template_era(template_column) -%}
case when {{ template_column }} in ('2019', '2021') then '2019+' else 'pre2019' end
{%- endmacro %}
