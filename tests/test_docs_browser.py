"""The docs site in a real headless browser (Debian's chromium): the page loads, the lineage graph
is drawn by its script, links open the model pages, and a screenshot can be taken.

scripts/ensure_chromium.sh installs chromium (make test runs it); without it these tests skip."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from ogi.docs import build_site
from tests.analyst_project import REPO, build_project, scratch_project

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (scripts/ensure_chromium.sh)")]
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--hide-scrollbars"]


def chromium(profile: Path, *args: str) -> str:
    assert CHROMIUM is not None
    done = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=90)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def rendered_dom(page: Path, profile: Path) -> str:
    """The DOM after the page's scripts ran."""
    return chromium(profile, "--dump-dom", page.as_uri())


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = build_project(tmp_path_factory.mktemp("browser") / "demo")
    return build_site(project, project / "warehouse.duckdb", project / "site").parent


@pytest.fixture(scope="module")
def index_dom(site: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    return rendered_dom(site / "index.html", tmp_path_factory.mktemp("profile"))


def nodes_in(dom: str) -> dict[str, dict[str, str]]:
    found = {}
    for tag in re.findall(r'<g class="node(?: [^"]*)?"[^>]*>', dom):
        attributes = dict(re.findall(r'([\w-]+)="([^"]*)"', tag))
        found[attributes["data-id"]] = attributes
    return found


def test_index_graph_is_drawn_as_layered_svg(index_dom: str) -> None:
    dom = index_dom
    assert 'id="graph"' in dom and 'data-rendered="3"' in dom
    nodes = nodes_in(dom)
    assert set(nodes) == {"seed.demo.raw_requests", "model.demo.stg_requests", "model.demo.fct_requests"}
    edges = re.findall(r'<path class="edge"[^>]*data-from="([^"]+)" data-to="([^"]+)"', dom)
    assert sorted(edges) == [("model.demo.stg_requests", "model.demo.fct_requests"),
                             ("seed.demo.raw_requests", "model.demo.stg_requests")]
    for parent, child in edges:  # every edge points right: a parent sits in an earlier layer
        assert int(nodes[parent]["data-layer"]) < int(nodes[child]["data-layer"])
        assert float(nodes[parent]["data-x"]) < float(nodes[child]["data-x"])
    assert "fct_requests</text>" in dom


def test_graph_links_open_model_pages(site: Path, index_dom: str) -> None:
    links = re.findall(r'<a href="(models/[^"]+\.html)"><rect', index_dom)
    assert len(links) == 3
    for link in links:
        assert (site / unquote(urlparse(link).path)).is_file()


def test_model_page_opens_with_its_neighbourhood(site: Path, tmp_path: Path) -> None:
    page = site / "models" / "model.demo.stg_requests.html"
    dom = rendered_dom(page, tmp_path / "profile")
    assert '<h1 id="model-name">stg_requests</h1>' in dom
    nodes = nodes_in(dom)
    assert set(nodes) == {"seed.demo.raw_requests", "model.demo.stg_requests", "model.demo.fct_requests"}
    assert "focus" in nodes["model.demo.stg_requests"]["class"]
    assert 'id="col-organ"' in dom


def test_filter_box_hides_rows(site: Path, tmp_path: Path) -> None:
    """The list filter is wired: typing in it (simulated through a URL-free script) hides rows."""
    probe = site / "probe.html"
    html = (site / "index.html").read_text(encoding="utf-8")
    script = ("<script>var f=document.getElementById('filter');f.value='staging';"
              "f.dispatchEvent(new Event('input'));document.body.setAttribute('data-visible',"
              "Array.prototype.filter.call(document.querySelectorAll('#model-list tbody tr'),"
              "function(r){return r.style.display!=='none'}).length);</script></body>")
    probe.write_text(html.replace("</body>", script), encoding="utf-8")
    dom = rendered_dom(probe, tmp_path / "profile")
    assert 'data-visible="1"' in dom


def test_screenshot(site: Path, tmp_path: Path) -> None:
    shot = tmp_path / "index.png"
    chromium(tmp_path / "profile", "--window-size=1280,1400",
             f"--screenshot={shot}", (site / "index.html").as_uri())
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 20_000


EXAMPLE = Path(os.environ.get("OGI_EXAMPLE_WAREHOUSE") or REPO / "warehouse.duckdb.example")


@pytest.fixture(scope="module")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site of the real project (compiled in a scratch copy) over the example warehouse."""
    if not EXAMPLE.is_file():
        pytest.skip("warehouse.duckdb.example is not committed yet")
    work = scratch_project(tmp_path_factory.mktemp("real"))
    done = subprocess.run([str(Path(sys.executable).parent / "ogi"), "compile", "--quiet"], cwd=work,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return build_site(work, EXAMPLE, work / "site").parent


def test_real_project_graph_has_every_node_and_edges_point_right(real_site: Path, tmp_path: Path) -> None:
    manifest = json.loads((real_site.parent / "target" / "manifest.json").read_text(encoding="utf-8"))
    expected = {uid for uid, node in {**manifest["nodes"], **manifest.get("sources", {})}.items()
                if node["resource_type"] in ("model", "seed", "source")}
    dom = rendered_dom(real_site / "index.html", tmp_path / "profile")
    nodes = nodes_in(dom)
    assert set(nodes) == expected
    edges = re.findall(r'<path class="edge"[^>]*data-from="([^"]+)" data-to="([^"]+)"', dom)
    assert len(edges) >= len(expected) - 1
    for parent, child in edges:
        assert int(nodes[parent]["data-layer"]) < int(nodes[child]["data-layer"]), (parent, child)
    assert 'class="chart"' in dom and "Not available" not in dom


def test_real_model_page_shows_column_lineage(real_site: Path, tmp_path: Path) -> None:
    dom = rendered_dom(real_site / "models" / "model.ogi.rpt_organ_year.html", tmp_path / "profile")
    assert '<h1 id="model-name">rpt_organ_year' in dom
    assert re.search(r'id="col-applications_received".*?int_report_figures_pivoted\.applications_received</a>', dom, re.S)
    assert "focus" in nodes_in(dom)["model.ogi.rpt_organ_year"]["class"]
