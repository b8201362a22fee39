"""Canonical JSON snapshot of the complete Extraction of a fixed corpus, for refactoring safely.

    python scripts/extraction_snapshot.py OUT.json [--n 300] [--docx 5] [--seed 7] [--profile FILE]

Runs load_document + extract over every report in tests/fixtures/reports/ and data/reports/ plus
n synthetic reports (bench.synth) in every rendering (text, oneline, glued, html, markdown; docx
for the first few) and writes one JSON line per report: its name and the whole Extraction
(template, meta, every cell and figure record, warnings, status). Two snapshots taken before and
after a change that should not alter output must be byte-identical (`cmp A B`). Also prints the
mean extraction time per report for the samples and the synthetic reports.
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
from ingest.model import Extraction  # noqa: E402
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


def _extract(name: str, data: bytes) -> Extraction:
    return extract(document_from_bytes(data, Path(name)))


def _record(name: str, ex: Extraction) -> str:
    return json.dumps({"name": name, "extraction": dataclasses.asdict(ex)}, ensure_ascii=False, sort_keys=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--docx", type=int, default=5)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--profile", type=Path, help="write cProfile stats of the extraction here")
    args = ap.parse_args()
    items = _corpus(args.n, args.docx, args.seed)
    _extract(*items[0][1:])  # imports and first-use loading out of the timings
    prof = cProfile.Profile() if args.profile else None
    spent: dict[str, list[float]] = {}
    lines = []
    for group, name, data in items:
        t = time.process_time()
        if prof:
            prof.enable()
        ex = _extract(name, data)
        if prof:
            prof.disable()
        spent.setdefault(group, []).append(time.process_time() - t)
        lines.append(_record(name, ex))
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    if prof:
        prof.dump_stats(str(args.profile))
    for group, ts in spent.items():
        print(f"{group:<10} {len(ts):>5} reports {1000 * sum(ts) / len(ts):7.2f} ms/report (load + extract, CPU time)")


if __name__ == "__main__":
    main()
