"""Sellers API v1 as the sandbox serves it (getMarketplaceParticipations)."""

from .protocol import Response
from .state import NON_AMAZON_MARKETPLACE, marketplace_payload


def get_marketplace_participations(sandbox, request):
    seller = request.seller
    payload = []
    for marketplace_id in seller.marketplaces:
        payload.append(
            {
                "marketplace": marketplace_payload(
                    marketplace_id, sandbox.state.extra_marketplaces
                ),
                "storeName": f"Sandbox store {seller.seller_id}",
                "participation": {
                    "isParticipating": True,
                    "hasSuspendedListings": marketplace_id
                    in seller.suspended_marketplaces,
                },
            }
        )
    if seller.non_amazon:
        payload.append(
            {
                "marketplace": dict(NON_AMAZON_MARKETPLACE),
                "storeName": f"Sandbox store {seller.seller_id}",
                "participation": {
                    "isParticipating": True,
                    "hasSuspendedListings": False,
                },
            }
        )
    return Response(200, {"payload": payload})


def register(router):
    router.add(
        "GET",
        "/sellers/v1/marketplaceParticipations",
        get_marketplace_participations,
        "sellers.getMarketplaceParticipations",
    )
