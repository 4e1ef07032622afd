"""An offer created by a listing profile: its listing on Amazon (created, refused,
removed), Amazon's products its barcode matches, **Check with Amazon** and **Remove
from Amazon**; and how its results come back from a listings feed.

While its listing is not on Amazon yet, an offer's stock and price are not sent (the
SKU does not exist there): once Amazon accepts the listing, the offers sync sends them
as for any other offer.
"""

from collections import defaultdict

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import plaintext2html

from amazon_sp import listings_publish

from .. import const

LISTING_PART = "listing"


class AmazonOffer(models.Model):
    _inherit = "amazon.offer"

    # === FIELDS === #

    profile_id = fields.Many2one(
        comodel_name="amazon.listing.profile",
        string="Listing Profile",
        help="The profile that lists this product on Amazon.",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
    )
    listing_state = fields.Selection(
        string="Listing",
        selection=const.LISTING_STATE_SELECTION,
        help="Where the listing created by its profile stands: to choose the Amazon "
        "product, not valid (what to fix is said below), to publish, waiting for "
        "Amazon's report, listed, refused by Amazon, or removed.",
        readonly=True,
        index=True,
        copy=False,
    )
    listing_issues = fields.Text(
        string="Listing Problems",
        help="What keeps the listing from Amazon: Odoo's check against the product "
        "type, or Amazon's own issues, each with the attribute it names.",
        readonly=True,
        copy=False,
    )
    listing_hash = fields.Char(readonly=True, copy=False)
    listing_sent_hash = fields.Char(
        help="The fingerprint of the values Amazon last accepted: a product is sent "
        "again only when a mapped value changes.",
        readonly=True,
        copy=False,
    )
    listing_date = fields.Datetime(string="Listed On", readonly=True, copy=False)
    listing_check = fields.Text(
        string="Amazon's Check",
        help="What Amazon said when the listing was last checked (Check with "
        "Amazon): nothing was listed then.",
        readonly=True,
        copy=False,
    )
    catalog_match_ids = fields.One2many(
        comodel_name="amazon.catalog.match",
        inverse_name="offer_id",
        string="Amazon Products",
        help="The Amazon products listed under the product's barcode: choose the "
        "one you sell.",
    )

    # === ACTION METHODS === #

    def action_check_with_amazon(self):
        """Have Amazon check this offer's listing without listing it
        (VALIDATION_PREVIEW), and show Amazon's issues."""
        self.ensure_one()
        self.env["amazon.account"]._amazon_check_manager()
        if not self.profile_id or not self.product_id:
            raise UserError(self.env._("Only offers of a listing profile are checked."))
        return self.profile_id.sudo()._amazon_check_with_amazon(self.product_id)

    def action_publish_again(self):
        """Publish these offers' products again through their profiles."""
        self.env["amazon.account"]._amazon_check_manager()
        summary = {}
        for profile, offers in (
            self.filtered("profile_id").grouped("profile_id").items()
        ):
            offers.filtered(lambda o: o.listing_state == "refused").sudo().write(
                {"listing_sent_hash": False, "listing_state": "to_send"}
            )
            result = profile.sudo()._amazon_publish(offers.product_id)
            for key, value in result.items():
                summary[key] = (
                    summary.get(key, 0) + value if isinstance(value, int) else value
                )
        if not summary:
            raise UserError(self.env._("These offers were not made by a profile."))
        return self.env["amazon.listing.profile"]._amazon_publish_notification(summary)

    def action_remove_from_amazon(self):
        """Delete these listings on Amazon (deleteListingsItem), in each marketplace
        of their profile; their stock and price are no longer sent."""
        self.env["amazon.account"]._amazon_check_manager()
        for offer in self.sudo():
            account = offer.account_id
            marketplaces = offer.profile_id.marketplace_ids or offer.marketplace_id
            if not marketplaces:
                marketplaces = account._amazon_main_marketplace()
            texts = []
            for marketplace in marketplaces:
                submission = account._amazon_call(
                    lambda c, m=marketplace, o=offer, a=account: (
                        listings_publish.delete_listing(
                            c,
                            a.seller_id,
                            o.sku,
                            m.api_ref,
                            issue_locale=a._amazon_issue_locale(),
                        )
                    )
                )
                gone = submission.accepted or any(
                    i.code == "NOT_FOUND" for i in submission.issues
                )
                if not gone:
                    raise UserError(
                        self.env._(
                            "Amazon did not remove %(sku)s from %(marketplace)s: "
                            "%(issues)s",
                            sku=offer.sku,
                            marketplace=marketplace.name,
                            issues="\n".join(i.text for i in submission.issues)
                            or submission.status,
                        )
                    )
                texts.append(marketplace.name)
            offer.write(
                {
                    "listing_state": "removed",
                    "listing_sent_hash": False,
                    "send_stock": False,
                    "send_price": False,
                    "amazon_status": False,
                }
            )
            offer.message_post(
                body=plaintext2html(
                    self.env._(
                        "Removed from Amazon (%(marketplaces)s) by %(user)s.",
                        marketplaces=", ".join(texts),
                        user=self.env.user.name,
                    )
                )
            )
        return {"type": "ir.actions.client", "tag": "soft_reload"}

    # === FEED RESULTS (see amazon.listings.feed) === #

    def _amazon_feed_messages(self):
        """Override of the offers sync: no stock or price is sent for a listing that
        Amazon does not hold yet (or any more)."""
        return super(
            AmazonOffer,
            self.filtered(lambda o: not o.listing_state or o.listing_state == "listed"),
        )._amazon_feed_messages()

    def _amazon_feed_pending(self, feed):
        result = super()._amazon_feed_pending(feed)
        if feed.kind == "listings":
            self.write({"listing_state": "sending"})
        return result

    def _amazon_feed_released(self, feed):
        if feed.kind == "listings":
            self.filtered(
                lambda o: o.listing_state == "sending" and o.feed_id == feed
            ).write({"listing_state": "to_send", "listing_issues": feed.message})
        return super()._amazon_feed_released(feed)

    def _amazon_feed_results(self, feed, results):
        """Override of the offers sync: the results of listings (part ``listing``)
        are recorded here, the others as before."""
        listing = [r for r in results if r[0].get("part") == LISTING_PART]
        others = [r for r in results if r[0].get("part") != LISTING_PART]
        refused = (
            super()._amazon_feed_results(feed, others) if others else self.browse()
        )
        if not listing:
            return refused
        by_state = defaultdict(list)
        now = fields.Datetime.now()
        offers = self.browse(sorted({key["res_id"] for key, _o, _t in listing}))
        offers = offers.exists()
        alive = set(offers.ids)
        released = []
        for key, outcome, texts in listing:
            if key["res_id"] not in alive:
                continue
            offer = self.browse(key["res_id"])
            if outcome == "accepted":
                offer.write(
                    {
                        "listing_state": "listed",
                        "listing_sent_hash": key.get("hash"),
                        "listing_issues": "\n".join(texts) or False,
                        "listing_date": now,
                        "feed_id": False,
                    }
                )
                by_state["listed"].append(offer.id)
            elif outcome == "refused":
                offer.write(
                    {
                        "listing_state": "refused",
                        "listing_issues": "\n".join(dict.fromkeys(texts)),
                        "feed_id": False,
                    }
                )
                refused |= offer
            else:
                released.append(offer.id)
        self.browse(released).write({"listing_state": "to_send", "feed_id": False})
        listed = self.browse(by_state["listed"])
        if listed:
            # Amazon holds them now: their stock and price go with the offers sync.
            listed._amazon_restate()
            self.env["amazon.account"]._amazon_trigger_offer_sync(listed.product_id)
        return refused
