"""Staff accounts: created by an administrator, logged in with a password (P11).

A login checks the password's Argon2 hash through the `PasswordHasher` port. Failed
attempts in a row are counted on the account; at `LockoutPolicy.max_failures` the
account is locked for `LockoutPolicy.lock_for`, and a correct password is refused
meanwhile. Every login, failed login and lockout is recorded in the history.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import timedelta

from attrs import field, frozen

from application.access import UseCase, authorise
from application.audit import record_allowed, record_refusal
from application.dependencies import Dependencies
from application.errors import AccountLocked, LoginFailed
from domain.actors import Actor, Role
from domain.errors import InvalidValue
from domain.policy import Source
from domain.regions import RegionCode
from ports.errors import ConcurrencyConflict, NotFound
from ports.staff import PasswordHasher, StaffAccount

LOGIN_RULE = "P11"
_LOGIN_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,63}")
_LOCKOUT_SOURCE = Source(
    "OWASP ASVS 5.0 V6.3（防暴力破解）；GB/T 22239-2019 8.1.4.1 登录失败处理",
    "?",
    note="次数与锁定时长为本项目的默认取值，须由地方按其安全制度确认",
)
_PASSWORD_SOURCE = Source("OWASP ASVS 5.0 V6.2.1", "?", note="本项目取12位，须由地方确认")


@frozen
class LockoutPolicy:
    """How many failed logins in a row lock an account, and for how long."""

    max_failures: int = 5
    lock_for: timedelta = timedelta(minutes=15)
    source: Source = _LOCKOUT_SOURCE


@frozen
class PasswordRule:
    """The least length of a staff password (ASVS 5.0 V6.2.1 asks at least 8)."""

    min_length: int = 12
    source: Source = _PASSWORD_SOURCE


@frozen
class LogIn:
    username: str
    password: str = field(repr=False)


def _roles(values: Iterable[Role | str]) -> frozenset[Role]:
    return frozenset(Role(v) for v in values)


@frozen
class CreateStaffAccount:
    id: str
    name: str
    roles: frozenset[Role] = field(converter=_roles)
    region: str
    password: str = field(repr=False)


def log_in(
    deps: Dependencies,
    hasher: PasswordHasher,
    command: LogIn,
    *,
    lockout: LockoutPolicy | None = None,
) -> Actor:
    """The actor of the account, when the password matches and the account is not locked.

    Raises LoginFailed (whichever of name, password or disabled account was wrong) or
    AccountLocked; every outcome is recorded.
    """
    policy = lockout or LockoutPolicy()
    for attempt in range(3):  # two logins at once on one account: the second retries
        try:
            return _log_in(deps, hasher, command, policy)
        except ConcurrencyConflict:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _log_in(
    deps: Dependencies, hasher: PasswordHasher, command: LogIn, policy: LockoutPolicy
) -> Actor:
    now = deps.clock.now()
    subject = ("staff", command.username[:64])
    with deps.uow() as uow:
        try:
            account = uow.staff.get(command.username)
        except NotFound:
            hasher.hash(command.password)  # as slow as a check: the name is not told
            record_refusal(
                deps,
                subject[1],
                "login_failed",
                subject=subject,
                reason="unknown",
                rule=LOGIN_RULE,
            )
            raise LoginFailed() from None
        if account.is_locked(now):
            assert account.locked_until is not None
            record_refusal(
                deps, account.id, "login_failed", subject=subject, reason="locked", rule=LOGIN_RULE
            )
            raise AccountLocked(account.locked_until)
        if not hasher.verify(account.password_hash, command.password) or not account.active:
            reason = "disabled" if account.active is False else "wrong_password"
            account.failed_logins += 1
            locked = account.failed_logins >= policy.max_failures
            if locked:
                account.locked_until = now + policy.lock_for
                account.failed_logins = 0
            uow.staff.save(account)
            uow.commit()
            action = "account_locked" if locked else "login_failed"
            record_refusal(
                deps, account.id, action, subject=subject, reason=reason, rule=LOGIN_RULE
            )
            if locked and account.locked_until is not None:
                raise AccountLocked(account.locked_until)
            raise LoginFailed()
        if account.failed_logins or account.locked_until is not None:
            account.failed_logins, account.locked_until = 0, None
            uow.staff.save(account)
            uow.commit()
    record_allowed(deps, account.id, "login", subject=subject, rule=LOGIN_RULE)
    return account.actor()


def actor_of(deps: Dependencies, staff_id: str) -> Actor | None:
    """The actor a valid token names, or None when the account is gone or disabled."""
    with deps.uow() as uow:
        try:
            account = uow.staff.get(staff_id)
        except NotFound:
            return None
    return account.actor() if account.active else None


def create_staff_account(
    deps: Dependencies,
    hasher: PasswordHasher,
    actor: Actor,
    command: CreateStaffAccount,
    *,
    password_rule: PasswordRule | None = None,
) -> StaffAccount:
    """An administrator creates an account within their own jurisdiction."""
    region = RegionCode(command.region)
    subject = ("staff", command.id[:64])
    authorise(deps, actor, UseCase.MANAGE_STAFF, subject=subject, region=region)
    rule = password_rule or PasswordRule()
    if not _LOGIN_NAME.fullmatch(command.id):
        raise InvalidValue(
            "id", "登录名须为2至64位小写字母、数字、点、下划线或连字符", code="login_name"
        )
    if not command.name.strip():
        raise InvalidValue("name", "姓名不能为空", code="required")
    if not command.roles or Role.SYSTEM in command.roles:
        raise InvalidValue("roles", "须至少指定一个工作人员角色", code="roles")
    if len(command.password) < rule.min_length:
        raise InvalidValue("password", f"密码至少{rule.min_length}位", code="password_too_short")
    account = StaffAccount(
        id=command.id,
        name=command.name.strip(),
        roles=command.roles,
        region=region,
        password_hash=hasher.hash(command.password),
    )
    with deps.uow() as uow:
        uow.staff.add(account)
        uow.commit()
    record_allowed(deps, actor.id, "staff_created", subject=subject, rule="P10")
    return account


def seed_staff_account(
    deps: Dependencies, hasher: PasswordHasher, command: CreateStaffAccount
) -> StaffAccount:
    """Create an account with no administrator yet (the first one, or the demo's), by
    the composition root; an existing login name is left as it is."""
    account = StaffAccount(
        id=command.id,
        name=command.name,
        roles=command.roles,
        region=RegionCode(command.region),
        password_hash=hasher.hash(command.password),
    )
    with deps.uow() as uow:
        try:
            return uow.staff.get(command.id)
        except NotFound:
            pass
        uow.staff.add(account)
        uow.commit()
    return account
