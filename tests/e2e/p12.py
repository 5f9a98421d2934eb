"""The P12 scan: no unmasked valid resident ID number in a response or a log line.

A valid number is 18 characters with a correct GB 11643 check character and a real birth
date. The one route that gives the full number to an allowed role
(`GET /cases/{id}/resident-id`, recorded) is the only response exempt.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import httpx

from domain.errors import InvalidValue
from domain.identity import ResidentId

_CANDIDATE = re.compile(r"(?<![0-9])[0-9]{17}[0-9X](?![0-9A-Za-z])")
EXEMPT = re.compile(r"^/api/v1/cases/[^/]+/resident-id$")
TODAY = date(2100, 1, 1)


def valid_ids(text: str) -> list[str]:
    found = []
    for candidate in _CANDIDATE.findall(text):
        try:
            ResidentId.parse(candidate, today=TODAY)
        except InvalidValue:
            continue
        found.append(f"{candidate[:3]}…{candidate[-4:]}")
    return found


class UnmaskedId(AssertionError):
    pass


def scan_response(response: httpx.Response) -> None:
    if EXEMPT.match(response.request.url.path):
        return
    found = valid_ids(response.text) + valid_ids(str(response.headers))
    if found:
        raise UnmaskedId(f"{response.request.url.path} answered an unmasked ID: {found}")


class _Scanner(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.found: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = record.getMessage()
        except Exception:  # a malformed record is not this scan's business
            return
        if record.exc_info:
            text += logging.Formatter().formatException(record.exc_info)
        for hit in valid_ids(text):
            self.found.append(f"{record.name}: {hit}")


@contextmanager
def scanning_logs() -> Iterator[list[str]]:
    scanner = _Scanner()
    root = logging.getLogger()
    previous = root.level
    root.addHandler(scanner)
    root.setLevel(logging.INFO)  # what the product logs; DEBUG is only the libraries' chatter
    try:
        yield scanner.found
    finally:
        root.removeHandler(scanner)
        root.setLevel(previous)
