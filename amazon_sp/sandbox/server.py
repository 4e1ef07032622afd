"""The local SP-API sandbox's HTTP server: routing, authentication, rate limits,
faults, recording.

It wires the handler modules (:data:`HANDLERS`) to a router; what each API answers is
in its own module, and the pieces they share (requests, responses, errors, routes) in
:mod:`.protocol`.

It listens on 127.0.0.1 only. SP-API paths are served as Amazon serves them, optionally
behind a region prefix (``/na``, ``/eu``, ``/fe``) that stands for Amazon's regional
hosts: a call to the prefix of another region than the seller's is denied, as Amazon
denies it.
"""

import json
import logging
import re
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from . import (
    catalog,
    control,
    feeds,
    finances,
    inventory,
    listings_api,
    listings_control,
    listings_publish,
    lwa,
    orders_2026,
    orders_v0,
    product_types,
    reports,
    sellers,
    settlements_control,
    shipments,
    tokens,
)
from .faults import REPLACING_KINDS, fault_response
from .protocol import ApiError, Request, Response, Router, path_matches

_logger = logging.getLogger(__name__)

REGION_PREFIX = re.compile(r"^/(na|eu|fe)(?=/)")

HANDLERS = (
    lwa,
    sellers,
    orders_v0,
    orders_2026,
    tokens,
    shipments,
    feeds,
    inventory,
    reports,
    finances,
    listings_api,
    listings_publish,
    listings_control,
    product_types,
    catalog,
    settlements_control,
    control,
)
"""The handler modules, one per API (and the control interface), each with a
``register(router)`` that adds its routes. Serving one more Amazon API: one handler
module, one line here. Routes are tried in this order."""


class Sandbox:
    """The local SP-API server.

    :param SandboxState state: what it serves.
    :param int port: the TCP port on 127.0.0.1; 0 picks a free one.
    """

    def __init__(self, state, port=0, host="127.0.0.1"):
        self.state = state
        self.router = Router()
        for module in HANDLERS:
            module.register(self.router)
        handler = type("Handler", (_Handler,), {"sandbox": self})
        self.httpd = ThreadingHTTPServer((host, port), handler)
        self.httpd.daemon_threads = True
        self._thread = None

    @property
    def port(self):
        return self.httpd.server_address[1]

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        """Serve in a background thread; return self."""
        self._thread = threading.Thread(
            target=self.httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="amazon-sp-sandbox",
            daemon=True,
        )
        self._thread.start()
        return self

    def serve_forever(self):
        self.httpd.serve_forever()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        if self._thread:
            self._thread.join(timeout=5)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # --- request handling ---

    def handle(self, request):
        """Answer one request. Never raises."""
        match = REGION_PREFIX.match(request.path)
        if match:
            request.region = match.group(1).upper()
            request.path = request.path[match.end() :]
        route, params = self.router.match(request.method, request.path)
        if route is None:
            status = 405 if params else 404
            return Response(
                status, ApiError(status, "NotFound", "Resource not found.").body()
            )
        request.params = params
        request.operation = route.operation
        fault = None
        if route.operation:
            fault = self.state.faults.take(
                route.operation, REPLACING_KINDS | {"slow", "latency"}
            )
            if fault and fault.kind == "slow":
                time.sleep(fault.delay)
            elif fault and fault.kind == "latency":
                self.state.clock.sleep(fault.delay)
            elif fault:
                return fault_response(fault.kind)
        try:
            if route.spapi:
                self._authorize(request)
                response = self._rate_limited(request)
                if response is None:
                    response = route.handler(self, request)
                    limit = request.seller.rate_limit(route.operation)
                    response.headers.setdefault(
                        "x-amzn-RateLimit-Limit", f"{limit.rate:g}"
                    )
            else:
                response = route.handler(self, request)
        except ApiError as exc:
            response = Response(exc.status, exc.body())
            if route.spapi and exc.status in (200, 400, 404) and request.seller:
                limit = request.seller.rate_limit(route.operation)
                response.headers["x-amzn-RateLimit-Limit"] = f"{limit.rate:g}"
        except Exception:
            _logger.exception(
                "sandbox handler failed for %s %s", request.method, request.path
            )
            response = Response(
                500,
                ApiError(
                    500, "InternalFailure", "We encountered an internal error."
                ).body(),
            )
        return response

    def _authorize(self, request):
        state = self.state
        header = request.headers.get("x-amz-access-token")
        if not header:
            raise ApiError(
                403,
                "MissingAuthenticationToken",
                "Access to requested resource is denied.",
            )
        with state.lock:
            token = state.tokens.get(header)
        if token is None:
            raise ApiError(
                403,
                "Unauthorized",
                "Access to requested resource is denied.",
                "The access token you provided is revoked, malformed or invalid.",
            )
        if token.expires_at <= state.clock.monotonic():
            raise ApiError(
                403,
                "Unauthorized",
                "Access to requested resource is denied.",
                "The access token you provided has expired.",
            )
        seller = state.sellers.get(token.seller_id)
        if seller is None or (request.region and request.region != seller.region):
            raise ApiError(
                403, "Unauthorized", "Access to requested resource is denied."
            )
        if request.operation in seller.denied_operations:
            raise ApiError(
                403, "Unauthorized", "Access to requested resource is denied."
            )
        if token.restricted is not None and not any(
            method == request.method and path_matches(pattern, request.path)
            for method, pattern, _elements in token.restricted
        ):
            # A restricted data token is good only for the resources it was made for.
            raise ApiError(
                403, "Unauthorized", "Access to requested resource is denied."
            )
        request.seller = seller
        request.token = token

    def _rate_limited(self, request):
        wait = self.state.take_token(request.seller, request.operation)
        if wait > 0:
            return Response(
                429,
                ApiError(
                    429,
                    "QuotaExceeded",
                    "You exceeded your quota for the requested resource.",
                ).body(),
            )
        return None


class _Handler(BaseHTTPRequestHandler):
    sandbox = None  # set on the subclass
    protocol_version = "HTTP/1.1"
    # Headers and body leave in two writes: without this, Nagle's algorithm and delayed
    # acknowledgements add 40 ms to every answer on a kept-alive connection.
    disable_nagle_algorithm = True

    def log_message(self, format, *args):
        _logger.debug("sandbox: " + format, *args)

    def _serve(self):
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        request = Request(
            method=self.command,
            path=parts.path,
            query=parse_qs(parts.query, keep_blank_values=True),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
        )
        response = self.sandbox.handle(request)
        self.sandbox.state.record(
            {
                "method": request.method,
                "path": request.path,
                "region": request.region,
                "query": {
                    k: v[-1] if len(v) == 1 else v for k, v in request.query.items()
                },
                "host": request.headers.get("host"),
                "operation": request.operation,
                "seller_id": request.seller.seller_id if request.seller else None,
                "body": _decoded(request),
                "status": response.status,
            }
        )
        if response.status is None:  # a fault asked to drop the connection
            self.close_connection = True
            return
        self._send(response)

    def _send(self, response):
        body = response.body
        if isinstance(body, (dict, list)):
            payload = json.dumps(body).encode()
        elif isinstance(body, str):
            payload = body.encode()
        else:
            payload = body or b""
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        for key, value in response.headers.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve


def _decoded(request):
    if not request.body:
        return None
    content_type = request.headers.get("content-type", "")
    if "json" in content_type:
        try:
            return json.loads(request.body)
        except ValueError:
            return request.body.decode("utf-8", "replace")
    if "x-www-form-urlencoded" in content_type:
        return "<form>"  # LWA bodies carry secrets: never recorded
    return request.body.decode("utf-8", "replace")
