"""Product export, tier 1: product type definitions and their schemas, the schema
validation in a merchant's words, the UPDATE message builder, the catalog matcher,
VALIDATION_PREVIEW and delete; all against the sandbox, answers checked against
Amazon's models."""

from spapi_models import validate_definition, validate_query

from amazon_sp import catalog, listing_schema, listings, listings_publish, product_types
from amazon_sp import listing_attributes as la
from amazon_sp.feeds import feed_status
from amazon_sp.listings_feed import (
    build_feeds,
    listings_feed_report,
    submit_listings_feed,
)
from amazon_sp.ratelimits import default_rate_limit
from amazon_sp.sandbox import DEFAULT_SELLER_ID, product_type_data

US = "ATVPDKIKX0DER"
PTD = "definitionsProductTypes_2020-09-01.json"
CATALOG = "catalogItems_2022-04-01.json"
LISTINGS = "listingsItems_2021-08-01.json"


def _luggage(connection):
    definition = product_types.get_product_type(connection, "LUGGAGE", US)
    return definition, product_types.download_schema(definition)


def _full_attributes(schema, **changes):
    values = {
        "item_name": ["Cabin trolley 55 cm"],
        "brand": ["Voyago"],
        "bullet_point": ["Light", "Four wheels"],
        "material": ["polycarbonate"],
    }
    values.update(changes)
    attributes = {}
    for name, value in values.items():
        la.merge_entries(
            attributes, name, la.attribute_entries(schema, name, value, US, "en_US")
        )
    la.merge_entries(
        attributes,
        "item_package_weight",
        la.attribute_entries(schema, "item_package_weight", ["2.5"], US),
    )
    attributes.update(la.offer_attributes(US, price="129.90", quantity=3))
    return attributes


# === PRODUCT TYPE DEFINITIONS === #


def test_product_types_are_searched_by_keywords_or_item_name(connection, sandbox):
    found = product_types.search_product_types(connection, US, keywords=["suitcase"])
    assert [(p.name, p.display_name) for p in found] == [("LUGGAGE", "Luggage")]
    found = product_types.search_product_types(
        connection, US, item_name="Organic cotton T-shirt, blue"
    )
    assert [p.name for p in found] == ["SHIRT"]
    (request,) = sandbox.state.received(
        "productTypeDefinitions.searchDefinitionsProductTypes"
    )[-1:]
    assert (
        validate_query(
            PTD, "/definitions/2020-09-01/productTypes", "get", request["query"]
        )
        == []
    )


def test_a_definition_links_its_schema_and_names_its_cache_key(connection, sandbox):
    definition, schema = _luggage(connection)
    assert definition.requirements == "LISTING"
    assert definition.cache_key == "LUGGAGE/ATVPDKIKX0DER/LISTING/U8sBX0LUGGAGE"
    assert definition.schema_url.startswith(sandbox.url)
    assert "brand" in listing_schema.required_attributes(schema)
    assert listing_schema.attribute_titles(schema)["bullet_point"] == "Bullet Point"
    offer = product_types.get_product_type(
        connection, "PRODUCT", US, requirements="LISTING_OFFER_ONLY"
    )
    assert offer.cache_key != definition.cache_key
    assert sandbox.state.schema_downloads == 1


def _raw(connection, client_class, operation, method, *args, **params):
    with connection.client(client_class, marketplace_id=US) as client:
        return connection.call(operation, getattr(client, method), *args, **params)


