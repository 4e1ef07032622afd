import hashlib
import logging
from collections import Counter
from datetime import timezone
from decimal import ROUND_HALF_UP, Decimal

import psycopg2
from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.amazon_connector import const

from amazon_sp.orders import OrderDataError, OrderStatus

_logger = logging.getLogger(__name__)

SKIPPED_STATUSES = (
    OrderStatus.PENDING,
    OrderStatus.UNFULFILLABLE,
    OrderStatus.CANCELED,
)


class AmazonImportError(Exception):
    """An order that cannot be imported as it stands; the message says what to fix."""


class AmazonOrderImport(models.AbstractModel):
    """Turns parsed Amazon orders (``amazon_sp.orders.AmazonOrder``) into sales orders.

    A page of orders is worked in batches: one search per kind of record (existing
    orders, offers, products, customers), one ``create`` for all new customers and one
    for all new orders, one confirmation. If anything in the batch fails, the batch is
    rolled back to its savepoint and the orders are imported one by one, each in its own
    savepoint, so that one broken order is recorded as failed with a reason and the
    others are imported.

    Each step is a method that other modules can override: ``_amazon_lookups``,
    ``_amazon_prepare_sale_order_vals``, ``_amazon_prepare_line_vals``,
    ``_amazon_line_amounts``, ``_amazon_finalize_orders``, ``_amazon_update_order``.
    """

    _name = "amazon.order.import"
    _description = "Amazon Order Import"

    # === ENTRY POINT === #

    @api.model
    def _amazon_import_orders(self, account, orders, unreadable=()):
        """Import a page of orders of an account.

        :param amazon.account account: the account.
        :param list orders: ``AmazonOrder`` records.
        :param list unreadable: ``OrderDataError`` for orders Amazon sent unreadable.
        :return: counters ``created``, ``updated``, ``skipped``, ``failed``, and the
            ``sale_orders`` created or updated.
        :rtype: dict
        """
        counts = Counter()
        touched = self.env["sale.order"]
        failures = []  # (order ref, reason, marketplace api ref)
        for error in unreadable:
            failures.append(
                (
                    error.order_id or "",
                    self.env._(
                        "Amazon sent data that cannot make a sales order: %(reason)s",
                        reason=error.reason,
                    ),
                    None,
                )
            )
        existing = self.env["sale.order"].search(
            [
                ("amazon_account_id", "=", account.id),
                ("amazon_order_ref", "in", [o.order_id for o in orders]),
            ]
        )
        by_ref = {so.amazon_order_ref: so for so in existing}
        to_create, to_update, closed = [], [], []
        up_to_date = self.env["sale.order"]
        for order in orders:
            sale_order = by_ref.get(order.order_id)
            if sale_order:
                if (
                    sale_order.amazon_last_update
                    and sale_order.amazon_last_update >= _naive(order.last_update)
                ):
                    # Read again (overlapping window): nothing new. A failure recorded
                    # for it is over: the sales order is as Amazon has it.
                    counts["skipped"] += 1
                    up_to_date |= sale_order
                else:
                    to_update.append((sale_order, order))
            elif order.status in SKIPPED_STATUSES or order.non_amazon:
                # Pending: no prices yet, imported when Amazon updates it. Cancelled
                # before import, or not an Amazon sale: nothing to do.
                counts["skipped"] += 1
                if order.status != OrderStatus.PENDING:
                    closed.append(order)
            else:
                to_create.append(order)
        created, create_failures = self._amazon_create_orders(account, to_create)
        counts["created"] += len(created)
        touched |= created
        failures += create_failures
        for sale_order, order in to_update:
            try:
                with self.env.cr.savepoint():
                    self._amazon_update_order(account, sale_order, order)
                counts["updated"] += 1
                touched |= sale_order
            except Exception as error:  # noqa: BLE001 - any failure is recorded, not lost
                failures.append(
                    (
                        order.order_id,
                        self._amazon_failure_reason(error),
                        order.marketplace_id,
                    )
                )
        counts["failed"] += len([f for f in failures if f[0]])
        self._amazon_record_failures(account, failures)
        self._amazon_resolve_failures(account, touched | up_to_date)
        self._amazon_close_failures(account, closed)
        return {**counts, "sale_orders": touched}

    # === CREATION === #

    def _amazon_create_orders(self, account, orders):
        """Create and confirm the sales orders of new Amazon orders.

        :return: the sales orders created, and the failures ``(ref, reason,
            marketplace)``.
        """
        if not orders:
            return self.env["sale.order"], []
        lookups = self._amazon_lookups(account, orders)
        orders, failures = self._amazon_check_orders_importable(orders, lookups)
        if not orders:
            return self.env["sale.order"], failures
        try:
            with self.env.cr.savepoint():
                return self._amazon_create_batch(account, orders, lookups), failures
        except Exception as error:  # noqa: BLE001 - retried order by order below
            if len(orders) == 1:
                reason = self._amazon_failure_reason(error)
                return self.env["sale.order"], [
                    *failures,
                    (orders[0].order_id, reason, orders[0].marketplace_id),
                ]
            _logger.info(
                "Batch of %s Amazon orders failed (%s); importing them one by one.",
                len(orders),
                type(error).__name__,
            )
        created = self.env["sale.order"]
        for order in orders:
            try:
                with self.env.cr.savepoint():
                    lookups = self._amazon_lookups(account, [order])
                    created |= self._amazon_create_batch(account, [order], lookups)
            except Exception as error:  # noqa: BLE001 - recorded with its reason
                failures.append(
                    (
                        order.order_id,
                        self._amazon_failure_reason(error),
                        order.marketplace_id,
                    )
                )
        return created, failures

    def _amazon_check_orders_importable(self, orders, lookups):
        """Set aside, before any write, the orders that cannot be imported as is.

        :return: the importable orders, and the failures of the others.
        """
        ready, failures = [], []
        for order in orders:
            marketplace = lookups["marketplace_by_ref"].get(order.marketplace_id)
            try:
                if not marketplace:
                    raise AmazonImportError(
                        self.env._(
                            "The order comes from marketplace %(marketplace)s, which "
                            "Odoo does not know: add it in Amazon Marketplaces "
                            "(developer mode).",
                            marketplace=order.marketplace_id,
                        )
                    )
                self._amazon_currency(order, marketplace, lookups)
                if not order.priced:
                    raise AmazonImportError(
                        self.env._(
                            "Amazon gave no prices for this order yet; it is tried "
                            "again later."
                        )
                    )
            except AmazonImportError as error:
                failures.append((order.order_id, str(error), order.marketplace_id))
                continue
            ready.append(order)
        return ready, failures

    def _amazon_create_batch(self, account, orders, lookups):
        self._amazon_create_customers(account, orders, lookups)
        self._amazon_create_offers(account, orders, lookups)
        vals_list = [
            self._amazon_prepare_sale_order_vals(account, order, lookups)
            for order in orders
        ]
        sale_orders = (
            self.env["sale.order"]
            .with_context(mail_create_nolog=True, tracking_disable=True)
            .create(vals_list)
        )
        self._amazon_finalize_orders(account, sale_orders, orders, lookups)
        return sale_orders

    def _amazon_failure_reason(self, error):
        """Say why an order failed, and what to fix, without buyer data."""
        if isinstance(error, AmazonImportError):
            return str(error)
        if isinstance(error, OrderDataError):
            return self.env._(
                "Amazon sent data that cannot make a sales order: %(reason)s",
                reason=error.reason,
            )
        if isinstance(error, (UserError, ValidationError)):
            return self.env._(
                "Odoo refused the sales order: %(message)s", message=str(error)
            )
        if isinstance(error, psycopg2.errors.UniqueViolation):
            return self.env._(
                "The order was imported at the same time by another run; it is checked "
                "again at the next run."
            )
        _logger.exception("Unexpected error while importing an Amazon order")
        return self.env._(
            "Unexpected error (%(error)s); the server log has the details. The order "
            "is retried at every run.",
            error=type(error).__name__,
        )

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
        codes = set(skus - set(offer_by_sku))
        levels = {o.ship_service_level for o in orders if o.ship_service_level}
        wraps = {
            i.gift_wrap_level for o in orders for i in o.items if i.gift_wrap_level
        }
        for level in levels:
            codes |= _spellings(level)
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

    # === CUSTOMERS === #

    def _amazon_create_customers(self, account, orders, lookups):
        """Find or create the customer and delivery address of every order.

        A buyer is one contact, found again by Amazon's e-mail alias and name (or,
        without an e-mail, by name and full street address; never by name and zip
        alone), and never overwritten. A delivery address is a child of the buyer,
        reused when identical; the buyer itself when its own address is the delivery
        address. Business buyers are companies with their VAT number. Without buyer
        data, orders go to one anonymous customer per account and marketplace, with the
        order's country, state and zip on a delivery address, for the fiscal position.
        """
        Partner = self.env["res.partner"].with_context(tracking_disable=True)
        plans = {
            order.order_id: self._amazon_customer_plan(account, order, lookups)
            for order in orders
        }
        partners = lookups["partners"]
        keys = set()
        for buyer, delivery in plans.values():
            keys.add(buyer["key"])
            if delivery:
                keys.add(delivery["key"])
        found = Partner.with_context(active_test=False).search(
            [("amazon_buyer_key", "in", list(keys - set(partners)))]
        )
        partners.update({partner.amazon_buyer_key: partner for partner in found})
        self._amazon_create_partners(
            Partner, partners, [buyer for buyer, _delivery in plans.values()]
        )
        deliveries = []
        for buyer, delivery in plans.values():
            customer = partners[buyer["key"]]
            if delivery and not _same_address(customer, delivery["values"]):
                delivery["values"]["parent_id"] = customer.id
                deliveries.append(delivery)
            elif delivery:
                delivery["key"] = buyer["key"]  # the buyer's own address
        self._amazon_create_partners(Partner, partners, deliveries)
        for order in orders:
            buyer, delivery = plans[order.order_id]
            customer = partners[buyer["key"]]
            shipping = partners[delivery["key"]] if delivery else customer
            lookups["customers"][order.order_id] = (
                customer,
                shipping,
                buyer["state_unknown"],
            )

    def _amazon_create_partners(self, Partner, partners, plans):
        """Create, in one call, the partners of ``plans`` that do not exist yet."""
        missing = {}
        for plan in plans:
            if plan["key"] not in partners:
                missing.setdefault(plan["key"], plan["values"])
        if missing:
            created = Partner.create(list(missing.values()))
            partners.update(zip(missing, created, strict=True))

    def _amazon_customer_plan(self, account, order, lookups):
        """Return the buyer and the delivery address an order needs, as keys and values.

        :return: ``(buyer, delivery)``: dicts with a ``key`` (the identity of the
            partner, ``amazon_buyer_key``) and the ``values`` to create it; ``delivery``
            is None when the order has no address.
        """
        company = lookups["company"]
        address = order.shipping_address
        address_values, state_unknown = self._amazon_address_values(address, lookups)
        base = {"company_id": company.id, **address_values}
        if order.is_business and (order.buyer_vat or order.buyer_company_name):
            identity = (
                ("vat", order.buyer_vat)
                if order.buyer_vat
                else ("company", order.buyer_company_name, order.buyer_email)
            )
            name = order.buyer_company_name or order.buyer_name or order.buyer_vat
            values = {
                **base,
                "name": name,
                "is_company": True,
                "vat": order.buyer_vat or False,
                "email": order.buyer_email or False,
            }
        elif order.buyer_name and (order.buyer_email or (address and address.line1)):
            if order.buyer_email:
                identity = ("email", order.buyer_email.lower(), order.buyer_name)
            else:
                identity = (
                    "address", order.buyer_name, address.line1, address.line2,
                    address.postal_code, address.city, address.country_code,
                )  # fmt: skip
            name = order.buyer_name
            values = {
                **base,
                "name": name,
                "email": order.buyer_email or False,
                "phone": (address.phone if address else "") or False,
            }
        else:
            return self._amazon_anonymous_plan(
                account, order, lookups, address_values, state_unknown
            )
        key = _key(company.id, *identity)
        buyer = {
            "key": key,
            "values": {**values, "amazon_buyer_key": key},
            "state_unknown": state_unknown,
        }
        if not address:
            return buyer, None
        delivery_key = _key(
            company.id, "delivery", key, address.name, address.company, address.line1,
            address.line2, address.line3, address.city, address.state,
            address.postal_code,
            address.country_code, address.phone,
        )  # fmt: skip
        delivery = {
            "key": delivery_key,
            "values": {
                **base,
                "type": "delivery",
                "name": address.name or name,
                "phone": address.phone or False,
                "amazon_buyer_key": delivery_key,
            },
        }
        return buyer, delivery

    def _amazon_anonymous_plan(
        self, account, order, lookups, address_values, state_unknown
    ):
        """One customer per account and marketplace, one delivery address per place."""
        company = lookups["company"]
        marketplace = lookups["marketplace_by_ref"].get(order.marketplace_id)
        name = self.env._(
            "Amazon Customers (%(marketplace)s)",
            marketplace=marketplace.name if marketplace else order.marketplace_id,
        )
        key = _key(company.id, "anonymous", account.id, order.marketplace_id)
        buyer = {
            "key": key,
            "values": {
                "company_id": company.id,
                "name": name,
                "country_id": marketplace.country_id.id if marketplace else False,
                "amazon_buyer_key": key,
            },
            "state_unknown": state_unknown,
        }
        if not address_values.get("country_id"):
            return buyer, None
        place = [
            address_values.get(k) for k in ("country_id", "state_id", "zip", "city")
        ]
        delivery_key = _key(company.id, "anonymous-delivery", key, *place)
        delivery = {
            "key": delivery_key,
            "values": {
                "company_id": company.id,
                "type": "delivery",
                "name": name,
                "country_id": address_values.get("country_id"),
                "state_id": address_values.get("state_id") or False,
                "zip": address_values.get("zip") or False,
                "city": address_values.get("city") or False,
                "amazon_buyer_key": delivery_key,
            },
        }
        return buyer, delivery

    def _amazon_address_values(self, address, lookups):
        """Odoo address fields of an Amazon address; whether its state is unknown."""
        if not address:
            return {}, False
        countries = lookups.setdefault("countries", {})
        code = address.country_code
        if code and code not in countries:
            countries[code] = self.env["res.country"].search(
                [("code", "=", code)], limit=1
            )
        country = countries.get(code) or self.env["res.country"]
        state, state_unknown = self._amazon_state(country, address.state, lookups)
        street2 = ", ".join(p for p in (address.line2, address.line3) if p)
        values = {
            "street": address.line1 or False,
            "street2": street2 or False,
            "city": address.city or False,
            "zip": address.postal_code or False,
            "country_id": country.id or False,
            "state_id": state.id or False,
        }
        return values, state_unknown

    def _amazon_state(self, country, name, lookups):
        """Find a state of a country by Amazon's code or name.

        :return: the state (or an empty record), and whether Amazon gave a state that
            Odoo does not know for a country with states.
        """
        if not name or not country:
            return self.env["res.country.state"], False
        states = lookups.setdefault("states", {})
        wanted = name.strip().lower()
        key = (country.id, wanted)
        if key not in states:
            # Odoo writes some codes with the country ("DE-BY"), Amazon without ("BY").
            states[key] = next(
                (
                    s
                    for s in country.state_ids
                    if wanted
                    in (s.code.lower(), s.code.lower().split("-")[-1], s.name.lower())
                ),
                self.env["res.country.state"],
            )
        state = states[key]
        return state, bool(country.state_ids) and not state

    # === PRODUCTS AND OFFERS === #

    def _amazon_item_product(self, order, item, lookups):
        """Return the product of an item, and whether it is the default product.

        The offer with that SKU on the account; else a product whose internal reference
        is the SKU (an offer then records the pairing); else "Amazon Sale".
        """
        offer = lookups["offer_by_sku"].get(item.sku) or lookups["new_offers"].get(
            item.sku
        )
        if offer:
            return offer.product_id, False
        product = lookups["product_by_code"].get(item.sku)
        if product:
            return product, False
        return lookups["default_sale"], True

    def _amazon_create_offers(self, account, orders, lookups):
        """Record the pairings found by internal reference as offers, in one create."""
        values = {}
        for order in orders:
            marketplace = lookups["marketplace_by_ref"].get(order.marketplace_id)
            for item in order.items:
                if not item.sku or item.sku in lookups["offer_by_sku"]:
                    continue
                product = lookups["product_by_code"].get(item.sku)
                if product and item.sku not in values:
                    values[item.sku] = {
                        "account_id": account.id,
                        "sku": item.sku,
                        "product_id": product.id,
                        "marketplace_id": marketplace.id if marketplace else False,
                    }
        if values:
            offers = (
                self.env["amazon.offer"]
                .with_context(tracking_disable=True)
                .create(list(values.values()))
            )
            lookups["new_offers"].update({offer.sku: offer for offer in offers})

    def _amazon_shipping_product(self, order, lookups):
        for code in _spellings(order.ship_service_level):
            if code in lookups["product_by_code"]:
                return lookups["product_by_code"][code], False
        return lookups["default_shipping"], True

    def _amazon_gift_wrap_product(self, item, lookups):
        product = lookups["product_by_code"].get(item.gift_wrap_level)
        if product:
            return product, False
        return lookups["default_sale"], True

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
            "date_order": _naive(order.purchase_date),
            "client_order_ref": order.order_id,
            "origin": order.order_id,
            "amazon_account_id": account.id,
            "amazon_order_ref": order.order_id,
            "amazon_marketplace_id": marketplace.id,
            "amazon_fulfillment": "fba" if order.is_fba else "fbm",
            "amazon_status": order.status.value,
            "amazon_last_update": _naive(order.last_update),
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
            "amazon_latest_ship_date": _naive(order.latest_ship_date),
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
                    "activate it (Accounting > Configuration > Currencies) with its "
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
            chunks = _even_chunks(amount, quantity, self._amazon_price_digits())
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

    # === FINALIZATION === #

    def _amazon_finalize_orders(self, account, sale_orders, orders, lookups):
        """Confirm the orders, move FBA goods, record what Amazon already shipped, and
        raise activities for what needs a person."""
        by_ref = {order.order_id: order for order in orders}
        to_confirm = sale_orders.filtered(
            lambda so: so.amazon_status in const.CONFIRMED_STATUSES
        )
        if to_confirm:
            to_confirm.with_context(mail_notrack=True).action_confirm()
        fba = sale_orders.filtered(lambda so: so.amazon_fulfillment == "fba")
        fba._amazon_deliver_fba(by_ref)
        shipped = (sale_orders - fba).filtered(
            lambda so: (
                by_ref[so.amazon_order_ref].status
                in (OrderStatus.SHIPPED, OrderStatus.PARTIALLY_SHIPPED)
            )
        )
        shipped._amazon_validate_shipped_deliveries(by_ref)
        self._amazon_check_orders(account, sale_orders)

    def _amazon_check_orders(self, account, sale_orders):
        """Schedule an activity where the order needs an accountant or a salesperson.

        The activities of a page are created together, without an e-mail each: the
        user finds them in the activity menu.
        """
        activities = []
        for sale_order in sale_orders:
            notes = []
            currency = sale_order.currency_id
            if (
                sale_order.amazon_has_total
                and currency.compare_amounts(
                    abs(sale_order.amazon_total_difference), account.total_tolerance
                )
                > 0
            ):
                notes.append(
                    self.env._(
                        "Odoo's total (%(odoo)s) differs from Amazon's (%(amazon)s) by "
                        "%(difference)s. Check the taxes of the products and the "
                        "fiscal position, or the account's marketplace facilitator "
                        "setting.",
                        odoo=sale_order.amount_total,
                        amazon=sale_order.amazon_expected_total,
                        difference=sale_order.amazon_total_difference,
                    )
                )
            elif (
                sale_order.amazon_marketplace_id.tax_included
                and sale_order.amazon_tax_total
                and currency.compare_amounts(
                    abs(sale_order.amount_tax - sale_order.amazon_tax_total),
                    account.total_tolerance,
                )
                > 0
            ):
                notes.append(
                    self.env._(
                        "Odoo's taxes (%(odoo)s) differ from Amazon's (%(amazon)s): "
                        "the products' tax rates are not the ones Amazon applied.",
                        odoo=sale_order.amount_tax,
                        amazon=sale_order.amazon_tax_total,
                    )
                )
            if sale_order.amazon_state_unknown:
                notes.append(
                    self.env._(
                        "Amazon's delivery state is unknown to Odoo: set the state of "
                        "the delivery address and check the fiscal position."
                    )
                )
            if notes:
                activities.append((sale_order, Markup("<br/>").join(notes)))
        if not activities:
            return
        todo = self.env.ref("mail.mail_activity_data_todo")
        model = self.env["ir.model"]._get_id("sale.order")
        user = account.accountant_user_id or account._amazon_responsible()
        today = fields.Date.context_today(self)
        self.env["mail.activity"].sudo().with_context(
            mail_activity_quick_update=True
        ).create(
            [
                {
                    "activity_type_id": todo.id,
                    "summary": self.env._("Check this Amazon order"),
                    "automated": True,
                    "note": note,
                    "date_deadline": today,
                    "res_model_id": model,
                    "res_id": sale_order.id,
                    "user_id": user.id,
                }
                for sale_order, note in activities
            ]
        )

    # === UPDATES === #

    def _amazon_update_order(self, account, sale_order, order):
        """Bring a sales order up to date with a newer state of its Amazon order."""
        sale_order.write(
            {
                "amazon_status": order.status.value,
                "amazon_last_update": _naive(order.last_update),
                "amazon_buyer_cancel_requested": order.buyer_requested_cancel,
                "amazon_buyer_cancel_reason": order.buyer_cancel_reason or False,
            }
        )
        if order.status is OrderStatus.CANCELED:
            sale_order._amazon_cancel_from_amazon()
        elif order.status.value in const.CONFIRMED_STATUSES:
            if sale_order.state == "draft":
                sale_order.action_confirm()
            if sale_order.amazon_fulfillment == "fba":
                sale_order._amazon_deliver_fba({order.order_id: order})

    # === FAILURES === #

    def _amazon_record_failures(self, account, failures):
        """Record failed orders on the account, and tell the responsible user once."""
        if not failures:
            return
        Failure = self.env["amazon.order.failure"]
        marketplaces = self.env["amazon.marketplace"].search(
            [("api_ref", "in", [f[2] for f in failures if f[2]])]
        )
        by_ref = {m.api_ref: m for m in marketplaces}
        new = 0
        for order_ref, reason, marketplace_ref in failures:
            if not order_ref:
                _logger.warning(
                    "An Amazon order without id could not be read: %s", reason
                )
                continue
            _failure, is_new = Failure._amazon_record(
                account, order_ref, reason, by_ref.get(marketplace_ref)
            )
            new += is_new
        if new:
            account._amazon_notify_failures()

    def _amazon_close_failures(self, account, orders):
        """Stop retrying failed orders that no longer need a sales order.

        An order that failed, then was cancelled by Amazon (or turned out not to be an
        Amazon sale), would otherwise stay first in the retry queue forever.
        """
        if not orders:
            return
        failures = self.env["amazon.order.failure"].search(
            [
                ("account_id", "=", account.id),
                ("state", "=", "failed"),
                ("amazon_order_ref", "in", [o.order_id for o in orders]),
            ]
        )
        by_ref = {o.order_id: o for o in orders}
        for failure in failures:
            if by_ref[failure.amazon_order_ref].status == OrderStatus.CANCELED:
                reason = self.env._(
                    "Amazon cancelled this order before it could be imported: there is "
                    "nothing to import."
                )
            else:  # unfulfillable or non-Amazon: not sold on Amazon
                reason = self.env._(
                    "This order was not sold on Amazon: there is nothing to import."
                )
            failure.write(
                {
                    "state": "closed",
                    "reason": f"{reason}\n{failure.reason}",
                    "last_attempt": fields.Datetime.now(),
                }
            )

    def _amazon_resolve_failures(self, account, sale_orders):
        if not sale_orders:
            return
        failures = self.env["amazon.order.failure"].search(
            [
                ("account_id", "=", account.id),
                ("state", "=", "failed"),
                ("amazon_order_ref", "in", sale_orders.mapped("amazon_order_ref")),
            ]
        )
        by_ref = {so.amazon_order_ref: so for so in sale_orders}
        for failure in failures:
            failure.write(
                {
                    "state": "resolved",
                    "sale_order_id": by_ref[failure.amazon_order_ref].id,
                    "last_attempt": fields.Datetime.now(),
                }
            )


