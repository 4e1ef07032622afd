"""What an Amazon account's imported orders need from a person: one activity per cause
(totals or taxes that differ from Amazon's, delivery states Odoo does not know), kept
up to date after every page of orders and every cancellation."""

from odoo import models


class AmazonOrderImport(models.AbstractModel):
    _inherit = "amazon.order.import"

    # === CHECKS === #

    def _amazon_check_orders(self, account):
        """Tell people about the account's orders that need a check: one activity per
        cause (totals that differ from Amazon's, taxes that differ, unknown delivery
        states), listing the orders, updated while the cause lasts and done once no
        order has it (see ``amazon.account._amazon_cause_activity``).

        Cancelled orders need no check; an order whose lines or address were fixed
        leaves its cause's list.
        """
        Order = self.env["sale.order"]
        base = [("amazon_account_id", "=", account.id), ("state", "!=", "cancel")]
        differing = Order.search(
            [
                *base,
                ("amazon_has_total", "=", True),
                ("amazon_total_difference", "!=", 0),
            ],
            order="date_order desc, id desc",
        ).filtered(
            lambda so: (
                so.currency_id.compare_amounts(
                    abs(so.amazon_total_difference), account.total_tolerance
                )
                > 0
            )
        )
        taxes = Order.search(
            [*base, ("amazon_tax_difference", "!=", 0)],
            order="date_order desc, id desc",
        ).filtered(
            lambda so: (
                so not in differing
                and so.currency_id.compare_amounts(
                    abs(so.amazon_tax_difference), account.total_tolerance
                )
                > 0
            )
        )
        states = Order.search(
            [
                *base,
                ("amazon_state_unknown", "=", True),
                ("partner_shipping_id.state_id", "=", False),
            ],
            order="date_order desc, id desc",
        )
        accountant = account.accountant_user_id or account._amazon_responsible()
        action = "amazon_connector.action_amazon_sale_orders"
        account._amazon_cause_activity(
            "orders_total_difference",
            differing,
            self.env._(
                "%(count)s Amazon orders: Odoo's total differs from Amazon's",
                count=len(differing),
            ),
            self.env._(
                "Odoo's total of these orders differs from Amazon's by more than the "
                "account's tolerance (%(tolerance)s). Check the taxes of their "
                "products and their fiscal position, and the account's Setup check "
                "(taxes, 'Tax Remitted by Amazon'). Fixed orders leave this list by "
                "themselves.",
                tolerance=account.total_tolerance,
            ),
            user=accountant,
            action=action,
            describe=self._amazon_describe_difference,
        )
        account._amazon_cause_activity(
            "orders_tax_difference",
            taxes,
            self.env._(
                "%(count)s Amazon orders: Odoo's taxes differ from Amazon's",
                count=len(taxes),
            ),
            self.env._(
                "The totals of these orders are Amazon's, but Odoo's taxes differ from "
                "the taxes Amazon reports: the tax rates of their products are not the "
                "ones Amazon applied. Check the products' taxes and the fiscal "
                "positions."
            ),
            user=accountant,
            action=action,
            describe=self._amazon_describe_tax_difference,
        )
        account._amazon_cause_activity(
            "orders_unknown_state",
            states,
            self.env._(
                "%(count)s Amazon orders: delivery state unknown to Odoo",
                count=len(states),
            ),
            self.env._(
                "Amazon wrote the delivery state of these orders in a way Odoo does "
                "not know: set the state of their delivery address, then check their "
                "fiscal position."
            ),
            action=action,
            describe=lambda so: self.env._(
                "%(order)s (%(ref)s): %(place)s",
                order=so.name,
                ref=so.amazon_order_ref,
                place=", ".join(
                    p
                    for p in (
                        so.partner_shipping_id.city,
                        so.partner_shipping_id.country_id.name,
                    )
                    if p
                ),
            ),
        )

    def _amazon_describe_difference(self, sale_order):
        return self.env._(
            "%(order)s (%(ref)s): Odoo %(odoo)s, Amazon %(amazon)s",
            order=sale_order.name,
            ref=sale_order.amazon_order_ref,
            odoo=_money(sale_order.amount_total, sale_order.currency_id),
            amazon=_money(sale_order.amazon_expected_total, sale_order.currency_id),
        )

    def _amazon_describe_tax_difference(self, sale_order):
        return self.env._(
            "%(order)s (%(ref)s): taxes Odoo %(odoo)s, Amazon %(amazon)s",
            order=sale_order.name,
            ref=sale_order.amazon_order_ref,
            odoo=_money(sale_order.amount_tax, sale_order.currency_id),
            amazon=_money(sale_order.amazon_tax_total, sale_order.currency_id),
        )


def _money(amount, currency):
    """An amount with its currency's code, e.g. 4,674.32 MXN: "$" is the symbol of
    more than one currency."""
    return f"{amount:,.{currency.decimal_places}f} {currency.name}"
