"""Product listings of an Amazon account: the listing profiles, and the scheduled
reading of the reports of the feeds **Publish** sent (Amazon takes minutes to process
them), with one activity for the listings Amazon refused."""

import logging
from datetime import timedelta

from odoo import api, fields, models

import amazon_sp

from .. import const

_logger = logging.getLogger(__name__)

CAUSE_REFUSED = "listings_refused"


class AmazonAccount(models.Model):
    _inherit = "amazon.account"

    listing_profile_ids = fields.One2many(
        comodel_name="amazon.listing.profile",
        inverse_name="account_id",
        string="Listing Profiles",
    )

    # === SCHEDULED CHECK === #

    @api.model
    def _cron_check_listing_results(self):
        """Scheduled action: read the reports of the product listing feeds Amazon has
        processed, for every active account (see `_amazon_run_accounts`)."""

        def work(account, seconds):
            return account._amazon_check_listing_results()

        self._amazon_run_accounts(
            "publish",
            work,
            domain=[("listing_profile_ids", "!=", False)],
        )

    @api.model
    def _amazon_trigger_listing_results(self, minutes=2):
        cron = self.env.ref(
            "amazon_connector.ir_cron_check_listing_results", raise_if_not_found=False
        )
        if cron:
            cron.sudo()._trigger(fields.Datetime.now() + timedelta(minutes=minutes))

    def _amazon_check_listing_results(self):
        """Read the reports of this account's listing feeds that Amazon finished.

        :return: True when no feed waits any more.
        """
        self.ensure_one()
        Feed = self.env["amazon.listings.feed"]
        # A feed left "Being Sent" by an interrupted Publish (not one being sent now):
        # its offers are to publish again.
        stale = fields.Datetime.now() - timedelta(minutes=const.LISTING_FEED_STALE)
        Feed.search(
            [
                ("account_id", "=", self.id),
                ("kind", "=", "listings"),
                ("state", "=", "draft"),
                ("create_date", "<", stale),
            ]
        )._amazon_recover()
        pending = Feed.search(
            [
                ("account_id", "=", self.id),
                ("kind", "=", "listings"),
                ("state", "=", "submitted"),
            ]
        )
        if not pending:
            self._amazon_commit()
            return True
        try:
            connection = self._amazon_connection()
            connection.max_wait = const.IMPORT_MAX_WAIT
            pending._amazon_check(connection)
        except amazon_sp.AmazonError as error:
            _logger.info("Listing results of account %s wait: %s", self.id, error)
            self._amazon_commit()
            return False
        self._amazon_listing_refusals_activity()
        self._amazon_commit()
        waiting = Feed.search_count(
            [
                ("account_id", "=", self.id),
                ("kind", "=", "listings"),
                ("state", "=", "submitted"),
            ]
        )
        if waiting:
            self._amazon_trigger_listing_results(minutes=5)
        return not waiting

    def _amazon_listing_refusals_activity(self):
        """One activity, while some last, for the listings Amazon refused."""
        self.ensure_one()
        refused = self.env["amazon.offer"].search(
            [("account_id", "=", self.id), ("listing_state", "=", "refused")]
        )
        self._amazon_cause_activity(
            CAUSE_REFUSED,
            refused,
            self.env._("Amazon refused %(count)s product listings", count=len(refused)),
            self.env._(
                "Amazon refused these listings; each offer says why, with the "
                "attribute Amazon names. Fix the product or the profile's mapping, "
                "then Publish again."
            ),
            describe=lambda offer: f"{offer.sku}: {offer.listing_issues or ''}",
        )

    def _amazon_feed_rejected(self, feed, reason):
        """Override of the offers sync: a rejected listings feed is told as such;
        its offers are to publish again."""
        if feed.kind != "listings":
            return super()._amazon_feed_rejected(feed, reason)
        self.ensure_one()
        self._amazon_activity_once(
            self.env._("Amazon rejected a product listings feed"),
            self.env._(
                "Amazon did not process feed %(feed)s: %(reason)s Publish the "
                "profile again; if this goes on, send the reason to Amazon's seller "
                "support.",
                feed=feed.feed_ref or feed.id,
                reason=reason,
            ),
        )
        return None
