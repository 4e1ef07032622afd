"""From an Amazon order to the values of its sales order: what a page of orders needs
(looked up once per page), the order's currency, fiscal position, pricelist and rate.

Its lines are mapped by ``amazon_order_mapping_lines.py``, its customer and delivery
address by ``amazon_order_mapping_partners.py``; ``amazon_order_import.py`` runs the
whole import.
"""

from odoo import Command, models

from ..utils import naive_utc, service_level_spellings
from .amazon_order_import import AmazonImportError


class AmazonOrderImport(models.AbstractModel):
    _inherit = "amazon.order.import"

    # === LOOKUPS === #

    def _amazon_lookups(self, account, orders):
        """Search, in one query per kind, what the orders need.

        :return: a dict of caches used by the other steps.
        """
        company = account.company_id
        skus = {item.sku for order in orders for item in order.items if item.sku}
        offers = self.env["amazon.offer"].search(
            [("account_id", "=", account.id), ("sku", "in", list(skus))]
        )
        offer_by_sku = {offer.sku: offer for offer in offers}
        # An offer without a product (imported from the listings, not paired yet)
        # gives no product: the SKU may still be a product's internal reference.
        codes = {
            sku
            for sku in skus
            if sku not in offer_by_sku or not offer_by_sku[sku].product_id
        }
        levels = {o.ship_service_level for o in orders if o.ship_service_level}
        wraps = {
            i.gift_wrap_level for o in orders for i in o.items if i.gift_wrap_level
        }
        for level in levels:
            codes |= service_level_spellings(level)
        codes |= wraps
        product_by_code = {}
        if codes:
            products = self.env["product.product"].search(
                [
                    ("default_code", "in", list(codes)),
                    ("sale_ok", "=", True),
                    ("company_id", "in", [False, company.id]),
                ],
                order="id",
            )
            for product in products:
                product_by_code.setdefault(product.default_code, product)
        marketplaces = self.env["amazon.marketplace"].search(
            [("api_ref", "in", list({o.marketplace_id for o in orders}))]
        )
        return {
            "company": company,
            "warehouse": account.warehouse_id
            or self.env["stock.warehouse"].search(
                [("company_id", "=", company.id)], limit=1
            ),
            "offer_by_sku": offer_by_sku,
            "product_by_code": product_by_code,
            "marketplace_by_ref": {m.api_ref: m for m in marketplaces},
            "partners": {},  # buyer key -> res.partner
            "customers": {},  # order id -> (customer, delivery address, state unknown)
            "fiscal_positions": {},
            "taxes": {},
            "pricelists": {},
            "rates": {},
            "new_offers": {},
            "default_sale": self.env["product.product"]._amazon_default_product("sale"),
            "default_shipping": self.env["product.product"]._amazon_default_product(
                "shipping"
            ),
        }

    # === ORDER VALUES === #

    def _amazon_prepare_sale_order_vals(self, account, order, lookups):
        """Return the values of the sales order of an Amazon order.

        :raise AmazonImportError: if the order cannot be imported as it stands.
        """
        company = lookups["company"]
        marketplace = lookups["marketplace_by_ref"][order.marketplace_id]
        currency = self._amazon_currency(order, marketplace, lookups)
        customer, shipping, state_unknown = lookups["customers"][order.order_id]
        fiscal_position = self._amazon_fiscal_position(
            account, order, customer, shipping, lookups
        )
        pricelist = self._amazon_pricelist(company, currency, lookups)
        rate = self._amazon_rate(company, currency, order, lookups)
        context = {
            "account": account,
            "order": order,
            "marketplace": marketplace,
            "currency": currency,
            "fiscal_position": fiscal_position,
            "rate": rate,
            "lookups": lookups,
        }
        lines = []
        amazon_tax = facilitator_tax = 0.0
        for item in order.items:
            for line in self._amazon_prepare_line_vals(item, context):
                lines.append(Command.create(line))
                amazon_tax += line.get("amazon_tax_amount", 0.0)
                if item.tax_collection_model == "marketplace_facilitator":
                    facilitator_tax += line.get("amazon_tax_amount", 0.0)
        total = float(order.order_total.amount) if order.order_total else None
        facilitated = bool(account.facilitator_fiscal_position_id) and (
            fiscal_position == account.facilitator_fiscal_position_id
        )
        gift_messages = [i.gift_message for i in order.items if i.gift_message]
        warehouse = lookups["warehouse"]
        return {
            "partner_id": customer.id,
            "partner_invoice_id": customer.id,
            "partner_shipping_id": shipping.id,
            "company_id": company.id,
            "user_id": account.user_id.id or False,
            "team_id": account.team_id.id or False,
            "pricelist_id": pricelist.id,
            "fiscal_position_id": fiscal_position.id or False,
            "warehouse_id": warehouse.id or False,
            "date_order": naive_utc(order.purchase_date),
            "client_order_ref": order.order_id,
            "origin": order.order_id,
            "amazon_account_id": account.id,
            "amazon_order_ref": order.order_id,
            "amazon_marketplace_id": marketplace.id,
            "amazon_fulfillment": "fba" if order.is_fba else "fbm",
            "amazon_status": order.status.value,
            "amazon_last_update": naive_utc(order.last_update),
            "amazon_order_total": total,
            "amazon_has_total": total is not None,
            "amazon_tax_total": currency.round(amazon_tax),
            "amazon_facilitator_tax": currency.round(facilitator_tax),
            "amazon_expected_total": (
                currency.round(total - (facilitator_tax if facilitated else 0.0))
                if total is not None
                else False
            ),
            "amazon_buyer_cancel_requested": order.buyer_requested_cancel,
            "amazon_buyer_cancel_reason": order.buyer_cancel_reason or False,
            "amazon_gift_message": "\n".join(gift_messages) or False,
            "amazon_purchase_order": order.purchase_order_number or False,
            "amazon_is_business": order.is_business,
            "amazon_is_prime": order.is_prime,
            "amazon_replaced_order_ref": order.replaced_order_id or False,
            "amazon_ship_service_level": order.ship_service_level or False,
            "amazon_latest_ship_date": naive_utc(order.latest_ship_date),
            "amazon_state_unknown": state_unknown,
            "order_line": lines,
        }

    def _amazon_currency(self, order, marketplace, lookups):
        code = order.currency or marketplace.currency_id.name
        currencies = lookups.setdefault("currencies", {})
        if code not in currencies:
            currencies[code] = (
                self.env["res.currency"]
                .with_context(active_test=False)
                .search([("name", "=", code)], limit=1)
            )
        currency = currencies[code]
        if not currency:
            raise AmazonImportError(
                self.env._(
                    "The order is in %(currency)s, a currency Odoo does not know.",
                    currency=order.currency,
                )
            )
        if not currency.active:
            raise AmazonImportError(
                self.env._(
                    "The order is in %(currency)s, which is not active in Odoo: "
                    "activate it (Invoicing > Configuration > Currencies) with its "
                    "rates; the order is imported at the next run.",
                    currency=currency.name,
                )
            )
        return currency

    def _amazon_fiscal_position(self, account, order, customer, shipping, lookups):
        """Odoo's own fiscal position rules; where Amazon remits the tax, the
        account's fiscal position for that case, if it has one."""
        if account.facilitator_fiscal_position_id and any(
            item.tax_collection_model == "marketplace_facilitator"
            for item in order.items
        ):
            return account.facilitator_fiscal_position_id
        key = (customer.id, shipping.id)
        cache = lookups["fiscal_positions"]
        if key not in cache:
            cache[key] = (
                self.env["account.fiscal.position"]
                .with_company(lookups["company"])
                ._get_fiscal_position(customer, shipping)
            )
        return cache[key]

    def _amazon_pricelist(self, company, currency, lookups):
        """A pricelist in the order's currency, created if there is none."""
        cache = lookups["pricelists"]
        if currency.id not in cache:
            Pricelist = self.env["product.pricelist"]
            pricelist = Pricelist.search(
                [
                    ("currency_id", "=", currency.id),
                    ("company_id", "in", [False, company.id]),
                ],
                order="company_id desc, sequence, id",
                limit=1,
            )
            if not pricelist:
                pricelist = Pricelist.sudo().create(
                    {
                        "name": self.env._(
                            "Amazon %(currency)s", currency=currency.name
                        ),
                        "currency_id": currency.id,
                        "company_id": company.id,
                    }
                )
            cache[currency.id] = pricelist
        return cache[currency.id]

    def _amazon_rate(self, company, currency, order, lookups):
        day = order.purchase_date.date()
        key = (currency.id, day)
        if key not in lookups["rates"]:
            lookups["rates"][key] = self.env["res.currency"]._get_conversion_rate(
                company.currency_id, currency, company, day
            )
        return lookups["rates"][key]
