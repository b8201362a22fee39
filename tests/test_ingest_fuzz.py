"""Damaged input: hundreds of mutated files, no crash, every file accounted for."""

from __future__ import annotations

import random
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import ingest.extract
from ingest.errors import IngestError
from ingest.model import Extraction, ReportMeta
from ingest.pipeline import ingest_paths
from ingest.read import document_from_bytes

REPORTS = Path(__file__).parent / "fixtures" / "reports"
N_FILES = 320

HTML = (
    "<html><head><title>{t}</title></head><body><p>一、总体情况</p><table>{rows}</table>"
    "<div>{tail}</div></body></html>"
)


def _html(rng: random.Random, text: str) -> str:
    rows = "".join(
        "<tr>" + "".join(f'<td rowspan="{rng.choice(["1", "2", "x", "-3", "999"])}" colspan="{rng.choice(["1", "3", ""])}">'
                         f"{rng.randint(0, 99)}</td>" for _ in range(rng.randint(0, 12))) + "</tr>"
        for _ in range(rng.randint(0, 30))
    )  # fmt: skip
    return HTML.format(t=text[:20], rows=rows, tail=text[: rng.randint(0, 3000)])


def _mutants(seed: int = 20261123) -> list[tuple[str, bytes]]:
    rng = random.Random(seed)
    sources = [p.read_bytes() for p in sorted(REPORTS.glob("*.txt"))]
    out: list[tuple[str, bytes]] = []
    for i in range(N_FILES):
        base = rng.choice(sources)
        text = base.decode("utf-8")
        kind = i % 10
        if kind == 0:
            data, ext = base[: rng.randint(0, len(base))], ".txt"  # truncated, maybe mid-character
        elif kind == 1:
            data, ext = text.encode(rng.choice(["gb18030", "utf-16-le", "big5"]), "replace"), ".txt"
        elif kind == 2:
            data, ext = rng.randbytes(rng.randint(0, 5000)), rng.choice([".txt", ".html", ".pdf", ".docx", ".md"])
        elif kind == 3:
            data, ext = rng.choice([b"", b"\n\n  \t", b"\xef\xbb\xbf"]), ".txt"
        elif kind == 4:
            data, ext = (text.replace("\n", "") * rng.randint(5, 40)).encode(), ".txt"  # enormous line
        elif kind == 5:
            data, ext = f"<html><body><p>{text[:4000]}</p>".encode(), ".html"  # HTML without tables, unclosed
        elif kind == 6:
            data, ext = _html(rng, text).encode(rng.choice(["utf-8", "gbk"]), "replace"), ".html"  # ragged/bad spans
        elif kind == 7:
            lines = text.splitlines()
            rng.shuffle(lines)
            data, ext = "\n".join(lines[: rng.randint(0, len(lines))]).encode(), ".txt"  # ragged pipe tables
        elif kind == 8:
            b = bytearray(base)
            for _ in range(rng.randint(1, 50)):
                b[rng.randrange(len(b))] = rng.randrange(256)
            data, ext = bytes(b), rng.choice([".txt", ".html", ".md"])
        else:
            md = "\n".join("|" + "|".join(str(rng.randint(0, 9)) for _ in range(rng.randint(0, 8))) for _ in range(30))
            data, ext = (md + "\n|---|\n" + text[:500]).encode(), ".md"
        out.append((f"f{i:03d}{ext}", data))
    return out


MUTANTS = _mutants()


def test_load_document_never_crashes() -> None:
    outcomes = {"doc": 0, "error": 0}
    for name, data in MUTANTS:
        try:
            doc = document_from_bytes(data, Path(name))
        except IngestError as e:
            assert e.kind and e.reason
            outcomes["error"] += 1
            continue
        outcomes["doc"] += 1
        for table in doc.tables:
            assert table.rows and all(c.line is None or c.line >= 1 for row in table.rows for c in row)
    assert outcomes["doc"] > N_FILES // 3 and outcomes["error"] > N_FILES // 10


def test_batch_accounts_for_every_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for name, data in MUTANTS:
        (src / name).write_bytes(data)

    def flaky_extract(doc):  # noqa: ANN001, ANN202 - stands in for the extractors, fails on some documents
        if doc.sha256.startswith(("0", "1")):
            raise RuntimeError("extractor bug")
        return Extraction(template="unknown", meta=ReportMeta(), status="no_facts")

    monkeypatch.setattr(ingest.extract, "extract", flaky_extract)
    raw = tmp_path / "raw"
    s = ingest_paths([src], raw, workers=1)
    reports = pq.read_table(raw / "reports").to_pylist()
    errors = pq.read_table(raw / "errors").to_pylist()
    accounted = {p for r in reports for p in r["source_paths"]} | {e["source_path"] for e in errors}
    assert accounted == {str(src / name) for name, _ in MUTANTS}
    assert s.files == N_FILES and s.ingested == len(reports)
    assert s.ingested + s.quarantined + s.unchanged == len({r["source_sha256"] for r in reports} | {e["source_sha256"] or e["source_path"] for e in errors})
    assert any(e["reason"].startswith("extraction failed: RuntimeError") for e in errors)
