import re

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .. import const


class AmazonRecoverOrderWizard(models.TransientModel):
    _name = "amazon.recover.order.wizard"
    _description = "Recover an Amazon Order"

    account_id = fields.Many2one(comodel_name="amazon.account", required=True)
    order_ref = fields.Char(
        string="Amazon Reference",
        help="The order's reference in Seller Central, e.g. 123-1234567-1234567.",
        required=True,
    )

    # === CONSTRAINT METHODS === #

    @api.constrains("order_ref")
    def _check_order_ref(self):
        for wizard in self:
            if not re.match(const.ORDER_REF_PATTERN, (wizard.order_ref or "").strip()):
                raise ValidationError(
                    self.env._(
                        "%(ref)s is not an Amazon order reference: it has the form "
                        "123-1234567-1234567.",
                        ref=wizard.order_ref,
                    )
                )

    # === ACTION METHODS === #

    def action_recover(self):
        """Import the order now and open it."""
        self.ensure_one()
        sale_order = self.account_id._amazon_as_importer()._amazon_recover_order(
            self.order_ref
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "res_id": sale_order.id,
            "view_mode": "form",
            "target": "current",
        }
