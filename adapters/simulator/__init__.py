"""A simulator of the three registries, served over HTTP on loopback (`jiuzhu registries`).

The demo and the HTTP adapter tests talk to it as to the real systems: it answers in
the documented wire formats from a seed file, writes idempotently, and fails on request.
"""

from adapters.simulator.faults import Fault, FaultKind, person_hash
from adapters.simulator.seed import PersonSeed, Seed, SeedError, load_seed, parse_seed
from adapters.simulator.server import ROUTES, RegistrySimulator

__all__ = [
    "ROUTES",
    "Fault",
    "FaultKind",
    "PersonSeed",
    "RegistrySimulator",
    "Seed",
    "SeedError",
    "load_seed",
    "parse_seed",
    "person_hash",
]
