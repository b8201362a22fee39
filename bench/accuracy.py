"""python -m bench.accuracy — how often the parser recovers the synthetic ground truth, per rendering.

For each of n synthetic reports (bench.synth) and each rendering, runs load_document → extract →
facts_of and compares with the truth (facts and template):
- a report is `exact` when every truth fact is found with its value and status and nothing extra;
- cells flagged `ambiguous_in` for that rendering may be missing or unplaced (a right value is fine too);
- `missed` / `wrong` / `extra` count facts over the corpus.

    python -m bench.accuracy [--n 200] [--formats text,html,markdown,docx,oneline,glued] [--seed 7] [--show 3]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import Counter
from pathlib import Path

from bench.synth import EXTENSIONS, FORMATS, SynthReport, generate


def compare(r: SynthReport, fmt: str, got: dict[tuple[str, str, str], tuple[float | None, str]]) -> Counter[str]:
    c: Counter[str] = Counter()
    lenient = {(t.section, t.item, t.measure) for t in r.truth_cells if fmt in t.ambiguous_in}
    truth = {(f["section"], f["item"], f["measure"]): (f["value"], f["status"]) for f in r.facts()}
    for key, (value, status) in truth.items():
        g = got.get(key)
        if g is None:
            c["lenient_missing" if key in lenient else "missed"] += 1
        elif g[1] != status or (value is None) != (g[0] is None) or (value is not None and abs(float(value) - float(g[0])) > 1e-6):  # type: ignore[arg-type]
            c["lenient_wrong" if key in lenient else "wrong"] += 1
        else:
            c["right"] += 1
    c["extra"] = len(got.keys() - truth.keys())
    return c


def main(argv: list[str] | None = None) -> int:
    from ingest.errors import IngestError
    from ingest.extract import extract
    from ingest.facts import facts_of
    from ingest.read import load_document

    ap = argparse.ArgumentParser(prog="python -m bench.accuracy")
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--formats", default=",".join(FORMATS))
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--damage-rate", type=float, default=0.3)
    ap.add_argument("--show", type=int, default=0, help="print the first differences of this many reports per format")
    args = ap.parse_args(argv)
    reports = generate(args.seed, args.n, damage_rate=args.damage_rate)
    print(f"{'rendering':<10} {'exact':>7} {'template':>9} {'right':>7} {'missed':>7} {'wrong':>6} {'extra':>6} {'errors':>6} {'s':>6}")
    with tempfile.TemporaryDirectory(prefix="ogi-acc-") as tmp:
        for fmt in args.formats.split(","):
            total: Counter[str] = Counter()
            shown = 0
            t0 = time.perf_counter()
            for r in reports:
                p = Path(tmp) / f"{r.id}{EXTENSIONS[fmt]}"
                p.write_bytes(r.render(fmt))
                try:
                    ex = extract(load_document(p))
                except IngestError:
                    total["errors"] += 1
                    continue
                got = {f.key: (f.value, f.status) for f in facts_of(ex)}
                c = compare(r, fmt, got)
                total += c
                total["template_ok"] += ex.template == r.meta["template"]
                bad = c["missed"] + c["wrong"] + c["extra"]
                total["exact"] += bad == 0
                if bad and shown < args.show:
                    shown += 1
                    print(f"  {fmt} {r.id} {r.meta['template']} damage={r.damage}: {dict(c)}")
            n = len(reports)
            print(f"{fmt:<10} {total['exact'] / n:7.0%} {total['template_ok'] / n:9.0%} {total['right']:7d} "
                  f"{total['missed']:7d} {total['wrong']:6d} {total['extra']:6d} {total['errors']:6d} {time.perf_counter() - t0:6.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
