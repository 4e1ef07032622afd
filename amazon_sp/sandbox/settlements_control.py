"""The sandbox's control routes for settlements (not SP-API):

- ``POST /_sandbox/settlements``: ``{"seller_id", "marketplace_id", "order_ids"?,
  "refunds"?, "other"?, "reserve"?, "previous_reserve"?, "foreign_orders"?,
  "advertising"?, "start"?, "end"?, "encoding"?, "seed"?}`` closes a settlement
  period (see :func:`.settlementdata.close_settlement`): a settlement report, GZIP,
  in the marketplace's locale, and its payout among the financial event groups.
  Answers the settlement id, the report id, the total and the file's text;
- ``GET /_sandbox/settlements?seller_id=``: the financial event groups so far.
"""

from decimal import Decimal, InvalidOperation

from .orderlists import parse_time
from .protocol import Response, invalid_input
from .settlementdata import close_settlement

_AMOUNTS = ("reserve", "previous_reserve", "advertising")


def post_settlement(sandbox, request):
    data = request.json()
    state = sandbox.state
    seller = state.sellers.get(data.get("seller_id"))
    if seller is None:
        raise invalid_input("Unknown seller_id.")
    marketplace_id = data.get("marketplace_id") or seller.marketplaces[0]
    if marketplace_id not in seller.marketplaces:
        raise invalid_input(f"The seller does not sell in {marketplace_id}.")
    options = {}
    for name in _AMOUNTS:
        if data.get(name) is not None:
            try:
                options[name] = Decimal(str(data[name]))
            except InvalidOperation:
                raise invalid_input(f"{name} must be an amount.") from None
    for name in ("start", "end"):
        if data.get(name):
            options[name] = parse_time(data[name], name)
    for name in ("order_ids", "refunds", "other", "foreign_orders", "encoding", "seed"):
        if name in data:
            options[name] = data[name]
    try:
        result = close_settlement(state, seller.seller_id, marketplace_id, **options)
    except ValueError as error:
        raise invalid_input(str(error)) from None
    return Response(200, result)


def get_settlements(sandbox, request):
    seller_id = request.arg("seller_id")
    with sandbox.state.lock:
        groups = list(sandbox.state.financial_event_groups.get(seller_id, []))
    return Response(200, {"groups": groups})


def register(router):
    router.add("POST", "/_sandbox/settlements", post_settlement, spapi=False)
    router.add("GET", "/_sandbox/settlements", get_settlements, spapi=False)
