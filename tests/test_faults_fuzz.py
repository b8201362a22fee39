"""Fuzz the parsers with mutated real reports (hypothesis): no exception escapes
extract(load_document(p)) — an input it cannot read is an IngestError with a kind and a reason —
and in a batch every file ends in reports or errors."""

from __future__ import annotations

import random
from pathlib import Path

import pyarrow.parquet as pq
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.synth import generate
from ingest.errors import IngestError
from ingest.extract import extract
from ingest.facts import facts_of
from ingest.model import TEMPLATES
from ingest.pipeline import ingest_paths
from ingest.read import load_document

REPORTS = sorted((Path(__file__).parent / "fixtures" / "reports").glob("*.txt"))
SOURCES = [p.read_text(encoding="utf-8") for p in REPORTS]
# Characters that matter to the parsers: digits (half/full width), pipes, separators, labels' pieces.
NOISE = "0123456789０１２３４５６７８９|| \n\t/-—、，。：:（）()一二三四五六七八九十第条项总计合计申请公开件条万元年月日."

mutation = st.one_of(
    st.tuples(st.just("delete"), st.floats(0, 1), st.integers(1, 400)),
    st.tuples(st.just("duplicate"), st.floats(0, 1), st.integers(1, 400)),
    st.tuples(st.just("insert"), st.floats(0, 1), st.text(alphabet=NOISE, min_size=1, max_size=40)),
    st.tuples(st.just("swap_lines"), st.floats(0, 1), st.floats(0, 1)),
    st.tuples(st.just("join_lines"), st.floats(0, 1), st.integers(1, 60)),
    st.tuples(st.just("digits"), st.floats(0, 1), st.text(alphabet="0123456789,.+-", min_size=1, max_size=12)),
)


def _mutate(text: str, ops: list[tuple]) -> str:
    for op, where, arg in ops:
        i = int(where * len(text))
        if op == "delete":
            text = text[:i] + text[i + arg:]
        elif op == "duplicate":
            text = text[:i] + text[i:i + arg] + text[i:]
        elif op == "insert":
            text = text[:i] + arg + text[i:]
        elif op == "digits":  # replace the digit run at or after i
            j = next((k for k in range(i, len(text)) if text[k].isdigit()), len(text))
            k = j
            while k < len(text) and text[k].isdigit():
                k += 1
            text = text[:j] + arg + text[k:]
        else:
            lines = text.split("\n")
            a = int(where * len(lines)) % max(1, len(lines))
            if op == "swap_lines":
                b = int(arg * len(lines)) % max(1, len(lines))
                lines[a], lines[b] = lines[b], lines[a]
            else:  # join_lines: cells run together, as scrapers do
                lines[a:a + arg] = ["".join(lines[a:a + arg])]
            text = "\n".join(lines)
    return text


@settings(max_examples=120, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(source=st.integers(0, len(SOURCES) - 1), ops=st.lists(mutation, min_size=1, max_size=8),
       encoding=st.sampled_from(["utf-8", "utf-8", "gb18030", "utf-16"]), ext=st.sampled_from([".txt", ".txt", ".md", ".html"]))
def test_no_exception_escapes_the_parsers(tmp_path_factory, source: int, ops: list[tuple], encoding: str, ext: str) -> None:  # noqa: ANN001
    p = tmp_path_factory.mktemp("fuzz") / f"mutant{ext}"
    p.write_bytes(_mutate(SOURCES[source], ops).encode(encoding, "replace"))
    try:
        doc = load_document(p)
    except IngestError as e:  # the designed way to refuse an input: it goes to the errors table
        assert e.kind and e.reason
        return
    ex = extract(doc)
    assert ex.template in TEMPLATES
    # an extractor that catches its own crash and only leaves a warning still crashed
    assert not [w for w in ex.warnings if "extraction failed" in w], ex.warnings
    facts_of(ex)  # turning the extraction into facts must not fail either


def test_batch_of_damaged_renderings_accounts_for_every_file(tmp_path: Path) -> None:
    """Synthetic reports in every rendering (damaged, GBK pages, glued) plus byte-level mutants."""
    src = tmp_path / "in"
    src.mkdir()
    rng = random.Random(4242)
    ext = {"text": ".txt", "oneline": ".txt", "glued": ".txt", "html": ".html", "markdown": ".md", "docx": ".docx"}
    for i, r in enumerate(generate(77, 24, damage_rate=0.8)):
        fmt = list(ext)[i % len(ext)]
        data = r.render(fmt)
        if i % 3 == 0:  # flip some bytes (a docx becomes a broken zip, a GBK page gets bad sequences)
            b = bytearray(data)
            for _ in range(rng.randint(1, 20)):
                b[rng.randrange(len(b))] = rng.randrange(256)
            data = bytes(b)
        (src / f"{r.id}-{fmt}{ext[fmt]}").write_bytes(data)
    raw = tmp_path / "raw"
    summary = ingest_paths([src], raw, workers=1)
    reports = pq.read_table(raw / "reports").to_pylist()
    errors = pq.read_table(raw / "errors").to_pylist()
    accounted = {p for r in reports for p in r["source_paths"]} | {e["source_path"] for e in errors}
    assert accounted == {str(p) for p in src.iterdir()}
    assert summary.ingested == len(reports) and summary.quarantined == len(errors)
    assert not [e for e in errors if "extraction failed" in (e["reason"] or "")], \
        "an extractor raised on a synthetic report"
