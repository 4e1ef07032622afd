"""The control interface of the seller's listings, under ``/_sandbox/listings``.

- ``POST /_sandbox/listings``: ``{"seller_id"?, "listings": [{"sku", "marketplaces",
  "asin"?, "title"?, "quantity"?, "prices"?: {marketplace id: price},
  "minimum_prices"?, "channel"?: "FBM"|"FBA", "barcode"?, "barcode_type"?,
  "product_type"?, "issues"?: [Issue], "buyable"?}]}`` adds or replaces listings;
- ``POST /_sandbox/listings/generate``: ``{"seller_id"?, "count", "marketplaces"?,
  "seed"?, "fba_share"?, "prefix"?}`` adds generated listings;
- ``GET /_sandbox/listings?seller_id=``: what Amazon holds now, per SKU: quantity,
  handling time, fulfillment channel, prices by marketplace, status;
- ``DELETE /_sandbox/listings?seller_id=``: forgets the seller's listings;
- ``POST /_sandbox/listings/fatal``: ``{"seller_id"?, "count"?}``: the next
  ``count`` listings feeds of the seller end ``FATAL``, changing nothing.
"""

from .listingsdata import channel, generate, handling_time, new_item, price, quantity
from .listingsdata import status as listing_status
from .protocol import Response, invalid_input


def _seller(sandbox, seller_id):
    seller_id = seller_id or next(iter(sandbox.state.sellers), None)
    seller = sandbox.state.sellers.get(seller_id)
    if seller is None:
        raise invalid_input(f"unknown seller {seller_id!r}")
    return seller


def post_listings(sandbox, request):
    data = request.json()
    seller = _seller(sandbox, data.get("seller_id"))
    rows = data.get("listings")
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise invalid_input("listings must be a list of objects")
    state = sandbox.state
    items = []
    for row in rows:
        marketplaces = row.get("marketplaces") or seller.marketplaces[:1]
        if not row.get("sku") or any(
            m not in seller.marketplaces for m in marketplaces
        ):
            raise invalid_input(f"listing {row.get('sku')!r}: sku and marketplaces")
        items.append(
            new_item(
                row["sku"],
                marketplaces,
                state.clock.now(),
                asin=row.get("asin", ""),
                title=row.get("title", ""),
                quantity=row.get("quantity"),
                prices=row.get("prices"),
                minimum_prices=row.get("minimum_prices"),
                channel=row.get("channel", "FBM"),
                region=seller.region,
                barcode=row.get("barcode", ""),
                barcode_type=row.get("barcode_type", "EAN"),
                product_type=row.get("product_type", "PRODUCT"),
                issues=row.get("issues") or (),
                buyable=row.get("buyable", True),
            )
        )
    with state.lock:
        store = state.listings.setdefault(seller.seller_id, {})
        store.update({item["sku"]: item for item in items})
    return Response(200, {"ok": True, "count": len(items)})


def post_generate(sandbox, request):
    data = request.json()
    seller = _seller(sandbox, data.get("seller_id"))
    try:
        count = int(data.get("count", 100))
        seed = int(data.get("seed", 0))
        fba_share = float(data.get("fba_share", 0.2))
    except (TypeError, ValueError) as exc:
        raise invalid_input(str(exc)) from None
    marketplaces = data.get("marketplaces") or seller.marketplaces[:1]
    if any(m not in seller.marketplaces for m in marketplaces):
        raise invalid_input("marketplaces must be the seller's")
    items = generate(
        count,
        marketplaces,
        sandbox.state.clock.now(),
        seed=seed,
        fba_share=fba_share,
        prefix=data.get("prefix", "SKU"),
    )
    with sandbox.state.lock:
        store = sandbox.state.listings.setdefault(seller.seller_id, {})
        store.update({item["sku"]: item for item in items})
    return Response(200, {"ok": True, "count": len(items)})


def get_listings(sandbox, request):
    seller = _seller(sandbox, request.arg("seller_id"))
    with sandbox.state.lock:
        items = list(sandbox.state.listings.get(seller.seller_id, {}).values())
        listings = {
            item["sku"]: {
                "quantity": quantity(item),
                "handling_time": handling_time(item),
                "channel": channel(item),
                "prices": {m: price(item, m) for m in item["marketplaces"]},
                "status": {m: listing_status(item, m) for m in item["marketplaces"]},
                "attributes": item["attributes"],
            }
            for item in items
        }
    return Response(200, {"listings": listings})


def delete_listings(sandbox, request):
    seller = _seller(sandbox, request.arg("seller_id"))
    with sandbox.state.lock:
        sandbox.state.listings.pop(seller.seller_id, None)
    return Response(200, {"ok": True})


def post_fatal(sandbox, request):
    data = request.json()
    seller = _seller(sandbox, data.get("seller_id"))
    with sandbox.state.lock:
        sandbox.state.listings_feed_fatal[seller.seller_id] = int(data.get("count", 1))
    return Response(200, {"ok": True})


def register(router):
    for method, path, handler in (
        ("POST", "/_sandbox/listings", post_listings),
        ("GET", "/_sandbox/listings", get_listings),
        ("DELETE", "/_sandbox/listings", delete_listings),
        ("POST", "/_sandbox/listings/generate", post_generate),
        ("POST", "/_sandbox/listings/fatal", post_fatal),
    ):
        router.add(method, path, handler, spapi=False)
