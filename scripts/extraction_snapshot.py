"""Canonical JSON snapshot of the complete Extraction of a fixed corpus, for refactoring safely.

    python scripts/extraction_snapshot.py OUT.json [--n 300] [--docx 5] [--seed 7] [--profile FILE]
                                          [--parts document,template,meta,cells,figures,warnings,status]

Runs load_document + extract over every report in tests/fixtures/reports/ and data/reports/ plus
n synthetic reports (bench.synth) in every rendering (text, oneline, glued, html, markdown; docx
for the first few) and writes one JSON line per report: its name and the whole Extraction
(template, meta, every cell and figure record, warnings, status). Two snapshots taken before and
after a change that should not alter output must be byte-identical (`cmp A B`). Also prints the
mean extraction time per report for the samples and the synthetic reports.

--parts keeps only the named parts of each record (`document` is the Document that ingest.read
built, before extraction), so one engineer can check that their layer's output is unchanged while
another layer's output moves.
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.synth import generate  # noqa: E402
from bench.synth.render import EXTENSIONS  # noqa: E402
from ingest.extract import extract  # noqa: E402
from ingest.model import Document, Extraction  # noqa: E402
from ingest.read import document_from_bytes  # noqa: E402

TEXT_FORMATS = ("text", "oneline", "glued", "html", "markdown")


def _corpus(n: int, docx: int, seed: int) -> list[tuple[str, str, bytes]]:
    """(group, name, bytes) of every report of the snapshot, in a fixed order."""
    items: list[tuple[str, str, bytes]] = []
    for folder in (ROOT / "tests/fixtures/reports", ROOT / "data/reports"):
        for p in sorted(folder.iterdir()):
            if p.suffix in (".txt", ".html", ".htm", ".md", ".docx", ".pdf"):
                items.append(("samples", str(p.relative_to(ROOT)), p.read_bytes()))
    for i, r in enumerate(generate(seed=seed, n=n, eras=("pre2019", "2019", "2021"), damage_rate=0.3)):
        for fmt in TEXT_FORMATS + (("docx",) if i < docx else ()):
            items.append(("synthetic", f"synth/{fmt}/{r.id}{EXTENSIONS[fmt]}", r.render(fmt)))
    return items


PARTS = ("document", "template", "meta", "cells", "figures", "warnings", "status")


def _extract(name: str, data: bytes) -> tuple[Document, Extraction]:
    doc = document_from_bytes(data, Path(name))
    return doc, extract(doc)


def _record(name: str, doc: Document, ex: Extraction, parts: tuple[str, ...]) -> str:
    whole = dataclasses.asdict(ex)
    whole["cells"] = [c._asdict() for c in ex.cells]  # a CellRecord is a NamedTuple: asdict keeps it a tuple
    kept: dict[str, object] = {k: v for k, v in whole.items() if k in parts}
    if "document" in parts:
        kept["document"] = dataclasses.asdict(doc)
    if set(parts) >= set(whole):
        kept = {"name": name, "extraction": whole, **({"document": kept["document"]} if "document" in parts else {})}
        return json.dumps(kept, ensure_ascii=False, sort_keys=True, default=str)
    return json.dumps({"name": name, **kept}, ensure_ascii=False, sort_keys=True, default=str)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--docx", type=int, default=5)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--profile", type=Path, help="write cProfile stats of the extraction here")
    ap.add_argument("--parts", default=",".join(p for p in PARTS if p != "document"),
                    help=f"comma-separated parts to keep, of {','.join(PARTS)} (default: the whole Extraction)")
    args = ap.parse_args()
    parts = tuple(p.strip() for p in args.parts.split(",") if p.strip())
    if unknown := set(parts) - set(PARTS):
        ap.error(f"unknown parts: {', '.join(sorted(unknown))}")
    items = _corpus(args.n, args.docx, args.seed)
    _extract(*items[0][1:])  # imports and first-use loading out of the timings
    prof = cProfile.Profile() if args.profile else None
    spent: dict[str, list[float]] = {}
    lines = []
    for group, name, data in items:
        t = time.process_time()
        if prof:
            prof.enable()
        doc, ex = _extract(name, data)
        if prof:
            prof.disable()
        spent.setdefault(group, []).append(time.process_time() - t)
        lines.append(_record(name, doc, ex, parts))
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    if prof:
        prof.dump_stats(str(args.profile))
    for group, ts in spent.items():
        print(f"{group:<10} {len(ts):>5} reports {1000 * sum(ts) / len(ts):7.2f} ms/report (load + extract, CPU time)")


if __name__ == "__main__":
    main()