def test_answers_follow_amazons_models(connection):
    from sp_api.api.catalog_items.catalog_items_2022_04_01 import (  # noqa: PLC0415
        CatalogItemsV20220401,
    )
    from sp_api.api.product_type_definitions.product_type_definitions import (  # noqa: PLC0415
        ProductTypeDefinitions,
    )

    definition = _raw(
        connection,
        ProductTypeDefinitions,
        "productTypeDefinitions.getDefinitionsProductType",
        "get_definitions_product_type",
        "LUGGAGE",
        marketplaceIds=US,
    )
    validate_definition(PTD, "ProductTypeDefinition", definition.payload)
    found = _raw(
        connection,
        ProductTypeDefinitions,
        "productTypeDefinitions.searchDefinitionsProductTypes",
        "search_definitions_product_types",
        marketplaceIds=US,
        keywords="shirt",
    )
    validate_definition(PTD, "ProductTypeList", found.payload)
    items = _raw(
        connection,
        CatalogItemsV20220401,
        "catalogItems.searchCatalogItems",
        "search_catalog_items",
        marketplaceIds=US,
        identifiers="5901234123457",
        identifiersType="EAN",
        includedData="identifiers,summaries,productTypes",
    )
    payload = dict(items.payload)
    if items.pagination:
        payload["pagination"] = items.pagination
    validate_definition(CATALOG, "ItemSearchResults", payload, strict=False)
    assert payload["numberOfResults"] == 2


def test_rate_limits_come_from_the_models():
    assert default_rate_limit("catalogItems.searchCatalogItems").rate == 2.0
    assert default_rate_limit("catalogItems.searchCatalogItems").burst == 2
    search = "productTypeDefinitions.searchDefinitionsProductTypes"
    assert default_rate_limit(search).burst == 10


# === VALIDATION IN A MERCHANT'S WORDS === #


def test_a_valid_listing_has_no_issue(connection):
    _definition, schema = _luggage(connection)
    assert listing_schema.validate(schema, _full_attributes(schema)) == []


def test_missing_attributes_are_named_by_their_title(connection):
    _definition, schema = _luggage(connection)
    attributes = _full_attributes(schema)
    del attributes["brand"]
    (issue,) = listing_schema.validate(schema, attributes)
    assert (issue.attribute, issue.message) == ("brand", "Brand Name is required")


def test_lengths_enumerations_and_types_say_what_to_fix(connection):
    _definition, schema = _luggage(connection)
    attributes = _full_attributes(
        schema,
        bullet_point=["One", "Two", "x" * 501],
        material=["cardboard"],
    )
    attributes["item_package_weight"][0]["value"] = "heavy"
    messages = [i.message for i in listing_schema.validate(schema, attributes)]
    assert "Bullet Point 3 is longer than 500 characters" in messages
    assert (
        "Material must be one of: Polycarbonate, Nylon, Polyester, Leather, Aluminium"
        in messages
    )
    assert "Package Weight must be a number" in messages


def test_amazons_keywords_are_validated(connection):
    _definition, schema = _luggage(connection)
    attributes = _full_attributes(schema, bullet_point=[f"Point {n}" for n in range(6)])
    messages = [i.message for i in listing_schema.validate(schema, attributes)]
    assert messages == ["Bullet Point takes at most 5 different values"]
    tight = {
        "type": "object",
        "properties": {
            "item_name": {
                "title": "Item Name",
                "type": "array",
                "maxItems": 1,
                "items": {
                    "type": "object",
                    "properties": {"value": {"type": "string", "maxUtf8ByteLength": 4}},
                },
            }
        },
    }
    (issue,) = listing_schema.validate(tight, {"item_name": [{"value": "Été"}]})
    assert issue.message.startswith("Item Name is longer than 4 bytes")
    assert listing_schema.validate(tight, {"item_name": [{"value": "Ete"}]}) == []


def test_nested_values_and_conditional_requirements(connection):
    _definition, schema = _luggage(connection)
    attributes = _full_attributes(schema)
    del attributes["item_package_weight"]
    for part, value in (("length", 55), ("width", "40")):
        la.merge_entries(
            attributes,
            "item_package_dimensions",
            la.attribute_entries(
                schema, "item_package_dimensions", [value], US, part=part
            ),
        )
    assert attributes["item_package_dimensions"] == [
        {
            "length": {"value": 55, "unit": "centimeters"},
            "width": {"value": 40, "unit": "centimeters"},
            "marketplace_id": US,
        }
    ]
    messages = [i.message for i in listing_schema.validate(schema, attributes)]
    assert "Package Weight is required" in messages
    assert "Package Dimensions (Height) is required" in messages


