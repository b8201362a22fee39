"""Data-driven report fixtures: tests/fixtures/reports/<id>.<ext> with <id>.json expected facts.

A fixture is a report file plus its hand-checked expectation in the shape of
shared/sample_reports/expected/. Known failures are listed, with their reason, in
tests/fixtures/reports/known_failures.yaml; they run as strict xfails, so a fix that makes one
pass must also take it off the list.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

FIXTURES = Path(__file__).parent / "fixtures" / "reports"
REPORT_EXTS = (".txt", ".html", ".htm", ".md", ".docx", ".pdf")


@dataclass(frozen=True)
class Fixture:
    id: str
    path: Path
    expected: dict[str, Any]


def load_fixtures() -> list[Fixture]:
    out = []
    for exp in sorted(FIXTURES.glob("*.json")):
        for ext in REPORT_EXTS:
            p = exp.with_suffix(ext)
            if p.exists():
                out.append(Fixture(exp.stem, p, json.loads(exp.read_text(encoding="utf-8"))))
                break
    return out


def known_failures() -> dict[str, dict[str, str]]:
    p = FIXTURES / "known_failures.yaml"
    if not p.exists():
        return {}
    return yaml.safe_load(p.read_text(encoding="utf-8")) or {}


Key = tuple[str, str, str]


def expected_facts(fx: Fixture) -> dict[Key, tuple[float | None, str, bool]]:
    return {
        (f["section"], f["item"], f["measure"]): (f["value"], f["status"], bool(f["approx"]))
        for f in fx.expected["facts"]
    }


def diff_facts(
    expected: dict[Key, tuple[float | None, str, bool]], actual: dict[Key, tuple[float | None, str, bool]]
) -> list[str]:
    """Human-readable differences, empty when the two fact sets agree exactly."""
    lines = []
    for k in sorted(expected.keys() | actual.keys(), key=str):
        e, a = expected.get(k), actual.get(k)
        if e is None:
            lines.append(f"extra    {'/'.join(k)} = {a}")
        elif a is None:
            lines.append(f"missing  {'/'.join(k)} = {e}")
        else:
            ev, es, ex = e
            av, as_, ax = a
            same_value = (ev is None and av is None) or (
                ev is not None and av is not None and abs(float(ev) - float(av)) < 1e-9
            )
            if not (same_value and es == as_ and ex == ax):
                lines.append(f"wrong    {'/'.join(k)}: expected {e}, got {a}")
    return lines
