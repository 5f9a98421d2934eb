"""Scale check: a million generated cases, then the two queries a county runs most.

    .venv/bin/python bench/scale.py --sqlite /tmp/jiuzhu-scale.sqlite3 --cases 1000000
    .venv/bin/python bench/scale.py --postgres postgresql://postgres@127.0.0.1/jiuzhu_scale

Each target must be empty (a new file, or a new database); the script migrates it, loads
the cases through the SQL adapter's own units of work (documents sealed, person hashes,
deadline column, one history entry per event, the chain kept), prints the load time, the
query plans of "the history of a person" and "the open cases past their deadline in a
county", and the latency of each (p50, p99) over random persons and counties.

Not a test: nothing here asserts. Generated data only; nothing is written elsewhere.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import statistics
import time
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from attrs import evolve
from sqlalchemy import select, text, true

from adapters.clock import FixedClock
from adapters.holiday_calendar import china_calendar
from adapters.sql.crypto import PersonKey, Sealer
from adapters.sql.database import SqlDatabase
from adapters.sql.schema import upgrade
from adapters.sql.storage import SqlStorage, within_region
from adapters.sql.tables import cases, history
from domain.actors import Actor, Role
from domain.cases import CLOSED, RECEIVED, Applicant, Case, Closure
from domain.identity import ResidentId, check_character
from domain.lifecycle import CaseRules, Step, open_case
from domain.policy_defaults import default_policy
from domain.regions import RegionCode
from domain.services import Channel, Department, Outcome, Service
from entrypoints.bootstrap import parameters_in_force, running_deadline

CST = timezone(timedelta(hours=8))
START = datetime(2025, 1, 2, 9, 0, tzinfo=CST)
TODAY = date(2027, 1, 4)
CITIES, COUNTIES, TOWNSHIPS = range(1, 17), range(2, 14), range(1, 13)
SERVICES = tuple(Service)
WITHDRAWN_SHARE = 0.2


def counties() -> list[str]:
    return [f"37{c:02d}{k:02d}" for c in CITIES for k in COUNTIES]


def townships() -> list[str]:
    return [f"{county}{t:03d}" for county in counties() for t in TOWNSHIPS]


def person(number: int) -> ResidentId:
    """A valid, distinct ID number for each number below about 20 million."""
    born = date(1940, 1, 1) + timedelta(days=number // 900)
    first17 = f"370102{born:%Y%m%d}{number % 900 + 100:03d}"
    return ResidentId(first17 + check_character(first17))


def generated_cases(count: int, seed: int) -> Iterator[Case]:
    """`count` cases, two per person (of different services), some withdrawn."""
    rng = random.Random(seed)
    policy = default_policy()
    places = townships()
    rules = {
        (s, r): CaseRules.for_case(policy, s, RegionCode(r))
        for s in SERVICES
        for r in places[:1]  # every township here shares its parameters with the first
    }
    spread = int((TODAY - START.date()).days * 86400 * 0.98)
    for number in range(count):
        service = SERVICES[(number % 2 + 3 * (number // 2)) % len(SERVICES)]
        region = RegionCode(rng.choice(places))
        received = START + timedelta(seconds=rng.randrange(spread))
        role = (
            Role.HR_OFFICER
            if service.department is Department.HUMAN_RESOURCES
            else (Role.WINDOW_CLERK)
        )
        actor = Actor(f"staff-{rng.randrange(2000)}", "经办人", [role], region)
        case_rules = rules[(service, places[0])]
        case = open_case(
            case_id=f"case-{number:08d}",
            service=service,
            applicant=Applicant(person(number // 2), "申请人"),
            region=region,
            channel=Channel.WINDOW,
            step=Step(actor=actor, at=received),
            rules=case_rules,
        )
        if rng.random() < WITHDRAWN_SHARE:
            withdrawn(case, received + timedelta(days=rng.randrange(1, 30)))
        yield case


def withdrawn(case: Case, at: datetime) -> None:
    """Close the case as the domain's `withdraw` would (built directly: the machine takes
    milliseconds per event, which would measure the generator instead of the storage)."""
    case.state = CLOSED
    case.closure = Closure(Outcome.WITHDRAWN, "applicant_withdrew", "R1", at)
    first = case.events[0]
    case.events.append(
        evolve(
            first,
            seq=2,
            event="withdraw",
            at=at,
            from_state=RECEIVED,
            to_state=CLOSED,
            rule="R1",
            reason="applicant_withdrew",
            facts={},
        )
    )


def load(storage: SqlStorage, count: int, batch: int, seed: int) -> float:
    """Store the generated cases in units of `batch`; returns the seconds spent storing
    (staging and committing through the adapter), not generating."""
    storing = 0.0
    pending: list[Case] = []

    def flush() -> float:
        began = time.perf_counter()
        with storage.unit_of_work() as uow:
            for case in pending:
                uow.cases.add(case)
            uow.commit()
        pending.clear()
        return time.perf_counter() - began

    for done, case in enumerate(generated_cases(count, seed), start=1):
        pending.append(case)
        if len(pending) == batch:
            storing += flush()
        if done % 100_000 == 0:
            print(f"  {done:>9,} cases, {storing:7.1f} s storing", flush=True)
    if pending:
        storing += flush()
    return storing


def timed(runs: int, query: Callable[[int], object]) -> tuple[float, float]:
    """p50 and p99 of `runs` calls, in milliseconds."""
    samples = []
    for run in range(runs):
        began = time.perf_counter()
        query(run)
        samples.append((time.perf_counter() - began) * 1000)
    cuts = statistics.quantiles(samples, n=100)
    return cuts[49], cuts[98]


def explain(database: SqlDatabase, statement: str, parameters: dict[str, object]) -> str:
    prefix = "EXPLAIN QUERY PLAN " if database.kind == "sqlite" else "EXPLAIN "
    with database.reading() as connection:
        rows = connection.execute(text(prefix + statement), parameters).all()
    return "\n".join("    " + " ".join(str(c) for c in row) for row in rows)


HISTORY_SQL = (
    "SELECT position, event, at FROM history WHERE person_hash = :person ORDER BY position"
)
OVERDUE_SQL = (
    "SELECT id, due_on FROM cases WHERE is_open = {true} AND region >= :low AND region < :high"
    " AND due_on < :today ORDER BY due_on LIMIT 100"
)


def refresh_statistics(database: SqlDatabase) -> None:
    """What autovacuum would do after a bulk load: statistics, and on PostgreSQL the
    visibility map that lets the deadline query read its covering index alone."""
    if database.kind == "sqlite":
        with database.writing() as connection:
            connection.exec_driver_sql("ANALYZE")
        return
    with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        c.exec_driver_sql("VACUUM ANALYZE cases")
        c.exec_driver_sql("VACUUM ANALYZE history")


def measure(storage: SqlStorage, count: int, runs: int, seed: int) -> None:
    database, rng = storage.database, random.Random(seed + 1)
    people = [person(rng.randrange(count // 2)) for _ in range(runs)]
    places = [rng.choice(counties()) for _ in range(runs)]
    refresh_statistics(database)
    sample = storage.person_key.of(people[0])
    print("  plan, history of a person:")
    print(explain(database, HISTORY_SQL, {"person": sample}))
    overdue = OVERDUE_SQL.format(true="1" if database.kind == "sqlite" else "true")
    window = {"low": places[0], "high": places[0] + ":", "today": TODAY}
    print("  plan, open cases past deadline in a county:")
    print(explain(database, overdue, window))

    def history_of(run: int) -> object:
        return storage.history.of_person(people[run])

    def past_deadline(run: int) -> object:
        query = (
            select(cases.c.id, cases.c.due_on)
            .where(
                cases.c.is_open == true(),
                within_region(cases, places[run]),
                cases.c.due_on < TODAY,
            )
            .order_by(cases.c.due_on)
            .limit(100)
        )
        with database.reading() as connection:
            return connection.execute(query).all()

    for name, query in (("history of a person", history_of), ("past deadline", past_deadline)):
        p50, p99 = timed(runs, query)
        print(f"  {name}: p50 {p50:.2f} ms, p99 {p99:.2f} ms over {runs} queries")
    with database.reading() as connection:
        entries = connection.execute(
            select(history.c.position).order_by(history.c.position.desc()).limit(1)
        ).scalar_one()
    print(f"  history entries: {entries:,}")


def _bench_key(purpose: str, seed: int) -> bytes:
    """Keys derived from the seed, so that `--skip-load` can measure a loaded target
    again (generated data only: a county's keys are random, see the README)."""
    return hashlib.sha256(f"jiuzhu-bench-{purpose}-{seed}".encode()).digest()


def run(url: str, args: argparse.Namespace) -> None:
    database = SqlDatabase(url)
    print(f"{database.kind}: {database.display_url}")
    upgrade(database)
    policy, calendar = default_policy(), china_calendar()
    storage = SqlStorage(
        database,
        sealer=Sealer(_bench_key("data", args.seed)),
        person_key=PersonKey(_bench_key("person", args.seed)),
        clock=FixedClock(datetime(2027, 1, 4, 8, 0, tzinfo=CST)),
        due_on=running_deadline(policy, calendar),
        parameters=parameters_in_force(policy),
    )
    if not args.skip_load:
        seconds = load(storage, args.cases, args.batch, args.seed)
        print(f"  load: {args.cases:,} cases in {seconds:.1f} s ({args.cases / seconds:,.0f}/s)")
    measure(storage, args.cases, args.queries, args.seed)
    database.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sqlite", type=Path, help="a new SQLite file to fill")
    parser.add_argument("--postgres", help="the URL of an empty PostgreSQL database")
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=2_000)
    parser.add_argument("--queries", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--skip-load", action="store_true", help="measure a target loaded before, same seed"
    )
    args = parser.parse_args()
    if args.sqlite is None and args.postgres is None:
        parser.error("give --sqlite PATH, --postgres URL, or both")
    if args.sqlite is not None:
        if args.sqlite.exists() and not args.skip_load:
            parser.error(f"{args.sqlite} exists: the SQLite target must be a new file")
        run(f"sqlite:///{args.sqlite}", args)
    if args.postgres is not None:
        run(args.postgres, args)


if __name__ == "__main__":
    main()
