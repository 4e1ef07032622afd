"""Upload a settlement file downloaded from Seller Central (Reports > Payments >
All Statements > Download Flat File V2): settlements older than Amazon's 90 days of
reports, or from before the account had API access. The file is booked exactly as
one the scheduled action downloads, and one already booked creates nothing."""

import base64

from odoo import fields, models
from odoo.exceptions import UserError

from amazon_sp import settlements


class AmazonSettlementUpload(models.TransientModel):
    _name = "amazon.settlement.upload"
    _description = "Upload an Amazon Settlement File"

    account_id = fields.Many2one(
        comodel_name="amazon.account",
        string="Amazon Account",
        required=True,
        default=lambda self: self.env["amazon.account"].search([], limit=1),
    )
    file = fields.Binary(string="Settlement File", required=True)
    filename = fields.Char()

    # === ACTION METHODS === #

    def action_import(self):
        """Book the uploaded settlement, or say it was booked before."""
        self.ensure_one()
        self.env["amazon.settlement"]._amazon_check_accountant()
        content = base64.b64decode(self.file or b"")
        try:
            text, encoding = settlements.decode_settlement_file(content)
            parsed = settlements.parse_settlement(text, encoding)
        except settlements.SettlementError as error:
            raise UserError(
                self.env._(
                    "%(file)s cannot be imported: %(error)s",
                    file=self.filename or self.env._("The file"),
                    error=str(error),
                )
            ) from None
        account = self.account_id.sudo()
        settlement, created = account._amazon_import_settlement(
            parsed,
            text.encode(encoding),
            self.filename or f"settlement-{parsed.settlement_id}.txt",
            source="upload",
        )
        if settlement is None:
            raise UserError(
                self.env._(
                    "Settlement %(ref)s is being imported right now; try again in a "
                    "minute.",
                    ref=parsed.settlement_id,
                )
            )
        if created:
            kind = "success" if settlement.state == "reconciled" else "warning"
            message = self.env._(
                "Settlement %(ref)s booked: %(reconciled)s line(s) reconciled, "
                "%(open)s open.",
                ref=settlement.settlement_ref,
                reconciled=settlement.reconciled_count,
                open=settlement.open_count,
            )
        elif settlement.failed:
            kind = "danger"
            message = self.env._(
                "Settlement %(ref)s could not be booked: %(reason)s",
                ref=settlement.settlement_ref,
                reason=settlement.failure_reason,
            )
        else:
            kind = "info"
            message = self.env._(
                "Settlement %(ref)s was imported before: nothing was created.",
                ref=settlement.settlement_ref,
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Amazon settlement"),
                "message": message,
                "type": kind,
                "sticky": kind == "danger",
                "next": {
                    "type": "ir.actions.act_window",
                    "res_model": "amazon.settlement",
                    "res_id": settlement.id,
                    "views": [(False, "form")],
                    "target": "current",
                },
            },
        }
