import json

from odoo import Command

from amazon_sp.sandbox import DEFAULT_SELLER_ID

from .common_offers import AmazonOfferCommon

PUBLIC_URL = "https://shop.example.com"


class AmazonExportCommon(AmazonOfferCommon):
    """Products to list (a category of suitcases with a material and a brand
    attribute), and Amazon's catalog and product types (the sandbox)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param("web.base.url", PUBLIC_URL)
        cls.category = cls.env["product.category"].create({"name": "Suitcases"})
        cls.material = cls.env["product.attribute"].create(
            {
                "name": "Material",
                "value_ids": [
                    Command.create({"name": "polycarbonate"}),
                    Command.create({"name": "nylon"}),
                ],
            }
        )
        cls.brand = cls.env["product.attribute"].create(
            {
                "name": "Brand",
                "value_ids": [
                    Command.create({"name": "Voyago"}),
                    Command.create({"name": "GatedBrand"}),
                ],
            }
        )
        cls.trolley = cls._suitcase("Cabin Trolley 55", "TROLLEY-55", "polycarbonate")
        cls.duffel = cls._suitcase("Weekend Duffel", "DUFFEL-1", "nylon")

    @classmethod
    def _suitcase(cls, name, code, material, brand="Voyago", category=None):
        template = cls.env["product.template"].create(
            {
                "name": name,
                "default_code": code,
                "categ_id": (category or cls.category).id,
                "type": "consu",
                "is_storable": True,
                "list_price": 120.0,
                "weight": 2.5,
                "description_sale": "Four silent wheels\nTSA lock",
                "attribute_line_ids": [
                    Command.create(
                        {
                            "attribute_id": cls.material.id,
                            "value_ids": [
                                Command.set(
                                    cls.material.value_ids.filtered(
                                        lambda v: v.name == material
                                    ).ids
                                )
                            ],
                        }
                    ),
                    Command.create(
                        {
                            "attribute_id": cls.brand.id,
                            "value_ids": [
                                Command.set(
                                    cls.brand.value_ids.filtered(
                                        lambda v: v.name == brand
                                    ).ids
                                )
                            ],
                        }
                    ),
                ],
            }
        )
        template.default_code = code
        return template.product_variant_id

    def setUp(self):
        super().setUp()
        state = self.sandbox_state
        with state.lock:
            state.catalog = None
            state.gated_brands = None

    # --- profiles ---

    def _offer_profile(self, **values):
        return self.env["amazon.listing.profile"].create(
            {
                "name": "Resale on Amazon.com",
                "account_id": self.account.id,
                "marketplace_ids": [Command.set(self.marketplace_us.ids)],
                "mode": "offer",
                **values,
            }
        )

    def _luggage_profile(self, brand_from="attribute", **values):
        profile = self.env["amazon.listing.profile"].create(
            {
                "name": "Suitcases",
                "account_id": self.account.id,
                "marketplace_ids": [Command.set(self.marketplace_us.ids)],
                "mode": "new",
                "product_type": "LUGGAGE",
                "categ_ids": [Command.set(self.category.ids)],
                **values,
            }
        )
        profile.action_load_attributes()
        lines = {line.attribute: line for line in profile.line_ids}
        description = self.env["ir.model.fields"]._get(
            "product.product", "description_sale"
        )
        lines["bullet_point"].write({"source": "field", "field_id": description.id})
        if brand_from == "attribute":
            lines["brand"].write(
                {"source": "attribute", "product_attribute_id": self.brand.id}
            )
        elif brand_from == "fixed":
            lines["brand"].write({"source": "fixed", "fixed_value": "Voyago"})
        return profile

    # --- Amazon's side ---

    def _amazon_item(self, sku):
        return self.sandbox_state.listings.get(DEFAULT_SELLER_ID, {}).get(sku)

    def _feed_messages(self):
        return [m for feed in self._listings_feeds() for m in feed["messages"]]

    @staticmethod
    def _values(item, name):
        return [entry.get("value") for entry in item["attributes"].get(name) or ()]


__all__ = ["PUBLIC_URL", "AmazonExportCommon", "json"]
