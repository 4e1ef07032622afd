"""The product types the sandbox defines, and their schemas.

Three product types, shaped like Amazon's (JSON Schema 2019-09 with Amazon's
vocabulary: ``selectors``, ``maxUniqueItems``, ``maxUtf8ByteLength``, ``editable``,
``hidden``, ``enumNames``):

- ``PRODUCT``: offers on existing Amazon products (requirements
  ``LISTING_OFFER_ONLY``): the ASIN, the condition, the price and quantity;
- ``LUGGAGE``: title, brand, bullet points (five at most, 500 characters each),
  material (an enumeration), the package weight (a value with a unit) required; the
  package dimensions (a nested value: length, width, height with their units),
  description, colour and images optional; a package with dimensions needs its weight
  too (an ``allOf``/``if``/``then``);
- ``SHIRT``: title, brand, colour, size and department (enumerations) required.

:func:`schema` writes the schema of a product type for one marketplace: its
``marketplace_id`` and ``language_tag`` values are that marketplace's.
"""

from .state import marketplace_payload

META_SCHEMA = "https://schemas.amazon.com/selling-partners/definitions/product-types/meta-schema/v1"

PRODUCT_TYPES = {
    "PRODUCT": {
        "displayName": "Product",
        "keywords": ("product", "offer"),
        "version": "U8sBX0PRODUCT",
        "requirements": ("LISTING_OFFER_ONLY",),
    },
    "LUGGAGE": {
        "displayName": "Luggage",
        "keywords": ("luggage", "suitcase", "travel", "bag", "trolley"),
        "version": "U8sBX0LUGGAGE",
        "requirements": ("LISTING", "LISTING_PRODUCT_ONLY", "LISTING_OFFER_ONLY"),
    },
    "SHIRT": {
        "displayName": "Shirt",
        "keywords": ("shirt", "t-shirt", "tshirt", "clothing", "apparel", "blouse"),
        "version": "U8sBX0SHIRT",
        "requirements": ("LISTING", "LISTING_PRODUCT_ONLY", "LISTING_OFFER_ONLY"),
    },
}

CONDITIONS = (
    ("new_new", "New"),
    ("new_open_box", "New - Open Box"),
    ("refurbished_refurbished", "Refurbished"),
    ("used_like_new", "Used - Like New"),
    ("used_very_good", "Used - Very Good"),
    ("used_good", "Used - Good"),
    ("used_acceptable", "Used - Acceptable"),
)


def _marketplace(marketplace_id):
    return {
        "type": "string",
        "default": marketplace_id,
        "editable": False,
        "hidden": True,
    }


def _language(marketplace_id):
    language = marketplace_payload(marketplace_id)["defaultLanguageCode"]
    return {"type": "string", "enum": [language], "editable": False, "hidden": True}


def _text(
    marketplace_id,
    title,
    *,
    max_length,
    max_items=1,
    language=True,
    enum=None,
    description="",
):
    value = {
        "title": title,
        "type": "string",
        "minLength": 1,
        "maxLength": max_length,
        "maxUtf8ByteLength": max_length * 4,
    }
    if enum:
        value["enum"] = [v for v, _n in enum]
        value["enumNames"] = [n for _v, n in enum]
    properties = {"value": value, "marketplace_id": _marketplace(marketplace_id)}
    selectors = ["marketplace_id"]
    if language:
        properties["language_tag"] = _language(marketplace_id)
        selectors.append("language_tag")
    attribute = {
        "title": title,
        "description": description or title,
        "editable": True,
        "hidden": False,
        "type": "array",
        "minItems": 1,
        "items": {
            "type": "object",
            "required": ["value", "marketplace_id"]
            + (["language_tag"] if language else []),
            "properties": properties,
            "additionalProperties": False,
        },
    }
    if max_items > 1:
        attribute["minUniqueItems"] = 1
        attribute["maxUniqueItems"] = max_items
        attribute["selectors"] = selectors
    else:
        attribute["maxItems"] = 1
    return attribute


def _measure(title, units, unit_names):
    return {
        "title": title,
        "type": "object",
        "required": ["value", "unit"],
        "properties": {
            "value": {"title": title, "type": "number", "exclusiveMinimum": 0},
            "unit": {
                "title": "Unit",
                "type": "string",
                "enum": list(units),
                "enumNames": list(unit_names),
            },
        },
        "additionalProperties": False,
    }


