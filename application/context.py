"""What a decision needs to know about the person beyond the case (R1).

Gathered from this system's own cases of the person and, where a service needs it, from
a registry; handed to the domain as a `DecisionContext`. A registry that fails raises its
port error, so a decision that needs the answer waits (P9): nothing is guessed.
"""

from __future__ import annotations

from datetime import date

from application.dependencies import Dependencies
from domain.cases import APPROVED, BENEFIT_GRANTED, Case
from domain.decisions import DecisionContext
from domain.eligibility import ExclusiveHolding, HoldingStatus, PriorClaim, PriorHelp
from domain.facts import EXCLUSIVE_SERVICES
from domain.particulars import AppraisalClaim, TemporaryRequest, TrainingClaim
from domain.services import Service
from ports.storage import UnitOfWork


def decision_context(
    deps: Dependencies, uow: UnitOfWork, case: Case, *, registries: bool
) -> DecisionContext:
    """The person's other cases, and with `registries` the registry answers the service's
    decision or proposal reads (unemployment registration, disability status)."""
    others = [c for c in uow.cases.of_person(case.applicant.resident_id) if c.id != case.id]
    person = case.applicant.resident_id
    registration = disability = None
    if registries and case.service is Service.EMPLOYMENT_DIFFICULTY:
        registration = deps.unemployment.registration_of(person)
    if registries and case.service in (Service.ELDERLY_NURSING, Service.TEKUN):
        disability = deps.disability.status_of(person)
    return DecisionContext(
        exclusive_holdings=tuple(_holdings(others)),
        prior_claims=tuple(_claims(others)),
        prior_helps=tuple(_helps(others)),
        first_insurance_approval=_first_insurance_approval(others),
        receives_dibao=any(
            c.service is Service.DIBAO and c.state == BENEFIT_GRANTED for c in others
        ),
        registration=registration,
        disability=disability,
    )


def _holdings(others: list[Case]) -> list[ExclusiveHolding]:
    status = {APPROVED: HoldingStatus.APPROVED, BENEFIT_GRANTED: HoldingStatus.RECEIVING}
    return [
        ExclusiveHolding(c.service, c.id, status[c.state])
        for c in others
        if c.service in EXCLUSIVE_SERVICES and c.state in status
    ]


def _claims(others: list[Case]) -> list[PriorClaim]:
    claims = []
    for other in others:
        granted = _granted_on(other)
        claim = other.particulars
        if granted is None or not isinstance(claim, TrainingClaim | AppraisalClaim):
            continue
        claims.append(PriorClaim(other.service, claim.occupation, claim.level, granted, other.id))
    return claims


def _helps(others: list[Case]) -> list[PriorHelp]:
    helps = []
    for other in others:
        request = other.particulars
        if other.service is not Service.TEMPORARY or not isinstance(request, TemporaryRequest):
            continue
        if other.emergency_help is not None:
            helped: date | None = other.emergency_help.at.date()
        else:
            helped = _granted_on(other)
        if helped is not None:
            helps.append(PriorHelp(request.cause, helped, other.id))
    return helps


def _first_insurance_approval(others: list[Case]) -> date | None:
    approvals = [
        e.at.date()
        for c in others
        if c.service is Service.FLEXIBLE_INSURANCE_SUBSIDY
        for e in c.events
        if e.event == "approve"
    ]
    return min(approvals, default=None)


def _granted_on(case: Case) -> date | None:
    """The day its benefit was first granted (a case closed after it keeps that day)."""
    return next((e.at.date() for e in case.events if e.to_state == BENEFIT_GRANTED), None)