# === HELPERS === #


def _naive(moment):
    """An aware datetime as Odoo stores it: naive UTC."""
    if not moment:
        return False
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def _key(*parts):
    """A compact, stable key of a buyer's identity (its parts are not stored twice)."""
    text = "\x1f".join("" if p is None else str(p).strip().lower() for p in parts)
    return hashlib.sha256(text.encode()).hexdigest()


def _spellings(level):
    """Internal references a service level may be written with: STANDARD, Standard..."""
    if not level:
        return set()
    words = level.split("_")
    return {level, level.lower(), level.title(), "".join(w.capitalize() for w in words)}


def _even_chunks(amount, quantity, digits):
    """Split ``amount`` (a Decimal) over ``quantity`` units at ``digits`` decimals.

    :return: ``[(quantity, amount)]`` when the unit price is exact, else two chunks: all
        units but one at the rounded unit price, and one unit at the rest.
    """
    exponent = Decimal(1).scaleb(-digits)
    unit = (amount / quantity).quantize(exponent, rounding=ROUND_HALF_UP)
    if quantity == 1 or unit * quantity == amount:
        return [(quantity, amount)]
    return [(quantity - 1, unit * (quantity - 1)), (1, amount - unit * (quantity - 1))]


def _same_address(partner, values):
    """Whether a partner's own address (and name) is this address."""
    for field in ("street", "street2", "city", "zip", "country_id", "state_id"):
        current = partner[field].id if field.endswith("_id") else partner[field]
        if (current or False) != (values.get(field) or False):
            return False
    return partner.name == values.get("name")
