"""Who may run the service-management use cases (R10, R13 to R15; P10).

Each use case of this part names the roles that may run it, as data. Steps on a case or
a complaint are also checked by the domain against the policy's permissions; this is
the check before anything is loaded. A refusal raises `AccessDenied`.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from application.errors import AccessDenied
from domain.actors import Actor, Role


class ManagementUseCase(StrEnum):
    READ_MY_DEADLINES = "read_my_deadlines"  # an officer's own open cases by deadline
    READ_DEADLINES = "read_deadlines"  # a region's, a service's or an officer's
    RECORD_COMPLAINT = "record_complaint"
    READ_COMPLAINTS = "read_complaints"
    READ_BOUNCED = "read_bounced"  # records moved back and forth between units
    SPOT_CHECK = "spot_check"  # draw a sample, record findings
    READ_SPOT_CHECKS = "read_spot_checks"
    RECORD_TRAINING = "record_training"
    READ_TRAINING = "read_training"  # anyone's training, and who is untrained
    READ_STATISTICS = "read_statistics"


_W, _R, _A = Role.WINDOW_CLERK, Role.REVIEWER, Role.APPROVER
_HR, _ASSESSOR = Role.HR_OFFICER, Role.ASSESSOR
_SUPERVISOR, _AUDITOR, _ADMIN = Role.SUPERVISOR, Role.AUDITOR, Role.ADMINISTRATOR
_HANDLERS = frozenset({_W, _R, _A, _HR, _ASSESSOR})

MANAGEMENT_ROLES: Mapping[ManagementUseCase, frozenset[Role]] = {
    ManagementUseCase.READ_MY_DEADLINES: _HANDLERS,
    ManagementUseCase.READ_DEADLINES: _HANDLERS | {_SUPERVISOR, _AUDITOR},
    ManagementUseCase.RECORD_COMPLAINT: frozenset({_W, _R, _A, _HR, _SUPERVISOR}),
    # Complaints name staff: read by supervisors and auditors, and by whoever holds one.
    ManagementUseCase.READ_COMPLAINTS: frozenset({_SUPERVISOR, _AUDITOR}),
    ManagementUseCase.READ_BOUNCED: frozenset({_SUPERVISOR, _AUDITOR}),
    ManagementUseCase.SPOT_CHECK: frozenset({_SUPERVISOR}),
    ManagementUseCase.READ_SPOT_CHECKS: frozenset({_SUPERVISOR, _AUDITOR}),
    ManagementUseCase.RECORD_TRAINING: frozenset({_SUPERVISOR, _ADMIN}),
    ManagementUseCase.READ_TRAINING: frozenset({_SUPERVISOR, _ADMIN, _AUDITOR}),
    ManagementUseCase.READ_STATISTICS: frozenset({_A, _SUPERVISOR, _AUDITOR}),
}


def may_run(actor: Actor, use_case: ManagementUseCase) -> bool:
    return bool(MANAGEMENT_ROLES[use_case] & actor.roles)


def ensure_may_run(actor: Actor, use_case: ManagementUseCase, record_id: str) -> None:
    """Refuse unless one of the actor's roles may run `use_case`."""
    if not may_run(actor, use_case):
        raise AccessDenied("您的角色不能办理此项业务", record_id=record_id)
