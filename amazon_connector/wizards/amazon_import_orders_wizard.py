from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

HISTORY_DAYS = 730  # Amazon keeps orders for two years


class AmazonImportOrdersWizard(models.TransientModel):
    _name = "amazon.import.orders.wizard"
    _description = "Import Amazon Orders of a Period"

    account_id = fields.Many2one(comodel_name="amazon.account", required=True)
    date_from = fields.Datetime(
        string="From",
        required=True,
        default=lambda self: fields.Datetime.now() - timedelta(days=30),
    )
    date_to = fields.Datetime(string="To", required=True, default=fields.Datetime.now)

    # === CONSTRAINT METHODS === #

    @api.onchange("date_from", "date_to")
    def _onchange_dates(self):
        if self.date_from and self.date_from < fields.Datetime.now() - timedelta(
            days=HISTORY_DAYS
        ):
            return {
                "warning": {
                    "title": self.env._("Two years at most"),
                    "message": self.env._(
                        "Amazon keeps the orders of the last two years."
                    ),
                }
            }
        return None

    # === ACTION METHODS === #

    def action_import(self):
        """Import, in the background, the orders purchased in the period."""
        self.ensure_one()
        now = fields.Datetime.now()
        if self.date_from >= self.date_to:
            raise UserError(
                self.env._("The start of the period must be before its end.")
            )
        if self.date_from < now - timedelta(days=HISTORY_DAYS):
            raise UserError(
                self.env._(
                    "Amazon keeps the orders of the last two years: start the period "
                    "after %(date)s.",
                    date=fields.Date.to_string(
                        (now - timedelta(days=HISTORY_DAYS)).date()
                    ),
                )
            )
        self.account_id._amazon_start_history(self.date_from, min(self.date_to, now))
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Amazon orders"),
                "message": self.env._(
                    "The orders purchased from %(start)s to %(end)s are being imported "
                    "in the background; they appear as they arrive.",
                    start=self.date_from,
                    end=min(self.date_to, now),
                ),
                "type": "info",
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
