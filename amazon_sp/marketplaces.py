"""Every Amazon marketplace the Selling Partner API documents.

Source: Amazon's "Marketplace IDs" page (ids, country codes, regions). The country code
is the ISO 3166-1 code the Sellers API returns (``GB`` where Amazon's page writes
``UK``). The currency is the marketplace's default currency
(getMarketplaceParticipations returns it too).

``tax_included`` tells whether the prices Amazon reports for consumer orders include the
sales tax: they do wherever consumer prices must be shown with VAT/GST (Europe, the UK,
Turkey, the Middle East, India, Japan, Australia, Singapore, Mexico, Brazil...), and
they do not in the United States and Canada, where sales tax is added at checkout.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Marketplace:
    """An Amazon marketplace.

    :param str id: Amazon's MarketplaceId, e.g. ``A1PA6795UKMFR9``.
    :param str country_code: ISO 3166-1 alpha-2 code, e.g. ``DE``.
    :param str name: the marketplace's name, e.g. ``Amazon.de``.
    :param str domain: the storefront's domain, e.g. ``www.amazon.de``.
    :param str region: the SP-API region code, ``NA``, ``EU`` or ``FE``.
    :param str currency: ISO 4217 code of the default currency.
    :param bool tax_included: whether reported prices include the sales tax.
    """

    id: str
    country_code: str
    name: str
    domain: str
    region: str
    currency: str
    tax_included: bool


def _m(id_, country, name, region, currency, tax_included=True):
    return Marketplace(
        id_, country, name, "www." + name.lower(), region, currency, tax_included
    )


MARKETPLACES = {
    m.id: m
    for m in (
        # North America
        _m("A2EUQ1WTGCTBG2", "CA", "Amazon.ca", "NA", "CAD", tax_included=False),
        _m("ATVPDKIKX0DER", "US", "Amazon.com", "NA", "USD", tax_included=False),
        _m("A1AM78C64UM0Y8", "MX", "Amazon.com.mx", "NA", "MXN"),
        _m("A2Q3Y263D00KWC", "BR", "Amazon.com.br", "NA", "BRL"),
        # Europe (with the Middle East, Africa and India)
        _m("A28R8C7NBKEWEA", "IE", "Amazon.ie", "EU", "EUR"),
        _m("A1RKKUPIHCS9HS", "ES", "Amazon.es", "EU", "EUR"),
        _m("A1F83G8C2ARO7P", "GB", "Amazon.co.uk", "EU", "GBP"),
        _m("A13V1IB3VIYZZH", "FR", "Amazon.fr", "EU", "EUR"),
        _m("AMEN7PMS3EDWL", "BE", "Amazon.com.be", "EU", "EUR"),
        _m("A1805IZSGTT6HS", "NL", "Amazon.nl", "EU", "EUR"),
        _m("A1PA6795UKMFR9", "DE", "Amazon.de", "EU", "EUR"),
        _m("APJ6JRA9NG5V4", "IT", "Amazon.it", "EU", "EUR"),
        _m("A2NODRKZP88ZB9", "SE", "Amazon.se", "EU", "SEK"),
        _m("AE08WJ6YKNBMC", "ZA", "Amazon.co.za", "EU", "ZAR"),
        _m("A1C3SOZRARQ6R3", "PL", "Amazon.pl", "EU", "PLN"),
        _m("ARBP9OOSHTCHU", "EG", "Amazon.eg", "EU", "EGP"),
        _m("A33AVAJ2PDY3EV", "TR", "Amazon.com.tr", "EU", "TRY"),
        _m("A17E79C6D8DWNP", "SA", "Amazon.sa", "EU", "SAR"),
        _m("A2VIGQ35RCS4UG", "AE", "Amazon.ae", "EU", "AED"),
        _m("A21TJRUUN4KGV", "IN", "Amazon.in", "EU", "INR"),
        # Far East
        _m("A19VAU5U5O7RUS", "SG", "Amazon.sg", "FE", "SGD"),
        _m("A39IBJ37TRP1C6", "AU", "Amazon.com.au", "FE", "AUD"),
        _m("A1VC38T7YXB528", "JP", "Amazon.co.jp", "FE", "JPY"),
    )
}


def get_marketplace(marketplace_id):
    """Return the documented marketplace of that id, or ``None`` if Amazon documents
    none.

    :param str marketplace_id: Amazon's MarketplaceId.
    :rtype: Marketplace | None
    """
    return MARKETPLACES.get(marketplace_id)


def marketplaces_of_region(region_code):
    """Return the documented marketplaces of a region, in table order.

    :param str region_code: ``NA``, ``EU`` or ``FE``.
    :rtype: list[Marketplace]
    """
    return [m for m in MARKETPLACES.values() if m.region == region_code]
