"""Id generators: random ones for production, counted ones for tests and the demo."""

from __future__ import annotations

import threading
import uuid
from collections import Counter


def _checked(kind: str) -> str:
    if not kind.replace("_", "").replace("-", "").isalnum():
        raise ValueError("an id kind is a non-empty word, such as 'case' or 'scenario'")
    return kind


class UuidIds:
    """Kind-prefixed random ids: `case-3f2a...` (a uuid4 in hex)."""

    def new_id(self, kind: str) -> str:
        return f"{_checked(kind)}-{uuid.uuid4().hex}"


class SequentialIds:
    """Deterministic ids counted per kind: `case-0001`, `case-0002`, `scenario-0001`."""

    def __init__(self, width: int = 4) -> None:
        self._width = width
        self._counters: Counter[str] = Counter()
        self._lock = threading.Lock()

    def new_id(self, kind: str) -> str:
        kind = _checked(kind)
        with self._lock:
            self._counters[kind] += 1
            number = self._counters[kind]
        return f"{kind}-{number:0{self._width}d}"
