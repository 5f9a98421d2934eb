"""How and when a case was decided, read from its recorded events (R13, R15).

The decision is the first event that took the case out of the undecided states: an
approval (审核确认), or a closure before one (不予批准, 不予受理, 撤回, 联办分支结束).
Statistics and spot checks read it the same way, so that both agree with the history.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from attrs import frozen

from domain.cases import APPROVED, CLOSED, Case, CaseEvent


class DecisionKind(StrEnum):
    APPROVED = "approved"  # 批准 (审核确认)
    REJECTED = "rejected"  # 不予批准
    NOT_ACCEPTED = "not_accepted"  # 不予受理
    WITHDRAWN = "withdrawn"  # 撤回
    BRANCH_ENDED = "branch_ended"  # 联办分支结束

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    DecisionKind.APPROVED: "批准",
    DecisionKind.REJECTED: "不予批准",
    DecisionKind.NOT_ACCEPTED: "不予受理",
    DecisionKind.WITHDRAWN: "撤回申请",
    DecisionKind.BRANCH_ENDED: "联办分支结束",
}

_CLOSING = {
    "reject": DecisionKind.REJECTED,
    "not_accept": DecisionKind.NOT_ACCEPTED,
    "withdraw": DecisionKind.WITHDRAWN,
    "end_branch": DecisionKind.BRANCH_ENDED,
}


@frozen
class Decision:
    kind: DecisionKind
    event: CaseEvent

    @property
    def at(self) -> datetime:
        return self.event.at

    def day(self, case: Case) -> date:
        """The decision's local day, in the time zone of the case's receipt."""
        return local_day(self.event.at, case)


def decision_of(case: Case) -> Decision | None:
    """The event that decided the case, or None while it is undecided."""
    for recorded in case.events:
        if recorded.to_state == APPROVED:
            return Decision(DecisionKind.APPROVED, recorded)
        if recorded.to_state == CLOSED and recorded.event in _CLOSING:
            return Decision(_CLOSING[recorded.event], recorded)
    return None


def local_day(moment: datetime, case: Case) -> date:
    """A moment's day where the case was received (+08:00)."""
    return moment.astimezone(case.received_at.tzinfo).date()
