"""No credential or buyer data reaches a log line, whoever logs it."""

import logging

import pytest

from amazon_sp import logmask
from amazon_sp.logmask import REDACTED, mask


@pytest.fixture
def debug_logs(caplog):
    logmask.install()
    caplog.set_level(logging.DEBUG)
    # Loggers with a level of their own (the library's, Odoo's when it is loaded).
    for name in (
        "sp_api", "sp_api.base.client", "amazon_sp", "httpx", "httpcore", "odoo",
        "odoo.addons.sale", "odoo.addons.amazon_connector.models.amazon_account",
    ):  # fmt: skip
        caplog.set_level(logging.DEBUG, logger=name)
    return caplog


def test_keys_tokens_and_emails_are_masked():
    text = (
        "{'refresh_token': 'Atzr|IwEBIabc', 'client_secret': 'amzn1.oa2-cs.v1.xyz', "
        "'x-amz-access-token': 'Atza|IwEBIdef'} grant_type=refresh_token&"
        "client_secret=s3cr3t&refresh_token=Atzr%7Cq "
        '{"BuyerEmail": "a1b2@marketplace.amazon.de", "BuyerName": "Jörg Müller", '
        '"AddressLine1": "Hauptstraße 1", "Phone": "+49 30 1234", '
        '"PostalCode": "10115", '
        '"restrictedDataToken": "Atz.sprdt|x"} mail me at jane@example.com'
    )
    masked = mask(text)
    for secret in (
        "Atzr|IwEBIabc", "amzn1.oa2-cs.v1.xyz", "Atza|IwEBIdef", "s3cr3t", "Atzr%7Cq",
        "a1b2@marketplace.amazon.de", "Jörg Müller", "Hauptstraße 1", "+49 30 1234",
        "10115", "Atz.sprdt|x", "jane@example.com",
    ):  # fmt: skip
        assert secret not in masked, secret
    assert masked.count(REDACTED) >= 12
    assert "grant_type=refresh_token" in masked  # the grant type is not a secret


def test_registered_secrets_are_masked_anywhere():
    logmask.register_secret("an-unrecognisable-secret-42")
    assert mask("value an-unrecognisable-secret-42 here") == f"value {REDACTED} here"


def test_library_debug_logs_of_a_real_exchange_hold_no_secret(debug_logs, connection):
    connection.get_marketplace_participations()
    text = "\n".join(r.getMessage() for r in debug_logs.records)
    assert "Request Headers" in text  # the library did log its headers at DEBUG
    assert connection.credentials.client_secret not in text
    assert connection.credentials.refresh_token not in text
    assert "Atza|" not in text  # the access token
    assert REDACTED in text


def test_arguments_and_exceptions_are_masked_too(debug_logs):
    logger = logging.getLogger("odoo.addons.amazon_connector.models.amazon_account")
    try:
        raise ValueError("refresh_token=Atzr|leaked-in-exception")
    except ValueError:
        logger.exception("failed for %s", {"BuyerEmail": "x9@marketplace.amazon.com"})
    record = debug_logs.records[-1]
    formatted = logging.Formatter().format(record)
    assert "x9@marketplace.amazon.com" not in formatted
    assert "Atzr|leaked-in-exception" not in formatted


def test_other_loggers_are_left_alone(debug_logs):
    logging.getLogger("odoo.addons.sale").info("customer jane@example.com")
    assert debug_logs.records[-1].getMessage() == "customer jane@example.com"
