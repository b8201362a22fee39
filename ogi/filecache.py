"""A cache in target/ of values derived from a project file, keyed by the file's name and text.

Kept in one marshal file between runs: an unchanged project skips the work the values stand for
(Jinja's code generation, YAML parsing). The file is optional: an unreadable or stale one (another
tag) is ignored, and it is rewritten only when something new was put, without entries of files no
longer seen.
"""

from __future__ import annotations

import hashlib
import marshal
import os
from pathlib import Path
from typing import Any


class FileCache:
    def __init__(self, path: Path | None, tag: str) -> None:
        self.path = path
        self.tag = tag
        self.values: dict[str, Any] = {}
        self.used: set[str] = set()
        self.dirty = False
        if path is None:
            return
        try:
            data = marshal.loads(path.read_bytes())
        except Exception:  # noqa: BLE001 — any damage means: derive again
            return
        if isinstance(data, dict) and data.get("tag") == tag and isinstance(data.get("values"), dict):
            self.values = data["values"]

    @staticmethod
    def _key(filename: str, text: str) -> str:
        return hashlib.blake2b(f"{filename}\0{text}".encode(), digest_size=16).hexdigest()

    def get(self, filename: str, text: str) -> Any:
        """The value kept for this file and text, or None."""
        key = self._key(filename, text)
        self.used.add(key)
        return self.values.get(key)

    def put(self, filename: str, text: str, value: Any) -> None:
        if self.path is not None:
            self.values[self._key(filename, text)] = value
            self.dirty = True

    def save(self) -> None:
        """Write the file when something was put this run (best effort: a cache is optional)."""
        if self.path is None or not self.dirty:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temp = self.path.with_name(f"{self.path.name}.{os.getpid()}")
            values = {key: value for key, value in self.values.items() if key in self.used}
            temp.write_bytes(marshal.dumps({"tag": self.tag, "values": values}))
            os.replace(temp, self.path)
            self.dirty = False
        except OSError:
            pass
