"""Report metadata: page fields, title, dates and year priority, area mentions, organ naming."""

from __future__ import annotations

import hashlib
from collections import Counter

import pytest

from ingest.metadata import dates, extract_meta, header, organ, places
from ingest.model import Document, Line


def doc(text: str, page_meta: dict[str, str] | None = None) -> Document:
    lines = [Line(i + 1, t) for i, t in enumerate(text.splitlines())]
    data = text.encode()
    return Document("x.txt", "text", "utf-8", hashlib.sha256(data).hexdigest(), len(data), lines, page_meta=page_meta or {})


# --- dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2020-01-28 10:43", "2020-01-28"),
        ("2019年3月15日", "2019-03-15"),
        ("时间:2019年3月15日浏览", "2019-03-15"),
        ("2018515日", None),  # 年/月 dropped: not a date
        ("201811日", None),
        ("2019-02-30", None),  # impossible day
    ],
)
def test_parse_date(text: str, iso: str | None) -> None:
    assert dates.parse_date(text) == iso


def test_period_year_survives_dropped_characters() -> None:
    assert dates.year_from_period("本报告中所列数据的统计期限自201811日起至20181231日止。") == 2018
    assert dates.year_from_period("数据统计期限为2010年1月1日至12月31日止") == 2010


def test_glued_date_never_becomes_a_year() -> None:
    assert dates.year_from_body("2018515日举办活动。201811日起") is None


def test_year_priority_title_first() -> None:
    year, source, _ = dates.report_year("2017年平山区政府信息公开年度报告", "统计期限自2016年1月1日", None, "2018-03-05")
    assert (year, source) == (2017, "title")


def test_year_from_publication_date_is_flagged() -> None:
    year, source, warnings = dates.report_year(None, "没有年份", None, "2020-01-28")
    assert (year, source) == (2019, "published") and warnings


def test_late_publication_prefers_body() -> None:
    year, source, _ = dates.report_year(None, "2013年，我镇…2013年度…2014年计划", None, "2015-07-27")
    assert (year, source) == (2013, "body")


def test_year_from_body_ignores_future_plans_below_publication() -> None:
    assert dates.year_from_body("2019年工作打算。2018年…2018年…", before=2019) == 2018


# --- header ----------------------------------------------------------------------------------


def test_page_fields_from_chrome_lines() -> None:
    d = doc(
        "索引号: 1162 生成日期: 2020-01-28\n所属机构: 靖远县融媒体中心 发布机构:\n三滩镇人民政府\n"
        "信息来源:请选择\n发布时间:2020-01-28 10:43\n\n三滩镇2019年政府信息公开年度报告\n正文"
    )
    meta = header.page_meta(d)
    assert meta["organ"] == "三滩镇人民政府"
    assert meta["published"].startswith("2020-01-28")
    assert "source" not in meta  # 请选择 is a placeholder
    assert header.title(d, meta) == "三滩镇2019年政府信息公开年度报告"


def test_crawl_header_and_page_meta_from_reader_win() -> None:
    d = doc("标题: 甲\n正文", page_meta={"title": "淮安市人民政府2024年政府信息公开工作年度报告"})
    assert header.title(d, header.page_meta(d)) == "淮安市人民政府2024年政府信息公开工作年度报告"


def test_title_broken_over_two_lines() -> None:
    d = doc("-1-淮安市人民政府\n2024年政府信息公开工作年度报告\n本报告由…")
    assert header.title(d, {}) == "淮安市人民政府2024年政府信息公开工作年度报告"


def test_pipe_table_page_fields() -> None:
    meta = header.page_meta(doc("文号: | 公开日期: | 2015-07-27 10:52 | |\n发布单位: | 谢塘镇 |"))
    assert meta["published"].startswith("2015-07-27") and meta["organ"] == "谢塘镇"


# --- places ----------------------------------------------------------------------------------


def names(text: str) -> list[str]:
    return [n for _, _, n in places.find_in(text)]


def test_area_names_split_into_a_chain() -> None:
    assert names("抚顺市东洲区搭连街道办事处") == ["抚顺市", "东洲区", "搭连街道"]
    assert names("关岭县政务信息顶云街道办事处专栏") == ["关岭县", "顶云街道"]


def test_generic_words_and_phrase_tails_are_not_areas() -> None:
    assert names("全区各街道、社区和城区") == []
    assert names("网上办事大厅和县(区)政府") == []  # 和县 is a real county, not here
    assert names("公众查阅点指定县档案馆") == []
    assert names("马鞍山市和县人民政府") == ["马鞍山市", "和县"]


def test_old_names_and_zones_are_known() -> None:
    gaz = places.gazetteer()
    assert gaz.levels("宣武区") == {"county"}
    assert gaz.levels("平潭综合实验区") == {"prefecture"}
    assert gaz.is_ancestor("抚顺市", "搭连街道")
    assert not gaz.is_ancestor("本溪市", "搭连街道")


# --- organ -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "part"),
    [
        ("搭连街道2018年度政务信息公开工作报告", "搭连街道"),
        ("2017年平山区政府信息公开年度报告", "平山区"),
        ("淮安市人民政府2024年政府信息公开工作年度报告", "淮安市人民政府"),
        ("平潭综合实验区地方税务局2013年信息公开年度报告", "平潭综合实验区地方税务局"),
    ],
)
def test_organ_from_title(title: str, part: str) -> None:
    assert organ.organ_from_title(title) == part


