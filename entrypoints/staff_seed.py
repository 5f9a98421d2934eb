"""The demo's staff accounts: one per role in the sample county 历下区 (370102), whose
own rules confirm dibao at county level; window and review sit in 解放路街道 (370102001).

Their passwords are printed by `jiuzhu serve --demo`: they are for a demonstration on
127.0.0.1, never for real data.
"""

from __future__ import annotations

from application.dependencies import Dependencies
from application.staff import CreateStaffAccount, seed_staff_account
from domain.actors import Role
from ports.staff import PasswordHasher

DEMO_PASSWORD = "jiuzhu-demo-2026"
DEMO_COUNTY = "370102"
DEMO_TOWNSHIP = "370102001"

DEMO_STAFF: tuple[tuple[str, str, Role, str], ...] = (
    ("clerk", "刘敏", Role.WINDOW_CLERK, DEMO_TOWNSHIP),
    ("reviewer", "陈刚", Role.REVIEWER, DEMO_TOWNSHIP),
    ("approver", "王芳", Role.APPROVER, DEMO_COUNTY),
    ("hr", "何军", Role.HR_OFFICER, DEMO_COUNTY),
    ("assessor", "马丽", Role.ASSESSOR, DEMO_COUNTY),
    ("supervisor", "赵强", Role.SUPERVISOR, DEMO_COUNTY),
    ("auditor", "孙丽", Role.AUDITOR, DEMO_COUNTY),
    ("admin", "周平", Role.ADMINISTRATOR, DEMO_COUNTY),
)


def demo_accounts(password: str = DEMO_PASSWORD) -> list[CreateStaffAccount]:
    return [
        CreateStaffAccount(staff_id, name, [role], region, password)
        for staff_id, name, role, region in DEMO_STAFF
    ]


def seed_demo_staff(
    deps: Dependencies, hasher: PasswordHasher, password: str = DEMO_PASSWORD
) -> list[CreateStaffAccount]:
    """Create the demo accounts that do not exist yet; returns all of them."""
    accounts = demo_accounts(password)
    for account in accounts:
        seed_staff_account(deps, hasher, account)
    return accounts
