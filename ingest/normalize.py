"""Text normalisation shared by every reader: NFKC, whitespace, control characters, 繁→简.

NFKC turns full-width digits, letters, brackets and colons into their half-width forms
(`（一）` → `(一)`, `１２` → `12`), the shape the sample reports already have; curly quotes stay.
Traditional characters are converted to simplified only when a document is written in them
(`is_traditional`), so a simplified report is never touched by the converter.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache
from pathlib import Path

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\u2060\ufeff\ufffe]")
_SPACES = re.compile(r"[ \t\u00a0\u3000]+")
_BREAKS = re.compile(r"[\t\n\r\x0b\x0c]")  # a line never holds a line break (HTML text nodes do)
# What normalize_line deletes or turns into a space once the text is NFKC (a control character or a tab).
_CONTROL_OR_TAB = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\u2060\ufeff\ufffe]")
# Share of distinct CJK characters that must be traditional-only before a text counts as traditional.
_TRADITIONAL_SHARE = 0.08
_MIN_TRADITIONAL = 3
TRADITIONAL_SAMPLE = 4000  # is_traditional reads the first characters only
# The compatibility characters Chinese text is full of: full-width ASCII forms (，：（）１) and the
# ideographic space. Each is its own NFKC in one ASCII character, so replacing them is exact.
_FULLWIDTH = re.compile("[\uff01-\uff5e\u3000]")
_FULLWIDTH_NFKC = {chr(c): unicodedata.normalize("NFKC", chr(c)) for c in (*range(0xFF01, 0xFF5F), 0x3000)}


def normalize_line(text: str) -> str:
    """One line of source text in the canonical form every extractor expects."""
    if not text.isascii() and not unicodedata.is_normalized("NFKC", text):
        text = nfkc(text)
    if not text.isprintable():
        text = _BREAKS.sub(" ", _CONTROL.sub("", text))
    if "  " in text:
        text = _SPACES.sub(" ", text)
    return text.strip()


@lru_cache(maxsize=16384)
def normalize_cell(text: str) -> str:
    """normalize_line, remembered: table cells repeat across reports (template labels, `0`, `/`)."""
    return normalize_line(text)


def normalize_lines(texts: list[str]) -> list[str]:
    """normalize_line of every text, done on the texts joined by newlines: one NFKC call, one
    control-character pass and one space pass for the whole document instead of one per line.

    The result is the same as line by line: NFKC never creates or merges across a newline, and a
    newline inside a text is a space for normalize_line anyway (it is made one before joining)."""
    if not texts:
        return []
    joined = "\n".join(texts)
    if joined.count("\n") != len(texts) - 1:
        joined = "\n".join(t.replace("\n", " ") for t in texts)
    if not joined.isascii() and not unicodedata.is_normalized("NFKC", joined):
        fast = _fullwidth_nfkc(joined)
        joined = fast if fast is not None else _nfkc_lines(joined)
    if _CONTROL_OR_TAB.search(joined):
        joined = _CONTROL.sub("", joined).replace("\t", " ")
    if "  " in joined:
        joined = _collapse_spaces(joined)
    out = joined.split("\n")
    if _may_need_strip(joined):
        out = list(map(str.strip, out))
    if len(out) != len(texts):  # cannot happen (see above); never return misaligned lines
        return [normalize_line(t) for t in texts]
    return out


def _may_need_strip(joined: str) -> bool:
    """False when no line of `joined` (NFKC, without controls or tabs, spaces collapsed) starts or
    ends with whitespace, so str.strip would change none. The only whitespace such a text can hold
    is " " and U+1680 (every other character str.strip removes is a control character, a tab or
    has a compatibility decomposition to " ")."""
    return (
        " \n" in joined or "\n " in joined or joined[:1] == " " or joined[-1:] == " " or "\u1680" in joined
    )


def _collapse_spaces(text: str) -> str:
    """_SPACES.sub(" ", text); when the only space character left is " " (NFKC has turned
    U+00A0 and U+3000 into it, tabs are gone), by a regex for runs of "  " and more: it starts
    with a literal, so the engine skips ahead to each double space instead of stopping at every
    character (and one pass, where replacing "  " until none is left took one pass per halving)."""
    if "\t" in text or "\u00a0" in text or "\u3000" in text:
        return _SPACES.sub(" ", text)
    return _SPACE_RUN.sub(" ", text)


_SPACE_RUN = re.compile("  +")


def nfkc(text: str) -> str:
    """unicodedata.normalize("NFKC", text), by str.replace when that is enough (see _fullwidth_nfkc)."""
    fast = _fullwidth_nfkc(text)
    return fast if fast is not None else unicodedata.normalize("NFKC", text)


def _fullwidth_nfkc(text: str) -> str | None:
    """NFKC of a text whose only compatibility characters are full-width forms and U+3000, else None.

    NFKC(t) is the composition of t's compatibility decomposition; replacing a character by its
    decomposition (here one ASCII character, a starter like the one it replaces) leaves that
    decomposition unchanged, so when the replaced text is already NFKC it is NFKC(t). The
    per-character NFKC of CPython costs ~100 ns a character; a few str.replace calls do not."""
    out = text
    for ch in set(_FULLWIDTH.findall(text)):
        out = out.replace(ch, _FULLWIDTH_NFKC[ch])
    return out if unicodedata.is_normalized("NFKC", out) else None


def _nfkc_lines(joined: str) -> str:
    """NFKC of newline-joined lines, computed only for the lines that change (NFKC costs per
    character, and most lines of a report, all-ASCII cells above all, are normalised already)."""
    parts = joined.split("\n")
    todo = [i for i, t in enumerate(parts) if not t.isascii() and not unicodedata.is_normalized("NFKC", t)]
    done = unicodedata.normalize("NFKC", "\n".join([parts[i] for i in todo])).split("\n")
    for i, text in zip(todo, done, strict=True):
        parts[i] = text
    return "\n".join(parts)


def is_traditional(text: str) -> bool:
    """True when the text uses traditional-only characters (幾 為 與 …) often enough."""
    sample = text[:TRADITIONAL_SAMPLE]
    trad = _traditional_chars(sample)
    if len(trad) < _MIN_TRADITIONAL:
        return False
    chars = set(sample)
    cjk = sum(1 for c in chars if "\u4e00" <= c <= "\u9fff")
    return len(trad) >= _TRADITIONAL_SHARE * max(cjk, 1)


def _traditional_chars(sample: str) -> set[str] | frozenset[str]:
    """set(sample) & _traditional_only(), cheaply. GB2312 (simplified only) writes every character
    of a simplified text but the few traditional-only ones it has (looked up one by one) and the
    characters it lacks, which its encoder points at one run at a time: the punctuation reports
    use that GB2312 lacks is taken out first (it is not Han), then each remaining run is looked at
    (rare characters of place names). Many such runs (a traditional text): every character."""
    found = {c for c in _traditional_in_gb2312() if c in sample}
    rest = sample
    for _ in range(_MAX_ENCODE_ERRORS):
        try:
            rest.encode("gb2312")
            return found
        except UnicodeEncodeError as e:
            if rest is sample:
                for ch in _NOT_GB2312:
                    rest = rest.replace(ch, "")
                continue
            found.update(c for c in rest[e.start : e.end] if c in _traditional_only())
            rest = rest[e.end :]
    return set(sample) & _traditional_only()


# Punctuation and symbols of Chinese reports that GB2312 cannot write (none is a Han character).
_NOT_GB2312 = ("\u00a0", "\u2014", "\u00b7", "\u2022", "\u2013", "\u33a1")
_MAX_ENCODE_ERRORS = 8


@cache
def _traditional_in_gb2312() -> frozenset[str]:
    out = set()
    for c in _traditional_only():
        try:
            c.encode("gb2312")
        except UnicodeEncodeError:
            continue
        out.add(c)
    return frozenset(out)


def to_simplified(text: str) -> str:
    return _converter().convert(text)


@cache
def _converter():  # noqa: ANN202 - opencc has no type hints
    from opencc import OpenCC

    return OpenCC("t2s")


@cache
def _traditional_only() -> frozenset[str]:
    """Characters that opencc maps to a different simplified form and that simplified text never uses."""
    import opencc

    folder = Path(opencc.__file__).parent / "dictionary"
    ts = _dictionary(folder / "TSCharacters.txt")
    st = _dictionary(folder / "STCharacters.txt")
    simplified_chars = set(st) | {v for vs in ts.values() for v in vs}
    return frozenset(c for c, vs in ts.items() if len(c) == 1 and c not in vs and c not in simplified_chars)


def _dictionary(path: Path) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        key, _, values = line.partition("\t")
        if key:
            out[key] = values.split()
    return out