def _weight(marketplace_id, title):
    measure = _measure(
        title, ("kilograms", "grams", "pounds"), ("Kilograms", "Grams", "Pounds")
    )
    measure["properties"]["marketplace_id"] = _marketplace(marketplace_id)
    return {
        "title": title,
        "type": "array",
        "minItems": 1,
        "maxItems": 1,
        "selectors": ["marketplace_id"],
        "items": measure,
    }


def _dimensions(marketplace_id):
    units = ("centimeters", "millimeters", "inches")
    names = ("Centimeters", "Millimeters", "Inches")
    return {
        "title": "Package Dimensions",
        "type": "array",
        "maxItems": 1,
        "selectors": ["marketplace_id"],
        "items": {
            "type": "object",
            "required": ["length", "width", "height", "marketplace_id"],
            "properties": {
                "length": _measure("Length", units, names),
                "width": _measure("Width", units, names),
                "height": _measure("Height", units, names),
                "marketplace_id": _marketplace(marketplace_id),
            },
            "additionalProperties": False,
        },
    }


def _offer_properties(marketplace_id):
    currency = marketplace_payload(marketplace_id)["defaultCurrencyCode"]
    schedule = {
        "type": "array",
        "maxItems": 1,
        "items": {
            "type": "object",
            "required": ["schedule"],
            "properties": {
                "schedule": {
                    "type": "array",
                    "maxItems": 1,
                    "items": {
                        "type": "object",
                        "required": ["value_with_tax"],
                        "properties": {
                            "value_with_tax": {
                                "title": "Price",
                                "type": "number",
                                "exclusiveMinimum": 0,
                            }
                        },
                    },
                }
            },
        },
    }
    return {
        "condition_type": _text(
            marketplace_id,
            "Item Condition",
            max_length=50,
            language=False,
            enum=CONDITIONS,
        ),
        "merchant_suggested_asin": {
            **_text(marketplace_id, "ASIN", max_length=10, language=False),
            "editable": False,
        },
        "purchasable_offer": {
            "title": "Your Price",
            "type": "array",
            "selectors": ["marketplace_id", "audience"],
            "maxUniqueItems": 2,
            "items": {
                "type": "object",
                "required": ["marketplace_id", "currency"],
                "properties": {
                    "marketplace_id": _marketplace(marketplace_id),
                    "currency": {"type": "string", "enum": [currency]},
                    "audience": {
                        "type": "string",
                        "enum": ["ALL", "B2B"],
                        "enumNames": ["Sell on Amazon", "Amazon Business"],
                    },
                    "our_price": schedule,
                    "minimum_seller_allowed_price": schedule,
                    "maximum_seller_allowed_price": schedule,
                },
            },
        },
        "fulfillment_availability": {
            "title": "Fulfillment Availability",
            "type": "array",
            "selectors": ["fulfillment_channel_code"],
            "items": {
                "type": "object",
                "required": ["fulfillment_channel_code"],
                "properties": {
                    "fulfillment_channel_code": {"type": "string"},
                    "quantity": {"title": "Quantity", "type": "integer", "minimum": 0},
                    "lead_time_to_ship_max_days": {
                        "title": "Handling Time",
                        "type": "integer",
                        "minimum": 0,
                        "maximum": 30,
                    },
                },
            },
        },
    }


def _images(marketplace_id):
    image = {
        "type": "array",
        "maxItems": 1,
        "items": {
            "type": "object",
            "required": ["media_location", "marketplace_id"],
            "properties": {
                "media_location": {
                    "title": "Location",
                    "type": "string",
                    "format": "uri",
                    "pattern": "^https://",
                    "maxLength": 2000,
                },
                "marketplace_id": _marketplace(marketplace_id),
            },
        },
    }
    images = {"main_product_image_locator": {**image, "title": "Main Image"}}
    for n in range(1, 9):
        images[f"other_product_image_locator_{n}"] = {
            **image,
            "title": f"Other Image {n}",
        }
    return images


