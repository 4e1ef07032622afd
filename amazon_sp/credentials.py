"""A seller's credentials, and where its calls go (:class:`Environment`)."""

import enum
import ipaddress
from dataclasses import dataclass, field
from urllib.parse import urlsplit


class Environment(enum.Enum):
    """Where the calls go."""

    PRODUCTION = "production"
    """Amazon's live SP-API, with the real LWA token endpoint."""
    AMAZON_SANDBOX = "amazon_sandbox"
    """Amazon's static sandbox (``sandbox.sellingpartnerapi-*``), with the real LWA
    endpoint."""
    LOCAL = "local"
    """A local server (``amazon_sp.sandbox``) that serves both the LWA token endpoint
    and the API."""


@dataclass(frozen=True)
class Credentials:
    """A seller's credentials for a self-authorised (private) SP-API application.

    :param str seller_id: the seller's merchant token (Seller ID), e.g.
        ``A2EXAMPLE1SELLER``.
    :param str client_id: the LWA client identifier of the application.
    :param str client_secret: the LWA client secret of the application.
    :param str refresh_token: the LWA refresh token the seller's authorisation produced.
    """

    seller_id: str
    client_id: str
    client_secret: str = field(repr=False)
    refresh_token: str = field(repr=False)

    def missing(self):
        """Return the names of the credentials that are empty.

        :rtype: list[str]
        """
        return [
            name
            for name in ("seller_id", "client_id", "client_secret", "refresh_token")
            if not (getattr(self, name) or "").strip()
        ]


def normalise_local_url(url):
    """Return the base URL of a local server without a trailing slash.

    :param str url: e.g. ``http://127.0.0.1:8765/``.
    :rtype: str
    :raise ValueError: if it is not an absolute http(s) URL without query or fragment.
    """
    parts = urlsplit((url or "").strip())
    if (
        parts.scheme not in ("http", "https")
        or not parts.netloc
        or parts.query
        or parts.fragment
    ):
        raise ValueError(
            f"{url!r} is not a valid local endpoint: expected a URL such as "
            f"http://127.0.0.1:8765"
        )
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


def local_url_allowed(url, allowed_hosts=()):
    """Whether credentials may be sent to a local server at this URL.

    A local server receives the LWA client secret and the refresh token with every
    token request, so only the machine itself (a loopback address, or ``localhost``)
    qualifies, unless the host is among those explicitly allowed.

    :param str url: the local server's base URL.
    :param allowed_hosts: other host names or addresses that may be used.
    :rtype: bool
    """
    host = (urlsplit((url or "").strip()).hostname or "").lower()
    if not host:
        return False
    if host == "localhost" or host in {h.strip().lower() for h in allowed_hosts}:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