def build(title_organ: str | None, text: str, meta_organ: str | None = None) -> organ.Organ:
    gaz = places.gazetteer()
    counts = Counter(n for _, _, n in places.find_in(text, gaz))
    return organ.build(title_organ, meta_organ, text, counts, gaz)


def test_township_named_with_the_parents_the_report_writes() -> None:
    o = build("三滩镇", "地址:靖远县三滩镇人民政府。三滩镇")
    assert (o.name, o.kind, o.level, o.scope) == ("靖远县三滩镇人民政府", "government", "township", "own")


def test_township_without_parents_in_text() -> None:
    assert build("唐村镇", "我镇").name == "唐村镇人民政府"


def test_parent_not_written_is_not_added() -> None:
    # 白银市 is 三滩镇's prefecture but the report never writes it
    assert build("三滩镇", "靖远县三滩镇").name == "靖远县三滩镇人民政府"


def test_unrelated_city_is_not_a_parent() -> None:
    assert build("平山区", "本溪市平山区。选派人员前往福州市调研").name == "本溪市平山区人民政府"


def test_department_keeps_its_name_and_takes_its_governments_level() -> None:
    o = build("淮安市公安局", "")
    assert (o.name, o.kind, o.level, o.scope) == ("淮安市公安局", "department", "prefecture", "own")
    assert build("平潭综合实验区市场监督管理局", "").level == "prefecture"


def test_city_government_is_an_aggregate_report() -> None:
    o = build("淮安市人民政府", "淮安市")
    assert (o.name, o.level, o.scope) == ("淮安市人民政府", "prefecture", "aggregate")


def test_organ_from_body_self_reference() -> None:
    text = "2018年,我区政府…晋安区…晋安区…《福州市晋安区人民政府办公室关于…》我区"
    o = build(None, text)
    assert (o.name, o.source, o.level) == ("福州市晋安区人民政府", "body", "county")


def test_street_office_from_body() -> None:
    o = build(None, "我办共设立…在关岭县政务信息顶云街道办事处专栏…顶云街道…我办")
    assert o.name == "关岭县顶云街道办事处"


def test_zone_government_word_from_text() -> None:
    assert build("平潭综合实验区", "平潭综合实验区管委会网站").name == "平潭综合实验区管委会"


def test_no_organ_is_reported_not_invented() -> None:
    o = build(None, "本报告根据条例编制。")
    assert o.name is None and o.warnings


def test_extract_meta_end_to_end() -> None:
    d = doc(
        "标题: 平潭综合实验区公安局2022年政府信息公开工作年度报告\n发布时间: 2023-01-09 19:52\n"
        "==================== 正文 ====================\n我局…福建省…"
    )
    m = extract_meta(d)
    assert (m.report_year, m.report_year_source, m.published_date) == (2022, "title", "2023-01-09")
    assert (m.organ_name, m.organ_kind, m.level) == ("平潭综合实验区公安局", "department", "prefecture")
    assert [a.name for a in m.area_mentions] == ["平潭综合实验区", "福建省"]


def test_year_in_chinese_numerals() -> None:
    assert dates.year_from_title("二〇一九年某某县政府信息公开工作年度报告") == 2019
    assert dates.year_from_period("统计期限为二○一二年一月一日至十二月三十一日") == 2012


@pytest.mark.parametrize(
    ("title", "part"),
    [
        ("2019年度淮安市人民政府信息公开工作年度报告", "淮安市人民政府"),
        ("淮安市公安局关于2020年政府信息公开工作年度报告", "淮安市公安局"),
        ("二〇一九年三滩镇政府信息公开年度报告", "三滩镇"),
    ],
)
def test_organ_from_title_variants(title: str, part: str) -> None:
    assert organ.organ_from_title(title) == part


def test_department_from_body_self_reference() -> None:
    text = ("我局认真贯彻…请与平潭综合实验区市场监督管理局办公室联系。我局…平潭综合实验区市场监督管理局"
            "…我区经济…我局")
    o = build(None, text)
    assert (o.name, o.kind, o.level, o.source) == ("平潭综合实验区市场监督管理局", "department", "prefecture", "body")


def test_department_self_reference_never_becomes_the_government() -> None:
    o = build(None, "我局…我局…我区…晋安区…晋安区")
    assert o.name is None


def test_longest_name_wins_over_a_shorter_one_inside_it() -> None:
    assert names("溧阳市古县街道办事处") == ["溧阳市", "古县街道"]


def test_two_character_county_in_a_chain_or_organ_name() -> None:
    assert names("地址:盂县上社镇人民政府") == ["盂县", "上社镇"]
    assert build("盂县上社镇人民政府", "盂县上社镇").name == "盂县上社镇人民政府"


def test_site_name_in_the_page_title_is_dropped() -> None:
    d = doc("正文", page_meta={"title": "2017年平山区政府信息公开年度报告_本溪市平山区人民政府"})
    assert header.title(d, header.page_meta(d)) == "2017年平山区政府信息公开年度报告"
    assert organ.organ_from_title("本溪市平山区人民政府门户网站") is None
