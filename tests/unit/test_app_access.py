"""Access by role and jurisdiction in the application layer, and what the history is told
of it (P10, P11, P12): refusals, logins, lockouts and sensitive reads."""

from __future__ import annotations

from datetime import timedelta

import pytest

from adapters.clock import FixedClock, OffsetClock
from adapters.memory.storage import InMemoryStore
from adapters.passwords import Argon2PasswordHasher
from application.clock import advance_demo_clock
from application.commands import SubmitApplication
from application.errors import AccessDenied, AccountLocked, LoginFailed
from application.intake import submit_application
from application.personal_data import read_resident_id
from application.staff import CreateStaffAccount, LockoutPolicy, LogIn, log_in, seed_staff_account
from domain.actors import Role
from domain.services import Service
from entrypoints.bootstrap import bootstrap_in_memory
from ports.audit import AuditOutcome
from tests.factories import COUNTY, OTHER_TOWNSHIP, T0, TOWNSHIP, make_actor, resident_id

HASHER = Argon2PasswordHasher(time_cost=1, memory_cost=1024)
PASSWORD = "correct-horse-battery"


@pytest.fixture
def store() -> InMemoryStore:
    return InMemoryStore()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


@pytest.fixture
def deps(store, clock):
    return bootstrap_in_memory(clock=clock, store=store)


def dibao(region=TOWNSHIP) -> SubmitApplication:
    return SubmitApplication(Service.DIBAO, resident_id(3).reveal(), "张三", str(region))


def test_an_auditor_may_not_receive_an_application(deps):
    with pytest.raises(AccessDenied) as refused:
        submit_application(deps, make_actor(Role.AUDITOR), dibao())

    assert refused.value.reason == "role_not_allowed"


def test_a_refusal_is_recorded_with_the_officer_the_reason_and_the_rule(deps, store):
    """P10: the refusal reaches the history although nothing else changes."""
    with pytest.raises(AccessDenied):
        submit_application(deps, make_actor(), dibao(OTHER_TOWNSHIP))

    entry = store.audit[-1]
    assert (entry.actor_id, entry.outcome, entry.reason, entry.rule) == (
        "clerk-1",
        AuditOutcome.REFUSED,
        "outside_jurisdiction",
        "P10",
    )


def test_an_hr_officer_may_not_receive_a_civil_affairs_application(deps):
    """P10: the policy gives the receipt of dibao to the window clerk."""
    with pytest.raises(AccessDenied):
        submit_application(deps, make_actor(Role.HR_OFFICER, region=COUNTY), dibao())


def test_a_read_of_the_full_id_is_recorded_with_the_person(deps, store):
    """P12: the read names the case and, by the person, whose number was read."""
    case = submit_application(deps, make_actor(), dibao()).case

    revealed = read_resident_id(deps, make_actor(Role.REVIEWER, actor_id="r-1"), case.id)

    entry = store.audit[-1]
    assert (entry.action, entry.subject_id, entry.person) == (
        "resident_id_read",
        case.id,
        revealed.resident_id,
    )


def test_an_assessor_may_not_read_the_full_id(deps):
    case = submit_application(deps, make_actor(), dibao()).case

    with pytest.raises(AccessDenied):
        read_resident_id(deps, make_actor(Role.ASSESSOR, region=COUNTY), case.id)


def seeded(deps) -> None:
    account = CreateStaffAccount("clerk-9", "刘敏", [Role.WINDOW_CLERK], str(TOWNSHIP), PASSWORD)
    seed_staff_account(deps, HASHER, account)


def test_a_login_gives_the_accounts_actor_and_is_recorded(deps, store):
    seeded(deps)

    actor = log_in(deps, HASHER, LogIn("clerk-9", PASSWORD))

    assert (actor.id, actor.region) == ("clerk-9", TOWNSHIP)
    assert (store.audit[-1].action, store.audit[-1].outcome) == ("login", AuditOutcome.ALLOWED)


def test_the_failure_that_reaches_the_limit_locks_the_account(deps):
    seeded(deps)
    policy = LockoutPolicy(max_failures=2)
    with pytest.raises(LoginFailed):
        log_in(deps, HASHER, LogIn("clerk-9", "wrong-password"), lockout=policy)

    with pytest.raises(AccountLocked):
        log_in(deps, HASHER, LogIn("clerk-9", "wrong-password"), lockout=policy)


def locked(deps) -> LockoutPolicy:
    seeded(deps)
    policy = LockoutPolicy(max_failures=1, lock_for=timedelta(minutes=15))
    with pytest.raises(AccountLocked):
        log_in(deps, HASHER, LogIn("clerk-9", "wrong-password"), lockout=policy)
    return policy


def test_a_locked_account_refuses_even_the_right_password(deps):
    policy = locked(deps)

    with pytest.raises(AccountLocked):
        log_in(deps, HASHER, LogIn("clerk-9", PASSWORD), lockout=policy)


def test_a_locked_account_opens_again_when_the_lock_ends(deps, clock):
    policy = locked(deps)
    clock.advance(minutes=15)

    actor = log_in(deps, HASHER, LogIn("clerk-9", PASSWORD), lockout=policy)

    assert actor.id == "clerk-9"


def test_only_an_administrator_moves_the_demo_clock(deps):
    demo = OffsetClock(FixedClock(T0))

    with pytest.raises(AccessDenied):
        advance_demo_clock(deps, make_actor(Role.SUPERVISOR, region=COUNTY), demo, days=1)


def test_the_demo_clock_moves_forward_and_the_move_is_recorded(deps, store):
    demo = OffsetClock(FixedClock(T0))

    moved = advance_demo_clock(deps, make_actor(Role.ADMINISTRATOR, region=COUNTY), demo, days=8)

    assert moved == T0 + timedelta(days=8)
    assert store.audit[-1].action == "demo_clock_moved"
