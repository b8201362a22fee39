"""Every report fixture gives exactly its expected facts and metadata."""

from __future__ import annotations

import pytest

from ingest.extract import extract
from ingest.facts import facts_of
from ingest.read import load_document
from tests.fixture_reports import diff_facts, expected_facts, known_failures, load_fixtures

FIXTURES = load_fixtures()
KNOWN = known_failures()
TABLE_TEMPLATES = ("2019", "2021")


def _params(aspect: str) -> list:
    out = []
    for fx in FIXTURES:
        reason = KNOWN.get(fx.id, {}).get(aspect)
        marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
        out.append(pytest.param(fx, id=fx.id, marks=marks))
    return out


@pytest.mark.parametrize("fx", _params("facts"))
def test_facts(fx) -> None:
    ex = extract(load_document(fx.path))
    facts = facts_of(ex)
    if fx.expected["template"] in TABLE_TEMPLATES:
        # A template report's expected file lists its table cells; prose restatements may be
        # emitted with origin prose (the table wins) and are not part of the expectation.
        facts = [f for f in facts if f.origin == "table"]
    actual = {f.key: (f.value, f.status, f.approx) for f in facts}
    problems = diff_facts(expected_facts(fx), actual)
    assert not problems, f"{fx.id}: {len(problems)} differences\n" + "\n".join(problems[:60])


@pytest.mark.parametrize("fx", _params("template"))
def test_template(fx) -> None:
    ex = extract(load_document(fx.path))
    assert ex.template == fx.expected["template"]


@pytest.mark.parametrize("fx", _params("meta"))
def test_metadata(fx) -> None:
    meta = extract(load_document(fx.path)).meta
    e = fx.expected
    got = {
        "report_year": meta.report_year,
        "published": meta.published_date,
        "organ_kind": meta.organ_kind,
        "level": meta.level,
        "organ": meta.organ_name,
    }
    want = {k: e[k] for k in got}
    assert got == want
