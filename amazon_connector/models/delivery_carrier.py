import re

from odoo import api, fields, models

from .. import const


class DeliveryCarrier(models.Model):
    _inherit = "delivery.carrier"

    amazon_carrier_code = fields.Selection(
        string="Amazon Carrier",
        help="The carrier Amazon is told about when a delivery of an Amazon order is "
        "validated. 'Other' sends this carrier's name instead.",
        selection=const.CARRIER_CODE_SELECTION,
        compute="_compute_amazon_carrier_code",
        store=True,
        readonly=False,
    )
    amazon_shipping_method = fields.Char(
        help="The shipping method Amazon is told about (the carrier's name if empty), "
        "e.g. 'UPS Ground'.",
    )

    # === COMPUTE METHODS === #

    @api.depends("name", "delivery_type")
    def _compute_amazon_carrier_code(self):
        """Guess Amazon's code from the carrier's integration or name ("UPS Ground" is
        UPS); the user can change it.

        The guess follows the name as it is typed (a new carrier's form computes it
        before the name is there), and it never replaces a code the user chose: only
        an empty code or "Other" is guessed again.
        """
        codes = sorted(
            (code for code, _label in const.CARRIER_CODE_SELECTION if code != "Other"),
            key=len,
            reverse=True,
        )
        for carrier in self:
            if carrier.amazon_carrier_code not in (False, "Other"):
                continue
            if not carrier.name:
                carrier.amazon_carrier_code = False  # "Other" once there is a name
                continue
            haystack = f" {carrier.delivery_type or ''} {carrier.name or ''} ".lower()
            carrier.amazon_carrier_code = next(
                (
                    code
                    for code in codes
                    if re.search(rf"\b{re.escape(code.lower())}\b", haystack)
                ),
                "Other",
            )

    # === BUSINESS METHODS === #

    def _amazon_carrier(self):
        """Return ``(carrier code, carrier name, shipping method)`` for Amazon."""
        self.ensure_one()
        code = self.amazon_carrier_code or "Other"
        name = self.name if code == "Other" else ""
        return code, name, self.amazon_shipping_method or self.name
