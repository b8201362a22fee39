"""Every hand-written sentence in tests/fixtures/sentences/ gives exactly its expected prose facts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from ingest.model import Document, Line
from ingest.prose import extract_figures

SENTENCES = Path(__file__).parent / "fixtures" / "sentences"
_FACT_RE = re.compile(
    r"^(?P<key>[^=]+?)\s*=\s*(?P<value>-?[\d.]+)(?P<flags>(?:\s+(?:approx|stated_zero))*)\s*$"
)


def _cases() -> list:
    out = []
    for path in sorted(SENTENCES.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for i, case in enumerate(data["cases"]):
            out.append(pytest.param(case, id=f"{path.stem}-{i}"))
    return out


def _document(case: dict) -> Document:
    text = (case.get("heading", "") + "\n" + case["text"]).strip("\n")
    lines = [Line(i + 1, t) for i, t in enumerate(text.splitlines())]
    return Document("sentence.txt", "text", "utf-8", "", len(text.encode()), lines)


def _expected(case: dict) -> dict[str, tuple[float, str, bool]]:
    out = {}
    for spec in case["facts"]:
        m = _FACT_RE.match(spec)
        assert m, f"bad fact spec {spec!r}"
        flags = m.group("flags").split()
        out[m.group("key").strip()] = (
            float(m.group("value")),
            "stated_zero" if "stated_zero" in flags else "reported",
            "approx" in flags,
        )
    return out


@pytest.mark.parametrize("case", _cases())
def test_sentence(case: dict) -> None:
    figures = extract_figures(_document(case), "pre2019")
    actual = {f"{f.section}/{f.item}/{f.measure}": (f.value, f.status, f.approx) for f in figures}
    assert actual == _expected(case), case["text"]


def test_every_family_file_has_cases() -> None:
    files = sorted(SENTENCES.glob("*.yaml"))
    assert len(files) >= 6
    total = sum(len(yaml.safe_load(p.read_text(encoding="utf-8"))["cases"]) for p in files)
    assert total >= 60
