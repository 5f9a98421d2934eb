"""The full ID number, and finding a person's cases by it (P12).

Lists and logs show only the masked number. Its full form is given for one case at a
time, to a role that handles cases, within the actor's jurisdiction, and every such read
is recorded in the history; so is every search of a person's cases by ID number.
"""

from __future__ import annotations

from attrs import frozen

from application.access import UseCase, authorise
from application.audit import record_allowed
from application.dependencies import Dependencies
from domain.actors import Actor
from domain.cases import Case
from domain.identity import ResidentId

RULE = "P12"


@frozen
class RevealedResidentId:
    case_id: str
    resident_id: ResidentId


def read_resident_id(deps: Dependencies, actor: Actor, case_id: str) -> RevealedResidentId:
    """The applicant's full ID number on one case; the read is recorded first."""
    with deps.uow() as uow:
        case = uow.cases.get(case_id)
    authorise(deps, actor, UseCase.READ_RESIDENT_ID, subject=("case", case.id), region=case.region)
    person = case.applicant.resident_id
    record_allowed(
        deps, actor.id, "resident_id_read", subject=("case", case.id), rule=RULE, person=person
    )
    return RevealedResidentId(case.id, person)


def find_cases_of_person(deps: Dependencies, actor: Actor, resident_id: str) -> list[Case]:
    """The person's cases within the actor's jurisdiction, oldest first; recorded."""
    person = ResidentId.parse(resident_id, today=deps.clock.now().date())
    subject = ("person", person.masked)
    authorise(deps, actor, UseCase.FIND_PERSON, subject=subject)
    with deps.uow() as uow:
        cases = [c for c in uow.cases.of_person(person) if actor.covers(c.region)]
    record_allowed(
        deps,
        actor.id,
        "person_lookup",
        subject=subject,
        rule=RULE,
        person=person,
        details={"cases": str(len(cases))},
    )
    return cases
