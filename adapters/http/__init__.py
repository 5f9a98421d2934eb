"""The three registries over HTTP, on an httpx `Client` handed in from outside.

`client` holds what they share (timeouts, retries, the circuit breaker, error mapping);
`wire` reads answers strictly; one module per registry maps its wire format to the
domain's facts. The wire formats are documented in `docs/registries/`.
"""

from adapters.http.client import (
    BreakerState,
    CircuitBreaker,
    RegistryEndpoint,
    RetryPolicy,
    Timeouts,
)
from adapters.http.disability import HttpDisabilityRegister
from adapters.http.platform import HttpAssistancePlatform
from adapters.http.unemployment import HttpUnemploymentRegistry

__all__ = [
    "BreakerState",
    "CircuitBreaker",
    "HttpAssistancePlatform",
    "HttpDisabilityRegister",
    "HttpUnemploymentRegistry",
    "RegistryEndpoint",
    "RetryPolicy",
    "Timeouts",
]
