"""`ogi export`: CSV with a BOM for Excel (or plain UTF-8), Parquet, XLSX; Chinese labels from YAML."""

from __future__ import annotations

import zipfile
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from ogi.cli import app
from ogi.export import export_models, load_model_docs, zh_column_names
from ogi.query import WarehouseError
from tests.analyst_project import build_project

runner = CliRunner()
BOM = b"\xef\xbb\xbf"


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    return build_project(tmp_path / "demo")


def export(project: Path, *args: str) -> list[str]:
    result = runner.invoke(app, ["export", *args, "--warehouse", str(project / "warehouse.duckdb"),
                                 "--project-dir", str(project), "--out", str(project / "exports")])
    assert result.exit_code == 0, result.output
    return result.output.splitlines()


def test_default_exports_the_marts_as_csv_with_bom(project: Path) -> None:
    lines = export(project)
    assert lines == [f"{project / 'exports' / 'fct_requests.csv'}  5 rows"]
    data = (project / "exports" / "fct_requests.csv").read_bytes()
    assert data.startswith(BOM)
    text = data[len(BOM):].decode("utf-8")
    assert text.splitlines()[0] == "organ_name,report_year,level,received,granted,denied"
    assert "北京市人民政府,2020,province,120,80,10" in text


def test_no_bom_writes_plain_utf8(project: Path) -> None:
    export(project, "stg_requests", "--no-bom")
    data = (project / "exports" / "stg_requests.csv").read_bytes()
    assert not data.startswith(BOM)
    assert data.decode("utf-8").startswith("organ,report_year")


def test_zh_labels_rename_columns_and_keep_unlabelled_ones(project: Path) -> None:
    export(project, "fct_requests", "--labels", "zh", "--format", "parquet")
    frame = pl.read_parquet(project / "exports" / "fct_requests.parquet")
    assert frame.columns == ["发布机关", "报告年度", "行政层级", "本年新收申请数量", "予以公开", "不予公开"]
    assert frame.height == 5
    assert frame.filter(pl.col("报告年度") == 2021)["本年新收申请数量"].sum() == 150 + 55 + 3


def test_parquet_keeps_types(project: Path) -> None:
    export(project, "fct_requests", "-f", "parquet")
    frame = pl.read_parquet(project / "exports" / "fct_requests.parquet")
    assert frame.schema["report_year"] == pl.Int32 and frame.schema["organ_name"] == pl.String


def test_xlsx_has_data_and_column_descriptions(project: Path) -> None:
    export(project, "fct_requests", "-f", "xlsx", "--labels", "zh")
    path = project / "exports" / "fct_requests.xlsx"
    with zipfile.ZipFile(path) as book:
        names = book.namelist()
        strings = book.read("xl/sharedStrings.xml").decode("utf-8")
    assert "xl/worksheets/sheet1.xml" in names and "xl/worksheets/sheet2.xml" in names
    for text in ("发布机关", "北京市人民政府", "Requests received this year.", "received"):
        assert text in strings


def test_unknown_model_fails_before_writing_anything(project: Path) -> None:
    result = runner.invoke(app, ["export", "fct_requests", "nope", "-w", str(project / "warehouse.duckdb"),
                                 "--out", str(project / "exports"), "--project-dir", str(project)])
    assert result.exit_code == 1
    assert "no model named 'nope'" in result.output and "fct_requests" in result.output
    assert not (project / "exports").exists()


def test_bad_format_is_refused(project: Path) -> None:
    result = runner.invoke(app, ["export", "-f", "xls", "-w", str(project / "warehouse.duckdb")])
    assert result.exit_code == 1 and "unknown format" in result.output


def test_yaml_docs_read_both_meta_spellings(project: Path) -> None:
    docs = load_model_docs(project)
    assert docs["fct_requests"].columns["received"].label_zh == "本年新收申请数量"
    assert docs["fct_requests"].columns["denied"].label_zh == "不予公开"  # config: {meta: …}
    assert docs["fct_requests"].path == "models/marts"
    assert docs["stg_requests"].columns["organ"].label_zh == ""


def test_colliding_labels_stay_unique(project: Path) -> None:
    docs = load_model_docs(project)
    docs["fct_requests"].columns["denied"].label_zh = "予以公开"
    names = zh_column_names(["granted", "denied"], docs["fct_requests"])
    assert names == ["予以公开", "予以公开（denied）"]


def test_library_call_returns_results(project: Path) -> None:
    results = export_models(project / "warehouse.duckdb", ["stg_requests", "fct_requests"], fmt="csv",
                            out=project / "out", project_root=project)
    assert [(r.model, r.rows) for r in results] == [("stg_requests", 5), ("fct_requests", 5)]
    with pytest.raises(WarehouseError):
        export_models(project / "warehouse.duckdb", [], fmt="pdf", out=project / "out")  # type: ignore[arg-type]


def test_list_and_struct_columns_become_text_in_csv_and_xlsx(project: Path) -> None:
    import duckdb

    con = duckdb.connect(str(project / "warehouse.duckdb"))
    con.execute("create table fct_nested as select 1 as id, ['无表格', '年份推断'] as warnings, "
                "{'line': 3} as evidence union all select 2, [], null")
    con.close()
    export(project, "fct_nested")
    text = (project / "exports" / "fct_nested.csv").read_bytes()[len(BOM):].decode("utf-8")
    assert text.splitlines() == ["id,warnings,evidence", '1,无表格; 年份推断,"{""line"": 3}"', '2,"",']
    export(project, "fct_nested", "-f", "xlsx")
    export(project, "fct_nested", "-f", "parquet")
    assert pl.read_parquet(project / "exports" / "fct_nested.parquet")["warnings"].to_list()[0] == ["无表格", "年份推断"]
