"""Keep credentials and buyer data out of logs.

:class:`MaskingFilter` rewrites a log record so that refresh tokens, client secrets, LWA
access tokens, restricted data tokens and buyer PII (names, e-mails, phones, addresses,
tax ids, gift messages) read ``[REDACTED]``. It recognises them by key
(``"refresh_token": "..."``, ``client_secret=...``, ``'BuyerEmail': '...'``), by shape
(``Atzr|...`` and ``Atza|...`` tokens, e-mail addresses) and by value (secrets
registered with :func:`register_secret`).

:func:`install` applies it to every record of the loggers this project involves:
``amazon_sp``, the Odoo addon, python-amazon-sp-api (``sp_api``) and its HTTP stack
(``httpx``, ``httpcore``), child loggers included, whatever handlers are configured
later. A filter attached to a logger only sees records of that very logger, so the
masking is hooked into record creation.
"""

import logging
import re
import threading

REDACTED = "[REDACTED]"

MASKED_LOGGERS = (
    "amazon_sp",
    "odoo.addons.amazon_connector",
    "sp_api",
    "httpx",
    "httpcore",
)

# Keys whose values are secrets or buyer PII, in SP-API v0 (PascalCase), 2026-01-01
# (camelCase),
# LWA (snake_case) and HTTP header spellings. Matched case-insensitively.
SECRET_KEYS = (
    "refresh_token",
    "client_secret",
    "lwa_client_secret",
    "access_token",
    "x-amz-access-token",
    "restricted_data_token",
    "restrictedDataToken",
    "authorization",
)
PII_KEYS = (
    "BuyerEmail",
    "BuyerName",
    "BuyerCompanyName",
    "BuyerTaxInfo",
    "BuyerTaxInformation",
    "PurchaseOrderNumber",
    "buyerPurchaseOrderNumber",
    "email",
    "Name",
    "CompanyName",
    "AddressLine1",
    "AddressLine2",
    "AddressLine3",
    "City",
    "County",
    "District",
    "districtOrCounty",
    "Municipality",
    "PostalCode",
    "Phone",
    "GiftMessageText",
    "giftMessage",
    "TaxingRegion",
    "taxRegistrationId",
    "CompanyLegalName",
    "vat",
)

_KEYS = "|".join(
    re.escape(k) for k in sorted(set(SECRET_KEYS + PII_KEYS), key=len, reverse=True)
)
# "key": "value" / 'key': 'value' / key=value / key: value (header lines), keeping the
# separator.
_KEY_VALUE = re.compile(
    r"""(?P<key>(?<![\w-])["']?(?:%s)["']?)(?P<sep>\s*[:=]\s*)"""
    r"""(?:(?P<q>["'])(?P<quoted>(?:\\.|(?!(?P=q)).)*)(?P=q)|(?P<bare>[^\s,&;}\]'"]+))"""
    % _KEYS,
    re.IGNORECASE,
)
_TOKEN = re.compile(r"Atz[ar]\|[\w\-.~+/=|%]+")
_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")

_registered = set()
_registered_lock = threading.Lock()


def register_secret(value):
    """Mask this exact value wherever it appears in a masked log record.

    Used for credentials whose shape is not recognisable (LWA client secrets, sandbox
    tokens). Values shorter than 6 characters are ignored: masking them would garble
    ordinary text.

    :param str value: the secret.
    """
    if value and isinstance(value, str) and len(value) >= 6:
        with _registered_lock:
            _registered.add(value)


def _mask_key_value(match):
    if match.group("q"):
        q = match.group("q")
        return f"{match.group('key')}{match.group('sep')}{q}{REDACTED}{q}"
    return f"{match.group('key')}{match.group('sep')}{REDACTED}"


def mask(text):
    """Return ``text`` with every secret and PII value replaced by ``[REDACTED]``.

    :param str text: any text.
    :rtype: str
    """
    if not text:
        return text
    with _registered_lock:
        secrets = sorted(_registered, key=len, reverse=True)
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)
    text = _KEY_VALUE.sub(_mask_key_value, text)
    text = _TOKEN.sub(REDACTED, text)
    return _EMAIL.sub(REDACTED, text)


class MaskingFilter(logging.Filter):
    """A logging filter that masks secrets and buyer PII in the records it sees.

    It never drops a record. It can be attached to handlers too.
    """

    def filter(self, record):
        mask_record(record)
        return True


def mask_record(record):
    """Mask a log record in place: its message with its arguments, and its exception
    text.

    :param logging.LogRecord record: the record.
    """
    if getattr(record, "_amazon_masked", False):
        return
    try:
        message = record.getMessage()
    except Exception:  # noqa: BLE001 - a broken format string must still be masked, not raised
        message = str(record.msg)
    record.msg = mask(message)
    record.args = None
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = mask(record.exc_text)
    record._amazon_masked = True


def _is_masked_logger(name):
    return any(
        name == prefix or name.startswith(prefix + ".") for prefix in MASKED_LOGGERS
    )


_install_lock = threading.Lock()
_installed = False


def install():
    """Mask every record of the loggers this project involves, from now on.
    Idempotent."""
    global _installed
    with _install_lock:
        if _installed:
            return
        previous_factory = logging.getLogRecordFactory()

        def factory(*args, **kwargs):
            record = previous_factory(*args, **kwargs)
            if _is_masked_logger(record.name):
                mask_record(record)
            return record

        logging.setLogRecordFactory(factory)
        _installed = True
