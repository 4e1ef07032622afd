"""Amazon product type definitions kept in Odoo: one record per product type,
marketplace, requirements set and version, with its downloaded schema.

A definition is asked of Amazon again after an hour at most
(``const.PRODUCT_TYPE_REFRESH``); its schema is downloaded only when Amazon answers
another version than the one kept (the cache key of
:attr:`amazon_sp.product_types.ProductTypeDefinition.cache_key`).
"""

from datetime import timedelta

from odoo import api, fields, models

from amazon_sp import listing_schema, product_types

from .. import const


class AmazonProductType(models.Model):
    _name = "amazon.product.type"
    _description = "Amazon Product Type Definition"
    _order = "name, marketplace_id, requirements"

    _cache_key_unique = models.Constraint(
        "UNIQUE(cache_key)", "A product type definition is kept once per version."
    )

    name = fields.Char(string="Product Type", required=True, index=True)
    label = fields.Char(string="Name on Amazon")
    marketplace_id = fields.Many2one(
        comodel_name="amazon.marketplace", required=True, ondelete="cascade"
    )
    requirements = fields.Selection(
        selection=[
            ("LISTING", "Product and Offer"),
            ("LISTING_PRODUCT_ONLY", "Product Only"),
            ("LISTING_OFFER_ONLY", "Offer Only"),
        ],
        required=True,
    )
    version = fields.Char(readonly=True)
    cache_key = fields.Char(readonly=True, required=True)
    checksum = fields.Char(readonly=True)
    schema = fields.Json(readonly=True)
    checked_date = fields.Datetime(
        string="Checked with Amazon",
        help="When Amazon last said this is the latest version.",
        readonly=True,
    )
    latest = fields.Boolean(readonly=True, default=True)

    # === BUSINESS METHODS === #

    @api.model
    def _amazon_definition(self, account, name, marketplace, requirements):
        """The latest definition of a product type, with its schema: the one kept
        when Amazon was asked within the hour, else Amazon's (its schema downloaded
        when its version is new).

        :return: the record, with ``schema``.
        :raise amazon_sp.AmazonError: when Amazon cannot answer (callers decide).
        """
        latest = self.search(
            [
                ("name", "=", name),
                ("marketplace_id", "=", marketplace.id),
                ("requirements", "=", requirements),
                ("latest", "=", True),
            ],
            order="checked_date desc",
            limit=1,
        )
        fresh = fields.Datetime.now() - timedelta(minutes=const.PRODUCT_TYPE_REFRESH)
        if latest.schema and latest.checked_date and latest.checked_date > fresh:
            return latest
        definition = account._amazon_call(
            lambda c: product_types.get_product_type(
                c, name, marketplace.api_ref, requirements=requirements
            ),
            user_error=False,
        )
        record = self.search([("cache_key", "=", definition.cache_key)], limit=1)
        if not record.schema:
            schema = product_types.download_schema(definition)
            values = {
                "name": definition.product_type,
                "label": definition.display_name,
                "marketplace_id": marketplace.id,
                "requirements": definition.requirements,
                "version": definition.version,
                "cache_key": definition.cache_key,
                "checksum": definition.checksum,
                "schema": schema,
            }
            if record:
                record.write(values)
            else:
                record = self.create(values)
        (latest - record).write({"latest": False})
        record.write({"checked_date": fields.Datetime.now(), "latest": True})
        return record

    def _amazon_titles(self):
        self.ensure_one()
        return listing_schema.attribute_titles(self.schema or {})

    def _amazon_required(self):
        self.ensure_one()
        return listing_schema.required_attributes(self.schema or {})
