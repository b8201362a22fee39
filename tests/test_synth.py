"""The synthetic corpus generator keeps its own promises: deterministic, consistent truth, every
rendering gives back the same grids, and the keys are those of VOCABULARY.md."""

from __future__ import annotations

import io
import json
import re
from collections import defaultdict
from pathlib import Path

import duckdb
import pytest

from bench.synth import FORMATS, generate
from bench.synth.__main__ import main as synth_main
from bench.synth.ambiguity import count_splits, glued_recoverable
from bench.synth.layout import normalise_grid
from bench.synth.rawgen import write_raw
from ingest import schema

SEED = 11
CORPUS = generate(SEED, 90, damage_rate=0.5)
TEMPLATE = [r for r in CORPUS if r.meta["template"] in ("2019", "2021")]
PRE = [r for r in CORPUS if r.meta["template"] == "pre2019"]

APPLICANTS = ["natural_person", "commercial_enterprise", "research_institution", "social_welfare_org",
              "legal_service_org", "other_org"]
OUTCOMES_COMMON = [
    "granted", "partially_granted", "denied_state_secret", "denied_prohibited_by_law",
    "denied_three_safeties_one_stability", "denied_third_party_rights", "denied_internal_affairs",
    "denied_process_information", "denied_law_enforcement_files", "denied_administrative_query",
    "unable_not_held", "unable_needs_creation", "unable_unclear_after_correction",
    "not_processed_petition_complaint", "not_processed_repeated", "not_processed_publication",
    "not_processed_excessive", "not_processed_confirmation",
]
OUTCOMES = {"2019": [*OUTCOMES_COMMON, "other_handling"],
            "2021": [*OUTCOMES_COMMON, "other_overdue_correction", "other_unpaid_fees", "other_other"]}
DISCLOSURE = {
    "2021": {("regulations", m) for m in ("issued", "repealed", "in_force")}
    | {("normative_documents", m) for m in ("issued", "repealed", "in_force")}
    | {("administrative_licensing", "decisions"), ("administrative_penalty", "decisions"),
       ("administrative_coercion", "decisions"), ("administrative_fees", "amount_10k_yuan")},
    "2019": {(i, m) for i in ("regulations", "normative_documents") for m in ("newly_made", "newly_published", "total_published")}
    | {(i, m) for i in ("administrative_licensing", "other_management_services", "administrative_penalty", "administrative_coercion")
       for m in ("prior_year_items", "change_this_year", "decisions")}
    | {("administrative_fees", "prior_year_items"), ("administrative_fees", "change_this_year"),
       ("government_procurement", "projects"), ("government_procurement", "total_amount")},
}
TABLE_NAMES = {"disclosure_art20_1", "disclosure_art20_5", "disclosure_art20_6", "disclosure_art20_8",
               "disclosure_art20_9", "applications", "appeals", "statistics_appendix"}


def test_same_seed_same_reports_and_other_seed_differs() -> None:
    again = generate(SEED, 90, damage_rate=0.5)
    for a, b in zip(CORPUS, again, strict=True):
        assert a.truth_json() == b.truth_json()
        for fmt in ("text", "oneline", "glued", "html", "markdown"):
            assert a.render(fmt) == b.render(fmt), (a.id, fmt)
    other = generate(SEED + 1, 20, damage_rate=0.5)
    assert [r.render("text") for r in other] != [r.render("text") for r in CORPUS[:20]]
    # a report does not depend on how many were asked for
    assert generate(SEED, 1, damage_rate=0.5, start=57)[0].truth_json() == CORPUS[57].truth_json()


def test_corpus_covers_eras_damage_and_formats() -> None:
    assert {r.meta["template"] for r in CORPUS} == {"pre2019", "2019", "2021"}
    kinds = {k for r in CORPUS for k in r.damage}
    assert {"blank_cells", "na_marker", "missing_table", "broken_arithmetic", "label_variant"} <= kinds
    assert any(r.html_encoding == "gbk" for r in CORPUS)
    for r in CORPUS[:10]:
        for fmt in FORMATS:
            assert len(r.render(fmt)) > 500, (r.id, fmt)
    with pytest.raises(ValueError):
        CORPUS[0].render("pdf")


def _by_key(r) -> dict[tuple[str, str], float]:  # type: ignore[no-untyped-def]
    """(item, measure) -> value for the applications/appeals cells; blanks and markers were zeros."""
    return {(c.item, c.measure): (c.value if c.value is not None else 0.0)
            for c in r.truth_cells if c.table_name in ("applications", "appeals")}


def _identities_hold(r) -> bool:  # type: ignore[no-untyped-def]
    v = _by_key(r)
    tpl = r.meta["template"]
    ok = True
    if ("new_received", "total") in v:
        for m in [*APPLICANTS, "total"]:
            ok &= v[("new_received", m)] + v[("carried_over", m)] == v[("total_processed", m)] + v[("carried_to_next_year", m)]
            ok &= v[("total_processed", m)] == sum(v[(o, m)] for o in OUTCOMES[tpl])
        for item in ["new_received", "carried_over", *OUTCOMES[tpl], "total_processed", "carried_to_next_year"]:
            ok &= v[(item, "total")] == sum(v[(item, m)] for m in APPLICANTS)
    for item in ("administrative_reconsideration", "litigation_direct", "litigation_after_reconsideration"):
        if (item, "total") in v:
            ok &= v[(item, "total")] == sum(v[(item, m)] for m in ("upheld", "corrected", "other", "pending"))
    return bool(ok)


