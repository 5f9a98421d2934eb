"""Errors of the application layer; they join the domain's tree so one map translates all."""

from __future__ import annotations

from datetime import datetime

from domain.errors import DomainError


class AccessDenied(DomainError):
    """The actor's role or jurisdiction does not reach this record (P10)."""

    code = "access_denied"
    title = "无权访问该记录"

    def __init__(
        self, message: str, *, record_id: str, reason: str = "outside_jurisdiction"
    ) -> None:
        super().__init__(message, rule="P10")
        self.record_id = record_id
        self.reason = reason


class LoginFailed(DomainError):
    """The login name or the password is wrong, or the account is disabled; which of
    them is not said."""

    code = "login_failed"
    title = "用户名或密码错误"

    def __init__(self) -> None:
        super().__init__("用户名或密码错误", rule="P11")


class AccountLocked(DomainError):
    """Too many failed logins in a row: the account is locked until `until`."""

    code = "account_locked"
    title = "账号已临时锁定"

    def __init__(self, until: datetime) -> None:
        super().__init__(f"连续登录失败次数过多，账号锁定至{until:%H:%M}", rule="P11")
        self.until = until
