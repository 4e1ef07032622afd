"""Sellers API v1: the marketplaces a seller participates in."""

from dataclasses import dataclass

from sp_api.api import Sellers

from .errors import Unavailable


def get_marketplace_participations(connection):
    """Return the marketplaces the seller participates in (Sellers API).

    :param SellerConnection connection: the seller's connection.
    :rtype: list[Participation]
    :raise AmazonError: on any failure.
    """
    with connection.client(Sellers) as sellers:
        response = connection.call(
            "sellers.getMarketplaceParticipations",
            sellers.get_marketplace_participation,
        )
    payload = response.payload
    if not isinstance(payload, list):
        raise Unavailable(
            "Amazon answered getMarketplaceParticipations without a list of "
            "participations.",
            operation="sellers.getMarketplaceParticipations",
        )
    return [
        Participation.from_payload(item) for item in payload if isinstance(item, dict)
    ]


@dataclass(frozen=True)
class Participation:
    """A marketplace the seller may sell in, as the Sellers API reports it."""

    marketplace_id: str
    name: str
    country_code: str
    currency: str
    domain: str
    is_participating: bool
    has_suspended_listings: bool
    store_name: str = ""

    @classmethod
    def from_payload(cls, item):
        marketplace = item.get("marketplace") or {}
        participation = item.get("participation") or {}
        return cls(
            marketplace_id=marketplace.get("id") or "",
            name=marketplace.get("name") or "",
            country_code=marketplace.get("countryCode") or "",
            currency=marketplace.get("defaultCurrencyCode") or "",
            domain=marketplace.get("domainName") or "",
            is_participating=bool(participation.get("isParticipating")),
            has_suspended_listings=bool(participation.get("hasSuspendedListings")),
            store_name=item.get("storeName") or "",
        )
