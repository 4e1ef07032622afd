"""A local SP-API server for tests and demos: ``python -m amazon_sp.sandbox --port
8765``.

It serves the Login with Amazon token endpoint and the SP-API operations this project
uses, in Amazon's documented JSON, with Amazon's default rate limits, on 127.0.0.1.
"""

from .protocol import ApiError, Request, Response
from .server import Sandbox
from .state import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_MARKETPLACES,
    DEFAULT_REFRESH_TOKEN,
    DEFAULT_SELLER_ID,
    SandboxState,
    Seller,
    default_state,
)

__all__ = [
    "DEFAULT_CLIENT_ID",
    "DEFAULT_CLIENT_SECRET",
    "DEFAULT_MARKETPLACES",
    "DEFAULT_REFRESH_TOKEN",
    "DEFAULT_SELLER_ID",
    "ApiError",
    "Request",
    "Response",
    "Sandbox",
    "SandboxState",
    "Seller",
    "default_state",
]
