"""Bytes -> str: BOM, UTF-8, GB18030 (a superset of GBK/GB2312), Big5, then charset-normalizer.

`decode_bytes` returns the text and the name of the encoding it used, or raises DecodeError
with an `error_kind` the batch writes to the `errors` table (`empty`, `binary`, `undecodable`).
The order is cheapest-and-most-likely first: almost every report is UTF-8 or GBK, and a strict
decode that succeeds is proof enough; charset-normalizer only runs when both fail.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator

from ingest.errors import IngestError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Control characters other than \t \n \r \f \v: a few are noise, many mean "not text".
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F])
_NOT_CONTROL_BYTES = bytes(b for b in range(256) if b not in _CONTROL_BYTES)
# Encodings whose bytes below 0x80 only ever stand for themselves: their control characters are
# exactly the control bytes, counted by one bytes.translate instead of a regex over the text.
_ASCII_SAFE = ("utf-8", "gb18030", "big5")
_SAMPLE = 20000
_MAX_CONTROL_RATIO = 0.02
_MAX_REPLACEMENT_RATIO = 0.02
# A charset is declared in HTML as <meta charset="gbk"> or content="text/html; charset=gb2312".
_DECLARED = re.compile(rb"""charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", re.I)


class DecodeError(IngestError):
    """A file that cannot be turned into text; `kind` is the `errors.error_kind` to record."""


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode report bytes; returns (text, encoding name)."""
    if not data or data.isspace():  # (as `not data.strip()`, without copying the file)
        raise DecodeError("empty", "the file is empty or holds only whitespace")
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return _checked(data.decode(enc, errors="replace"), enc)
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return utf16
    head_controls = _head_controls(data)
    if head_controls is None:
        raise DecodeError("binary", "the file holds binary data (NUL bytes or many control characters)")
    for enc in _candidates(data):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError as e:
            repaired = _repaired_utf8(data, e) if enc == "utf-8" else None
            if repaired is not None:
                return _checked(repaired, "utf-8")
            continue
        except LookupError:
            continue
        if enc == "gb18030" and not _mostly_gb2312(text):
            try:
                return _checked(data.decode("big5"), "big5")
            except UnicodeDecodeError:
                pass
        return _checked(text, enc, data if enc in _ASCII_SAFE else None, head_controls)
    return _fallback(data)


def _repaired_utf8(data: bytes, err: UnicodeDecodeError) -> str | None:
    """UTF-8 with a cut-off last character or a handful of stray bytes is still UTF-8."""
    if err.start >= len(data) - 3 and "end of data" in err.reason:
        return data[: err.start].decode("utf-8", errors="replace")
    # A first look at the head: bytes of another encoding (GBK …) give more replacements there
    # than the whole text may hold (the head's decode can only add one, for a character it cuts).
    allowed = max(2, len(data) // 1000)  # >= the limit below: the text is no longer than the bytes
    if data[:_REPAIR_PROBE].decode("utf-8", errors="replace").count("\ufffd") > allowed + 2:
        return None
    text = data.decode("utf-8", errors="replace")
    if text.count("\ufffd") <= max(2, len(text) // 1000):
        return text
    return None


_REPAIR_PROBE = 2048
# Runs of characters outside U+3040-U+FEFF (above U+2FFF, outside CJK punctuation and the
# full-width forms) and outside the unified ideographs: deleting them leaves the characters
# counted (one C pass over a few runs, where findall made a string per character).
_NOT_WIDE = re.compile("[^\u3040-\ufeff]+")
_NOT_UNIFIED = re.compile("[^\u4e00-\u9fff]+")


def _mostly_gb2312(text: str) -> bool:
    """Big5 bytes read as GB18030 give kana, box drawing and rare characters; GBK text rarely does."""
    sample = text[:3000]
    wide = len(_NOT_WIDE.sub("", sample))
    if wide < 10:
        return True
    unified = _NOT_UNIFIED.sub("", sample)
    # GB2312 writes a character as two bytes >= 0xA1, so each "?" is one character it lacks
    common = len(unified) - unified.encode("gb2312", errors="replace").count(b"?")
    return common >= 0.85 * wide


def _candidates(data: bytes) -> Iterator[str]:
    """UTF-8 first, then a charset the page declares, then the Chinese legacy encodings. Lazy:
    the declared charset is only looked for when UTF-8 fails (a case-insensitive search of the
    first 4 KB costs several times the UTF-8 decode of a whole report)."""
    yield "utf-8"
    out = ["utf-8"]
    m = _DECLARED.search(data[:4096])
    if m:
        declared = _canonical(m.group(1).decode("ascii", "replace"))
        if declared and declared not in out:
            out.append(declared)
    for enc in ("gb18030", "big5"):
        if enc not in out:
            out.append(enc)
    yield from out[1:]


def _canonical(name: str) -> str | None:
    """Map a declared charset onto a codec; GB2312/GBK are read as their superset GB18030."""
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None
    return "gb18030" if codec in ("gb2312", "gbk") else codec


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """Windows tools write UTF-16 without a BOM: NUL bytes, and text that is all Chinese and ASCII."""
    head = data[:4096]
    if len(head) < 4 or b"\x00" not in head:
        return None
    for enc in ("utf-16-le", "utf-16-be"):
        try:
            sample = head[: len(head) // 2 * 2].decode(enc)
        except UnicodeDecodeError:
            continue
        plain = sum(1 for c in sample if "\u4e00" <= c <= "\u9fff" or " " <= c <= "~" or c in "\r\n\t"
                    or "\u3000" <= c <= "\u303f" or "\uff00" <= c <= "\uffef")  # fmt: skip
        if plain >= 0.95 * len(sample):
            try:
                return data[: len(data) // 2 * 2].decode(enc), enc
            except UnicodeDecodeError:
                return None
    return None


def _head_controls(data: bytes) -> int | None:
    """The number of control bytes in the first _HEAD bytes, or None when the file looks binary
    (a NUL byte or many control bytes there)."""
    head = data[:_HEAD]
    if b"\x00" in head:
        return None
    controls = _control_bytes(head)
    return None if controls > _MAX_CONTROL_RATIO * len(head) else controls


_HEAD = 8192


def _control_bytes(data: bytes) -> int:
    return len(data.translate(None, _NOT_CONTROL_BYTES))


def _fallback(data: bytes) -> tuple[str, str]:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise DecodeError("undecodable", "no text encoding fits the bytes (tried UTF-8, GB18030, Big5 and detection)")
    return _checked(str(best), best.encoding)


def _checked(text: str, encoding: str, data: bytes | None = None, head_controls: int = 0) -> tuple[str, str]:
    """Reject a decode that is mostly replacement or control characters. `data`: the bytes `text`
    was decoded from in an _ASCII_SAFE encoding (their control bytes are the text's controls),
    with `head_controls` of them counted already in its first _HEAD bytes."""
    if not text:
        raise DecodeError("empty", "the file decodes to no text")
    sample = text[:_SAMPLE]
    if data is not None and len(text) <= _SAMPLE:
        controls = head_controls + (_control_bytes(data[_HEAD:]) if len(data) > _HEAD else 0)
    else:
        controls = len(_CONTROL.findall(sample)) if _CONTROL.search(sample) else 0
    bad = sample.count("\ufffd") + controls
    if bad > _MAX_REPLACEMENT_RATIO * len(sample) + 2:
        raise DecodeError("undecodable", f"decoding as {encoding} leaves {bad} unreadable characters")
    return text, encoding
