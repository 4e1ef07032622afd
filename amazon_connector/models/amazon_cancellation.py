from odoo import fields, models
from odoo.tools import plaintext2html

from .. import const


class AmazonCancellation(models.Model):
    _name = "amazon.cancellation"
    _description = "Amazon Order Item Cancelled in Odoo"
    _order = "id desc"
    _rec_name = "amazon_order_ref"
    _check_company_auto = True

    account_id = fields.Many2one(
        comodel_name="amazon.account",
        required=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        related="account_id.company_id", store=True, index=True
    )
    sale_order_id = fields.Many2one(
        comodel_name="sale.order", string="Sales Order", required=True, index=True
    )
    amazon_order_ref = fields.Char(string="Amazon Order", required=True)
    amazon_item_ref = fields.Char(string="Amazon Item ID", required=True)
    item_label = fields.Char(
        string="Item",
        help="The item's title on Amazon and its SKU.",
        compute="_compute_item_label",
    )
    reason = fields.Selection(selection=const.CANCEL_REASON_SELECTION, required=True)
    state = fields.Selection(
        string="Status",
        selection=[
            ("to_send", "To Send"),
            ("submitted", "Sent, Being Processed"),
            ("done", "Cancelled on Amazon"),
            ("error", "Refused by Amazon"),
        ],
        required=True,
        default="to_send",
        index=True,
    )
    feed_ref = fields.Char(string="Amazon Feed", readonly=True, index="btree_not_null")
    message = fields.Text(string="Amazon Answer", readonly=True)

    # === COMPUTE METHODS === #

    def _compute_item_label(self):
        for cancellation in self:
            line = cancellation.sale_order_id._amazon_item_lines().filtered(
                lambda line, c=cancellation: line.amazon_item_ref == c.amazon_item_ref
            )[:1]
            cancellation.item_label = (
                line._amazon_item_label() if line else cancellation.amazon_item_ref
            )

    # === BUSINESS METHODS === #

    def _amazon_refused(self, message):
        """Amazon refused these cancellations: say so on the order, once."""
        self.write({"state": "error", "message": message})
        for order in self.sale_order_id:
            note = self.env._(
                "Amazon refused the cancellation of items of order %(ref)s: "
                "%(message)s",
                ref=order.amazon_order_ref,
                message=message,
            )
            order.message_post(body=note)
            order.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._("Amazon refused a cancellation"),
                note=plaintext2html(note),
                user_id=order.amazon_account_id._amazon_responsible().id,
            )

    # === ACTION METHODS === #

    def action_retry(self):
        self.filtered(lambda c: c.state == "error").write(
            {"state": "to_send", "message": False, "feed_ref": False}
        )
        self.env.ref("amazon_connector.ir_cron_send_updates").sudo()._trigger()
