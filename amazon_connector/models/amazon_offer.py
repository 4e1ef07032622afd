"""An Amazon offer: one SKU of a seller account, paired with the Odoo product it
stands for, with what Amazon says of it (read by the listings import) and how its
stock and price are sent (settings here; the sending itself in
``amazon_offer_sync.py``)."""

from odoo import api, fields, models
from odoo.exceptions import UserError

from .. import const


class AmazonOffer(models.Model):
    _name = "amazon.offer"
    _description = "Amazon Offer"
    _inherit = ["mail.thread"]
    _order = "account_id, sku"
    _rec_name = "sku"
    _check_company_auto = True

    _sku_unique = models.Constraint(
        "UNIQUE(account_id, sku)",
        "An offer with this SKU already exists for this Amazon account.",
    )
    _safety_buffer_positive = models.Constraint(
        "CHECK(safety_buffer >= 0)", "A safety buffer cannot be negative."
    )
    _handling_time_range = models.Constraint(
        "CHECK(handling_time >= 0 AND handling_time <= 30)",
        "The handling time is 1 to 30 days (0: the account's).",
    )
    _fixed_price_positive = models.Constraint(
        "CHECK(NOT use_fixed_price OR fixed_price > 0)",
        "A fixed price must be above zero.",
    )

    # === FIELDS === #

    account_id = fields.Many2one(
        comodel_name="amazon.account",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    company_id = fields.Many2one(
        related="account_id.company_id", store=True, index=True, precompute=True
    )
    marketplace_id = fields.Many2one(
        comodel_name="amazon.marketplace",
        help="The marketplace of the offer: its price is sent there, in its currency. "
        "The listings import sets it to the first marketplace that lists the SKU.",
        domain="[('id', 'in', available_marketplace_ids)]",
    )
    available_marketplace_ids = fields.Many2many(
        related="account_id.available_marketplace_ids"
    )
    product_id = fields.Many2one(
        comodel_name="product.product",
        help="The product sold under this SKU. Amazon orders of this SKU are imported "
        "with this product, and its stock and price are sent to Amazon. Empty: the "
        "offer is not paired yet.",
        index=True,
        check_company=True,
        tracking=True,
    )
    product_template_id = fields.Many2one(related="product_id.product_tmpl_id")
    sku = fields.Char(
        string="SKU",
        help="The seller SKU of the offer on Amazon.",
        required=True,
        index=True,
    )
    paired_by = fields.Selection(
        selection=[
            ("reference", "Internal Reference"),
            ("barcode", "Barcode"),
            ("created", "Product Created from Amazon"),
            ("order", "Order Import"),
            ("manual", "By Hand"),
        ],
        help="How the product was found: the listings import pairs by internal "
        "reference, then by barcode; a product chosen by hand is never changed by an "
        "import.",
        readonly=True,
        copy=False,
    )

    # --- what Amazon says (the listings import writes it) ---
    asin = fields.Char(string="ASIN", readonly=True, index="btree_not_null")
    amazon_title = fields.Char(string="Title on Amazon", readonly=True)
    fulfillment = fields.Selection(
        selection=const.FULFILLMENT_SELECTION,
        help="Who ships the orders of this offer: you (FBM; Odoo sends its stock) or "
        "Amazon (FBA; Amazon's stock is pulled into Odoo, never sent).",
        default="fbm",
        required=True,
    )
    amazon_status = fields.Selection(
        string="Status on Amazon",
        selection=const.LISTING_STATUS_SELECTION,
        readonly=True,
    )
    amazon_quantity = fields.Integer(
        string="Quantity on Amazon",
        help="The quantity Amazon offered when the listings were last imported (FBM).",
        readonly=True,
    )
    currency_id = fields.Many2one(related="marketplace_id.currency_id")
    amazon_price = fields.Monetary(
        string="Price on Amazon",
        help="The price Amazon showed when the listings were last imported.",
        readonly=True,
    )
    amazon_barcode = fields.Char(
        string="Barcode on Amazon",
        help="The EAN, UPC or ISBN Amazon lists the SKU under.",
        readonly=True,
    )
    amazon_issues = fields.Text(
        string="Issues on Amazon",
        help="What Amazon says is wrong with the listing (read by the listings "
        "import).",
        readonly=True,
    )
    listing_marketplace_ids = fields.Many2many(
        comodel_name="amazon.marketplace",
        relation="amazon_offer_listing_marketplace_rel",
        string="Listed In",
        help="The marketplaces where Amazon lists the SKU.",
        readonly=True,
    )
    amazon_read_date = fields.Datetime(
        string="Read from Amazon",
        help="When the listings import last found this SKU on Amazon.",
        readonly=True,
    )

    # --- how its stock and price are sent ---
    send_stock = fields.Boolean(
        help="Send this offer's quantity to Amazon (FBM, when the account sends "
        "stock).",
        default=True,
    )
    buffer_override = fields.Boolean(
        string="Own Safety Buffer",
        help="Keep back another number of units than the account's safety buffer.",
    )
    safety_buffer = fields.Integer(
        help="Units kept back from what is offered on Amazon, for this offer.",
    )
    handling_time = fields.Integer(
        string="Handling Time (Days)",
        help="Days you need to ship an order of this offer, told to Amazon with the "
        "quantity (0: the account's handling time).",
    )
    send_price = fields.Boolean(
        help="Send this offer's price to Amazon (when the account sends prices).",
        default=True,
    )
    use_fixed_price = fields.Boolean(
        string="Use a Fixed Price",
        help="Send the price set here instead of the pricelist's.",
    )
    fixed_price = fields.Monetary(
        help="The price sent to Amazon, as buyers pay it (tax included where the "
        "marketplace's prices include tax).",
    )

    # === CRUD METHODS === #

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("sku"):
                vals["sku"] = vals["sku"].strip()
            if vals.get("product_id") and not vals.get("paired_by"):
                vals["paired_by"] = "manual"
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("sku"):
            vals["sku"] = vals["sku"].strip()
        if "product_id" in vals and "paired_by" not in vals:
            # A product chosen, or removed, by a person: imports leave it alone.
            vals["paired_by"] = "manual"
        return super().write(vals)

    # === ACTION METHODS === #

    def action_create_product(self):
        """Create the product of an unpaired offer from what Amazon says of it."""
        self.env["amazon.account"]._amazon_check_manager()
        unpaired = self.filtered(lambda offer: not offer.product_id)
        if not unpaired:
            raise UserError(
                self.env._("These offers are paired with products already.")
            )
        for offer in unpaired:
            product = self.env["product.product"].create(offer._amazon_product_vals())
            offer.write({"product_id": product.id, "paired_by": "created"})
        if len(unpaired) == 1:
            return {
                "type": "ir.actions.act_window",
                "res_model": "product.product",
                "res_id": unpaired.product_id.id,
                "view_mode": "form",
            }
        return True

    # === BUSINESS METHODS === #

    def _amazon_product_vals(self):
        """The values of a product made from this offer: Amazon's title, the SKU as
        internal reference, Amazon's barcode, a stored product of the account's
        company."""
        self.ensure_one()
        values = {
            "name": self.amazon_title or self.sku,
            "default_code": self.sku,
            "type": "consu",
            "is_storable": True,
            "sale_ok": True,
            "company_id": self.account_id.company_id.id,
        }
        barcode = self.amazon_barcode
        if barcode and not self.env["product.product"].search_count(
            [("barcode", "=", barcode)], limit=1
        ):
            values["barcode"] = barcode
        company_currency = self.account_id.company_id.currency_id
        if self.amazon_price and self.currency_id == company_currency:
            values["list_price"] = self.amazon_price
        return values
