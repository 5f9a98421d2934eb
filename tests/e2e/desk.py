"""The staff of one county at work through the API, on a clock the test sets.

`Desk` holds a clerk and a reviewer for each of two townships, a county approver, a
county supervisor and an auditor; it posts as any of them and sets the clock to a day
(every step's time comes from the clock, R4, so each scene sets it in order).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from litestar.testing import TestClient

from domain.actors import Role
from tests.e2e.conftest import Api
from tests.factories import CST, resident_id

COUNTY, T1, T2 = "370102", "370102001", "370102002"
FOREIGN = "370103001"
DIBAO_MATERIALS = ["id_card", "household_register", "commitment", "check_authorization"]
HOUSEHOLD = {"type": "dibao_household", "members": 3, "covered": 2, "monthly_income_fen": 120000}


class Desk:
    def __init__(self, api: Api, client: TestClient[Any]) -> None:
        self.api, self.client = api, client
        self.clerk = {t: api.add_staff(Role.WINDOW_CLERK, t) for t in (T1, T2)}
        self.reviewer = {t: api.add_staff(Role.REVIEWER, t) for t in (T1, T2)}
        self.approver = api.add_staff(Role.APPROVER, COUNTY)
        self.supervisor = api.add_staff(Role.SUPERVISOR, COUNTY)
        self.auditor = api.add_staff(Role.AUDITOR, COUNTY)

    def at(
        self, month: int, day: int, hour: int = 9, minute: int = 0, *, year: int = 2026
    ) -> None:
        self.api.clock.set(datetime(year, month, day, hour, minute, tzinfo=CST))

    def later(self, minutes: int = 10) -> None:
        self.api.clock.advance(minutes=minutes)

    def post(self, who: str, path: str, body: dict[str, Any]) -> Any:
        headers = self.api.headers(self.client, who)
        return self.client.post(f"/api/v1/{path}", json=body, headers=headers)

    def get(self, who: str, path: str) -> Any:
        return self.client.get(f"/api/v1/{path}", headers=self.api.headers(self.client, who))

    def ok(self, answer: Any, status: int = 200) -> Any:
        assert answer.status_code == status, answer.text
        return answer.json()

    def apply(
        self, township: str, serial: int, *, materials: list[str] | None = None, **extra: Any
    ) -> str:
        """A dibao application at the township's window; the case id."""
        body = {
            "service": "dibao",
            "resident_id": resident_id(serial).reveal(),
            "name": f"申请人{serial}",
            "region": township,
            "materials": DIBAO_MATERIALS if materials is None else materials,
            **extra,
        }
        answer = self.post(self.clerk[township], "applications", body)
        return str(self.ok(answer, 201)["case"]["id"])

    def step(self, who: str, case_id: str, event: str, **body: Any) -> Any:
        self.later()
        return self.post(who, f"cases/{case_id}/events", {"event": event, **body})

    def to_notice(self, township: str, case_id: str) -> None:
        """Check report, verification with the household, public notice (R1)."""
        reviewer = self.reviewer[township]
        self.ok(self.step(reviewer, case_id, "record_check_report"))
        self.ok(self.step(reviewer, case_id, "verify", particulars=HOUSEHOLD))
        self.ok(self.step(reviewer, case_id, "publish_notice"))

    def case(self, who: str, case_id: str) -> Any:
        return self.ok(self.get(who, f"cases/{case_id}"))
