"""Machines built once per kind and bound to each case or scenario they act on.

Building a python-statemachine chart resolves every callback of every state and
transition (a few hundred microseconds for a case type, more for the joint scenario),
while applying one event costs a fraction of that. So `lent` keeps one idle machine per
kind and thread, binds it to the aggregate for one use, and takes it back.

Safe by construction:
- a pooled machine is built over a placeholder holding only a state, so no callback can
  be resolved to an attribute of any case or scenario: each is the machine's own method,
  reading `self.model`, which `bind` replaces;
- `bind` resets what one use leaves behind: the model, the cached configuration, the
  engine's queues and its running flag (a final state stops the engine), the machine's
  own scratch fields (`reset`);
- a use that raises gives its machine up; the next use builds a new one;
- a machine lent out is not lent again (a nested use builds its own), and each thread
  has its own idle machines.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import Any, Protocol, TypeVar


class Bindable(Protocol):
    def reset(self) -> None:
        """Forget what the previous use left in the machine's own fields."""


M = TypeVar("M", bound=Bindable)


class Placeholder:
    """The model a pooled machine is built over: a state, and nothing to resolve."""

    def __init__(self, state: Any) -> None:
        self.state = state


def bind(machine: Any, model: object) -> None:
    """Point a built machine at `model`, as if it had been built over it."""
    machine.model = model
    configuration = machine._config
    configuration._model = model
    configuration._invalidate()
    engine = machine._engine
    engine.clear()
    engine.running = True
    engine._root_parallel_final_pending = None
    machine.history_values.clear()
    machine.reset()


_local = threading.local()
_reuse = True


def _idle() -> dict[Hashable, Any]:
    idle: dict[Hashable, Any] | None = getattr(_local, "idle", None)
    if idle is None:
        idle = _local.idle = {}
    return idle


@contextmanager
def lent(kind: Hashable, build: Callable[[Any], M], model: object, *, initial: Any) -> Iterator[M]:
    """A machine of `kind` bound to `model` for the block. `build(model)` makes one when
    none is idle, over a placeholder in the `initial` state (so that building runs no
    initial transition). A block that raises does not give its machine back."""
    if not _reuse:
        yield build(model)
        return
    idle = _idle()
    machine: M | None = idle.pop(kind, None)
    if machine is None:
        machine = build(Placeholder(initial))
    bind(machine, model)
    yield machine
    bind(machine, Placeholder(None))  # hold no aggregate while idle
    idle[kind] = machine


@contextmanager
def built_every_time() -> Iterator[None]:
    """Build a new machine for every use, as before machines were reused (the benchmark's
    "before", and the tests that compare both ways)."""
    global _reuse
    previous, _reuse = _reuse, False
    _idle().clear()
    try:
        yield
    finally:
        _reuse = previous
