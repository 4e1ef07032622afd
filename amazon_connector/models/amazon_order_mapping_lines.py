"""From an Amazon order item to sales order lines: the product (offer, internal
reference, or the default product), its shipping and gift wrap, and amounts exact to
the cent with Odoo's taxes."""

from odoo import Command, models

from ..utils import even_chunks, service_level_spellings


class AmazonOrderImport(models.AbstractModel):
    _inherit = "amazon.order.import"

    # === PRODUCTS AND OFFERS === #

    def _amazon_item_product(self, order, item, lookups):
        """Return the product of an item, and whether it is the default product.

        The product of the offer with that SKU on the account; else (an offer not
        paired yet, or no offer) a product whose internal reference is the SKU (the
        offer then records the pairing); else "Amazon Sale".
        """
        offer = lookups["new_offers"].get(item.sku) or lookups["offer_by_sku"].get(
            item.sku
        )
        if offer and offer.product_id:
            return offer.product_id, False
        if offer and offer.paired_by == "manual":
            # A person left this SKU unpaired: it is not the product of that reference.
            return lookups["default_sale"], True
        product = lookups["product_by_code"].get(item.sku)
        if product:
            return product, False
        return lookups["default_sale"], True

    def _amazon_create_offers(self, account, orders, lookups):
        """Record the pairings found by internal reference as offers, in one create
        (or on the unpaired offer of the SKU, unless a person left it unpaired)."""
        values = {}
        for order in orders:
            marketplace = lookups["marketplace_by_ref"].get(order.marketplace_id)
            for item in order.items:
                offer = lookups["offer_by_sku"].get(item.sku)
                product = lookups["product_by_code"].get(item.sku)
                if not item.sku or not product or item.sku in values:
                    continue
                if offer is None:
                    values[item.sku] = {
                        "account_id": account.id,
                        "sku": item.sku,
                        "product_id": product.id,
                        "paired_by": "order",
                        "marketplace_id": marketplace.id if marketplace else False,
                    }
                elif not offer.product_id and offer.paired_by != "manual":
                    offer.write({"product_id": product.id, "paired_by": "order"})
        if values:
            offers = (
                self.env["amazon.offer"]
                .with_context(tracking_disable=True)
                .create(list(values.values()))
            )
            lookups["new_offers"].update({offer.sku: offer for offer in offers})

    def _amazon_shipping_product(self, order, lookups):
        for code in service_level_spellings(order.ship_service_level):
            if code in lookups["product_by_code"]:
                return lookups["product_by_code"][code], False
        return lookups["default_shipping"], True

    def _amazon_gift_wrap_product(self, item, lookups):
        product = lookups["product_by_code"].get(item.gift_wrap_level)
        if product:
            return product, False
        return lookups["default_sale"], True

    # === LINE VALUES === #

    def _amazon_prepare_line_vals(self, item, context):
        """Return the values of the lines of one Amazon item: the product, then its
        shipping and its gift wrap when Amazon charged them.

        Promotions reduce the product line and shipping discounts the shipping line, so
        that the lines add up to what the buyer paid.
        """
        order, lookups = context["order"], context["lookups"]
        zero = 0
        lines = []
        product, is_default = self._amazon_item_product(order, item, lookups)
        description = self._amazon_item_description(item, product, is_default)
        amount = item.item_price.amount - (
            item.promotion_discount.amount if item.promotion_discount else zero
        )
        tax = (item.item_tax.amount if item.item_tax else zero) - (
            item.promotion_discount_tax.amount if item.promotion_discount_tax else zero
        )
        lines += self._amazon_priced_lines(
            product,
            description,
            item.quantity_ordered,
            amount,
            tax,
            "item",
            item,
            context,
        )
        if item.shipping_price is not None and (
            item.shipping_price.amount or item.shipping_discount
        ):
            shipping, _default = self._amazon_shipping_product(order, lookups)
            amount = item.shipping_price.amount - (
                item.shipping_discount.amount if item.shipping_discount else zero
            )
            tax = (item.shipping_tax.amount if item.shipping_tax else zero) - (
                item.shipping_discount_tax.amount
                if item.shipping_discount_tax
                else zero
            )
            name = self.env._(
                "Shipping (%(level)s) of %(sku)s",
                level=order.ship_service_level or "-",
                sku=item.sku or item.asin,
            )
            lines += self._amazon_priced_lines(
                shipping, name, 1, amount, tax, "shipping", item, context
            )
        if item.gift_wrap_price is not None and item.gift_wrap_price.amount:
            wrap, _default = self._amazon_gift_wrap_product(item, lookups)
            tax = item.gift_wrap_tax.amount if item.gift_wrap_tax else zero
            name = self.env._(
                "Gift wrap (%(level)s) of %(sku)s",
                level=item.gift_wrap_level or "-",
                sku=item.sku or item.asin,
            )
            lines += self._amazon_priced_lines(
                wrap,
                name,
                1,
                item.gift_wrap_price.amount,
                tax,
                "gift_wrap",
                item,
                context,
            )
        return lines

    def _amazon_item_description(self, item, product, is_default):
        if is_default:
            description = self.env._(
                "%(title)s (SKU %(sku)s)",
                title=item.title or item.asin,
                sku=item.sku or "-",
            )
        else:
            description = (
                product.get_product_multiline_description_sale() or product.display_name
            )
        if item.condition and item.condition != "new":
            condition = item.condition.replace("_", " ").capitalize()
            if item.condition_subtype and item.condition_subtype not in (
                "new",
                item.condition,
            ):
                condition += " - " + item.condition_subtype.replace("_", " ")
            description += "\n" + self.env._(
                "Condition: %(condition)s", condition=condition
            )
            if item.condition_note:
                description += " (" + item.condition_note + ")"
        return description

    def _amazon_priced_lines(
        self, product, name, quantity, amount, amazon_tax, kind, item, context
    ):
        """Lines that charge ``amount`` for ``quantity`` of a product, to the cent.

        ``amount`` is Amazon's line amount: with taxes on tax-included marketplaces,
        without on the others. Returns one line, or two when the amount cannot be split
        evenly over the units at Odoo's price precision and no tax carries exact
        amounts.
        """
        if quantity <= 0:
            return []
        marketplace = context["marketplace"]
        taxes = self._amazon_line_taxes(product, context)
        currency = context["currency"]
        chunks = [(quantity, amount)]
        if not taxes:
            chunks = even_chunks(amount, quantity, self._amazon_price_digits())
        lines = []
        tax_left = float(amazon_tax)
        for index, (chunk_quantity, chunk_amount) in enumerate(chunks):
            price_unit, extra = self._amazon_line_amounts(
                float(chunk_amount), chunk_quantity, taxes, product, context,
                tax_included=marketplace.tax_included,
            )  # fmt: skip
            share = float(chunk_amount) / float(amount) if amount else 1.0
            chunk_tax = (
                tax_left
                if index == len(chunks) - 1
                else currency.round(float(amazon_tax) * share)
            )
            tax_left -= chunk_tax
            lines.append(
                {
                    "product_id": product.id,
                    "name": name,
                    "product_uom_qty": chunk_quantity,
                    "price_unit": price_unit,
                    "tax_ids": [Command.set(taxes.ids)],
                    "extra_tax_data": extra,
                    "amazon_item_ref": item.order_item_id,
                    "amazon_line_kind": kind,
                    "amazon_tax_amount": currency.round(chunk_tax),
                    "amazon_condition": item.condition if kind == "item" else False,
                    "amazon_sku": item.sku or False,
                    "amazon_title": item.title or False,
                }
            )
        return lines

    def _amazon_line_taxes(self, product, context):
        fiscal_position = context["fiscal_position"]
        cache = context["lookups"]["taxes"]
        key = (product.id, fiscal_position.id)
        if key not in cache:
            company = context["lookups"]["company"]
            taxes = product.taxes_id._filter_taxes_by_company(company)
            cache[key] = fiscal_position.map_tax(taxes) if fiscal_position else taxes
        return cache[key]

    def _amazon_price_digits(self):
        return self.env["decimal.precision"].precision_get("Product Price")

    def _amazon_line_amounts(
        self, amount, quantity, taxes, product, context, tax_included
    ):
        """Return the unit price and the exact tax data of a line charging ``amount``.

        On tax-included marketplaces ``amount`` includes the taxes: Odoo extracts its
        taxes from it, as Amazon does, so the line's total with taxes is Amazon's amount
        to the cent when Odoo's rate is Amazon's. Elsewhere ``amount`` is the net price
        and Odoo adds its taxes. The amounts are stored on the line (``extra_tax_data``,
        the way Odoo keeps down payments exact), so that neither the price precision nor
        a later recomputation changes them, and invoices carry them too.

        :return: ``(price_unit, extra_tax_data)``
        """
        AccountTax = self.env["account.tax"]
        company = context["lookups"]["company"]
        currency = context["currency"]
        base_line = AccountTax._prepare_base_line_for_taxes_computation(
            None,
            product_id=product,
            tax_ids=taxes,
            price_unit=amount / quantity,
            quantity=quantity,
            currency_id=currency,
            rate=context["rate"],
            special_mode="total_included" if tax_included else "total_excluded",
        )
        AccountTax._add_tax_details_in_base_line(base_line, company)
        AccountTax._round_base_lines_tax_details([base_line], company)
        details = base_line["tax_details"]
        included = sum(
            data["tax_amount_currency"]
            for data in details["taxes_data"]
            if data["tax"].price_include
        )
        price_unit = (details["total_excluded_currency"] + included) / quantity
        if not details["taxes_data"]:
            return price_unit, False
        AccountTax._fix_base_lines_tax_details_on_manual_tax_amounts(
            [base_line], company
        )
        base_line["price_unit"] = price_unit
        base_line["special_mode"] = False
        return price_unit, AccountTax._export_base_line_extra_tax_data(base_line)
