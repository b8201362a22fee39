"""int_report_areas_resolved and dim_area, executed in DuckDB over the committed seeds."""

from __future__ import annotations

import pytest

from ingest.extract import extract
from ingest.read import load_document
from tests.area_sql import Report, model_sql, resolve, seeded
from tests.fixture_reports import load_fixtures

SAMPLES = {  # the five samples and what their organ must resolve to
    "000_63505c614ed6c9e6": ("210403004000", "辽宁省", "抚顺市", "东洲区", "搭连街道"),
    "001_6fcf304d54296c97": ("350111000000", "福建省", "福州市", "晋安区", None),
    "002_46800bac7a47ffbd": ("620421107000", "甘肃省", "白银市", "靖远县", "三滩镇"),
    "003_370a2057b485fcf4": ("520424002000", "贵州省", "安顺市", "关岭布依族苗族自治县", "顶云街道"),
    "004_037bebd882511ed7": ("210502000000", "辽宁省", "本溪市", "平山区", None),
}
# Fixtures whose expected area the gazetteer cannot give, and why.
AREA_EXCEPTIONS = {
    "平潭综合实验区": "a zone, not an MCA division: resolved to its host 平潭县 (福州市), not to a 平潭综合实验区 prefecture",
    "宣武区": "宣武区 was merged into 西城区 in 2010 and townships have no history: placed at 宣武区 (historical), township not coded",
}


@pytest.fixture(scope="module")
def con():
    return seeded()


def one(con, organ: str | None, year: int | None = 2020, mentions: list[str] | None = None) -> dict:
    return resolve(con, [Report("r", organ, year, mentions or [])])["r"]


def chain(row: dict) -> tuple:
    return (row["area_code"], row["province"], row["prefecture"], row["county"], row["township"])


@pytest.fixture(scope="module")
def fixture_rows(con):
    reports, expected = [], {}
    for fx in load_fixtures():
        meta = extract(load_document(fx.path)).meta
        reports.append(Report(fx.id, meta.organ_name, meta.report_year, [m.name for m in meta.area_mentions]))
        expected[fx.id] = fx.expected
    return resolve(con, reports), expected


@pytest.mark.parametrize("fixture_id", sorted(SAMPLES))
def test_samples_resolve_from_their_parsed_metadata(fixture_rows, fixture_id: str) -> None:
    rows, _ = fixture_rows
    row = rows[fixture_id]
    assert row["resolution_status"] == "resolved"
    assert chain(row) == SAMPLES[fixture_id]


def test_every_fixture_area_matches_its_expectation_or_a_known_reason(fixture_rows) -> None:
    rows, expected = fixture_rows
    wrong = []
    for fid, exp in expected.items():
        want = exp["area"]
        row = rows[fid]
        got = {k: row[k] for k in ("province", "prefecture", "county", "township")}
        if got != want and not any(name in (exp["organ"] or "") for name in AREA_EXCEPTIONS):
            wrong.append(f"{fid}: {got} != {want} ({row['resolution_status']})")
    assert not wrong, "\n".join(wrong)


def test_no_fixture_is_ambiguous_or_wrong_silently(fixture_rows) -> None:
    rows, _ = fixture_rows
    assert {r["resolution_status"] for r in rows.values()} <= {"resolved", "historical"}


# --- ambiguous names -------------------------------------------------------------------------


def test_bare_gulou_is_ambiguous_with_four_candidates(con) -> None:
    row = one(con, "鼓楼区人民政府", mentions=[])
    assert row["resolution_status"] == "ambiguous"
    assert row["n_candidates"] == 4 and row["area_code"] is None
    assert "350102000000" in row["candidates"]


def test_gulou_with_a_city_in_the_organ_name(con) -> None:
    assert chain(one(con, "南京市鼓楼区人民政府"))[:4] == ("320106000000", "江苏省", "南京市", "鼓楼区")


def test_gulou_with_a_city_in_the_body(con) -> None:
    row = one(con, "鼓楼区人民政府", mentions=["福建省", "福州市", "鼓楼区"])
    assert (row["resolution_status"], row["area_code"]) == ("resolved", "350102000000")


