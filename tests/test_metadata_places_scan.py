"""places.find_in (names found from their last characters) against the plain definition: at each
position the longest alias of 2..MAX_ALIAS characters starting there, left to right, a
two-character name only inside a chain, before an organ word or before another name."""

from __future__ import annotations

import random

import pytest

from ingest.metadata import places


def _reference(text: str, gaz: places.Gazetteer, short_ok: bool) -> list[tuple[int, int, str]]:
    def longest(pos: int) -> str | None:
        for size in range(min(places.MAX_ALIAS, len(text) - pos), 1, -1):
            if text[pos : pos + size] in gaz.by_alias:
                return text[pos : pos + size]
        return None

    out, pos, chained = [], 0, -1
    while pos < len(text) - 1:
        name = longest(pos)
        if name and len(name) == 2 and not short_ok:
            end = pos + 2
            if not (pos == chained or text.startswith(places.SHORT_NAME_NEXT, end) or longest(end)):
                name = None
        if name:
            out.append((pos, pos + len(name), name))
            pos = chained = pos + len(name)
        else:
            pos += 1
    return out


@pytest.mark.parametrize("short_ok", [False, True])
def test_find_in_matches_the_leftmost_longest_definition(short_ok: bool) -> None:
    gaz = places.gazetteer()
    if not gaz.by_alias:
        pytest.skip("area seeds not found")
    aliases = sorted(gaz.by_alias)
    short = [a for a in aliases if len(a) == 2]
    fillers = ["人民政府", "政府", "局", "和", "的", "全市", "各区", " ", "\n", "街道", "镇", "县", "2019年"]
    rnd = random.Random(20)
    for _ in range(1500):
        parts = [rnd.choice(aliases if rnd.random() < 0.5 else short) if rnd.random() < 0.6 else rnd.choice(fillers)
                 for _ in range(rnd.randint(1, 8))]  # fmt: skip
        text = "".join(parts)[rnd.randint(0, 1) :]
        assert list(places.find_in(text, gaz, short_ok)) == _reference(text, gaz, short_ok), text