def schema(product_type, marketplace_id, requirements="LISTING"):
    """The schema of a product type in a marketplace, for a requirements set.

    :rtype: dict
    """
    properties = _offer_properties(marketplace_id)
    required = ["condition_type"]
    conditions = []
    if product_type == "PRODUCT" or requirements == "LISTING_OFFER_ONLY":
        required.append("merchant_suggested_asin")
    elif product_type == "LUGGAGE":
        properties.update(
            item_name=_text(marketplace_id, "Item Name", max_length=200),
            brand=_text(marketplace_id, "Brand Name", max_length=50),
            bullet_point=_text(
                marketplace_id, "Bullet Point", max_length=500, max_items=5
            ),
            product_description=_text(
                marketplace_id, "Product Description", max_length=2000
            ),
            color=_text(marketplace_id, "Colour", max_length=60),
            material=_text(
                marketplace_id,
                "Material",
                max_length=40,
                enum=(
                    ("polycarbonate", "Polycarbonate"),
                    ("nylon", "Nylon"),
                    ("polyester", "Polyester"),
                    ("leather", "Leather"),
                    ("aluminium", "Aluminium"),
                ),
            ),
            item_package_weight=_weight(marketplace_id, "Package Weight"),
            item_package_dimensions=_dimensions(marketplace_id),
            **_images(marketplace_id),
        )
        required += [
            "item_name",
            "brand",
            "bullet_point",
            "material",
            "item_package_weight",
        ]
        conditions.append(
            {
                "if": {"required": ["item_package_dimensions"]},
                "then": {"required": ["item_package_weight"]},
            }
        )
    elif product_type == "SHIRT":
        properties.update(
            item_name=_text(marketplace_id, "Item Name", max_length=150),
            brand=_text(marketplace_id, "Brand Name", max_length=50),
            color=_text(marketplace_id, "Colour", max_length=60),
            size=_text(
                marketplace_id,
                "Size",
                max_length=10,
                enum=(
                    ("xs", "XS"),
                    ("s", "S"),
                    ("m", "M"),
                    ("l", "L"),
                    ("xl", "XL"),
                    ("xxl", "XXL"),
                ),
            ),
            department=_text(
                marketplace_id,
                "Department",
                max_length=20,
                enum=(("mens", "Men"), ("womens", "Women"), ("unisex", "Unisex")),
            ),
            bullet_point=_text(
                marketplace_id, "Bullet Point", max_length=500, max_items=5
            ),
            product_description=_text(
                marketplace_id, "Product Description", max_length=2000
            ),
            **_images(marketplace_id),
        )
        required += ["item_name", "brand", "color", "size", "department"]
    if requirements == "LISTING_PRODUCT_ONLY":
        required = [r for r in required if r != "condition_type"]
    document = {
        "$schema": META_SCHEMA,
        "$id": f"https://schemas.amazon.com/selling-partners/definitions/"
        f"product-types/schema/v1/{product_type}",
        "$comment": f"Amazon product type definition for {product_type} product type",
        "$defs": {},
        "description": f"Amazon product type definition for {product_type}",
        "type": "object",
        "required": required,
        "properties": properties,
    }
    if conditions:
        document["allOf"] = conditions
    return document


def property_groups(product_type):
    """The ``propertyGroups`` of a definition: offer, identity, description."""
    names = list(schema(product_type, "ATVPDKIKX0DER")["properties"])
    offer = [n for n in names if n in _offer_properties("ATVPDKIKX0DER")]
    images = [n for n in names if "image_locator" in n]
    identity = [
        n for n in ("item_name", "brand", "merchant_suggested_asin") if n in names
    ]
    rest = [n for n in names if n not in offer + images + identity]
    groups = {
        "offer": {
            "title": "Offer",
            "description": "Sales terms",
            "propertyNames": offer,
        },
        "product_identity": {
            "title": "Product Identity",
            "description": "What identifies the product",
            "propertyNames": identity,
        },
    }
    if rest:
        groups["product_details"] = {
            "title": "Product Details",
            "description": "What describes the product",
            "propertyNames": rest,
        }
    if images:
        groups["images"] = {
            "title": "Images",
            "description": "Images",
            "propertyNames": images,
        }
    return groups