def test_template_arithmetic_holds_in_the_truth_unless_broken_on_purpose() -> None:
    broken = [r for r in TEMPLATE if not r.arithmetic_holds]
    assert broken, "the corpus should contain broken_arithmetic reports"
    for r in TEMPLATE:
        assert _identities_hold(r) == r.arithmetic_holds, r.id
        assert ("broken_arithmetic" in r.damage) or r.arithmetic_holds


def test_template_keys_are_the_vocabulary() -> None:
    for r in TEMPLATE:
        tpl = r.meta["template"]
        cells = r.truth_cells
        assert {c.table_name for c in cells} <= TABLE_NAMES - {"statistics_appendix"}
        apps = {(c.item, c.measure) for c in cells if c.table_name == "applications"}
        if apps:
            items = ["new_received", "carried_over", *OUTCOMES[tpl], "total_processed", "carried_to_next_year"]
            assert apps == {(i, m) for i in items for m in [*APPLICANTS, "total"]}
        disc = {(c.item, c.measure) for c in cells if c.section == "disclosure"}
        assert disc in (DISCLOSURE[tpl], set()), r.id
        assert len({(c.section, c.item, c.measure) for c in cells}) == len(cells)
        for c in cells:
            assert (c.value is None) == (c.status in ("blank", "na_marker")), c
        if "missing_table" not in r.damage:
            n = {"2019": 22 + 23 * 7 + 15, "2021": 10 + 25 * 7 + 15}[tpl]
            assert len(cells) == n


def test_pre2019_truth_is_consistent() -> None:
    layouts = set()
    for r in PRE:
        facts = {(f["section"], f["item"], f["measure"]): f for f in r.facts()}
        assert facts, r.id
        if r.truth_cells:
            layouts.add(r.grids()[0][0][0])
        rec = {m: facts.get(("applications", "applications_received", m)) for m in ("total", "in_person", "online", "letter_fax")}
        if all(f is not None and f["status"] == "reported" for f in rec.values()):
            assert rec["total"]["value"] == sum(rec[m]["value"] for m in ("in_person", "online", "letter_fax"))  # type: ignore[index]
        for (sec, item, m), f in facts.items():
            if m.endswith("_cumulative") and f["value"] is not None:
                annual = facts.get((sec, item, m.removesuffix("_cumulative")))
                if annual and annual["value"] is not None:
                    assert f["value"] >= annual["value"]
        assert all(f["status"] in ("reported", "stated_zero", "blank") for f in facts.values())
    assert len(layouts) >= 2, layouts  # several 附表 layouts appear