# === THE UPDATE MESSAGES === #


def test_offer_only_and_full_update_messages(connection, sandbox):
    _definition, schema = _luggage(connection)
    offer = la.update_message(
        "MUG-1",
        "DRINKING_CUP",
        la.offer_attributes(
            US, asin="B0SBXCAT02", price="9.90", quantity=4, handling_days=2
        ),
        offer_only=True,
        key={"res_id": 1},
    )
    assert offer.product_type == "PRODUCT"
    assert offer.requirements == "LISTING_OFFER_ONLY"
    full = la.update_message("TROLLEY-1", "LUGGAGE", _full_attributes(schema))
    refused = la.update_message(
        "TROLLEY-2", "LUGGAGE", _full_attributes(schema, brand=["GatedBrand"])
    )
    (feed,) = build_feeds(DEFAULT_SELLER_ID, [offer, full, refused], [US])
    status = feed_status(connection, submit_listings_feed(connection, feed))
    report = listings_feed_report(connection, status.result_document_id)
    assert [report.outcome(n)[0] for n in (1, 2, 3)] == [
        "accepted",
        "accepted",
        "refused",
    ]
    (issue,) = report.issues_of(3)
    assert (issue.code, issue.attribute_name) == ("5665", "brand")
    items = sandbox.state.listings[DEFAULT_SELLER_ID]
    assert items["MUG-1"]["asin"] == "B0SBXCAT02"
    assert items["TROLLEY-1"]["itemName"] == "Cabin trolley 55 cm"


def test_the_sandbox_refuses_per_attribute_what_the_schema_refuses(connection):
    _definition, schema = _luggage(connection)
    attributes = _full_attributes(schema)
    del attributes["material"]
    message = la.update_message("TROLLEY-3", "LUGGAGE", attributes)
    (feed,) = build_feeds(DEFAULT_SELLER_ID, [message], [US])
    status = feed_status(connection, submit_listings_feed(connection, feed))
    report = listings_feed_report(connection, status.result_document_id)
    (issue,) = report.issues_of(1)
    assert (issue.code, issue.attribute_name) == ("90220", "material")
    assert issue.message == "'Material' is required but not supplied."


def test_an_unchanged_listing_has_the_same_hash():
    first = la.offer_attributes(US, asin="B0SBXCAT01", price="5")
    assert la.attributes_hash(first) == la.attributes_hash(
        la.offer_attributes(US, asin="B0SBXCAT01", price="5.00")
    )
    assert la.attributes_hash(first) != la.attributes_hash(
        la.offer_attributes(US, asin="B0SBXCAT01", price="5.10")
    )


def test_a_marketplace_has_its_language():
    assert la.marketplace_language("A13V1IB3VIYZZH") == "fr_FR"
    assert la.marketplace_language(US) == "en_US"


# === CATALOG MATCHER === #


def test_barcodes_are_matched_in_batches_of_twenty(connection, sandbox):
    codes = [f"20{n:011d}" for n in range(45)]
    sandbox.state.catalog = None
    from amazon_sp.sandbox import catalogdata  # noqa: PLC0415

    catalogdata.add_items(
        sandbox.state,
        [
            {"asin": f"B0BENCH{n:03d}", "identifiers": {"EAN": code}}
            for n, code in enumerate(codes)
        ],
    )
    found = catalog.search_by_barcodes(
        connection,
        US,
        [*codes, "5901234123457", "4006381333931", "036000291452", "nonsense"],
    )
    assert found["4006381333931"][0].asin == "B0SBXCAT01"
    assert [i.asin for i in found["5901234123457"]] == ["B0SBXCAT02", "B0SBXCAT03"]
    assert found["036000291452"][0].title == "Cabin Trolley 55 cm, blue"
    assert len([c for c in codes if c in found]) == 45
    calls = sandbox.state.received("catalogItems.searchCatalogItems")
    assert len(calls) == 4  # 47 EANs in 20 + 20 + 7, then the UPC: none per product
    for call in calls:
        assert (
            validate_query(CATALOG, "/catalog/2022-04-01/items", "get", call["query"])
            == []
        )