def test_gulou_with_two_candidate_cities_in_the_body_stays_ambiguous(con) -> None:
    row = one(con, "鼓楼区人民政府", mentions=["福州市", "南京市"])
    assert row["resolution_status"] == "ambiguous" and row["n_candidates"] == 2


def test_chaoyang_with_and_without_context(con) -> None:
    assert one(con, "朝阳区人民政府")["resolution_status"] == "ambiguous"
    assert one(con, "北京市朝阳区人民政府")["area_code"] == "110105000000"
    assert one(con, "朝阳区人民政府", mentions=["长春市"])["area_code"] == "220104000000"


def test_chengguan_town_keeps_the_deepest_common_parent(con) -> None:
    bare = one(con, "城关镇人民政府")
    assert bare["resolution_status"] == "ambiguous" and bare["n_candidates"] > 50 and bare["area_code"] is None
    gansu = one(con, "城关镇人民政府", mentions=["甘肃省"])
    assert gansu["resolution_status"] == "ambiguous"
    assert (gansu["area_code"], gansu["area_level"], gansu["province"]) == ("620000000000", "province", "甘肃省")
    assert one(con, "永登县城关镇人民政府")["area_code"] == "620121100000"


def test_a_parent_in_the_organ_name_must_be_an_ancestor(con) -> None:
    # 三滩镇 exists in 博白县 and 靖远县; a wrong county in the name leaves nothing current
    assert one(con, "靖远县三滩镇人民政府")["area_code"] == "620421107000"
    assert one(con, "白银市靖远县三滩镇")["area_code"] == "620421107000"
    assert one(con, "博白县三滩镇人民政府")["area_code"] == "450923109000"
    # no 三滩镇 in 本溪市: placed at the parent the organ writes, marked as such
    row = one(con, "本溪市三滩镇人民政府")
    assert (row["matched_in"], row["area_code"], row["township"]) == ("parent", "210500000000", None)


def test_township_missing_from_the_gazetteer_falls_back_to_its_county(con) -> None:
    row = one(con, "东湖区公园街道办事处", mentions=["南昌市"])
    assert (row["resolution_status"], row["matched_in"], row["county"]) == ("resolved", "parent", "东湖区")
    # a parent that is itself ambiguous stays ambiguous
    assert one(con, "朝阳区公园街道办事处")["resolution_status"] == "ambiguous"


def test_short_name_with_its_unit_word(con) -> None:
    assert one(con, "关岭县顶云街道办事处")["county"] == "关岭布依族苗族自治县"
    assert one(con, "关岭自治县人民政府")["area_code"] == "520424000000"


def test_shared_characters_never_match(con) -> None:
    assert one(con, "关岭人民政府")["resolution_status"] == "unresolved"  # no unit word
    assert one(con, "平鲁山区人民政府")["resolution_status"] == "unresolved"


# --- abolished and renamed areas -------------------------------------------------------------


def test_laiwu_city_in_2017_is_historical(con) -> None:
    row = one(con, "莱芜市人民政府", year=2017)
    assert (row["resolution_status"], row["area_code"], row["area_level"]) == ("historical", "371200000000", "prefecture")


def test_laiwu_city_after_its_abolition_is_unresolved(con) -> None:
    assert one(con, "莱芜市人民政府", year=2020)["resolution_status"] == "unresolved"


def test_wujiang_city_in_2010(con) -> None:
    row = one(con, "吴江市人民政府", year=2010)
    assert (row["resolution_status"], row["area_code"], row["prefecture"]) == ("historical", "320584000000", "苏州市")


def test_township_under_an_old_county_is_placed_at_the_old_county(con) -> None:
    row = one(con, "北京市宣武区大栅栏街道办事处", year=2009, mentions=["北京市", "宣武区"])
    assert (row["resolution_status"], row["area_code"], row["province"], row["county"]) == (
        "historical", "110104000000", "北京市", "宣武区")
    # the same township named with today's district is current
    assert one(con, "北京市西城区大栅栏街道办事处", year=2020)["area_code"] == "110102013000"


