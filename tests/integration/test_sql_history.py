"""The history (P11): every transition once, append-only, hash-chained, verifiable."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DBAPIError

from adapters.sql.database import SqlDatabase
from adapters.sql.outbox import SqlOutboxQueue
from adapters.sql.storage import SqlStorage
from adapters.sql.tables import history
from domain.lifecycle import Step, apply
from domain.policy import AgeRule
from domain.scenario import react
from entrypoints import cli
from entrypoints.bootstrap import bootstrap_sql
from entrypoints.settings import DATA_KEY, PERSON_KEY, encoded_key
from ports.outbox import OutboxEntry, RegisterUnemployment
from tests.factories import T0, make_actor, make_case, make_scenario, resident_id, rules_for
from tests.sql_support import DATA_KEY as TEST_DATA_KEY
from tests.sql_support import PERSON_KEY as TEST_PERSON_KEY
from tests.sql_support import settings_for, storage_for

PERSON = resident_id(5)


@pytest.fixture
def storage(database: SqlDatabase) -> SqlStorage:
    return storage_for(database)


def transfer(case, to: str, minutes: int) -> None:
    step = Step(make_actor(), T0 + timedelta(minutes=minutes), reason="workload", to_officer=to)
    apply(case, "transfer", step, rules_for(case.service))


def a_case_moved_twice(storage: SqlStorage) -> str:
    """A case received, then transferred in one commit and again in another."""
    with storage.unit_of_work() as uow:
        uow.cases.add(make_case("case-0001", person=PERSON))
        uow.commit()
    for minutes, officer in ((5, "clerk-2"), (9, "clerk-3")):
        with storage.unit_of_work() as uow:
            case = uow.cases.get("case-0001")
            transfer(case, officer, minutes)
            uow.cases.save(case)
            uow.commit()
    return "case-0001"


def tampered(database: SqlDatabase, statement) -> None:
    """Run `statement` past the append-only triggers, as an attacker with DDL rights could."""
    with database.writing() as connection:
        if database.kind == "postgresql":
            connection.execute(text("ALTER TABLE history DISABLE TRIGGER USER"))
        else:
            connection.execute(text("DROP TRIGGER history_no_update"))
            connection.execute(text("DROP TRIGGER history_no_delete"))
        connection.execute(statement)


def test_every_event_of_a_case_is_in_the_history_once_in_order(storage):
    """P11: saved twice, the case's three events are recorded once each."""
    case_id = a_case_moved_twice(storage)

    entries = storage.history.of_subject("case", case_id)

    assert [(e.event_seq, e.event) for e in entries] == [
        (1, "receive"),
        (2, "transfer"),
        (3, "transfer"),
    ]


def test_an_entry_records_who_when_from_to_rule_reason_and_the_facts(storage):
    """P11: enough to explain the decision later; the details hold the event's facts."""
    a_case_moved_twice(storage)

    entry = storage.history.of_subject("case", "case-0001")[1]

    assert (entry.actor_id, entry.at, entry.from_state, entry.to_state) == (
        "clerk-1",
        T0 + timedelta(minutes=5),
        "received",
        "received",
    )
    assert (entry.rule, entry.reason, entry.details["event"]["facts"]) == (
        "R10",
        "workload",
        {"to": "clerk-2"},
    )


def test_a_scenarios_moves_are_in_the_history_of_its_person(storage):
    """P11: the joint scenario's decisions, with their rules, sit beside the case's."""
    scenario = make_scenario(person=PERSON, history_clear=True)
    with storage.unit_of_work() as uow:
        uow.cases.add(make_case("case-0001", person=PERSON))
        uow.scenarios.add(scenario)
        uow.commit()

    entries = storage.history.of_person(PERSON)

    assert [(e.subject_kind, e.event) for e in entries] == [
        ("case", "receive"),
        ("scenario", "history_clear"),
    ]
    assert entries[1].rule == "R6"


def test_a_failed_commit_leaves_no_history(storage):
    """P11, P5: a conflict writes nothing, history included."""
    a_case_moved_twice(storage)
    with storage.unit_of_work() as uow:
        stale = uow.cases.get("case-0001")
        stale.version = 1
        transfer(stale, "clerk-9", 20)
        uow.cases.save(stale)
        with pytest.raises(Exception, match="changed since version 1"):
            uow.commit()

    assert len(storage.history.of_subject("case", "case-0001")) == 3


def test_the_chain_of_an_untouched_history_verifies(storage):
    a_case_moved_twice(storage)

    report = storage.history.verify()

    assert (report.intact, report.entries) == (True, 3)


def test_the_database_refuses_to_update_a_history_entry(database, storage):
    """P11: append-only, enforced by a trigger as well as by the code."""
    a_case_moved_twice(storage)

    with pytest.raises(DBAPIError, match="append-only"), database.writing() as connection:
        connection.execute(update(history).values(reason="rewritten"))


def test_the_database_refuses_to_delete_a_history_entry(database, storage):
    a_case_moved_twice(storage)

    with pytest.raises(DBAPIError, match="append-only"), database.writing() as connection:
        connection.execute(delete(history).where(history.c.position == 1))


