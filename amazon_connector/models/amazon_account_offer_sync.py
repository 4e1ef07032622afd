"""Stock and prices of an Amazon account's offers, sent to Amazon: the settings, what
Odoo can promise and at what price, and the scheduled sending in
``JSON_LISTINGS_FEED`` feeds with their results read back.

Each run (every 15 minutes, and soon after a stock change) reads the reports of the
feeds Amazon has processed, computes every offer's quantity and price, and sends only
the parts that changed since Amazon last accepted them, in as few feeds as Amazon's
limits allow (25,000 messages each). A feed is recorded before it leaves, so that a
crash never marks an offer sent that Amazon did not accept (``amazon.listings.feed``).
"""

import logging
import math
import time
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import plaintext2html

import amazon_sp
from amazon_sp.listings_feed import build_feeds

from .. import const

_logger = logging.getLogger(__name__)


class AmazonAccount(models.Model):
    _inherit = "amazon.account"

    _offer_safety_buffer_positive = models.Constraint(
        "CHECK(offer_safety_buffer >= 0)", "A safety buffer cannot be negative."
    )
    _offer_handling_time_range = models.Constraint(
        "CHECK(offer_handling_time >= 0 AND offer_handling_time <= 30)",
        "The handling time is 0 (not sent) to 30 days.",
    )

    # === FIELDS === #

    offer_send_stock = fields.Boolean(
        string="Send Stock",
        help="Send the quantity Odoo can promise of each FBM offer to Amazon: every 15 "
        "minutes, and soon after a delivery or a receipt. FBA stock is Amazon's and "
        "never sent.",
    )
    offer_warehouse_ids = fields.Many2many(
        comodel_name="stock.warehouse",
        relation="amazon_account_offer_warehouse_rel",
        string="Stock of Warehouses",
        help="The warehouses whose stock is offered on Amazon (with the locations "
        "below). Neither: the account's warehouse, else the company's first.",
        check_company=True,
    )
    offer_location_ids = fields.Many2many(
        comodel_name="stock.location",
        relation="amazon_account_offer_location_rel",
        string="Stock of Locations",
        help="Stock locations (and their sub-locations) whose stock is offered on "
        "Amazon, besides the warehouses.",
        domain="[('usage', '=', 'internal')]",
        check_company=True,
    )
    offer_safety_buffer = fields.Integer(
        string="Safety Buffer",
        help="Units of each product kept back from what is offered on Amazon (an offer "
        "may have its own).",
    )
    offer_handling_time = fields.Integer(
        string="Handling Time (Days)",
        help="Days you need to ship, told to Amazon with the quantities (0: not sent; "
        "an offer may have its own).",
    )
    offer_send_price = fields.Boolean(
        string="Send Prices",
        help="Send each offer's price to Amazon: the price of its marketplace's "
        "pricelist below, or the offer's fixed price.",
    )
    offer_pricelist_ids = fields.One2many(
        comodel_name="amazon.account.pricelist",
        inverse_name="account_id",
        string="Pricelists",
        copy=False,
    )
    offer_sync_error = fields.Text(
        string="Last Feed Rejected",
        help="Why Amazon last rejected a whole stock and price feed; its offers were "
        "sent again.",
        readonly=True,
        copy=False,
    )
    listings_feed_count = fields.Integer(compute="_compute_listings_feed_count")

    # === COMPUTE METHODS === #

    def _compute_listings_feed_count(self):
        counts = dict(
            self.env["amazon.listings.feed"]._read_group(
                [("account_id", "in", self.ids)], ["account_id"], ["__count"]
            )
        )
        for account in self:
            account.listings_feed_count = counts.get(account, 0)

    # === ACTION METHODS === #

    def action_send_offers(self):
        """Send the stock and prices that changed now, and say what was sent."""
        self.ensure_one()
        self._amazon_check_manager()
        summary = self._amazon_as_importer()._amazon_send_offers(
            const.INTERACTIVE_TIME_BUDGET, min_interval=0
        )
        if summary.get("locked"):
            message = self.env._(
                "Odoo is sending this account's stock and prices right now."
            )
            kind = "info"
        elif summary.get("error"):
            message = summary["error"]
            kind = "danger"
        else:
            message = self.env._(
                "%(messages)s changes sent in %(feeds)s feeds; %(waiting)s offers wait "
                "for Amazon's report (a few minutes), %(refused)s were refused.",
                messages=summary["messages"],
                feeds=summary["feeds"],
                waiting=summary["waiting"],
                refused=summary["refused"],
            )
            kind = "warning" if summary["refused"] else "success"
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Amazon stock and prices"),
                "message": message,
                "type": kind,
                "sticky": kind in ("warning", "danger"),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_view_listings_feeds(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Listings Feeds"),
            "res_model": "amazon.listings.feed",
            "view_mode": "list,form",
            "domain": [("account_id", "=", self.id)],
        }

    # === SCHEDULED SENDING === #

    @api.model
    def _cron_send_offers(self):
        """Scheduled action: send the stock and prices that changed, for every active
        account, each with its share of the run (see `_amazon_run_accounts`)."""

        def work(account, seconds):
            return account._amazon_send_offers(seconds)["done"]

        self._amazon_run_accounts("offers", work)

    @api.model
    def _amazon_trigger_offer_sync(self, products=None):
        """Run the stock and price sending soon, if these products' stock is sent."""
        domain = [
            ("account_id.active", "=", True),
            ("account_id.offer_send_stock", "=", True),
            ("fulfillment", "=", "fbm"),
            ("send_stock", "=", True),
        ]
        if products is not None:
            domain.append(("product_id", "in", products.ids))
        if self.env["amazon.offer"].sudo().search_count(domain, limit=1):
            cron = self.env.ref(
                "amazon_connector.ir_cron_send_offers", raise_if_not_found=False
            )
            if cron:
                cron.sudo()._trigger(
                    fields.Datetime.now() + timedelta(minutes=const.OFFER_SYNC_DELAY)
                )

    def _amazon_send_offers(self, time_budget=None, min_interval=None):
        """Read the reports of this account's feeds, then send its changed stock and
        prices.

        :param float time_budget: seconds it may take.
        :param float min_interval: minutes since the last feed before another is
            sent (default ``const.OFFER_FEED_INTERVAL``); the run is triggered again
            then.
        :return: ``done`` (False when time stopped it), ``messages`` and ``feeds``
            sent, ``waiting`` (offers waiting for a report), ``refused``, ``error``,
            ``locked``.
        :rtype: dict
        """
        self.ensure_one()
        interval = const.OFFER_FEED_INTERVAL if min_interval is None else min_interval
        deadline = time.monotonic() + (
            const.CRON_TIME_BUDGET if time_budget is None else time_budget
        )
        summary = {"done": True, "messages": 0, "feeds": 0, "refused": 0, "waiting": 0}
        self._amazon_commit()
        state = self._amazon_state("offers")
        if not state or not state._amazon_try_lock():
            return {**summary, "locked": True}
        state.last_run = fields.Datetime.now()
        Feed = self.env["amazon.listings.feed"]
        pending = Feed.search(
            [
                ("account_id", "=", self.id),
                ("kind", "=", "offers"),
                ("state", "in", ("draft", "submitted")),
            ]
        )
        pending._amazon_recover()
        self._amazon_commit()
        refused = self.env["amazon.offer"]
        try:
            connection = self._amazon_connection()
            connection.max_wait = const.IMPORT_MAX_WAIT
            refused |= self._amazon_refused_offers(pending._amazon_check(connection))
            offers = self.env["amazon.offer"].search([("account_id", "=", self.id)])
            offers._amazon_store_values(self._amazon_offer_values(offers))
            self._amazon_commit()
            due = offers.filtered(lambda o: o.sync_state == "to_send" and not o.feed_id)
            wait = self._amazon_feed_wait(interval)
            if due and wait:
                self.env.ref("amazon_connector.ir_cron_send_offers").sudo()._trigger(
                    fields.Datetime.now() + wait
                )
            elif due:
                sent = self._amazon_submit_offers(connection, due, deadline, summary)
                refused |= self._amazon_refused_offers(sent._amazon_check(connection))
        except amazon_sp.AmazonError as error:
            _logger.info("Stock and prices of account %s wait: %s", self.id, error)
            if error.account_wide:
                self._amazon_notify_problem(self._amazon_error_message(error))
            summary["error"] = self._amazon_error_message(error)
            self._amazon_commit()
        if refused:
            self._amazon_offer_refusals_activity(refused)
        summary["refused"] = len(refused)
        summary["waiting"] = self.env["amazon.offer"].search_count(
            [("account_id", "=", self.id), ("feed_id", "!=", False)]
        )
        self._amazon_commit()
        return summary

    def _amazon_feed_wait(self, interval):
        """How long before the next stock and price feed may leave (None: now)."""
        if not interval:
            return None
        last = self.env["amazon.listings.feed"].search(
            [
                ("account_id", "=", self.id),
                ("kind", "=", "offers"),
                ("submitted_date", "!=", False),
            ],
            order="submitted_date desc",
            limit=1,
        )
        if not last:
            return None
        wait = last.submitted_date + timedelta(minutes=interval) - fields.Datetime.now()
        return wait if wait > timedelta(0) else None

    def _amazon_submit_offers(self, connection, offers, deadline, summary):
        """Send the due parts of these offers, in as few feeds as Amazon allows.

        :return: the feeds sent.
        """
        Feed = self.env["amazon.listings.feed"]
        sent = Feed
        messages = offers._amazon_feed_messages()
        marketplaces = offers.marketplace_id
        if any(not offer.marketplace_id for offer in offers):
            marketplaces |= self._amazon_main_marketplace()
        built = build_feeds(
            self.sudo().seller_id,
            messages,
            sorted(set(marketplaces.mapped("api_ref"))),
            issue_locale=self._amazon_issue_locale(),
        )
        for feed in built:
            if time.monotonic() >= deadline:
                summary["done"] = False
                break
            sent |= Feed._amazon_submit(self, connection, feed)
            summary["feeds"] += 1
            summary["messages"] += feed.message_count
        return sent

    def _amazon_refused_offers(self, refused):
        return refused.get("amazon.offer", self.env["amazon.offer"])

    def _amazon_feed_rejected(self, feed, reason):
        """Amazon rejected a feed as a whole: say why on the account, tell the
        responsible user once."""
        self.ensure_one()
        self.offer_sync_error = reason
        self._amazon_activity_once(
            self.env._("Amazon rejected a stock and price feed"),
            self.env._(
                "Amazon did not process feed %(feed)s: %(reason)s Its offers are sent "
                "again at the next run; if this goes on, send the reason to Amazon's "
                "seller support.",
                feed=feed.feed_ref or feed.id,
                reason=reason,
            ),
        )

    def _amazon_offer_refusals_activity(self, offers):
        """One activity for the offers Amazon refused in a run, listing them."""
        self.ensure_one()
        lines = [
            f"{offer.sku}: {(offer.sync_message or '').replace(chr(10), ' ')}"
            for offer in offers[: const.REFUSALS_LISTED]
        ]
        if len(offers) > const.REFUSALS_LISTED:
            lines.append(
                self.env._(
                    "... and %(count)s more (filter the offers on Refused by Amazon).",
                    count=len(offers) - const.REFUSALS_LISTED,
                )
            )
        intro = self.env._(
            "Fix what Amazon says, then click Retry on the offers (they are also sent "
            "again when their stock or price changes):"
        )
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=self.env._(
                "Amazon refused %(count)s offer updates", count=len(offers)
            ),
            # Amazon's words are text, never markup.
            note=plaintext2html("\n".join([intro, *lines])),
            user_id=self._amazon_responsible().id,
        )

    # === WHAT IS SENT === #

    def _amazon_main_marketplace(self):
        """The marketplace requests go to when an offer has none."""
        self.ensure_one()
        return (self.active_marketplace_ids or self.available_marketplace_ids)[:1]

    def _amazon_issue_locale(self):
        """The language of Amazon's messages: the responsible user's, e.g. de_DE."""
        lang = self._amazon_responsible().lang or "en_US"
        return lang if len(lang) == 5 and lang[2] == "_" else None

    def _amazon_stock_locations(self):
        """The locations whose stock is offered on Amazon."""
        self.ensure_one()
        locations = self.offer_warehouse_ids.view_location_id | self.offer_location_ids
        if not locations:
            warehouse = self.warehouse_id or self.env["stock.warehouse"].search(
                [("company_id", "=", self.company_id.id)], limit=1
            )
            locations = warehouse.view_location_id
        return locations

    def _amazon_offer_values(self, offers):
        """What Odoo would send of each offer now.

        :return: offer id -> ``{"quantity", "handling", "price"}``, a part None when it
            is not sent.
        :rtype: dict
        """
        self.ensure_one()
        values = {offer.id: {} for offer in offers}
        stock_offers = offers.filtered(
            lambda o: self.offer_send_stock
            and o.send_stock
            and o.fulfillment == "fbm"
            and o.product_id.is_storable
        )
        available = self._amazon_available(stock_offers.product_id)
        for offer in stock_offers:
            buffer = (
                offer.safety_buffer
                if offer.buffer_override
                else self.offer_safety_buffer
            )
            promised = available.get(offer.product_id.id, 0.0) - buffer
            values[offer.id]["quantity"] = max(0, math.floor(promised + 1e-9))
            values[offer.id]["handling"] = (
                offer.handling_time or self.offer_handling_time or None
            )
        if self.offer_send_price:
            price_offers = offers.filtered(
                lambda o: o.send_price and o.product_id and o.marketplace_id
            )
            for offer_id, price in self._amazon_offer_prices(price_offers).items():
                values[offer_id]["price"] = price
        return values

    def _amazon_available(self, products):
        """What each product's stock can promise: on hand in the account's stock
        locations, less what pending moves out of them (deliveries, reserved or not)
        will take.

        :rtype: dict[int, float]
        """
        locations = self._amazon_stock_locations()
        if not products or not locations:
            return {}
        quantities = (
            products.with_company(self.company_id)
            .with_context(location=locations.ids, compute_child=True)
            ._compute_quantities_dict(None, None, None)
        )
        return {
            product_id: quantity["qty_available"] - quantity["outgoing_qty"]
            for product_id, quantity in quantities.items()
        }

    def _amazon_offer_prices(self, offers):
        """The price of each offer, in its marketplace's currency: the fixed price, or
        its marketplace's pricelist price for one unit with the product's sales taxes
        added where the marketplace's prices include tax; rounded to the currency.

        :return: offer id -> price (offers without a price are left out).
        :rtype: dict[int, float]
        """
        lines = {line.marketplace_id: line for line in self.offer_pricelist_ids}
        prices = {}
        for marketplace, group in offers.grouped("marketplace_id").items():
            currency = marketplace.currency_id
            for offer in group.filtered("use_fixed_price"):
                prices[offer.id] = currency.round(offer.fixed_price)
            line = lines.get(marketplace)
            rest = group.filtered(lambda o: not o.use_fixed_price)
            if not line or not rest:
                continue
            products = rest.product_id.with_company(self.company_id)
            bases = line.pricelist_id._get_products_price(products, 1.0)
            for offer in rest:
                product = offer.product_id
                taxes = product.taxes_id.filtered(
                    lambda t: t.company_id in self.company_id.parent_ids
                )
                if line.fiscal_position_id:
                    taxes = line.fiscal_position_id.map_tax(taxes)
                totals = taxes.compute_all(
                    bases[product.id], currency=currency, quantity=1.0, product=product
                )
                price = currency.round(
                    totals[
                        "total_included"
                        if marketplace.tax_included
                        else "total_excluded"
                    ]
                )
                if price > 0:
                    prices[offer.id] = price
        return prices
