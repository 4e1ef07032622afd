from decimal import Decimal

from odoo import fields, models

from amazon_sp import vat_invoices


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
    # Written with the invoice (not related fields: nothing to recompute when
    # invoices are created in batches).
    amazon_account_id = fields.Many2one(
        comodel_name="amazon.account",
        index="btree_not_null",
        readonly=True,
        copy=False,
    )
    amazon_order_ref = fields.Char(
        string="Amazon Order Id",
        index="btree_not_null",
        readonly=True,
        copy=False,
    )
    amazon_invoice_key = fields.Char(readonly=True, copy=False)
    amazon_refund_ref = fields.Char(
        string="Amazon Refund",
        help="Amazon's id of the refund this credit note books.",
        readonly=True,
        copy=False,
    )
    amazon_upload_state = fields.Selection(
        string="Amazon Upload",
        selection=[
            ("to_upload", "To Upload"),
            ("uploaded", "Uploaded to Amazon"),
            ("refused", "Refused by Amazon"),
        ],
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Where the upload of this invoice to Amazon stands (EU sellers enrolled "
        "in the VAT Calculation Service with their own invoices).",
    )
    amazon_upload_message = fields.Text(
        string="Amazon's Answer", readonly=True, copy=False
    )
    amazon_upload_feed_ref = fields.Char(
        string="Upload Feed", readonly=True, copy=False
    )
    amazon_upload_date = fields.Datetime(
        string="Uploaded On", readonly=True, copy=False
    )

    # === ACTION METHODS === #

    def action_amazon_retry_upload(self):
        """Upload again to Amazon what it refused (once fixed)."""
        refused = self.filtered(lambda move: move.amazon_upload_state == "refused")
        refused.check_access("write")
        refused.sudo().write(
            {
                "amazon_upload_state": "to_upload",
                "amazon_upload_feed_ref": False,
                "amazon_upload_message": False,
            }
        )
        for account in refused.sudo().amazon_account_id:
            account._amazon_check_upload_refusals()
        self.env.ref("amazon_connector.ir_cron_post_invoices").sudo()._trigger()
        return True

    # === BUSINESS METHODS === #

    def _post(self, soft=True):
        """Override of `account` to queue the upload to Amazon of the invoices and
        credit notes of Amazon orders whose marketplace the account uploads to."""
        posted = super()._post(soft=soft)
        to_upload = posted.filtered(
            lambda move: (
                move.amazon_sale_order_id
                and move.move_type in ("out_invoice", "out_refund")
                and not move.amazon_upload_state
                and move.amazon_sale_order_id.amazon_marketplace_id
                in move.amazon_account_id.invoice_upload_marketplace_ids
            )
        )
        if to_upload:
            to_upload.amazon_upload_state = "to_upload"
        return posted

    def _amazon_invoice_pdf(self):
        """Odoo's own PDF of this invoice (the one a customer gets)."""
        self.ensure_one()
        pdf, _type = (
            self.env["ir.actions.report"]
            .sudo()
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("account.account_invoices", self.ids)
        )
        return pdf

    def _amazon_upload_metadata(self):
        """What Amazon requires with the PDF: the order id, the invoice number, the
        document type, the total and the VAT (positive, also for credit notes)."""
        self.ensure_one()
        return vat_invoices.invoice_metadata(
            invoice_number=self.name,
            total_amount=Decimal(str(self.amount_total)),
            total_vat_amount=Decimal(str(self.amount_tax)),
            order_id=self.amazon_order_ref,
            document_type="CreditNote" if self.move_type == "out_refund" else "Invoice",
            transaction_id=self.amazon_refund_ref or None,
        )

    def _amazon_upload_refused(self, message):
        self.ensure_one()
        self.write({"amazon_upload_state": "refused", "amazon_upload_message": message})
