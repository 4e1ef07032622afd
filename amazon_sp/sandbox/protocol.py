"""The HTTP pieces the sandbox's server and its handler modules share.

A handler module (one per Amazon API: :mod:`.lwa`, :mod:`.sellers`, :mod:`.orders_v0`,
...) imports what it answers with from here (:class:`Response`, :class:`ApiError`,
:func:`invalid_input`) and exposes ``register(router)``, which adds its routes to a
:class:`Router`. The server (:mod:`.server`) imports this module and the handler
modules, never the other way round.

A handler is called as ``handler(sandbox, request)`` and returns a :class:`Response`,
or raises :class:`ApiError` for an answer in SP-API's ``{"errors": [...]}`` shape.
"""

import json
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qs


class ApiError(Exception):
    """An error answered in SP-API's ``{"errors": [...]}`` shape."""

    def __init__(self, status, code, message, details=""):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details

    def body(self):
        return {
            "errors": [
                {"code": self.code, "message": self.message, "details": self.details}
            ]
        }


def invalid_input(message, details=""):
    return ApiError(400, "InvalidInput", message, details)


@dataclass
class Request:
    method: str
    path: str
    query: dict
    headers: dict
    body: bytes
    region: str = None
    params: dict = field(default_factory=dict)
    seller: object = None
    token: object = None
    operation: str = None

    def arg(self, name, default=None):
        values = self.query.get(name)
        return values[-1] if values else default

    def csv(self, name):
        """Return a comma-separated (or repeated) query parameter as a list."""
        values = []
        for value in self.query.get(name, []):
            values.extend(v for v in value.split(",") if v)
        return values

    def json(self):
        if not self.body:
            return {}
        try:
            data = json.loads(self.body)
        except ValueError:
            raise invalid_input("The request body is not valid JSON.") from None
        if not isinstance(data, dict):
            raise invalid_input("The request body must be a JSON object.")
        return data

    def form(self):
        return {
            k: v[-1] for k, v in parse_qs(self.body.decode("utf-8", "replace")).items()
        }


@dataclass
class Response:
    status: int = 200
    body: object = None  # dict/list (JSON), bytes, str, or None
    headers: dict = field(default_factory=dict)
    content_type: str = "application/json"


@dataclass
class Route:
    method: str
    pattern: re.Pattern
    handler: object
    operation: str = (
        None  # <api>.<operationId>; None for non-SP-API routes (LWA, control)
    )
    spapi: bool = True


class Router:
    def __init__(self):
        self.routes = []

    def add(self, method, path, handler, operation=None, spapi=True):
        """Register a handler for ``path``, where ``{name}`` matches one path
        segment."""
        regex = "^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", path) + "$"
        self.routes.append(Route(method, re.compile(regex), handler, operation, spapi))

    def match(self, method, path):
        allowed = False
        for route in self.routes:
            match = route.pattern.match(path)
            if match:
                if route.method == method:
                    return route, match.groupdict()
                allowed = True
        return None, allowed


def path_matches(pattern, path):
    """Whether ``path`` matches ``pattern``, where ``{name}`` stands for one segment."""
    regex = "^" + re.sub(r"\\\{[^/]+\\\}", "[^/]+", re.escape(pattern)) + "$"
    return re.match(regex, path) is not None
