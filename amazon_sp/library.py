"""Fixes to python-amazon-sp-api's client classes (see the project's SPAPI notes,
section 5).

:func:`fixed_class` returns a library client class with these fixes mixed in:

- the ``host`` header the library derives from ``endpoint[8:]`` (wrong for ``http://``)
  is left to the HTTP client, which derives it from the URL;
- the marketplace the library adds to every query and body, and the ``path`` key some
  of its methods leave in the JSON they send, are not sent;
- HTTP errors without an ``errors`` list in their body (a bare 403, an empty 429, an
  HTML 500), and unreadable bodies, which the library returns as normal responses, raise
  typed :mod:`amazon_sp.errors` errors; every response carries its HTTP status.
"""

import threading

from .errors import AccessDenied, Throttled, Unavailable, error_for_status


class _ClientFixes:
    """Mixed into a library client class (:func:`fixed_class`): right host header,
    typed errors, response status."""

    @property
    def headers(self):
        headers = super().headers
        # The library sends endpoint[8:] as host, which assumes https://
        # ("27.0.0.1:8765" for
        # http://127.0.0.1:8765); the HTTP client derives the right one from the URL.
        headers.pop("host", None)
        return headers

    def _request(self, path, *, data=None, **kwargs):
        # Some library methods (create_feed, create_feed_document) leave their own
        # "path" key in the JSON body they send; Amazon does not document it.
        if isinstance(data, dict) and "path" in data:
            data = {key: value for key, value in data.items() if key != "path"}
        # The library adds the client's marketplace to every query and body under four
        # spellings unless told not to; amazon_sp passes the marketplaces it means.
        kwargs["add_marketplace"] = False
        return super()._request(path, data=data, **kwargs)

    def _check_response(self, res, res_no_data=False, bulk=False, wrap_list=False):
        status = res.status_code
        request_id = res.headers.get("x-amzn-RequestId")
        try:
            body = res.json() if res.content else None
        except ValueError:
            body = _UNREADABLE
        if status >= 400:
            raise _error_from_response(status, body, res.headers, request_id)
        if body is _UNREADABLE and not (res_no_data or self.method == "DELETE"):
            raise Unavailable(
                "Amazon answered with a body that is not JSON.",
                status=status,
                request_id=request_id,
            )
        response = super()._check_response(res, res_no_data, bulk, wrap_list)
        response.status_code = status
        return response


_UNREADABLE = object()
_fixed_classes = {}
_fixed_classes_lock = threading.Lock()


def fixed_class(api_class):
    with _fixed_classes_lock:
        if api_class not in _fixed_classes:
            _fixed_classes[api_class] = type(
                api_class.__name__, (_ClientFixes, api_class), {}
            )
        return _fixed_classes[api_class]


def _error_from_response(status, body, headers, request_id):
    errors = body.get("errors") if isinstance(body, dict) else None
    first = (
        errors[0]
        if isinstance(errors, list) and errors and isinstance(errors[0], dict)
        else {}
    )
    code = first.get("code")
    message = first.get("message") or (
        body.get("message") if isinstance(body, dict) else None
    )
    details = first.get("details")
    error_class = error_for_status(status)
    kwargs = {
        "status": status,
        "code": code,
        "details": details,
        "request_id": request_id,
    }
    if error_class is Throttled:
        return Throttled(
            "Amazon throttled the request (quota exceeded).",
            retry_after=_retry_after(headers),
            **kwargs,
        )
    if error_class is Unavailable:
        return Unavailable(
            f"Amazon had a server error (HTTP {status}); try again later.",
            retry_after=_retry_after(headers),
            **kwargs,
        )
    if error_class is AccessDenied:
        text = message or "Access to requested resource is denied."
        return AccessDenied(
            f"Amazon denied access: {text} {details or ''}".strip(), **kwargs
        )
    return error_class(
        f"Amazon refused the request: {message or 'no message'}", **kwargs
    )


def _retry_after(headers):
    value = headers.get("Retry-After") if headers is not None else None
    try:
        return max(float(value), 0.0) if value is not None else None
    except ValueError:
        return None
