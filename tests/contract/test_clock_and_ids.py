"""What every clock and id generator promises: aware times (R4), unique prefixed ids."""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pytest

import adapters.clock
from adapters.clock import FixedClock, SystemClock
from adapters.ids import SequentialIds, UuidIds
from ports.clock import Clock, IdGenerator
from tests.factories import T0


class ClockContract(ABC):
    @abstractmethod
    def make_clock(self) -> Clock:
        """A clock ready to tell the time."""

    def test_the_time_is_timezone_aware(self):
        """R4: every received-at time comes from here, so it must say where it was taken."""
        clock = self.make_clock()

        now = clock.now()

        assert now.utcoffset() is not None

    def test_the_time_is_china_standard_time(self):
        clock = self.make_clock()

        now = clock.now()

        assert now.utcoffset() == timedelta(hours=8)


class TestSystemClock(ClockContract):
    def make_clock(self) -> Clock:
        return SystemClock()

    def test_the_time_is_close_to_the_operating_systems(self):
        clock = self.make_clock()

        now = clock.now()

        assert abs(now - datetime.now().astimezone()) < timedelta(minutes=1)

    def test_without_the_tz_database_the_clock_keeps_utc_plus_8(
        self, monkeypatch: pytest.MonkeyPatch
    ):
        def missing(key: str) -> ZoneInfo:
            raise ZoneInfoNotFoundError(key)

        monkeypatch.setattr(adapters.clock, "ZoneInfo", missing)

        now = SystemClock().now()

        assert now.utcoffset() == timedelta(hours=8)


class TestFixedClock(ClockContract):
    def make_clock(self) -> FixedClock:
        return FixedClock(T0)

    def test_the_time_stays_where_it_was_set(self):
        clock = self.make_clock()

        times = {clock.now(), clock.now()}

        assert times == {T0}

    def test_advance_moves_the_time_forward(self):
        clock = self.make_clock()

        clock.advance(days=1, hours=2)

        assert clock.now() == T0 + timedelta(days=1, hours=2)

    def test_advance_refuses_to_move_backwards(self):
        clock = self.make_clock()

        with pytest.raises(ValueError, match="backwards"):
            clock.advance(minutes=-1)

    def test_set_jumps_to_the_given_time(self):
        clock = self.make_clock()

        clock.set(T0 - timedelta(days=30))

        assert clock.now() == T0 - timedelta(days=30)

    def test_a_naive_start_is_refused(self):
        with pytest.raises(ValueError, match="timezone-aware"):
            FixedClock(datetime(2026, 3, 2, 9, 0))

    def test_setting_a_naive_time_is_refused(self):
        clock = self.make_clock()

        with pytest.raises(ValueError, match="timezone-aware"):
            clock.set(datetime(2026, 3, 2, 9, 0))


class IdGeneratorContract(ABC):
    @abstractmethod
    def make_ids(self) -> IdGenerator:
        """A fresh id generator."""

    def test_ids_are_prefixed_with_their_kind(self):
        ids = self.make_ids()

        new_id = ids.new_id("case")

        assert new_id.startswith("case-")

    def test_a_thousand_ids_are_all_different(self):
        ids = self.make_ids()

        made = {ids.new_id(kind) for kind in ("case", "scenario") for _ in range(500)}

        assert len(made) == 1000

    @pytest.mark.parametrize("kind", ["", "case id", "case/1"])
    def test_a_kind_that_is_not_a_word_is_refused(self, kind: str):
        ids = self.make_ids()

        with pytest.raises(ValueError, match="kind"):
            ids.new_id(kind)


class TestUuidIds(IdGeneratorContract):
    def make_ids(self) -> IdGenerator:
        return UuidIds()

    def test_the_id_carries_a_uuid_in_hex(self):
        ids = self.make_ids()

        new_id = ids.new_id("case")

        assert len(new_id.removeprefix("case-")) == 32


class TestSequentialIds(IdGeneratorContract):
    def make_ids(self) -> IdGenerator:
        return SequentialIds()

    def test_ids_are_counted_per_kind(self):
        ids = self.make_ids()

        made = [ids.new_id("case"), ids.new_id("scenario"), ids.new_id("case")]

        assert made == ["case-0001", "scenario-0001", "case-0002"]
