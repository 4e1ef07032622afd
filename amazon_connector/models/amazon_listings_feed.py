"""A ``JSON_LISTINGS_FEED`` sent to Amazon, and what became of each of its messages.

The feed keeps, for each message id, the message's key: the record it stands for
(``res_model``, e.g. ``amazon.offer``) and what was sent. Amazon's processing report
is read by message id and each outcome handed back to that model
(``_amazon_feed_results``); a feed Amazon rejects as a whole hands its records back
(``_amazon_feed_released``). Any kind of listings change (stock and prices, products)
goes through here.
"""

import logging

from odoo import api, fields, models

import amazon_sp
from amazon_sp import feeds, listings_feed

from .. import const

_logger = logging.getLogger(__name__)


class AmazonListingsFeed(models.Model):
    _name = "amazon.listings.feed"
    _description = "Amazon Listings Feed"
    _order = "id desc"
    _rec_name = "feed_ref"
    _check_company_auto = True

    _feed_ref_unique = models.UniqueIndex(
        "(account_id, feed_ref) WHERE feed_ref IS NOT NULL",
        "Amazon's feed is recorded once per account.",
    )

    account_id = fields.Many2one(
        comodel_name="amazon.account",
        required=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        related="account_id.company_id", store=True, index=True
    )
    kind = fields.Selection(
        selection=[("offers", "Stock and Prices"), ("listings", "Product Listings")],
        required=True,
        default="offers",
    )
    res_model = fields.Char(
        string="Records Of",
        help="The model whose records the messages stand for.",
        required=True,
        default="amazon.offer",
    )
    state = fields.Selection(
        string="Status",
        selection=const.LISTINGS_FEED_STATE_SELECTION,
        required=True,
        default="draft",
        index=True,
    )
    feed_ref = fields.Char(string="Amazon Feed", readonly=True, copy=False)
    marketplace_ids = fields.Many2many(
        comodel_name="amazon.marketplace", string="Marketplaces", readonly=True
    )
    messages = fields.Json(
        string="Message Keys",
        help="Message id -> what the message stands for.",
        readonly=True,
        copy=False,
    )
    message_count = fields.Integer(string="Messages", readonly=True)
    accepted_count = fields.Integer(string="Accepted", readonly=True)
    refused_count = fields.Integer(string="Refused", readonly=True)
    submitted_date = fields.Datetime(string="Sent", readonly=True)
    done_date = fields.Datetime(string="Processed", readonly=True)
    message = fields.Text(
        string="Amazon Answer",
        help="What Amazon said of the feed as a whole.",
        readonly=True,
    )

    # === BUSINESS METHODS === #

    @api.model
    def _amazon_submit(self, account, connection, feed, kind="offers"):
        """Record a feed, then send it: the record exists, committed, before anything
        leaves, so that a crash at any point leaves a trace to recover from.

        :param amazon_sp.listings_feed.ListingsFeed feed: the feed to send.
        :return: the feed record, ``submitted``, or ``cancelled`` with Amazon's error.
        :raise amazon_sp.AmazonError: when Amazon refused or could not be reached
            (the record is then ``cancelled``, committed, its records released).
        """
        marketplaces = self.env["amazon.marketplace"].search(
            [("api_ref", "in", list(feed.marketplace_ids))]
        )
        record = self.create(
            {
                "account_id": account.id,
                "kind": kind,
                "messages": {str(k): v for k, v in feed.keys.items()},
                "message_count": feed.message_count,
                "marketplace_ids": [fields.Command.set(marketplaces.ids)],
            }
        )
        record._amazon_records()._amazon_feed_pending(record)
        account._amazon_commit()
        try:
            feed_ref = listings_feed.submit_listings_feed(connection, feed)
        except amazon_sp.AmazonError as error:
            record._amazon_release(
                self.env._(
                    "Not sent: %(error)s. Its changes are sent again at the next run.",
                    error=error.message,
                ),
                state="cancelled",
            )
            account._amazon_commit()
            raise
        record.write(
            {
                "feed_ref": feed_ref,
                "state": "submitted",
                "submitted_date": fields.Datetime.now(),
            }
        )
        account._amazon_commit()
        return record

    def _amazon_recover(self):
        """Release the records of feeds left ``draft`` by an interrupted run: whether
        Amazon received them is unknown, and their changes are sent again (the same
        absolute values, so that Amazon ends up holding them either way)."""
        for feed in self.filtered(lambda f: f.state == "draft"):
            feed._amazon_release(
                self.env._(
                    "Interrupted before Amazon's answer was recorded: its changes are "
                    "sent again."
                ),
                state="cancelled",
            )

    def _amazon_check(self, connection):
        """Ask Amazon where these submitted feeds are; read the reports of those it
        finished and hand each message's outcome to its record.

        :return: the records Amazon refused, by model.
        :rtype: dict
        """
        refused = {}
        for feed in self.filtered(lambda f: f.state == "submitted"):
            status = feeds.feed_status(connection, feed.feed_ref)
            if not status.finished:
                continue
            if status.status != "DONE":
                reason = feed._amazon_fatal_reason(connection, status)
                feed._amazon_release(reason, state="fatal")
                feed.account_id._amazon_feed_rejected(feed, reason)
            else:
                report = listings_feed.listings_feed_report(
                    connection, status.result_document_id
                )
                records = feed._amazon_apply_report(report)
                refused.setdefault(feed.res_model, self.env[feed.res_model])
                refused[feed.res_model] |= records
            feed.account_id._amazon_commit()
        return refused

    def _amazon_fatal_reason(self, connection, status):
        self.ensure_one()
        reason = self.env._(
            "Amazon did not process the feed (%(status)s).", status=status.status
        )
        if status.result_document_id:
            try:
                report = listings_feed.listings_feed_report(
                    connection, status.result_document_id
                )
            except amazon_sp.AmazonError as error:
                _logger.info("Report of feed %s unreadable: %s", self.feed_ref, error)
            else:
                texts = [issue.text for issue in report.feed_issues]
                if texts:
                    reason += " " + " ".join(texts)
        return reason

    def _amazon_apply_report(self, report):
        """Hand each message's outcome to its record; return the records refused."""
        self.ensure_one()
        results = []
        counts = {"accepted": 0, "refused": 0}
        for message_id, key in (self.messages or {}).items():
            outcome, issues = report.outcome(int(message_id))
            counts[outcome] = counts.get(outcome, 0) + 1
            results.append((key, outcome, [self._amazon_issue_text(i) for i in issues]))
        feed_issues = " ".join(issue.text for issue in report.feed_issues)
        self.write(
            {
                "state": "done",
                "done_date": fields.Datetime.now(),
                "accepted_count": counts["accepted"],
                "refused_count": counts["refused"],
                "message": feed_issues or False,
            }
        )
        refused = self.env[self.res_model]._amazon_feed_results(self, results)
        if counts.get("unknown"):
            self.account_id._amazon_feed_rejected(self, feed_issues)
        return refused

    def _amazon_issue_text(self, issue):
        """An issue of a message as its record shows it: with the attribute Amazon
        names, for product listings."""
        if self.kind == "listings" and issue.attribute_name:
            return f"{issue.text} ({issue.attribute_name})"
        return issue.text

    def _amazon_release(self, reason, state):
        """Hand the feed's records back, unsent, with the reason."""
        self.ensure_one()
        self.write(
            {"state": state, "done_date": fields.Datetime.now(), "message": reason}
        )
        self._amazon_records()._amazon_feed_released(self)

    def _amazon_records(self):
        """The records the feed's messages stand for."""
        self.ensure_one()
        ids = {
            key["res_id"]
            for key in (self.messages or {}).values()
            if isinstance(key, dict) and key.get("res_id")
        }
        return self.env[self.res_model].browse(sorted(ids)).exists()

    @api.autovacuum
    def _gc_old_feeds(self):
        """Keep 90 days of finished feeds."""
        limit = fields.Datetime.subtract(fields.Datetime.now(), days=90)
        self.search(
            [
                ("state", "in", ("done", "fatal", "cancelled")),
                ("create_date", "<", limit),
            ],
            limit=10000,
        ).unlink()
