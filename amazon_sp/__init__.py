"""Amazon Selling Partner API access for the Odoo connector, with no dependency on Odoo.

It wraps python-amazon-sp-api: the region and marketplace tables, a client factory per
seller and environment, typed errors, masked logs, and (in :mod:`amazon_sp.sandbox`) a
local SP-API server.
"""

from .client import SellerConnection
from .credentials import Credentials, Environment
from .errors import (
    AccessDenied,
    AmazonError,
    InvalidCredentials,
    InvalidInput,
    NotFound,
    Throttled,
    Unavailable,
)
from .marketplaces import MARKETPLACES, Marketplace, get_marketplace
from .regions import REGIONS, Region, get_region
from .sellers import Participation

__all__ = [
    "MARKETPLACES",
    "REGIONS",
    "AccessDenied",
    "AmazonError",
    "Credentials",
    "Environment",
    "InvalidCredentials",
    "InvalidInput",
    "Marketplace",
    "NotFound",
    "Participation",
    "Region",
    "SellerConnection",
    "Throttled",
    "Unavailable",
    "get_marketplace",
    "get_region",
]
