"""The listings import of an Amazon account: every listing of every synchronized
marketplace becomes an ``amazon.offer`` (one per SKU), paired with a product.

Amazon's merchant listings report is read, one per marketplace: a few calls whatever
the number of SKUs (SPAPI notes 9.2), where the Listings Items API would need one call
per 20 SKUs. Amazon makes the report in minutes: the import asks for it, and reads it
when it is done, at the next runs (the scheduled action is triggered again meanwhile);
then one search of the Listings Items API per marketplace reads Amazon's issues, which
the report does not have. **Import listings** starts it; the scheduled action runs it
weekly.

Pairing: by internal reference, then by barcode; otherwise the offer stays unpaired
(or, with the account's option, a product is created). A product chosen by hand, and
the offer's settings, are never changed by an import.
"""

import logging
import time
from collections import Counter
from datetime import timedelta

from odoo import Command, api, fields, models

import amazon_sp
from amazon_sp import listings, listings_report, reports

from .. import const

_logger = logging.getLogger(__name__)


class AmazonAccount(models.Model):
    _inherit = "amazon.account"

    # === FIELDS === #

    listings_import = fields.Boolean(
        string="Import Listings Weekly",
        help="Every week, read the seller's listings from Amazon: new SKUs become "
        "offers, and Amazon's titles, quantities, prices, statuses and issues are "
        "updated.",
        default=True,
    )
    listings_create_products = fields.Boolean(
        string="Create Missing Products",
        help="A listing that matches no product (by internal reference or barcode) "
        "gets a new product, named after Amazon's title, instead of staying unpaired.",
    )
    listings_last_import = fields.Datetime(
        string="Listings Imported", readonly=True, copy=False
    )
    listings_message = fields.Text(
        string="Last Listings Import", readonly=True, copy=False
    )
    unpaired_offer_count = fields.Integer(compute="_compute_unpaired_offer_count")

    # === COMPUTE METHODS === #

    def _compute_unpaired_offer_count(self):
        counts = dict(
            self.env["amazon.offer"]._read_group(
                [("account_id", "in", self.ids), ("product_id", "=", False)],
                ["account_id"],
                ["__count"],
            )
        )
        for account in self:
            account.unpaired_offer_count = counts.get(account, 0)

    # === ACTION METHODS === #

    def action_import_listings(self):
        """Import the seller's listings now (or as soon as Amazon made its reports)."""
        self.ensure_one()
        self._amazon_check_manager()
        try:
            finished = self._amazon_as_importer()._amazon_import_listings(
                const.INTERACTIVE_TIME_BUDGET,
                force=True,
                wait=const.LISTINGS_INTERACTIVE_WAIT,
            )
        except amazon_sp.AmazonError as error:
            return self._amazon_listings_notification(
                self._amazon_error_message(error), "danger"
            )
        if finished:
            return self._amazon_listings_notification(self.listings_message, "success")
        return self._amazon_listings_notification(
            self.env._(
                "Amazon is preparing the listings reports; the offers are imported "
                "within minutes, in the background."
            ),
            "info",
        )

    def _amazon_listings_notification(self, message, kind):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Amazon listings"),
                "message": message,
                "type": kind,
                "sticky": kind == "danger",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_view_unpaired_offers(self):
        action = self.action_view_offers()
        action["context"] = {**action["context"], "search_default_unpaired": 1}
        return action

    # === SCHEDULED IMPORT === #

    @api.model
    def _cron_import_listings(self):
        """Scheduled action: import the listings of every account that imports them,
        weekly (and read the reports Amazon was still making)."""

        def work(account, seconds):
            try:
                account._amazon_import_listings(seconds)
            except amazon_sp.AmazonError as error:
                # Logged, told to a person where one must act, tried again soon.
                _logger.debug("Listings import of account %s: %s", account.id, error)
            return True

        self._amazon_run_accounts("listings", work, [("listings_import", "=", True)])

    def _amazon_import_listings(self, time_budget, force=False, wait=0):
        """Request the listings reports when due, read those Amazon made.

        :param bool force: request them now, whenever the last import was.
        :param float wait: seconds to wait for Amazon's reports (a click).
        :return: whether the import finished (False: it waits for Amazon, or for the
            next run).
        :raise amazon_sp.AmazonError: when Amazon refuses or cannot be reached.
        """
        self.ensure_one()
        deadline = time.monotonic() + time_budget
        self._amazon_commit()
        state = self._amazon_state("listings")
        if not state or not state._amazon_try_lock():
            return False
        state.last_run = fields.Datetime.now()
        connection = self._amazon_connection()
        connection.max_wait = const.IMPORT_MAX_WAIT
        checkpoint = dict(state.checkpoint or {})
        if not checkpoint.get("reports"):
            last = state.synced_until
            if (
                not force
                and last
                and last
                > fields.Datetime.now() - timedelta(days=const.LISTINGS_IMPORT_DAYS)
            ):
                return True
        cron = self.env.ref("amazon_connector.ir_cron_import_listings").sudo()
        try:
            if not checkpoint.get("reports"):
                checkpoint = self._amazon_request_listings(connection)
                state.checkpoint = checkpoint
                self._amazon_commit()
            finished = self._amazon_read_listings(
                connection, state, checkpoint, deadline, wait
            )
        except amazon_sp.AmazonError as error:
            _logger.info("Listings import of account %s waits: %s", self.id, error)
            if error.account_wide:
                self._amazon_notify_problem(self._amazon_error_message(error))
            elif error.retryable:
                # Throttled or unreachable: sooner than next week's run.
                cron._trigger(
                    fields.Datetime.now()
                    + timedelta(minutes=const.LISTINGS_RETRY_MINUTES)
                )
            self._amazon_commit()
            raise
        if not finished:
            cron._trigger(
                fields.Datetime.now()
                + timedelta(minutes=const.LISTINGS_REPORT_POLL_MINUTES)
            )
        return finished

    def _amazon_request_listings(self, connection):
        """Ask Amazon for the listings report of every synchronized marketplace."""
        # A list, not a dict: the order matters, and JSON columns do not keep keys'.
        requested = [
            [
                marketplace.api_ref,
                listings_report.request_listings_report(
                    connection, marketplace.api_ref
                ),
            ]
            for marketplace in self._amazon_listing_marketplaces()
        ]
        return {
            "reports": requested,
            "requested": fields.Datetime.to_string(fields.Datetime.now()),
            "done": [],
            "counts": {},
        }

    def _amazon_listing_marketplaces(self):
        """The synchronized marketplaces, the company's country first: an offer's
        marketplace is the first one that lists its SKU."""
        country = self.company_id.country_id.code
        return self.active_marketplace_ids.sorted(lambda m: (m.code != country, m.name))

    def _amazon_read_listings(self, connection, state, checkpoint, deadline, wait):
        """Read the reports Amazon made; the issues once all are read.

        :return: whether every report was read.
        """
        Marketplace = self.env["amazon.marketplace"]
        waited = 0.0
        while True:
            pending = [
                (ref, report_id)
                for ref, report_id in checkpoint["reports"]
                if ref not in checkpoint["done"]
            ]
            for ref, report_id in pending:
                if time.monotonic() >= deadline:
                    return False
                report = reports.get_report(connection, report_id)
                if not report.finished:
                    continue
                marketplace = Marketplace.search([("api_ref", "=", ref)], limit=1)
                counts = Counter(checkpoint["counts"].get(ref) or {})
                if report.done:
                    counts.update(
                        self._amazon_import_report(connection, report, marketplace)
                    )
                elif report.status == "FATAL":
                    counts["fatal"] += 1
                checkpoint["done"].append(ref)
                checkpoint["counts"][ref] = dict(counts)
                state.checkpoint = dict(checkpoint)
                self._amazon_commit()
            if len(checkpoint["done"]) == len(checkpoint["reports"]):
                break
            if waited >= wait or time.monotonic() >= deadline:
                return False
            connection.clock.sleep(2)
            waited += 2
        issues = self._amazon_read_listing_issues(connection)
        self._amazon_finish_listings(state, checkpoint, issues)
        return True

    def _amazon_import_report(self, connection, report, marketplace):
        """Create or update the offers of a listings report, a batch per commit.

        :return: counts of what was done.
        :rtype: Counter
        """
        read = listings_report.read_listings_report(
            connection,
            report,
            marketplace.currency_id.name,
            listings_report.report_encodings(marketplace.code),
        )
        counts = Counter(read=len(read.listings), skipped=len(read.skipped))
        for line, reason in read.skipped[:20]:
            _logger.info(
                "Listings report of %s, line %s skipped: %s",
                marketplace.name,
                line,
                reason,
            )
        batch = const.LISTINGS_BATCH
        for start in range(0, len(read.listings), batch):
            chunk = read.listings[start : start + batch]
            counts.update(self._amazon_upsert_listings(marketplace, chunk))
            self._amazon_commit()
        return counts

    def _amazon_upsert_listings(self, marketplace, chunk):
        """Create or update the offers of some listings of a marketplace."""
        Offer = self.env["amazon.offer"].with_context(tracking_disable=True)
        counts = Counter()
        existing = {
            offer.sku: offer
            for offer in Offer.search(
                [
                    ("account_id", "=", self.id),
                    ("sku", "in", [row.sku for row in chunk]),
                ]
            )
        }
        to_pair = [
            listing
            for listing in chunk
            if listing.sku not in existing
            or (
                not existing[listing.sku].product_id
                and existing[listing.sku].paired_by != "manual"
            )
        ]
        by_code, by_barcode = self._amazon_pairing_lookups(to_pair)
        now = fields.Datetime.now()
        creates = []
        seen = Offer
        for listing in chunk:
            offer = existing.get(listing.sku)
            values = {
                "asin": listing.asin or False,
                "amazon_title": listing.title or False,
                "fulfillment": listing.fulfillment,
                "amazon_status": listing.status,
                "amazon_barcode": listing.barcode or False,
            }
            if (
                offer is None
                or not offer.marketplace_id
                or offer.marketplace_id == marketplace
            ):
                values["amazon_quantity"] = listing.quantity or 0
                values["amazon_price"] = (
                    float(listing.price.amount) if listing.price else 0.0
                )
            if listing in to_pair:
                product, how = self._amazon_match_product(listing, by_code, by_barcode)
                if product:
                    values.update(product_id=product.id, paired_by=how)
                    counts[f"paired_{how}"] += 1
            if offer is None:
                values.update(
                    account_id=self.id,
                    sku=listing.sku,
                    marketplace_id=marketplace.id,
                    listing_marketplace_ids=[Command.link(marketplace.id)],
                    amazon_read_date=now,
                )
                creates.append(values)
                continue
            seen |= offer
            if not offer.marketplace_id:
                values["marketplace_id"] = marketplace.id
            changed = _changed(offer, values)
            if marketplace not in offer.listing_marketplace_ids:
                changed["listing_marketplace_ids"] = [Command.link(marketplace.id)]
            if changed:
                offer.write(changed)
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
        seen.write({"amazon_read_date": now})  # one query for the whole batch
        created = Offer.create(creates)
        counts["created"] += len(created)
        if self.listings_create_products:
            unpaired = created.filtered(lambda offer: not offer.product_id)
            for offer in unpaired:
                product = self.env["product.product"].create(
                    offer._amazon_product_vals()
                )
                offer.write({"product_id": product.id, "paired_by": "created"})
            counts["paired_created"] += len(unpaired)
        return counts

    def _amazon_pairing_lookups(self, listings_to_pair):
        """Products by internal reference and by barcode, for some listings."""
        Product = self.env["product.product"].with_context(active_test=True)
        company = [False, self.company_id.id]
        skus = [listing.sku for listing in listings_to_pair]
        by_code = {}
        for product in Product.search(
            [("default_code", "in", skus), ("company_id", "in", company)], order="id"
        ):
            by_code.setdefault(product.default_code, product)
        barcodes = set()
        for listing in listings_to_pair:
            barcodes |= _barcode_spellings(listing.barcode)
        by_barcode = {}
        if barcodes:
            for product in Product.search(
                [("barcode", "in", list(barcodes)), ("company_id", "in", company)],
                order="id",
            ):
                by_barcode.setdefault(product.barcode, product)
        return by_code, by_barcode

    def _amazon_match_product(self, listing, by_code, by_barcode):
        """The product of a listing, and how it was found (or None, None)."""
        if listing.sku in by_code:
            return by_code[listing.sku], "reference"
        for spelling in _barcode_spellings(listing.barcode):
            if spelling in by_barcode:
                return by_barcode[spelling], "barcode"
        return None, None

    def _amazon_read_listing_issues(self, connection):
        """Amazon's issues on the account's listings, one search per marketplace (only
        listings with issues; Amazon pages through 1,000 at most a search).

        :return: marketplace -> (SKU -> issues text, whether all were read).
        """
        issues = {}
        for marketplace in self.active_marketplace_ids:
            result = listings.search_listings(
                connection,
                self.sudo().seller_id,
                marketplace.api_ref,
                with_issue_severity=["ERROR", "WARNING"],
                included=("summaries", "issues"),
                issue_locale=self._amazon_issue_locale(),
            )
            issues[marketplace] = (
                {
                    listing.sku: "\n".join(issue.text for issue in listing.issues)
                    for listing in result.listings
                },
                not result.truncated,
            )
        return issues

    def _amazon_finish_listings(self, state, checkpoint, issues):
        """Write the issues read, end the import, and say what it did."""
        Offer = self.env["amazon.offer"].with_context(tracking_disable=True)
        for marketplace, (texts, complete) in issues.items():
            offers = Offer.search(
                [("account_id", "=", self.id), ("marketplace_id", "=", marketplace.id)]
            )
            for offer in offers:
                text = texts.get(offer.sku)
                if text is None and not complete:
                    continue
                if (offer.amazon_issues or False) != (text or False):
                    offer.amazon_issues = text or False
        totals = Counter()
        for counts in checkpoint["counts"].values():
            totals.update(counts)
        unpaired = Offer.search_count(
            [("account_id", "=", self.id), ("product_id", "=", False)]
        )
        message = self.env._(
            "%(read)s listings read in %(marketplaces)s marketplaces: %(created)s "
            "offers created, %(updated)s updated, %(unchanged)s unchanged; paired "
            "%(reference)s by internal reference, %(barcode)s by barcode, "
            "%(created_products)s with a new product; %(unpaired)s offers unpaired.",
            read=totals["read"],
            marketplaces=len(checkpoint["reports"]),
            created=totals["created"],
            updated=totals["updated"],
            unchanged=totals["unchanged"],
            reference=totals["paired_reference"],
            barcode=totals["paired_barcode"],
            created_products=totals["paired_created"],
            unpaired=unpaired,
        )
        if totals["skipped"]:
            message += " " + self.env._(
                "%(count)s report lines could not be read (see the server log).",
                count=totals["skipped"],
            )
        if totals["fatal"]:
            message += " " + self.env._(
                "Amazon could not make %(count)s of the reports; they are asked for "
                "again at the next import.",
                count=totals["fatal"],
            )
        if any(not complete for _texts, complete in issues.values()):
            message += " " + self.env._(
                "More than 1,000 listings have issues in a marketplace: the issues of "
                "the others are kept from earlier."
            )
        self.write(
            {"listings_last_import": fields.Datetime.now(), "listings_message": message}
        )
        state.write(
            {
                "synced_until": fields.Datetime.to_datetime(checkpoint["requested"]),
                "checkpoint": False,
            }
        )
        self._amazon_commit()


def _changed(record, values):
    """The values that differ from what the record holds."""
    changed = {}
    for key, value in values.items():
        current = record[key]
        field = record._fields[key]
        if field.type == "many2one":
            current = current.id
        elif field.type in ("float", "monetary"):
            if abs((current or 0.0) - (value or 0.0)) < 1e-9:
                continue
        if (current or False) != (value or False):
            changed[key] = value
    return changed


def _barcode_spellings(barcode):
    """A barcode as products may store it: as is, and zero-padded to GTIN lengths
    (a UPC-A is an EAN-13 with a leading 0)."""
    if not barcode:
        return set()
    digits = barcode.strip()
    spellings = {digits}
    if digits.isdigit():
        core = digits.lstrip("0")
        spellings |= {core.zfill(size) for size in (12, 13, 14) if len(core) <= size}
    return spellings
