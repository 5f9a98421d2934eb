"""Errors every adapter raises instead of its driver's: the port error tree.

PortError
 ├── RegistryError           another department's system did not give a usable answer
 │    ├── RegistryUnavailable     unreachable, timed out, 5xx, 429, circuit open
 │    ├── RegistryAnswerInvalid   truncated, not JSON, wrong schema, an HTML page
 │    └── RegistryRefused         refused the request (4xx): a bad key, a reused write key
 └── StorageError
      ├── NotFound                no such record
      ├── ConcurrencyConflict     the record changed since it was loaded (409)
      └── DuplicateOpenCase       the person already has an open case of the service (P3)

A registry error is never read as "not registered", "no history" or "eligible" (P9).
"""

from __future__ import annotations


class PortError(Exception):
    code = "port_error"


class RegistryError(PortError):
    code = "registry_error"

    def __init__(self, registry: str, message: str) -> None:
        super().__init__(f"{registry}: {message}")
        self.registry = registry


class RegistryUnavailable(RegistryError):
    code = "registry_unavailable"


class RegistryAnswerInvalid(RegistryError):
    code = "registry_answer_invalid"


class RegistryRefused(RegistryError):
    """The registry refused the request itself; asking again unchanged will not help."""

    code = "registry_refused"

    def __init__(self, registry: str, message: str, *, status: int) -> None:
        super().__init__(registry, message)
        self.status = status


class StorageError(PortError):
    code = "storage_error"


class NotFound(StorageError):
    code = "not_found"

    def __init__(self, kind: str, record_id: str) -> None:
        super().__init__(f"no {kind} {record_id}")
        self.kind = kind
        self.record_id = record_id


class ConcurrencyConflict(StorageError):
    code = "version_conflict"

    def __init__(self, kind: str, record_id: str, expected_version: int) -> None:
        super().__init__(f"{kind} {record_id} changed since version {expected_version}")
        self.kind = kind
        self.record_id = record_id
        self.expected_version = expected_version


class DuplicateOpenCase(StorageError):
    code = "duplicate_open_case"

    def __init__(self, service: str, case_id: str) -> None:
        super().__init__(f"the person already has an open {service} case ({case_id})")
        self.service = service
        self.case_id = case_id