def test_distribution_is_heavy_tailed() -> None:
    rs = generate(3, 200, eras=("2021",), damage_rate=0.0)
    new = sorted(next(c.value for c in r.truth_cells if (c.item, c.measure) == ("new_received", "total")) for r in rs)
    assert new[len(new) // 2] <= 10  # most organs receive few requests
    assert new[-1] >= 300  # a few receive hundreds or thousands
    assert len({r.meta["organ"] for r in rs}) > 120


# ---------------------------------------------------------------- renderings give back the same grids


def _html_grids(data: bytes, encoding: str) -> list[list[list[str]]]:
    from selectolax.lexbor import LexborHTMLParser

    head = data[:400].decode("ascii", "ignore")
    charset = re.search(r"charset=([\w-]+)", head)
    assert charset and charset.group(1) == encoding
    tree = LexborHTMLParser(data.decode(encoding))
    grids = []
    for table in tree.css("table"):
        taken: dict[tuple[int, int], str] = {}
        rows = table.css("tr")
        for r, tr in enumerate(rows):
            c = 0
            for td in tr.css("td"):
                while (r, c) in taken:
                    c += 1
                cs, rs = int(td.attributes.get("colspan") or 1), int(td.attributes.get("rowspan") or 1)
                text = td.text(strip=True).replace("\xa0", "")
                for dr in range(rs):
                    for dc in range(cs):
                        taken[(r + dr, c + dc)] = text if (dr, dc) == (0, 0) else ""
                c += cs
        width = max(c for _, c in taken) + 1
        grids.append([[taken[(r, c)] for c in range(width)] for r in range(len(rows))])
    return [normalise_grid(g) for g in grids]


def _docx_grids(data: bytes) -> list[list[list[str]]]:
    import docx

    out = []
    for t in docx.Document(io.BytesIO(data)).tables:
        rows = [row.cells for row in t.rows]
        grid = []
        for ri, cells in enumerate(rows):
            grid.append(["" if (ci and cells[ci - 1]._tc is c._tc) or (ri and rows[ri - 1][ci]._tc is c._tc) else c.text
                         for ci, c in enumerate(cells)])
        out.append(normalise_grid(grid))
    return out


def _markdown_grids(data: bytes) -> list[list[list[str]]]:
    grids, cur = [], []
    for line in data.decode("utf-8").splitlines() + [""]:
        if line.startswith("|"):
            if not re.fullmatch(r"\|(---\|)+", line):
                cur.append([c.strip() for c in line.strip()[1:-1].split("|")])
        elif cur:
            grids.append(normalise_grid(cur))
            cur = []
    return grids


@pytest.mark.parametrize("fmt", ["html", "markdown", "docx"])
def test_structured_renderings_give_the_same_grids(fmt: str) -> None:
    sample = [r for r in CORPUS if r.tables()][:5 if fmt == "docx" else 40]
    assert sample
    for r in sample:
        data = r.render(fmt)
        if fmt == "html":
            got = _html_grids(data, r.html_encoding)
        elif fmt == "markdown":
            got = _markdown_grids(data)
        else:
            got = _docx_grids(data)
        assert got == r.grids(), (r.id, fmt)


def test_text_rendering_follows_the_flattening_rule() -> None:
    r = next(r for r in TEMPLATE if r.meta["template"] == "2021" and not r.damage)
    lines = r.render("text").decode("utf-8").splitlines()
    assert "申请人情况 | ||||||||" in lines  # corner + 申请人情况 in a 10-wide table: k = 8
    i = lines.index("自然人 |")
    assert lines[i:i + 4] == ["自然人 |", "法人或其他组织 |", "总计 | |||||||", "商业企业 |"]  # DOM order
    assert "第二十条第(一)项 | |||" in lines and "本年收费金额(单位:万元) | ||" in lines  # NFKC
    table_lines = [ln for ln in lines if ln.endswith("|")]
    cells = [c for t in r.tables() for row in t.rows for c in row]
    assert len(table_lines) == len(cells)
    # whole-report renderings are one line
    for fmt in ("oneline", "glued"):
        assert r.render(fmt).decode("utf-8").count("\n") == 1


def test_glued_ambiguity_flags() -> None:
    assert count_splits("0000000", 7, "row_total") == 1
    assert count_splits("6856", 3, None) == 2  # 6|8|56, 6|85|6, 68|5|6 … (capped)
    assert count_splits("12030", 7, "row_total") == 0  # too short for seven cells
    assert glued_recoverable(["10", "0", "0", "0", "2", "0", "12"], "row_total")  # 100002012: only 10|…|12 adds up
    assert not glued_recoverable(["1", "", "0", "0", "0", "0", "1"], "row_total")  # a blank vanishes
    flagged = [c for r in TEMPLATE for c in r.truth_cells if "glued" in c.ambiguous_in]
    clear = [c for r in TEMPLATE for c in r.truth_cells if "glued" not in c.ambiguous_in]
    assert flagged and clear


def test_cli_writes_reports_and_truth(tmp_path: Path) -> None:
    assert synth_main(["--n", "4", "--out", str(tmp_path), "--seed", "5", "--formats", "text,html,glued"]) == 0
    truths = sorted(tmp_path.glob("*.json"))
    assert len(truths) == 4
    for t in truths:
        d = json.loads(t.read_text(encoding="utf-8"))
        assert {"id", "organ", "area", "organ_kind", "level", "report_year", "published", "template", "facts"} <= d.keys()
        assert (tmp_path / f"{d['id']}.text.txt").exists() and (tmp_path / f"{d['id']}.html").exists()
        assert (tmp_path / f"{d['id']}.glued.txt").exists()
    with pytest.raises(SystemExit):
        synth_main(["--n", "1", "--out", str(tmp_path), "--formats", "pdf"])


def test_raw_parquet_generator_follows_the_schema(tmp_path: Path) -> None:
    counts = write_raw(tmp_path, 60, seed=2, prototypes=20, chunk=25)
    assert counts["reports"] == 60 and counts["cells"] > 60 * 10
    con = duckdb.connect()
    for table, sch in schema.TABLES.items():
        cols = [r[0] for r in con.execute(f"describe select * from read_parquet('{tmp_path}/{table}/*.parquet')").fetchall()]
        assert cols == sch.names, table
        n = con.execute(f"select count(*) from read_parquet('{tmp_path}/{table}/*.parquet')").fetchone()
        assert n is not None and n[0] == counts[table]
    orphans = con.execute(
        f"select count(*) from read_parquet('{tmp_path}/cells/*.parquet') c anti join "
        f"read_parquet('{tmp_path}/reports/*.parquet') r using (report_id)").fetchone()
    assert orphans == (0,)
    per_report = defaultdict(int)
    for rid, n in con.execute(f"select report_id, count(*) from read_parquet('{tmp_path}/cells/*.parquet') group by 1").fetchall():
        per_report[rid] = n
    ncells = dict(con.execute(f"select report_id, n_cells from read_parquet('{tmp_path}/reports/*.parquet')").fetchall())
    assert all(per_report.get(k, 0) == v for k, v in ncells.items())
