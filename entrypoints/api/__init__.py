"""The HTTP API on Litestar: `create_app(ApiServices(...))`."""

from entrypoints.api.app import create_app
from entrypoints.api.services import ApiServices, ApiSettings

__all__ = ["ApiServices", "ApiSettings", "create_app"]
