"""An offer's stock and price with Amazon: what Odoo would send, what Amazon last
accepted, Amazon's refusals, **Send now** (``patchListingsItem``) and **Retry**.

Each part (stock, price) is due when Odoo's value differs from the one Amazon last
accepted (or was never sent); a part Amazon refused is sent again only once its value
changes, or on **Retry**. An offer in a feed Amazon has not reported on yet waits for
that report (``feed_id``), so that nothing is sent twice. The scheduled sending is in
``amazon_account_offer_sync.py``.
"""

import logging
from collections import defaultdict
from decimal import Decimal

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import float_repr, plaintext2html

import amazon_sp
from amazon_sp import listings
from amazon_sp.listings_feed import FeedMessage
from amazon_sp.orders import Money

from .. import const

_logger = logging.getLogger(__name__)


class AmazonOffer(models.Model):
    _inherit = "amazon.offer"

    # === FIELDS === #

    sends_stock = fields.Boolean(
        help="Odoo sends this offer's stock: an FBM offer of a stored product, with "
        "stock sending on for it and its account.",
        readonly=True,
    )
    odoo_quantity = fields.Integer(
        string="Quantity to Send",
        help="What Odoo can promise, as last computed: on hand in the account's stock "
        "locations, less what pending deliveries take from them, less the safety "
        "buffer, never below 0.",
        readonly=True,
    )
    odoo_handling_time = fields.Integer(string="Handling Time to Send", readonly=True)
    sends_price = fields.Boolean(
        help="Odoo sends this offer's price: price sending on for it and its account, "
        "and a price (the marketplace's pricelist, or a fixed price).",
        readonly=True,
    )
    odoo_price = fields.Monetary(
        string="Price to Send",
        help="The price Odoo sends, as last computed: the pricelist's price for one "
        "unit (taxes added where the marketplace's prices include tax), or the fixed "
        "price.",
        readonly=True,
    )
    sync_state = fields.Selection(
        string="Amazon Sync",
        selection=const.OFFER_SYNC_STATE_SELECTION,
        help="To Send: Odoo's stock or price differs from what Amazon last accepted. "
        "Sent: Amazon holds Odoo's values. Refused by Amazon: Amazon refused the last "
        "values sent; they are sent again once they change, or on Retry.",
        readonly=True,
        index=True,
        copy=False,
    )
    sync_message = fields.Text(
        string="Amazon's Answer",
        help="Why Amazon refused the last values sent, in Amazon's words.",
        readonly=True,
        copy=False,
    )
    sent_quantity = fields.Integer(
        string="Quantity Accepted",
        help="The quantity Amazon last accepted from Odoo.",
        readonly=True,
        copy=False,
    )
    sent_handling_time = fields.Integer(readonly=True, copy=False)
    stock_sent_date = fields.Datetime(
        string="Quantity Accepted On", readonly=True, copy=False
    )
    sent_price = fields.Monetary(
        string="Price Accepted",
        help="The price Amazon last accepted from Odoo.",
        readonly=True,
        copy=False,
    )
    price_sent_date = fields.Datetime(
        string="Price Accepted On", readonly=True, copy=False
    )
    refused_values = fields.Json(
        help="The values Amazon refused, by part: not sent again until they change.",
        readonly=True,
        copy=False,
    )
    feed_id = fields.Many2one(
        comodel_name="amazon.listings.feed",
        string="Waiting for Feed",
        help="The feed whose processing report this offer waits for.",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
    )

    # === ACTION METHODS === #

    def action_send_now(self):
        """Send this offer's stock and price to Amazon at once (patchListingsItem),
        and show Amazon's answer."""
        self.ensure_one()
        self.env["amazon.account"]._amazon_check_manager()
        account = self.account_id
        if self.feed_id:
            raise UserError(
                self.env._(
                    "This offer waits for Amazon's report of feed %(feed)s (sent "
                    "%(date)s); send it again once Amazon has answered, in a few "
                    "minutes.",
                    feed=self.feed_id.feed_ref,
                    date=self.feed_id.submitted_date,
                )
            )
        state = account._amazon_state("offers")
        if not state._amazon_try_lock():
            raise UserError(
                self.env._(
                    "Odoo is sending this account's stock and prices right now; try "
                    "again in a minute."
                )
            )
        offer = self.sudo()
        offer._amazon_store_values(account.sudo()._amazon_offer_values(offer))
        patches = []
        try:
            if offer.sends_stock:
                patches.append(
                    listings.quantity_patch(
                        offer.odoo_quantity, offer.odoo_handling_time or None
                    )
                )
            if offer.sends_price:
                patches.append(listings.price_patch(*offer._amazon_price_args()))
        except amazon_sp.InvalidInput as error:
            raise UserError(error.message) from None
        if not patches:
            raise UserError(offer._amazon_nothing_to_send())
        marketplace = offer.marketplace_id or account._amazon_main_marketplace()
        submission = account._amazon_call(
            lambda c: listings.patch_listing(
                c,
                account.sudo().seller_id,
                offer.sku,
                [marketplace.api_ref],
                patches,
                issue_locale=account._amazon_issue_locale(),
            )
        )
        results = []
        outcome = "accepted" if submission.accepted else "refused"
        texts = [issue.text for issue in submission.issues]
        if offer.sends_stock:
            results.append((offer._amazon_stock_key(), outcome, texts))
        if offer.sends_price:
            results.append((offer._amazon_price_key(), outcome, texts))
        self.env["amazon.offer"].sudo()._amazon_feed_results(None, results)
        if submission.accepted:
            message = self.env._(
                "Amazon accepted the update of %(sku)s (submission %(id)s).",
                sku=offer.sku,
                id=submission.submission_id,
            )
            if texts:
                message += "\n" + "\n".join(texts)
        else:
            message = self.env._(
                "Amazon refused the update of %(sku)s: %(issues)s",
                sku=offer.sku,
                issues="\n".join(texts) or submission.status,
            )
        offer.message_post(body=plaintext2html(message))
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Amazon"),
                "message": message,
                "type": "success" if submission.accepted else "danger",
                "sticky": not submission.accepted,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_retry(self):
        """Send the values Amazon refused again, at the next run (soon)."""
        self.env["amazon.account"]._amazon_check_manager()
        refused = self.filtered(lambda offer: offer.sync_state == "refused")
        refused.sudo().write(
            {"refused_values": False, "sync_message": False, "sync_state": "to_send"}
        )
        self.env.ref("amazon_connector.ir_cron_send_offers").sudo()._trigger()
        return True

    # === BUSINESS METHODS === #

    def _amazon_nothing_to_send(self):
        """Why Odoo sends nothing for this offer."""
        self.ensure_one()
        account = self.account_id
        if not self.product_id:
            return self.env._("The offer is not paired with a product.")
        reasons = []
        if self.fulfillment == "fba":
            reasons.append(self.env._("Amazon holds the stock of FBA offers."))
        elif not (account.offer_send_stock and self.send_stock):
            reasons.append(self.env._("Stock sending is off."))
        elif not self.product_id.is_storable:
            reasons.append(self.env._("The product's stock is not tracked."))
        if not (account.offer_send_price and self.send_price):
            reasons.append(self.env._("Price sending is off."))
        elif not self.marketplace_id:
            reasons.append(self.env._("The offer has no marketplace."))
        else:
            reasons.append(
                self.env._(
                    "No price: set a pricelist for %(marketplace)s on the account, or "
                    "a fixed price on the offer.",
                    marketplace=self.marketplace_id.name,
                )
            )
        return " ".join(reasons)

    def _amazon_store_values(self, values):
        """Store what Odoo would send now, and the sync state it gives.

        :param dict values: offer id -> ``{"quantity", "handling", "price"}`` (from
            ``amazon.account._amazon_offer_values``), None where a part is not sent.
        """
        groups = defaultdict(list)
        for offer in self:
            value = values.get(offer.id) or {}
            quantity = value.get("quantity")
            price = value.get("price")
            new = {
                "sends_stock": quantity is not None,
                "odoo_quantity": quantity or 0,
                "odoo_handling_time": value.get("handling") or 0,
                "sends_price": price is not None,
                "odoo_price": price or 0.0,
            }
            if any(offer[key] != item for key, item in new.items()):
                groups[tuple(new.items())].append(offer.id)
        for new, ids in groups.items():
            self.browse(ids).write(dict(new))
        self._amazon_restate()

    def _amazon_due_parts(self):
        """The parts of this offer due to be sent: ``stock``, ``price``; and those
        left refused."""
        self.ensure_one()
        refused = self.refused_values or {}
        due, still_refused = [], []
        if self.sends_stock:
            sent = (self.sent_quantity, self.sent_handling_time)
            current = (self.odoo_quantity, self.odoo_handling_time)
            if not self.stock_sent_date or sent != current:
                if refused.get("stock") == list(current):
                    still_refused.append("stock")
                else:
                    due.append("stock")
        if self.sends_price:
            currency = self.currency_id
            if not self.price_sent_date or currency.compare_amounts(
                self.sent_price, self.odoo_price
            ):
                if refused.get("price") == self._amazon_price_text():
                    still_refused.append("price")
                else:
                    due.append("price")
        return due, still_refused

    def _amazon_restate(self):
        """Set each offer's sync state from what Odoo would send and what Amazon last
        accepted or refused."""
        groups = defaultdict(list)
        for offer in self:
            due, refused = offer._amazon_due_parts()
            if due:
                state = "to_send"
            elif refused:
                state = "refused"
            elif offer.sends_stock or offer.sends_price:
                state = "sent"
            else:
                state = False
            if offer.sync_state != state:
                groups[state].append(offer.id)
        for state, ids in groups.items():
            self.browse(ids).write({"sync_state": state})

    def _amazon_price_text(self):
        currency = self.currency_id
        return float_repr(currency.round(self.odoo_price), currency.decimal_places)

    def _amazon_price_args(self):
        """The marketplace id and the price, for
        :func:`amazon_sp.listings.price_patch`."""
        self.ensure_one()
        currency = self.currency_id
        return (
            self.marketplace_id.api_ref,
            Money(Decimal(self._amazon_price_text()), currency.name),
        )

    def _amazon_stock_key(self):
        return {
            "res_id": self.id,
            "part": "stock",
            "quantity": self.odoo_quantity,
            "handling": self.odoo_handling_time,
        }

    def _amazon_price_key(self):
        return {"res_id": self.id, "part": "price", "price": self._amazon_price_text()}

    def _amazon_feed_messages(self):
        """The listings feed messages of the parts of these offers that are due."""
        messages = []
        for offer in self:
            due, _refused = offer._amazon_due_parts()
            if "stock" in due:
                patch = listings.quantity_patch(
                    offer.odoo_quantity, offer.odoo_handling_time or None
                )
                messages.append(
                    FeedMessage(
                        offer.sku, patches=(patch,), key=offer._amazon_stock_key()
                    )
                )
            if "price" in due:
                patch = listings.price_patch(*offer._amazon_price_args())
                messages.append(
                    FeedMessage(
                        offer.sku, patches=(patch,), key=offer._amazon_price_key()
                    )
                )
        return messages

    # === FEED RESULTS (see amazon.listings.feed) === #

    def _amazon_feed_pending(self, feed):
        """These offers are in a feed Amazon has not reported on yet."""
        self.write({"feed_id": feed.id})

    def _amazon_feed_released(self, feed):
        """A feed of these offers was not processed: they are to send again."""
        self.filtered(lambda offer: offer.feed_id == feed).write({"feed_id": False})
        self._amazon_restate()

    def _amazon_feed_results(self, feed, results):
        """Record what Amazon did with each part sent.

        :param amazon.listings.feed feed: the feed (None for **Send now**).
        :param list results: ``(key, outcome, issue texts)``, outcome ``accepted``,
            ``refused`` or ``unknown`` (left to send again).
        :return: the offers Amazon refused.
        """
        now = fields.Datetime.now()
        by_offer = defaultdict(list)
        for key, outcome, texts in results:
            by_offer[key["res_id"]].append((key, outcome, texts))
        offers = self.browse(sorted(by_offer)).exists()
        accepted_stock = defaultdict(list)  # (quantity, handling) -> ids
        accepted_price = defaultdict(list)  # price -> ids
        refused = self.browse()
        released = []
        for offer in offers:
            refused_values = dict(offer.refused_values or {})
            messages = []
            for key, outcome, texts in by_offer[offer.id]:
                part = key["part"]
                if outcome == "accepted":
                    refused_values.pop(part, None)
                    if part == "stock":
                        accepted_stock[(key["quantity"], key["handling"])].append(
                            offer.id
                        )
                    else:
                        accepted_price[key["price"]].append(offer.id)
                elif outcome == "refused":
                    refused_values[part] = (
                        [key["quantity"], key["handling"]]
                        if part == "stock"
                        else key["price"]
                    )
                    messages.extend(texts)
            vals = {}
            if offer.feed_id and (feed is None or offer.feed_id == feed):
                vals["feed_id"] = False
            if refused_values != (offer.refused_values or {}):
                vals["refused_values"] = refused_values or False
            if messages:
                vals["sync_message"] = "\n".join(dict.fromkeys(messages))
                refused |= offer
            elif not refused_values and offer.sync_message:
                vals["sync_message"] = False
            if vals == {"feed_id": False}:
                released.append(offer.id)  # the usual case: written together below
            elif vals:
                offer.write(vals)
        self.browse(released).write({"feed_id": False})
        for (quantity, handling), ids in accepted_stock.items():
            self.browse(ids).write(
                {
                    "sent_quantity": quantity,
                    "sent_handling_time": handling or 0,
                    "stock_sent_date": now,
                }
            )
        for price, ids in accepted_price.items():
            self.browse(ids).write({"sent_price": float(price), "price_sent_date": now})
        offers._amazon_restate()
        return refused
