"""The exception ingest raises for an input it cannot turn into a Document (IngestError), and the
one a run raises when another run holds its raw folder (IngestLocked).

`kind` is what the batch writes to `errors.error_kind`: unsupported_format | empty | binary |
undecodable | parse_error | too_large …; `reason` says what was wrong in words a user can act on.
"""

from __future__ import annotations


class IngestError(Exception):
    def __init__(self, kind: str, reason: str) -> None:
        super().__init__(f"{kind}: {reason}")
        self.kind = kind
        self.reason = reason


class IngestLocked(Exception):
    """Another `ogi ingest` holds the raw folder's lock; the message names its process."""
