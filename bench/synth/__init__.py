"""Synthetic annual reports with known ground truth, for tests and benchmarks.

Deterministic from a seed: the same (seed, index) always gives the same report, whatever n, so a
test can take reports 0..9 of corpus 7 and a benchmark reports 0..99_999 of the same corpus.

    from bench.synth import generate, FORMATS
    reports = generate(seed=7, n=100, eras=("2019", "2021"), damage_rate=0.3)
    r = reports[0]
    r.render("text")        # bytes; fmt in FORMATS = text | oneline | glued | html | markdown | docx
    r.truth_cells           # [TruthCell(table_name, section, item, measure, value, status, text, ambiguous_in)]
    r.truth_figures         # [TruthFigure(section, item, measure, value, status, approx)] stated in prose
    r.facts()               # facts as in tests/fixtures/reports/*.json (a table cell wins over prose)
    r.truth_json()          # the whole truth file: id, organ, area, organ_kind, level, report_year,
                            #   published, template, facts, cells, damage, arithmetic_holds, notes
    r.meta                  # organ, organ_kind, level, area{province,prefecture,county,township},
                            #   area_code, report_year, published, template (pre2019|2019|2021), title
    r.grids()               # expanded NFKC grid of every table: what any rendering must give back
    r.damage                # damage kinds applied (see below); r.arithmetic_holds
    r.html_encoding         # 'utf-8' or 'gbk' (about one in five HTML pages)

Eras: `pre2019` (2008–2018, rarely 2019: prose in the sample phrasing families, in 45% of cases a
statistics appendix in layout A, B or C of REPORT_FORMATS §7 — table name `statistics_appendix`),
`2019` (2019/2020 reports, the trial template) and `2021` (2021–2025, the 2021 template). Table
names of template cells: disclosure_art20_1/_5/_6/_8/_9, applications, appeals; keys are exactly
those of VOCABULARY.md. Values follow a heavy-tailed activity per organ (most receive a handful
of requests or none, a few thousands) and every template identity holds exactly unless the damage
`broken_arithmetic` misprinted a total (then `arithmetic_holds` is False).

Damage (a fraction `damage_rate` of reports get one to three kinds):
  blank_cells (zeros printed empty → status blank, value None), na_marker (zeros printed as
  '/', '-', '—' or '无' → status na_marker), missing_table (a heading without its table: no truth
  cells for it), broken_arithmetic, label_variant (2021 with 规范性文件, 结转下一年度继续办理,
  the 第一项和第二项之和 corner note), fullwidth_digits, thousands_sep ("1,234"), no_title,
  dropped_chars (统计期限自201911日起至20191231日止).

Cell truth `ambiguous_in` lists the renderings in which the cell cannot be placed for sure:
`glued` when its row's run of digits splits more than one way under the row identity (or a blank
vanished), `oneline` when a blank cell in the row leaves no trace. Accept either the value or an
`unplaced`/flagged cell there.

Renderings: text is the one-cell-per-line flattening with the " |" + k-pipes padding rule of §8
(NFKC-normalised, header rows in DOM order, no padding on the last row of a table); html is a
page with chrome and the official rowspan/colspan; markdown shows the expanded grid (spanned
positions empty); docx uses merged cells (its bytes carry zip timestamps, so compare its content,
not its bytes). `.render()` of the other formats is byte-for-byte deterministic.

Command line: `python -m bench.synth --n 1000 --out DIR --formats text,html --seed 7` writes
DIR/<id>.<ext> and DIR/<id>.json (truth); `python -m bench.synth raw --n 100000 --out RAW` writes
raw Parquet (ingest.schema layout) for warehouse benchmarks without parsing (bench.synth.rawgen).
"""

from bench.synth.layout import TruthKey
from bench.synth.prose import TruthFigure
from bench.synth.render import EXTENSIONS, FORMATS
from bench.synth.report import ERAS, SynthReport, TruthCell, generate, make_report

__all__ = ["ERAS", "EXTENSIONS", "FORMATS", "SynthReport", "TruthCell", "TruthFigure", "TruthKey", "generate", "make_report"]
