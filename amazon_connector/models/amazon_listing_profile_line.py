"""One attribute of a listing profile's mapping: the Amazon attribute, and where its
value comes from for each product: a product field (name, description, barcode,
weight...), a product attribute value (size, colour), or a fixed value (brand,
manufacturer). Texts are read in each marketplace's language where Odoo has a
translation."""

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import html2plaintext

from .. import const

FIELD_TYPES = (
    "char",
    "text",
    "html",
    "float",
    "integer",
    "monetary",
    "selection",
    "boolean",
    "many2one",
)


class AmazonListingProfileLine(models.Model):
    _name = "amazon.listing.profile.line"
    _description = "Amazon Listing Profile Attribute"
    _order = "profile_id, required desc, sequence, id"

    profile_id = fields.Many2one(
        comodel_name="amazon.listing.profile",
        required=True,
        index=True,
        ondelete="cascade",
    )
    sequence = fields.Integer(default=10)
    attribute = fields.Char(
        string="Amazon Attribute",
        help="Amazon's name of the attribute, e.g. brand, item_name, bullet_point.",
        required=True,
    )
    label = fields.Char(string="Name on Amazon")
    part = fields.Char(
        help="For a value made of parts (package dimensions): the part this line "
        "gives, e.g. length, width, height.",
    )
    unit = fields.Char(
        help="The unit Amazon is told, for a measure (e.g. kilograms, centimeters); "
        "empty: Amazon's first unit.",
    )
    required = fields.Boolean(
        help="Amazon requires this attribute for the product type.", readonly=True
    )
    source = fields.Selection(selection=const.LISTING_SOURCE_SELECTION)
    field_id = fields.Many2one(
        comodel_name="ir.model.fields",
        string="Product Field",
        domain=[("model", "=", "product.product"), ("ttype", "in", FIELD_TYPES)],
        ondelete="cascade",
    )
    product_attribute_id = fields.Many2one(
        comodel_name="product.attribute",
        ondelete="cascade",
    )
    fixed_value = fields.Char()
    has_source = fields.Boolean(compute="_compute_has_source", store=True)

    # === COMPUTE METHODS === #

    @api.depends("source", "field_id", "product_attribute_id", "fixed_value")
    def _compute_has_source(self):
        for line in self:
            line.has_source = bool(
                (line.source == "field" and line.field_id)
                or (line.source == "attribute" and line.product_attribute_id)
                or (line.source == "fixed" and (line.fixed_value or "").strip())
            )

    # === BUSINESS METHODS === #

    @api.model
    def _amazon_default_source(self, attribute):
        """The obvious source of an Amazon attribute in Odoo, if any."""
        field_name = const.LISTING_DEFAULT_FIELDS.get(attribute)
        if field_name:
            field = self.env["ir.model.fields"]._get("product.product", field_name)
            if field:
                return {"source": "field", "field_id": field.id}
        names = const.LISTING_DEFAULT_ATTRIBUTES.get(attribute)
        if names:
            found = self.env["product.attribute"].search(
                Domain.OR([Domain("name", "=ilike", name) for name in names]),
                limit=1,
            )
            if found:
                return {"source": "attribute", "product_attribute_id": found.id}
        if attribute in ("brand", "manufacturer"):
            return {"source": "fixed"}
        return {}

    def _amazon_values(self, product, lang):
        """This line's values for a product, read in ``lang`` where translated.

        :return: the values (texts split in lines for attributes that take several,
            e.g. bullet points, by the caller).
        :rtype: list
        """
        self.ensure_one()
        if self.source == "fixed":
            return [self.fixed_value.strip()] if self.has_source else []
        if self.source == "attribute" and self.product_attribute_id:
            values = product.with_context(
                lang=lang
            ).product_template_attribute_value_ids.filtered(
                lambda v: v.attribute_id == self.product_attribute_id
            )
            return [value.name for value in values]
        if self.source == "field" and self.field_id:
            record = product.with_context(lang=lang)
            name = self.field_id.name
            value = record[name]
            kind = self.field_id.ttype
            if kind == "boolean":
                return [bool(value)]
            if not value and value != 0:
                return []
            if kind == "html":
                return [html2plaintext(value).strip()] if value else []
            if kind == "many2one":
                return [value.display_name]
            if kind == "selection":
                labels = dict(record._fields[name]._description_selection(record.env))
                return [labels.get(value, value)]
            if kind in ("float", "monetary") and not value:
                return []
            return [value]
        return []
