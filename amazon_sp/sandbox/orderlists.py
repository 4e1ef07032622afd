"""How the sandbox lists orders, for Orders API v0 ``getOrders`` and 2026-01-01
``searchOrders`` alike.

Lists follow Amazon's rules: exactly one of the created/last-updated filters,
``*Before`` at least two minutes before now (and after ``*After``), ISO 8601 date-times,
at most 50 marketplaces, 1 to 100 orders a page, and pagination tokens that repeat the
query's filters and expire after 24 hours. A token lists the orders matching the query
when its first page was asked for, so that later pages neither skip nor repeat orders
that change meanwhile.
"""

import base64
import hashlib
import json
import os
import re
from datetime import datetime, timedelta, timezone

from ..marketplaces import MARKETPLACES
from .protocol import invalid_input

TWO_MINUTES = timedelta(minutes=2)
TOKEN_LIFETIME = 24 * 3600
_ISO = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$"
)


def parse_time(value, name):
    if not value or not _ISO.match(value):
        raise invalid_input(
            f"Invalid {name}: {value!r}. Use an ISO 8601 date-time such as "
            "2026-01-01T00:00:00Z."
        )
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(timezone.utc)


def _order_time(order, key):
    return datetime.fromisoformat(order[key].replace("Z", "+00:00"))


def date_window(sandbox, request, names):
    """Check the date filters and return ``(field, after, before, echo_key)``.

    :param dict names: ``created_after``, ``created_before``, ``updated_after``,
        ``updated_before``, ``echo_created``, ``echo_updated``: the parameter names of
        the version.
    """
    created_after = request.arg(names["created_after"])
    updated_after = request.arg(names["updated_after"])
    if bool(created_after) == bool(updated_after):
        raise invalid_input(
            f"Exactly one of {names['created_after']} and {names['updated_after']} is "
            "required."
        )
    if created_after:
        field, after_name, before_name = (
            "createdTime",
            names["created_after"],
            names["created_before"],
        )
        echo = names["echo_created"]
        if request.arg(names["updated_before"]):
            raise invalid_input(
                f"{names['updated_before']} cannot be used with "
                f"{names['created_after']}."
            )
    else:
        field, after_name, before_name = (
            "lastUpdatedTime",
            names["updated_after"],
            names["updated_before"],
        )
        echo = names["echo_updated"]
        if request.arg(names["created_before"]):
            raise invalid_input(
                f"{names['created_before']} cannot be used with "
                f"{names['updated_after']}."
            )
    after = parse_time(request.arg(after_name), after_name)
    latest = sandbox.state.clock.now() - TWO_MINUTES
    before_value = request.arg(before_name)
    if before_value:
        before = parse_time(before_value, before_name)
        if before > latest:
            raise invalid_input(
                f"{before_name} must be at least two minutes before the current time."
            )
    else:
        before = latest
    if before < after:
        raise invalid_input(f"{before_name} must be later than {after_name}.")
    return field, after, before, echo


def marketplace_filter(request, name, required):
    ids = request.csv(name)
    if required and not ids:
        raise invalid_input(f"{name} is required.")
    if len(ids) > 50:
        raise invalid_input(f"{name} accepts at most 50 marketplace ids.")
    unknown = [
        m for m in ids if m not in MARKETPLACES and m not in request.seller.marketplaces
    ]
    if unknown:
        raise invalid_input(f"Invalid {name}: {', '.join(unknown)}.")
    return ids


def _page_size(request, name):
    value = request.arg(name, "100")
    try:
        size = int(value)
    except ValueError:
        size = 0
    if not 1 <= size <= 100:
        raise invalid_input(f"{name} must be between 1 and 100.")
    return size


def _new_token():
    # Standard base64, so that tokens carry "+", "/" and "=" as Amazon's do.
    return base64.b64encode(os.urandom(25)).decode()


def query_key(request, ignored):
    items = sorted((k, tuple(v)) for k, v in request.query.items() if k not in ignored)
    return hashlib.sha256(json.dumps(items).encode()).hexdigest()


def select_page(sandbox, request, token_name, filters, params_key):
    """Return ``(order ids of the page, next token, before, echo key)`` of a list.

    :param callable filters: returns ``(field, after, before, predicate, echo key)``.
    """
    state = sandbox.state
    token = request.arg(token_name)
    now = state.clock.monotonic()
    if token:
        if state.faults.take(request.operation, {"invalid_pagination_token"}):
            raise invalid_input(
                f"Invalid {token_name}.", "The token could not be decoded."
            )
        with state.lock:
            entry = state.page_tokens.get(token)
        if (
            entry is None
            or entry["seller_id"] != request.seller.seller_id
            or entry["operation"] != request.operation
            or now - entry["issued"] > TOKEN_LIFETIME
            or (params_key is not None and entry["params_key"] != params_key)
        ):
            raise invalid_input(
                f"Invalid {token_name}.",
                "The token is unknown or expired, or the other parameters changed.",
            )
        ids, offset, before, echo = (
            entry["ids"],
            entry["offset"],
            entry["before"],
            entry["echo"],
        )
    else:
        field, after, before, predicate, echo = filters()
        orders = [
            o
            for o in state.seller_orders(request.seller.seller_id)
            if after <= _order_time(o, field) <= before and predicate(o)
        ]
        orders.sort(key=lambda o: (o[field], o["orderId"]))
        ids, offset = [o["orderId"] for o in orders], 0
    size_name = (
        "maxResultsPerPage" if token_name == "paginationToken" else "MaxResultsPerPage"
    )
    size = _page_size(request, size_name)
    start = offset
    if token and state.faults.take(request.operation, {"repeat_page"}):
        # Amazon sometimes sends a page again: the same orders, and a token that leads
        # to the page that was asked for.
        start, end = max(0, offset - size), offset
        next_offset = offset
    else:
        end = offset + size
        next_offset = end
    page = ids[start:end]
    next_token = None
    if next_offset < len(ids):
        next_token = _new_token()
        with state.lock:
            state.page_tokens[next_token] = {
                "seller_id": request.seller.seller_id,
                "operation": request.operation,
                "params_key": params_key,
                "ids": ids,
                "offset": next_offset,
                "issued": now,
                "before": before,
                "echo": echo,
            }
    return page, next_token, before, echo