def test_verify_reports_the_first_changed_entry(database, storage):
    a_case_moved_twice(storage)
    tampered(database, update(history).where(history.c.position == 2).values(reason="x"))

    report = storage.history.verify()

    assert (report.broken_at, report.entries) == (2, 1)
    assert "changed" in report.problem


def test_verify_reports_a_removed_entry(database, storage):
    a_case_moved_twice(storage)
    tampered(database, delete(history).where(history.c.position == 2))

    report = storage.history.verify()

    assert report.broken_at == 2
    assert "missing" in report.problem


def test_verify_reports_entries_removed_from_the_end(database, storage):
    """The head row remembers how long the chain was."""
    a_case_moved_twice(storage)
    tampered(database, delete(history).where(history.c.position == 3))

    report = storage.history.verify()

    assert report.broken_at == 3


def test_audit_verify_exits_non_zero_naming_the_broken_entry(
    database, storage, monkeypatch, capsys
):
    a_case_moved_twice(storage)
    tampered(database, update(history).where(history.c.position == 3).values(rule="R0"))
    monkeypatch.setenv("DATABASE_URL", database.url.render_as_string(hide_password=False))
    monkeypatch.setenv(DATA_KEY, encoded_key(TEST_DATA_KEY))
    monkeypatch.setenv(PERSON_KEY, encoded_key(TEST_PERSON_KEY))

    code = cli.main(["audit", "verify"])

    assert code == 1
    assert "history broken at entry 3" in capsys.readouterr().out


def test_the_history_of_a_person_is_read_through_its_index(database, storage):
    """Scale: the person's history is a lookup of the keyed hash, not a scan."""
    a_case_moved_twice(storage)
    digest = storage.person_key.of(PERSON)
    query = select(history.c.position).where(history.c.person_hash == digest)
    with database.reading() as connection:
        compiled = str(query.compile(connection, compile_kwargs={"literal_binds": True}))
        prefix = "EXPLAIN QUERY PLAN " if database.kind == "sqlite" else "EXPLAIN "
        if database.kind == "postgresql":
            connection.execute(text("SET enable_seqscan = off"))
        plan = " ".join(str(r) for r in connection.execute(text(prefix + compiled)))

    assert "ix_history_person" in plan


def test_reacting_again_appends_only_the_new_scenario_event(storage):
    scenario = make_scenario(person=PERSON, history_clear=True)
    with storage.unit_of_work() as uow:
        uow.scenarios.add(scenario)
        uow.commit()
    with storage.unit_of_work() as uow:
        loaded = uow.scenarios.get(scenario.id)
        react(loaded, "dibao_granted", at=T0 + timedelta(hours=1), age_rule=AgeRule())
        uow.scenarios.save(loaded)
        uow.commit()

    entries = storage.history.of_subject("scenario", scenario.id)

    assert [e.event for e in entries] == ["history_clear", "dibao_granted"]


def test_an_entry_keeps_the_policy_parameters_the_decision_rested_on(database_url):
    """P11: the guide's version, the time limit and the region's rules, with sources,
    so that the decision can be recomputed later."""
    system = bootstrap_sql(settings_for(database_url))
    with system.deps.uow() as uow:
        uow.cases.add(make_case("case-0001", person=PERSON))
        uow.commit()

    (entry,) = system.history.of_subject("case", "case-0001")
    system.close()

    parameters = entry.details["parameters"]
    assert parameters["guide"].startswith("dibao ")
    assert {"time_limit", "region", "dibao_standard"} <= set(parameters)


def test_the_worker_refuses_to_start_without_a_registry_to_deliver_to(
    database, monkeypatch, capsys
):
    """No fail-open: in memory its deliveries would be lost, so it does not start."""
    for name in ("JIUZHU_REGISTRIES_URL", "JIUZHU_PLATFORM_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", database.url.render_as_string(hide_password=False))
    monkeypatch.setenv(DATA_KEY, encoded_key(TEST_DATA_KEY))
    monkeypatch.setenv(PERSON_KEY, encoded_key(TEST_PERSON_KEY))

    code = cli.main(["worker", "--once"])

    assert code == 2
    assert "JIUZHU_REGISTRIES_URL" in capsys.readouterr().err


@pytest.mark.parametrize("count", [1, 12])
def test_new_cases_and_outbox_entries_of_one_commit_are_stored_once_with_their_history(
    storage, count
):
    """On PostgreSQL a few new rows ride in the statement that appends the history; more
    than fit are inserted on their own. Either way every row is stored once."""
    people = [resident_id(20 + n) for n in range(count)]
    with storage.unit_of_work() as uow:
        for n, person in enumerate(people):
            uow.cases.add(make_case(f"case-{n:04d}", person=person))
            message = RegisterUnemployment(person, f"case-{n:04d}", T0.date())
            uow.outbox.add(OutboxEntry(f"register-{n:04d}", message))
            uow.outbox.add(OutboxEntry(f"register-{n:04d}", message))  # the same key again
        uow.commit()

    report = storage.history.verify()
    keys = {s.key for s in SqlOutboxQueue(storage).states()}
    assert (report.intact, report.entries) == (True, count)
    assert keys == {f"register-{n:04d}" for n in range(count)}
    with storage.unit_of_work() as uow:
        assert [uow.cases.get(f"case-{n:04d}").version for n in range(count)] == [1] * count
