"""Errors of the application layer; they join the domain's tree so one map translates all."""

from __future__ import annotations

from domain.errors import DomainError


class AccessDenied(DomainError):
    """The actor's role or jurisdiction does not reach this record (P10)."""

    code = "access_denied"
    title = "无权访问该记录"

    def __init__(self, message: str, *, record_id: str) -> None:
        super().__init__(message, rule="P10")
        self.record_id = record_id