def test_a_unit_that_only_changed_its_code_stays_current(con) -> None:
    # 江达县 was 542122 under 昌都地区 until 2013, the same county as today's 540321
    row = one(con, "江达县人民政府", year=2010)
    assert (row["resolution_status"], row["area_code"]) == ("resolved", "540321000000")


def test_chaohu_is_a_prefecture_in_2009_and_a_county_city_now(con) -> None:
    assert one(con, "巢湖市人民政府", year=2009)["area_code"] == "341400000000"
    now = one(con, "巢湖市人民政府", year=2015)
    assert (now["resolution_status"], now["area_code"]) == ("resolved", "340181000000")


# --- departments and zones -------------------------------------------------------------------


def test_department_resolves_to_its_governments_area(con) -> None:
    row = one(con, "淮安市公安局")
    assert (row["area_code"], row["area_level"]) == ("320800000000", "prefecture")
    assert one(con, "福州市晋安区教育局")["area_code"] == "350111000000"


def test_zone_resolves_to_its_host_division(con) -> None:
    row = one(con, "平潭综合实验区公安局")
    assert (row["resolution_status"], row["matched_in"], row["area_code"]) == ("resolved", "zone", "350128000000")


def test_no_organ_or_no_area_is_unresolved(con) -> None:
    assert one(con, None)["resolution_status"] == "unresolved"
    assert one(con, "区财政金融局")["resolution_status"] == "unresolved"


def test_one_row_per_report(con) -> None:
    rows = resolve(con, [Report(str(i), "鼓楼区人民政府", 2020, ["福州市"]) for i in range(5)])
    assert len(rows) == 5


# --- dim_area and the seeds ------------------------------------------------------------------


def test_dim_area_chain_and_counts(con) -> None:
    sql = model_sql("marts/dim_area.sql")
    counts = dict(con.execute(f"select level, count(*) from ({sql}) group by level").fetchall())
    assert counts == {"province": 34, "prefecture": 333, "county": 2847, "township": 38749}
    orphans = con.execute(
        f"select count(*) from ({sql}) c where parent_code is not null"
        f" and parent_code not in (select area_code from ({sql}))"
    ).fetchone()[0]
    assert orphans == 0
    row = con.execute(f"select name, parent_code, county, is_abolished from ({sql}) where area_code = '520424002000'").fetchone()
    assert row == ("顶云街道", "520424000000", "关岭布依族苗族自治县", False)


def test_codes_keep_their_leading_digits_and_length(con) -> None:
    bad = con.execute("select count(*) from areas where length(code12) <> 12 or code6 <> substr(code12, 1, 6)").fetchone()[0]
    assert bad == 0


# --- the seed builder's naming rules (scripts/build_gazetteer.py) ----------------------------


def _builder():
    import importlib.util
    import sys

    from tests.area_sql import ROOT

    spec = importlib.util.spec_from_file_location("build_gazetteer", ROOT / "scripts" / "build_gazetteer.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("name", "short", "cls"),
    [
        ("关岭布依族苗族自治县", "关岭", "县"),
        ("东乡族自治县", "东乡", "县"),
        ("龙胜各族自治县", "龙胜", "县"),
        ("黔南布依族苗族自治州", "黔南", "州"),
        ("新疆维吾尔自治区", "新疆", "区"),
        ("晋安区", "晋安", "区"),
        ("搭连街道", "搭连", "街道"),
        ("和县", None, "县"),  # a one-character stem is no short name
    ],
)
def test_short_names(name: str, short: str | None, cls: str) -> None:
    assert _builder().split_name(name) == (short, cls)


def test_aliases_are_distinct_and_provinces_keep_full_forms() -> None:
    b = _builder()
    assert [a for a, _ in b.aliases("关岭布依族苗族自治县", "county")] == ["关岭布依族苗族自治县", "关岭县", "关岭自治县"]
    assert [a for a, _ in b.aliases("内蒙古自治区", "province")] == ["内蒙古自治区"]
