"""The region and marketplace tables, against the library's and the addon's."""

import pathlib
import xml.etree.ElementTree as ET

from sp_api.base import Marketplaces

from amazon_sp.marketplaces import MARKETPLACES, get_marketplace, marketplaces_of_region
from amazon_sp.regions import REGIONS, get_region

ADDON_DATA = (
    pathlib.Path(__file__).resolve().parent.parent
    / "amazon_connector"
    / "data"
    / "amazon_marketplace_data.xml"
)


def test_three_regions_with_https_endpoints():
    assert set(REGIONS) == {"NA", "EU", "FE"}
    for code, region in REGIONS.items():
        assert region.endpoint == f"https://sellingpartnerapi-{code.lower()}.amazon.com"
        assert region.sandbox_endpoint == (
            f"https://sandbox.sellingpartnerapi-{code.lower()}.amazon.com"
        )
        assert region.token_url == "https://api.amazon.com/auth/o2/token"
    assert get_region("eu") is REGIONS["EU"]


def test_unknown_region_says_what_is_expected():
    try:
        get_region("ASIA")
    except ValueError as exc:
        assert "NA, EU, FE" in str(exc)
    else:
        raise AssertionError("no error")


def test_every_documented_marketplace_is_in_the_table_with_its_region():
    # The library's enum holds Amazon's documented ids; UK is an alias of GB.
    library = {m.marketplace_id: m for m in Marketplaces}
    assert set(library) == set(MARKETPLACES)
    aws_region_of = {r.aws_region: r.code for r in REGIONS.values()}
    for marketplace_id, marketplace in MARKETPLACES.items():
        assert aws_region_of[library[marketplace_id].region] == marketplace.region
        assert library[marketplace_id].endpoint == REGIONS[marketplace.region].endpoint
    assert len(MARKETPLACES) == 23


def test_marketplace_facts():
    de = get_marketplace("A1PA6795UKMFR9")
    assert (de.name, de.country_code, de.domain, de.currency, de.tax_included) == (
        "Amazon.de", "DE", "www.amazon.de", "EUR", True,
    )  # fmt: skip
    uk = get_marketplace("A1F83G8C2ARO7P")
    assert (uk.country_code, uk.currency, uk.domain) == (
        "GB",
        "GBP",
        "www.amazon.co.uk",
    )
    tax_exclusive = {
        m.country_code for m in MARKETPLACES.values() if not m.tax_included
    }
    assert tax_exclusive == {"US", "CA"}
    assert {m.country_code for m in marketplaces_of_region("FE")} == {"SG", "AU", "JP"}
    assert get_marketplace("A2ZV50J4W1RKNI") is None  # "Non-Amazon" is not a store


def test_addon_marketplace_data_agrees_with_the_table():
    tree = ET.parse(ADDON_DATA)
    records = {}
    for record in tree.iter("record"):
        if record.get("model") != "amazon.marketplace":
            continue
        fields = {}
        for field in record.iter("field"):
            if field.get("ref"):
                fields[field.get("name")] = field.get("ref")
            elif field.get("eval") is not None:
                fields[field.get("name")] = field.get("eval")
            else:
                fields[field.get("name")] = field.text
        records[fields["api_ref"]] = fields
    assert set(records) == set(MARKETPLACES)
    for marketplace_id, marketplace in MARKETPLACES.items():
        fields = records[marketplace_id]
        assert fields["name"] == marketplace.name
        assert fields["code"] == marketplace.country_code
        # Odoo's record of the United Kingdom (ISO GB) is base.uk.
        country_xmlid = {"GB": "uk"}.get(
            marketplace.country_code, marketplace.country_code
        )
        assert fields["country_id"] == f"base.{country_xmlid.lower()}"
        assert fields["domain"] == marketplace.domain
        assert fields["region"] == marketplace.region
        assert fields["currency_id"] == f"base.{marketplace.currency}"
        assert fields["tax_included"] == str(marketplace.tax_included)
