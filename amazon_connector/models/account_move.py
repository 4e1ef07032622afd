from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    # One invoice per order and shipment, one credit note per order and Amazon
    # refund: the database refuses the second even when two workers race.
    _amazon_invoice_key_unique = models.UniqueIndex(
        "(amazon_invoice_key) WHERE amazon_invoice_key IS NOT NULL",
        "This Amazon order is already invoiced (or this refund already credited).",
    )

    amazon_sale_order_id = fields.Many2one(
        comodel_name="sale.order",
        string="Amazon Order",
        index="btree_not_null",
        readonly=True,
        copy=False,
        ondelete="restrict",
    )
    amazon_account_id = fields.Many2one(
        related="amazon_sale_order_id.amazon_account_id",
        string="Amazon Account",
        store=True,
        index="btree_not_null",
    )
    amazon_order_ref = fields.Char(
        related="amazon_sale_order_id.amazon_order_ref",
        string="Amazon Order Id",
        store=True,
        index="btree_not_null",
    )
    amazon_invoice_key = fields.Char(readonly=True, copy=False)
    amazon_refund_ref = fields.Char(
        string="Amazon Refund",
        help="Amazon's id of the refund this credit note books.",
        readonly=True,
        copy=False,
    )
