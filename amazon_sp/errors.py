"""The errors `amazon_sp` raises.

Callers decide with three attributes: ``retryable`` (try the same call later:
throttling, an outage) versus not (report it: the input, the credentials or the access
must be fixed by a person); ``account_wide`` (the credentials or the access are wrong:
no call of this account can succeed until a person fixes them, so stop and tell the
account, not the record being sent); and ``retry_after`` (seconds to wait, when known).
Every error carries what Amazon said: the HTTP status, Amazon's error code and message,
and the request id to quote to Amazon's support. Messages never contain credentials or
buyer data.
"""


class AmazonError(Exception):
    """Base class of every error from Amazon or from the way to it.

    :param str message: what went wrong, in words a person can act on.
    :param int status: the HTTP status, when there was a response.
    :param str code: Amazon's error code (``QuotaExceeded``, ``InvalidInput``,
        ``invalid_grant``).
    :param str request_id: Amazon's ``x-amzn-RequestId``.
    :param str details: Amazon's error details, if any.
    :param str operation: the SP-API operation that failed, e.g. ``getOrders``.
    """

    retryable = False
    account_wide = False

    def __init__(
        self,
        message,
        *,
        status=None,
        code=None,
        request_id=None,
        details=None,
        operation=None,
    ):
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.request_id = request_id
        self.details = details
        self.operation = operation

    def __str__(self):
        parts = [self.message]
        extra = []
        if self.operation:
            extra.append(f"operation {self.operation}")
        if self.status:
            extra.append(f"HTTP {self.status}")
        if self.code:
            extra.append(f"code {self.code}")
        if self.request_id:
            extra.append(f"request id {self.request_id}")
        if extra:
            parts.append(f"({', '.join(extra)})")
        return " ".join(parts)


class InvalidCredentials(AmazonError):
    """Login with Amazon refused the credentials.

    ``kind`` says which: ``client`` (the LWA client id or client secret is wrong) or
    ``refresh_token`` (the refresh token is wrong, revoked, or belongs to another
    application).
    """

    account_wide = True

    def __init__(self, message, *, kind=None, **kwargs):
        super().__init__(message, **kwargs)
        self.kind = kind


class AccessDenied(AmazonError):
    """Amazon authenticated the call but denied it (HTTP 403).

    Typical causes: the application lacks the role the operation needs, the seller
    authorised it in another region, or the seller revoked the authorisation.
    """

    account_wide = True


class Throttled(AmazonError):
    """Amazon throttled the call (HTTP 429) or our own rate limiter would have to wait
    too long.

    :param float retry_after: seconds after which a new attempt can succeed, if known.
    """

    retryable = True

    def __init__(self, message, *, retry_after=None, **kwargs):
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class InvalidInput(AmazonError):
    """Amazon refused the request as malformed (HTTP 400, e.g. ``InvalidInput``)."""


class NotFound(AmazonError):
    """The resource does not exist (HTTP 404), e.g. an unknown order id."""


class Unavailable(AmazonError):
    """Amazon could not be reached or answered with a server error or an unreadable
    body.

    :param float retry_after: seconds after which a new attempt can succeed, if known.
    """

    retryable = True

    def __init__(self, message, *, retry_after=None, **kwargs):
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


def error_for_status(status):
    """Return the error class that stands for an HTTP error status.

    :param int status: an HTTP status of 400 or more.
    :rtype: type[AmazonError]
    """
    if status == 429:
        return Throttled
    if status in (401, 403):
        return AccessDenied
    if status == 404:
        return NotFound
    if status >= 500:
        return Unavailable
    return InvalidInput
