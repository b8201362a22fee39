"""python -m bench.synth — write a synthetic corpus (reports + truth JSON) or a raw-Parquet corpus.

    python -m bench.synth --n 1000 --out DIR [--seed 7] [--formats text,html] [--eras 2019,2021] [--damage-rate 0.3]
    python -m bench.synth raw --n 100000 --out RAW [--seed 7]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from bench.synth.render import EXTENSIONS, FORMATS
from bench.synth.report import ERAS, make_report


def _csv(value: str, allowed: tuple[str, ...], what: str) -> tuple[str, ...]:
    items = tuple(v.strip() for v in value.split(",") if v.strip())
    bad = [v for v in items if v not in allowed]
    if bad:
        raise argparse.ArgumentTypeError(f"unknown {what}: {', '.join(bad)} (known: {', '.join(allowed)})")
    return items


def write_corpus(out: Path, n: int, seed: int, formats: tuple[str, ...], eras: tuple[str, ...],
                 damage_rate: float, start: int = 0) -> int:
    """Write reports start..start+n-1 in each format plus <id>.json truth; returns bytes written."""
    out.mkdir(parents=True, exist_ok=True)
    total = 0
    for i in range(start, start + n):
        r = make_report(seed, i, eras, damage_rate)
        for fmt in formats:
            plain = len(formats) == 1 or (EXTENSIONS[fmt] != ".txt" and fmt != "oneline")
            suffix = EXTENSIONS[fmt] if plain else f".{fmt}{EXTENSIONS[fmt]}"
            data = r.render(fmt)
            (out / f"{r.id}{suffix}").write_bytes(data)
            total += len(data)
        (out / f"{r.id}.json").write_text(json.dumps(r.truth_json(), ensure_ascii=False, indent=1), encoding="utf-8")
    return total


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    raw = bool(argv) and argv[0] == "raw"
    if raw:
        argv = argv[1:]
    p = argparse.ArgumentParser(prog="python -m bench.synth" + (" raw" if raw else ""), description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", type=int, default=100)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--damage-rate", type=float, default=0.3)
    if not raw:
        p.add_argument("--formats", type=lambda v: _csv(v, FORMATS, "format"), default=("text",))
        p.add_argument("--eras", type=lambda v: _csv(v, ERAS, "era"), default=ERAS)
        p.add_argument("--start", type=int, default=0)
    args = p.parse_args(argv)
    t0 = time.perf_counter()
    if raw:
        from bench.synth.rawgen import write_raw

        counts = write_raw(args.out, args.n, seed=args.seed, damage_rate=args.damage_rate)
        print(f"raw corpus in {args.out}: {counts} ({time.perf_counter() - t0:.1f} s)")
    else:
        size = write_corpus(args.out, args.n, args.seed, args.formats, args.eras, args.damage_rate, args.start)
        print(f"{args.n} reports × {len(args.formats)} formats in {args.out}: {size / 1e6:.1f} MB "
              f"({time.perf_counter() - t0:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
