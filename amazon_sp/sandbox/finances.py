"""Finances API v0, as the sandbox serves it: ``listFinancialEventGroups``.

The groups are the payouts of the settlements the sandbox closed
(:mod:`.settlementdata`), oldest first, filtered by when they opened and paginated
with ``NextToken`` as Amazon does.
"""

import uuid

from .orderlists import parse_time
from .protocol import Response, invalid_input

PAGE_SIZE_MAX = 100


def list_financial_event_groups(sandbox, request):
    state = sandbox.state
    token = request.arg("NextToken")
    if token:
        saved = state.page_tokens.pop(token, None)
        if saved is None or saved[0]["seller_id"] != request.seller.seller_id:
            raise invalid_input("Invalid NextToken.")
        criteria, start = saved
    else:
        try:
            size = int(request.arg("MaxResultsPerPage") or 10)
        except ValueError:
            raise invalid_input("MaxResultsPerPage must be a number.") from None
        if not 1 <= size <= PAGE_SIZE_MAX:
            raise invalid_input("MaxResultsPerPage must be between 1 and 100.")
        after = request.arg("FinancialEventGroupStartedAfter")
        before = request.arg("FinancialEventGroupStartedBefore")
        criteria = {
            "after": parse_time(after, "FinancialEventGroupStartedAfter")
            if after
            else None,
            "before": parse_time(before, "FinancialEventGroupStartedBefore")
            if before
            else None,
            "size": size,
            "seller_id": request.seller.seller_id,
        }
        if (
            criteria["after"]
            and criteria["before"]
            and criteria["before"] <= criteria["after"]
        ):
            raise invalid_input(
                "FinancialEventGroupStartedBefore must be after "
                "FinancialEventGroupStartedAfter."
            )
        start = 0
    with state.lock:
        groups = list(state.financial_event_groups.get(criteria["seller_id"], []))
    matching = []
    for group in groups:
        opened = parse_time(group["FinancialEventGroupStart"], "start")
        if criteria["after"] and opened < criteria["after"]:
            continue
        if criteria["before"] and opened >= criteria["before"]:
            continue
        matching.append(group)
    page = matching[start : start + criteria["size"]]
    payload = {"FinancialEventGroupList": page}
    if start + criteria["size"] < len(matching):
        token = uuid.uuid4().hex
        state.page_tokens[token] = (criteria, start + criteria["size"])
        payload["NextToken"] = token
    return Response(200, {"payload": payload})


def register(router):
    router.add(
        "GET",
        "/finances/v0/financialEventGroups",
        list_financial_event_groups,
        "finances.listFinancialEventGroups",
    )
