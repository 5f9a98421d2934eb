"""The domain's errors: one root, each carrying a stable code and the rule behind it.

DomainError
 ├── InvalidValue            a value object refused its input (names the field)
 ├── PolicyError             a policy parameter is missing or inconsistent
 └── TransitionRefused       a case or scenario did not move; nothing changed
      ├── IllegalTransition  the event is not allowed in the current state
      └── RuleRefused        a guard refused the event (names the rule)

Messages meant for staff and applicants are Chinese (`title`); `code` is a stable
machine code that the API and logs use. No message ever carries a full resident ID.
"""

from __future__ import annotations

from collections.abc import Sequence


class DomainError(Exception):
    """Root of every error the domain raises on purpose."""

    code: str = "domain_error"
    title: str = "业务规则错误"

    def __init__(self, message: str, *, rule: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.rule = rule


class InvalidValue(DomainError):
    """A value object refused its input; `field` names what was wrong, never the value."""

    code = "invalid_value"
    title = "输入内容不符合要求"

    def __init__(
        self, field: str, message: str, *, rule: str | None = None, code: str = ""
    ) -> None:
        super().__init__(f"{field}: {message}", rule=rule)
        self.field = field
        if code:
            self.code = code


class PolicyError(DomainError):
    """A policy parameter needed for a decision is missing or inconsistent."""

    code = "policy_missing"
    title = "政策参数缺失"


class TransitionRefused(DomainError):
    """A case (or the joint scenario) refused an event; its state and history are unchanged."""

    code = "transition_refused"
    title = "当前状态不允许此操作"

    def __init__(
        self,
        message: str,
        *,
        subject_id: str,
        event: str,
        state: str,
        allowed_events: Sequence[str],
        rule: str | None = None,
    ) -> None:
        super().__init__(message, rule=rule)
        self.subject_id = subject_id
        self.event = event
        self.state = state
        self.allowed_events = tuple(allowed_events)

    def __str__(self) -> str:
        allowed = ", ".join(self.allowed_events) or "none"
        rule = f" [{self.rule}]" if self.rule else ""
        return (
            f"{self.subject_id}: {self.event!r} refused in state {self.state!r}{rule}: "
            f"{self.message} (allowed now: {allowed})"
        )


class IllegalTransition(TransitionRefused):
    """The event does not exist in the current state of the machine."""

    code = "illegal_transition"
    title = "当前状态不允许此操作"


class RuleRefused(TransitionRefused):
    """A guard holding one of the rules refused the event."""

    code = "rule_refused"
    title = "不符合办理规则"

    def __init__(
        self,
        message: str,
        *,
        code: str,
        rule: str,
        subject_id: str,
        event: str,
        state: str,
        allowed_events: Sequence[str],
    ) -> None:
        super().__init__(
            message,
            subject_id=subject_id,
            event=event,
            state=state,
            allowed_events=allowed_events,
            rule=rule,
        )
        self.code = code
