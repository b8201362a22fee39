"""A bounded memo: a dict that computes a missing key's value and starts afresh when full."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class BoundedMemo(dict[K, V], Generic[K, V]):
    """memo[key] is make(key), computed on the first look-up and kept; once `size` keys are kept,
    the next miss clears the memo first (a plain dict look-up on a hit: no call, no sentinel).
    For pure functions of keys that repeat within and across reports."""

    __slots__ = ("make", "size")

    def __init__(self, make: Callable[[K], V], size: int) -> None:
        super().__init__()
        self.make = make
        self.size = size

    def __missing__(self, key: K) -> V:
        if len(self) >= self.size:
            self.clear()
        value = self[key] = self.make(key)
        return value
