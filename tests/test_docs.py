"""`ogi docs`: the static site from target/manifest.json, run_results.json and the warehouse."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ogi.chart import ChartSpec, share_bars_svg
from ogi.cli import app
from ogi.docs import build_site
from ogi.query import WarehouseError
from tests.analyst_project import build_project

runner = CliRunner()


@pytest.fixture()
def site(tmp_path: Path) -> Path:
    project = build_project(tmp_path / "demo")
    index = build_site(project, project / "warehouse.duckdb", project / "target" / "docs")
    return index.parent


def test_cli_writes_index_and_one_page_per_node(tmp_path: Path) -> None:
    project = build_project(tmp_path / "demo")
    result = runner.invoke(app, ["docs", "--project-dir", str(project), "-w", str(project / "warehouse.duckdb"),
                                 "--out", str(tmp_path / "site")])
    assert result.exit_code == 0, result.output
    pages = sorted(p.name for p in (tmp_path / "site" / "models").iterdir())
    assert pages == ["model.demo.fct_requests.html", "model.demo.stg_requests.html", "seed.demo.raw_requests.html"]


def test_index_lists_models_with_row_counts_and_tests(site: Path) -> None:
    html = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="models/model.demo.fct_requests.html">fct_requests</a>' in html
    assert "申请情况" in html
    row = re.search(r"fct_requests</a>.*?</tr>", html, re.S)
    assert row and '<td class="num">5</td>' in row.group(0)
    assert "2 tests: 1 passed, 1 warned, 0 failed, 0 not run." in html
    assert "Got 1 result, configured to warn if != 0" in html


def test_index_embeds_the_graph_and_scripts_inline(site: Path) -> None:
    html = (site / "index.html").read_text(encoding="utf-8")
    assert '["seed.demo.raw_requests", "model.demo.stg_requests"]' in html
    assert "<script src" not in html and "<link" not in html and "http://" not in html.replace(
        "http://www.w3.org/2000/svg", "")


def test_panels_chart_table_and_unavailable(site: Path) -> None:
    html = (site / "index.html").read_text(encoding="utf-8")
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="chart"' in html
    assert 'data-facet="province"' in html and 'data-facet="township"' in html
    assert "Busiest organs" in html and "<td>北京市人民政府</td><td>270</td>" in html
    assert "Not available: ref(&#39;no_such_model&#39;): no such model in the manifest" in html


def test_model_page_has_columns_labels_lineage_tests_and_sql(site: Path) -> None:
    html = (site / "models" / "model.demo.fct_requests.html").read_text(encoding="utf-8")
    assert "<code>received</code></td><td>INTEGER</td><td class=\"zh\">本年新收申请数量</td>" in html
    # column lineage through the CTE and the staging view's rename, from sqlglot
    assert 'href="../models/model.demo.stg_requests.html#col-organ">stg_requests.organ</a>' in html
    assert "not_null" in html and "accepted_values" in html
    assert "with s as (select * from &#34;main&#34;.&#34;stg_requests&#34;)" in html
    assert 'data-focus="model.demo.fct_requests"' in html


def test_columns_not_in_yaml_come_from_the_warehouse(site: Path) -> None:
    html = (site / "models" / "model.demo.stg_requests.html").read_text(encoding="utf-8")
    assert "<code>organ</code>" in html and "<code>granted</code>" in html
    assert "seed.demo.raw_requests.html#col-organ_name" in html


def test_missing_manifest_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(WarehouseError, match="run `ogi build`"):
        build_site(tmp_path, None, tmp_path / "site")


def test_site_without_warehouse_still_builds(tmp_path: Path) -> None:
    project = build_project(tmp_path / "demo")
    index = build_site(project, None, tmp_path / "site")
    html = index.read_text(encoding="utf-8")
    assert "Not available: no warehouse to query" in html and "fct_requests" in html


def test_chart_draws_one_panel_per_facet_and_full_bars() -> None:
    rows = [{"level": "county", "year": 2020, "n": 10, "a": 3, "b": 1},
            {"level": "province", "year": 2021, "n": 8, "a": None, "b": 2},
            {"level": "province", "year": 2020, "n": None, "a": 0, "b": 0}]
    spec = ChartSpec(x="year", facet="level", total="n", parts=["a", "b"], facet_order=["province", "county"])
    svg = share_bars_svg(rows, spec)
    assert svg.index('data-facet="province"') < svg.index('data-facet="county"')
    heights = [float(h) for h in re.findall(r'<rect x="[\d.]+" y="[\d.]+" width="26" height="([\d.]+)" fill', svg)]
    assert len(heights) == 3 and heights[0] == pytest.approx(76) and sum(heights[1:]) == pytest.approx(76, abs=0.2)
    assert 'class="empty"' in svg                # a year with no outcome figures is drawn empty, not as 0 %
    assert ">10<" in svg and ">–<" in svg         # the total above each bar; unknown shown as a dash
    assert share_bars_svg([], spec) == ""