def test_identifier_types():
    assert catalog.identifier_type("036000291452") == "UPC"
    assert catalog.identifier_type("4006381333931") == "EAN"
    assert catalog.identifier_type("00036000291452") == "GTIN"
    assert catalog.identifier_type("abc") is None


# === CHECK WITH AMAZON, DELETE === #


def test_validation_preview_changes_nothing(connection, sandbox):
    _definition, schema = _luggage(connection)
    attributes = _full_attributes(schema, brand=["GatedBrand"])
    submission = listings_publish.put_listing(
        connection,
        DEFAULT_SELLER_ID,
        "TROLLEY-9",
        US,
        "LUGGAGE",
        attributes,
        mode=listings_publish.VALIDATION_PREVIEW,
    )
    assert submission.status == "INVALID"
    assert submission.issues[0].attribute_names == ("brand",)
    good = listings_publish.put_listing(
        connection,
        DEFAULT_SELLER_ID,
        "TROLLEY-9",
        US,
        "LUGGAGE",
        _full_attributes(schema),
        mode=listings_publish.VALIDATION_PREVIEW,
    )
    assert good.status == "VALID" and good.accepted
    assert "TROLLEY-9" not in sandbox.state.listings.get(DEFAULT_SELLER_ID, {})
    patched = listings.patch_listing(
        connection,
        DEFAULT_SELLER_ID,
        "NOPE",
        [US],
        [listings.quantity_patch(1)],
        mode="VALIDATION_PREVIEW",
    )
    assert patched.status == "INVALID"


def test_put_then_delete_a_listing(connection, sandbox):
    _definition, schema = _luggage(connection)
    submission = listings_publish.put_listing(
        connection,
        DEFAULT_SELLER_ID,
        "TROLLEY-8",
        US,
        "LUGGAGE",
        _full_attributes(schema),
    )
    assert submission.status == "ACCEPTED"
    assert "TROLLEY-8" in sandbox.state.listings[DEFAULT_SELLER_ID]
    removed = listings_publish.delete_listing(
        connection, DEFAULT_SELLER_ID, "TROLLEY-8", US
    )
    assert removed.accepted
    assert "TROLLEY-8" not in sandbox.state.listings[DEFAULT_SELLER_ID]
    again = listings_publish.delete_listing(
        connection, DEFAULT_SELLER_ID, "TROLLEY-8", US
    )
    assert again.issues[0].code == "NOT_FOUND"
    for operation in (
        "listingsItems.putListingsItem",
        "listingsItems.deleteListingsItem",
    ):
        for call in sandbox.state.received(operation):
            path = "/listings/2021-08-01/items/{sellerId}/{sku}"
            method = "put" if "put" in operation else "delete"
            assert validate_query(LISTINGS, path, method, call["query"]) == []


def test_every_schema_is_a_2019_09_schema():
    from jsonschema import Draft201909Validator  # noqa: PLC0415

    for name in product_type_data.PRODUCT_TYPES:
        Draft201909Validator.check_schema(product_type_data.schema(name, US))


def test_the_sandbox_throttles_catalog_searches_at_amazons_usage_plan(
    connection, sandbox
):
    seller = sandbox.state.sellers[connection.credentials.seller_id]
    operation = "catalogItems.searchCatalogItems"
    while sandbox.state.take_token(seller, operation) == 0:
        pass  # the seller's two searches of the burst are spent
    found = catalog.search_by_barcodes(connection, US, ["4006381333931"])
    assert found["4006381333931"][0].asin == "B0SBXCAT01"
    assert connection.stats.throttled == {operation: 1}  # a 429, waited, tried again
    statuses = [r["status"] for r in sandbox.state.received(operation)]
    assert statuses == [429, 200]
