"""The warehouse models, built by `ogi build` over raw Parquet written from the fixtures' expected facts.

The raw input is what a perfect parser would write for every fixture report (tests/warehouse_fixtures.py),
plus a re-post, a revision, broken arithmetic, a next-year report and a government-wide report beside
a department's. These tests check the SQL layer alone: nothing here depends on the parsers.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml

from tests.warehouse_fixtures import RawReport, full_corpus, write_raw

ROOT = Path(__file__).resolve().parents[1]

DIM_REPORT_CONTRACT = [
    "report_id", "source_path", "organ_name", "organ_kind", "level", "area_code", "province",
    "prefecture", "county", "township", "report_year", "published_date", "template", "warnings",
]
FCT_REPORT_FACTS_CONTRACT = [
    "report_id", "source_path", "report_year", "template", "section", "item", "measure", "value",
    "unit", "status", "approx", "origin", "evidence_line", "evidence_text",
]


@pytest.fixture(scope="module")
def corpus() -> tuple[list[RawReport], list[dict[str, Any]]]:
    return full_corpus()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, corpus: Any) -> Path:
    from tests.warehouse_fixtures import build_warehouse

    tmp = tmp_path_factory.mktemp("warehouse")
    reports, errors = corpus
    raw = write_raw(tmp / "raw", reports, errors)
    warehouse = tmp / "w.duckdb"
    done = build_warehouse(raw, warehouse)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    return warehouse


@pytest.fixture()
def con(built: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    c = duckdb.connect(str(built), read_only=True)
    yield c
    c.close()


def rows(con: duckdb.DuckDBPyConnection, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    return con.execute(sql, list(params)).fetchall()


def report_id_of(corpus: Any, name: str) -> str:
    reports, _ = corpus
    return next(r.report_id for r in reports if r.report["source_path"].endswith(f"/{name}.txt"))


def columns_of(con: duckdb.DuckDBPyConnection, relation: str) -> list[str]:
    return [r[0] for r in rows(con, f"describe {relation}")]


# -- contracts ------------------------------------------------------------------------------------


def test_contract_columns_come_first_and_exactly(con: duckdb.DuckDBPyConnection) -> None:
    assert columns_of(con, "dim_report")[: len(DIM_REPORT_CONTRACT)] == DIM_REPORT_CONTRACT
    assert columns_of(con, "fct_report_facts")[: len(FCT_REPORT_FACTS_CONTRACT)] == FCT_REPORT_FACTS_CONTRACT


def test_every_mart_is_filled(con: duckdb.DuckDBPyConnection) -> None:
    for mart in ("dim_report", "dim_organ", "fct_report_facts", "fct_disclosures", "fct_applications",
                 "fct_appeals", "report_checks", "rpt_organ_year", "rpt_area_year"):
        assert rows(con, f"select count(*) from {mart}")[0][0] > 0, mart


def _yaml_models() -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for path in sorted((ROOT / "models").rglob("_*__models.yml")):
        if path.name == "_areas__models.yml":
            continue  # the gazetteer's models, documented by their owner
        for model in yaml.safe_load(path.read_text(encoding="utf-8"))["models"]:
            out[model["name"]] = model
    return out


def test_every_model_and_column_is_documented(con: duckdb.DuckDBPyConnection) -> None:
    documented = _yaml_models()
    ours = {p.stem for p in (ROOT / "models").rglob("*.sql")} - {"int_report_areas_resolved", "dim_area"}
    assert ours == set(documented)
    for name, model in documented.items():
        assert model.get("description"), name
        yaml_columns = [c["name"] for c in model.get("columns", [])]
        assert all(c.get("description") for c in model.get("columns", [])), name
        assert sorted(yaml_columns) == sorted(columns_of(con, name)), name


# -- facts ----------------------------------------------------------------------------------------


def _input_facts(raw: RawReport) -> dict[tuple[str, str, str], tuple[Any, str, bool]]:
    """What fct_report_facts must hold for one report: its cells, then prose only for keys no cell states."""
    out: dict[tuple[str, str, str], tuple[Any, str, bool]] = {}
    for c in raw.cells:
        out.setdefault((c["section"], c["item"], c["measure"]), (c["value"], c["status"], False))
    for f in raw.figures:
        out.setdefault((f["section"], f["item"], f["measure"]), (f["value"], f["status"], f["approx"]))
    return out


def test_facts_are_the_input_facts_exactly(con: duckdb.DuckDBPyConnection, corpus: Any) -> None:
    reports, _ = corpus
    for raw in reports:
        got = {
            (s, i, m): (None if v is None else float(v), st, ap)
            for s, i, m, v, st, ap in rows(
                con,
                "select section, item, measure, value, status, approx from fct_report_facts where report_id = ?",
                raw.report_id,
            )
        }
        want = {k: (None if v is None else float(v), st, ap) for k, (v, st, ap) in _input_facts(raw).items()}
        assert got == want, raw.report["source_path"]


def test_blank_stays_null_and_is_not_counted_as_zero(con: duckdb.DuckDBPyConnection, corpus: Any) -> None:
    d07 = report_id_of(corpus, "d07")
    blanks = rows(con, "select item, value from fct_applications where report_id = ? and status = 'blank'", d07)
    assert blanks and all(v is None for _, v in blanks)
    assert rows(con, "select other_outcome from rpt_organ_year where report_id = ?", d07) == [(Decimal(0),)]


def test_table_wins_over_prose_and_prose_only_figures_are_kept(
    con: duckdb.DuckDBPyConnection, corpus: Any
) -> None:
    rid = report_id_of(corpus, "003_with_prose")
    table_fact = rows(
        con,
        "select value, origin, n_candidates from fct_report_facts "
        "where report_id = ? and item = 'new_received' and measure = 'total'",
        rid,
    )
    assert table_fact == [(Decimal(0), "table", 2)]
    prose_fact = rows(
        con,
        "select value, origin, approx, evidence_line from fct_report_facts "
        "where report_id = ? and item = 'applications_received'",
        rid,
    )
    assert prose_fact == [(Decimal(200), "prose", True, 12)]


def test_stated_zero_is_a_zero(con: duckdb.DuckDBPyConnection, corpus: Any) -> None:
    rid = report_id_of(corpus, "000_63505c614ed6c9e6")
    got = rows(con, "select distinct value from fct_report_facts where report_id = ? and status = 'stated_zero'", rid)
    assert got == [(Decimal(0),)]


# -- duplicates -----------------------------------------------------------------------------------


def test_repost_is_kept_and_flagged(con: duckdb.DuckDBPyConnection, corpus: Any) -> None:
    original, repost = report_id_of(corpus, "d07"), report_id_of(corpus, "d07_repost")
    got = dict(
        (r[0], r[1:])
        for r in rows(
            con,
            "select report_id, is_primary, duplicate_of, duplicate_kind, n_versions from dim_report "
            "where report_id in (?, ?)",
            original, repost,
        )
    )
    assert got[original] == (True, None, None, 2)
    assert got[repost] == (False, original, "repost", 2)


def test_latest_revision_is_primary(con: duckdb.DuckDBPyConnection, corpus: Any) -> None:
    first, revised = report_id_of(corpus, "d04"), report_id_of(corpus, "d04_revised")
    got = dict(
        (r[0], r[1:])
        for r in rows(
            con,
            "select report_id, is_primary, duplicate_of, duplicate_kind from dim_report where report_id in (?, ?)",
            first, revised,
        )
    )
    assert got[revised] == (True, None, None)
    assert got[first] == (False, revised, "revision")
    # one organ-year, one row in the wide view
    organ_years = rows(con, "select report_id from rpt_organ_year where report_id in (?, ?)", first, revised)
    assert organ_years == [(revised,)]


def test_a_readable_report_beats_a_later_scan(con: duckdb.DuckDBPyConnection, corpus: Any) -> None:
    text, scan = report_id_of(corpus, "d05"), report_id_of(corpus, "d05_scan")
    got = dict(
        (r[0], r[1:])
        for r in rows(con, "select report_id, is_primary, duplicate_of from dim_report where report_id in (?, ?)",
                      text, scan)
    )
    assert got == {text: (True, None), scan: (False, text)}


def test_dim_organ_counts_reports(con: duckdb.DuckDBPyConnection, corpus: Any) -> None:
    got = rows(
        con,
        "select o.n_reports, o.n_duplicate_reports, o.first_report_year, o.last_report_year "
        "from dim_organ o join dim_report r using (organ_id) where r.report_id = ?",
        report_id_of(corpus, "d05"),
    )
    # 平潭综合实验区市场监督管理局: d05 (2019) and its scan, d07 (2023) and its re-post
    assert got == [(4, 2, 2019, 2023)]


# -- checks ---------------------------------------------------------------------------------------


def test_broken_arithmetic_shows_in_report_checks(con: duckdb.DuckDBPyConnection, corpus: Any) -> None:
    failed = rows(
        con,
        "select r.source_path, c.check_id, c.subject, c.difference from report_checks c "
        "join dim_report r using (report_id) where c.check_status = 'failed' order by all",
    )
    # d02_next_year carries 2 more into and out of its year than d02 and d01 (its neighbours) say
    assert failed == [
        ("data/reports/d01.txt", "X1", "natural_person", Decimal(-2)),
        ("data/reports/d01.txt", "X1", "total", Decimal(-2)),
        ("data/reports/d02_next_year.txt", "X1", "natural_person", Decimal(2)),
        ("data/reports/d02_next_year.txt", "X1", "total", Decimal(2)),
        ("data/reports/d08.txt", "R2", "natural_person", Decimal(5)),
        ("data/reports/d08.txt", "R3", "granted", Decimal(5)),
        ("data/reports/d08.txt", "R4", "administrative_reconsideration", Decimal(-1)),
    ]


def test_every_template_identity_of_every_template_report(con: duckdb.DuckDBPyConnection) -> None:
    per_report = rows(
        con,
        "select r.template, c.check_id, count(*) from report_checks c join dim_report r using (report_id) "
        "where c.check_id like 'R%' group by all order by all",
    )
    n = dict(rows(con, "select template, count(*) from dim_report group by all"))
    expected = {"R1": 7, "R2": 7, "R4": 3}
    for template, check_id, count in per_report:
        rows_per_template = {"2019": 23, "2021": 25}[template]
        assert count == n[template] * expected.get(check_id, rows_per_template), (template, check_id)


def test_missing_table_is_not_stated_and_blank_terms_are_incomplete(
    con: duckdb.DuckDBPyConnection, corpus: Any
) -> None:
    r4 = rows(
        con,
        "select distinct check_status, passed from report_checks where report_id = ? and check_id = 'R4'",
        report_id_of(corpus, "003_370a2057b485fcf4"),
    )
    assert r4 == [("not_stated", None)]
    r2 = rows(
        con,
        "select count(*), count(passed) from report_checks where report_id = ? and check_id = 'R2' "
        "and check_status = 'incomplete'",
        report_id_of(corpus, "d07"),
    )
    assert r2 == [(7, 0)]


def test_pre2019_soft_checks(con: duckdb.DuckDBPyConnection, corpus: Any) -> None:
    got = rows(
        con,
        "select check_id, subject, expected, check_status from report_checks where report_id = ? order by all",
        report_id_of(corpus, "001_6fcf304d54296c97"),
    )
    assert ("P1", "annual", Decimal(192), "passed") in got
    assert ("P1", "cumulative", Decimal(608), "passed") in got
    assert {r[0] for r in got} == {"P1", "P2"}


def test_carry_over_between_consecutive_years(con: duckdb.DuckDBPyConnection, corpus: Any) -> None:
    got = rows(
        con,
        "select subject, check_status, related_report_id from report_checks "
        "where report_id = ? and check_id = 'X1' order by subject",
        report_id_of(corpus, "d02_next_year"),
    )
    assert len(got) == 7
    assert {r[2] for r in got} == {report_id_of(corpus, "d02")}
    assert {r[0] for r in got if r[1] == "failed"} == {"natural_person", "total"}


# -- wide views and roll-ups ----------------------------------------------------------------------


def test_rpt_organ_year_speaks_plainly(con: duckdb.DuckDBPyConnection, corpus: Any) -> None:
    got = rows(
        con,
        "select applications_received, granted, applications_processed, reconsiderations, lawsuits "
        "from rpt_organ_year where report_id = ?",
        report_id_of(corpus, "001_6fcf304d54296c97"),
    )
    # 晋安区 2018 附表: 192 applications, answered 57 + 2 + 0 + 133, 5 reconsiderations, 5 lawsuits
    assert got == [(Decimal(192), Decimal(57), Decimal(192), Decimal(5), Decimal(5))]


def test_area_roll_up_does_not_double_count(con: duckdb.DuckDBPyConnection, corpus: Any) -> None:
    agg, dept = report_id_of(corpus, "d03_area_aggregate"), report_id_of(corpus, "d03")
    area = rows(con, "select area_code, report_year from dim_report where report_id = ?", agg)[0]
    if area[0] is None:
        pytest.skip("the area of 平潭综合实验区 did not resolve (int_report_areas_resolved)")
    assert rows(con, "select area_code from dim_report where report_id = ?", dept)[0][0] == area[0]
    got = rows(
        con,
        "select basis, n_reports, n_reports_counted, applications_received from rpt_area_year "
        "where area_code = ? and report_year = ?",
        *area,
    )
    aggregate_received = rows(con, "select applications_received from rpt_organ_year where report_id = ?", agg)
    assert len(got) == 1
    basis, n_reports, n_counted, received = got[0]
    # the prefecture-wide report alone: not plus its department d03, nor plus a township's own aggregate
    assert (basis, n_counted, received) == ("aggregate_report", 1, aggregate_received[0][0])
    assert n_reports >= 2


def test_quarantined_files_are_data(con: duckdb.DuckDBPyConnection) -> None:
    assert rows(con, "select error_kind from stg_raw__errors") == [("parse_error",)]
