"""Publishing a listing profile's products on Amazon.

**Publish** makes (or finds) the ``amazon.offer`` of each product, finds offer-only
products in Amazon's catalog by barcode (20 barcodes a call), writes each listing's
attributes from the mapping in each marketplace's language, validates them against
the product type's schema, and sends the valid ones that changed since Amazon last
accepted them in ``JSON_LISTINGS_FEED`` feeds of ``UPDATE`` messages (through
``amazon.listings.feed``, which reads the processing report and hands each outcome to
its offer). Nothing invalid is sent: what fails is written on the offer, per
attribute, in a merchant's words.
"""

import hashlib
import hmac
import logging

from odoo import api, models
from odoo.exceptions import UserError

import amazon_sp
from amazon_sp import catalog, listing_attributes, listing_schema
from amazon_sp.listings_feed import build_feeds

from .. import const
from .amazon_offer_listing import LISTING_PART

_logger = logging.getLogger(__name__)

FBA_CHANNELS = {"NA": "AMAZON_NA", "EU": "AMAZON_EU", "FE": "AMAZON_FE"}
OFFER_VALUES = ("purchasable_offer", "fulfillment_availability")


def image_token(env, product):
    """The token of a product's public image URL: it changes with the image."""
    secret = env["ir.config_parameter"].sudo().get_param("database.secret") or ""
    checksum = (
        product.sudo().image_1920
        and hashlib.sha1(product.sudo().image_1920).hexdigest()
    )
    message = f"amazon-image:{product.id}:{checksum}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:24]


class AmazonListingProfile(models.Model):
    _inherit = "amazon.listing.profile"

    # === PUBLISH === #

    def _amazon_publish(self, products=None):
        """List the profile's products (or some of them) on Amazon.

        :return: ``sent``, ``feeds``, ``accepted``, ``refused``, ``waiting``,
            ``invalid``, ``to_match``, ``unchanged``.
        :rtype: dict
        :raise UserError: when the profile is not ready or Amazon cannot be reached.
        """
        self.ensure_one()
        self._amazon_check_ready()
        account = self.account_id._amazon_as_importer()
        products = self._amazon_products() if products is None else products
        summary = dict.fromkeys(
            ("sent", "feeds", "accepted", "refused", "waiting", "invalid",
             "to_match", "unchanged"),
            0,
        )  # fmt: skip
        if not products:
            return summary
        try:
            definitions = self._amazon_definitions()
            offers = self._amazon_offers(products)
            if self._amazon_offer_only():
                self._amazon_match_catalog(offers)
            messages = self._amazon_messages(offers, definitions, summary)
            if messages:
                self._amazon_send(account, messages, summary)
        except amazon_sp.AmazonError as error:
            raise UserError(account._amazon_error_message(error)) from None
        offers = self.env["amazon.offer"].browse(offers.ids)
        for state in ("to_match", "invalid"):
            summary[state] = len(
                offers.filtered(lambda o, s=state: o.listing_state == s)
            )
        return summary

    def _amazon_offers(self, products):
        """The offer of each product on the profile's account, made where missing.

        :rtype: amazon.offer
        """
        Offer = self.env["amazon.offer"]
        existing = Offer.search(
            [
                ("account_id", "=", self.account_id.id),
                ("product_id", "in", products.ids),
            ]
        )
        by_product = {offer.product_id.id: offer for offer in existing}
        taken = set(
            Offer.search([("account_id", "=", self.account_id.id)]).mapped("sku")
        )
        values = []
        for product in products:
            if product.id in by_product:
                continue
            sku = (product.default_code or "").strip() or f"ODOO-{product.id}"
            if sku in taken:
                sku = f"{sku}-{product.id}"
            taken.add(sku)
            values.append(
                {
                    "account_id": self.account_id.id,
                    "sku": sku,
                    "product_id": product.id,
                    "marketplace_id": self.marketplace_ids[:1].id,
                    "fulfillment": self.fulfillment,
                    "handling_time": self.handling_time,
                    "paired_by": "manual",
                }
            )
        offers = existing | Offer.create(values)
        offers.filtered(lambda o: o.profile_id != self).write({"profile_id": self.id})
        offers.filtered(lambda o: o.listing_state in (False, "removed")).write(
            {"listing_state": "to_send", "send_stock": True, "send_price": True}
        )
        return offers

    def _amazon_match_catalog(self, offers):
        """Find the Amazon product of offer-only offers by their barcodes: one match
        is taken, several are shown to choose from, none is said."""
        marketplace = self.marketplace_ids[:1]
        todo = offers.filtered(lambda o: not o.asin and o.listing_state != "sending")
        without = todo.filtered(lambda o: not o.product_id.barcode)
        without.write(
            {
                "listing_state": "invalid",
                "listing_issues": self.env._(
                    "The product has no barcode: Amazon's product is found by its "
                    "EAN, UPC or GTIN. Set the barcode, or list it as a new product."
                ),
            }
        )
        todo -= without
        if not todo:
            return
        found = self.account_id._amazon_call(
            lambda c: catalog.search_by_barcodes(
                c, marketplace.api_ref, todo.mapped("product_id.barcode")
            ),
            user_error=False,
        )
        Match = self.env["amazon.catalog.match"]
        for offer in todo:
            barcode = offer.product_id.barcode.strip()
            items = found.get(barcode) or ()
            offer.catalog_match_ids.unlink()
            if not items:
                offer.write(
                    {
                        "listing_state": "invalid",
                        "listing_issues": self.env._(
                            "Amazon has no product with barcode %(barcode)s in "
                            "%(marketplace)s: check the barcode, or list it as a new "
                            "product.",
                            barcode=barcode,
                            marketplace=marketplace.name,
                        ),
                    }
                )
            elif len(items) == 1:
                offer.write(
                    {
                        "asin": items[0].asin,
                        "amazon_title": items[0].title,
                        "listing_state": "to_send",
                        "listing_issues": False,
                    }
                )
            else:
                Match.create(
                    [
                        {
                            "offer_id": offer.id,
                            "asin": item.asin,
                            "title": item.title,
                            "brand": item.brand,
                            "product_type": item.product_type,
                        }
                        for item in items
                    ]
                )
                offer.write(
                    {
                        "listing_state": "to_match",
                        "listing_issues": self.env._(
                            "Amazon lists %(count)s products under barcode "
                            "%(barcode)s: choose the one you sell.",
                            count=len(items),
                            barcode=barcode,
                        ),
                    }
                )

    def _amazon_messages(self, offers, definitions, summary):
        """The feed messages of the offers to send; the others marked invalid,
        unchanged or waiting."""
        values = self.account_id._amazon_offer_values(offers)
        messages = []
        invalid = {}
        checkers = {
            marketplace: listing_schema.validator(definition.schema)
            for marketplace, definition in definitions.items()
        }
        for offer in offers:
            if offer.listing_state in ("to_match", "sending"):
                continue  # a choice to make, or Amazon's report to wait for
            if self._amazon_offer_only() and not offer.asin:
                continue  # no Amazon product (said on the offer)
            attributes, problems = self._amazon_listing(
                offer, definitions, checkers, values.get(offer.id) or {}
            )
            if problems:
                invalid[offer.id] = "\n".join(problems)
                continue
            digest = listing_attributes.attributes_hash(
                {
                    "type": self._amazon_listing_product_type(),
                    "attributes": {
                        k: v for k, v in attributes.items() if k not in OFFER_VALUES
                    },
                }
            )
            if offer.listing_state == "listed" and offer.listing_sent_hash == digest:
                summary["unchanged"] += 1
                continue
            offer.write({"listing_hash": digest, "listing_issues": False})
            messages.append(
                listing_attributes.update_message(
                    offer.sku,
                    self.product_type,
                    attributes,
                    offer_only=self._amazon_offer_only(),
                    key={"res_id": offer.id, "part": LISTING_PART, "hash": digest},
                )
            )
        for text, group in (
            self.env["amazon.offer"]
            .browse(list(invalid))
            .grouped(lambda o: invalid[o.id])
            .items()
        ):
            group.write({"listing_state": "invalid", "listing_issues": text})
        return messages

    def _amazon_send(self, account, messages, summary):
        Feed = self.env["amazon.listings.feed"]
        connection = account._amazon_connection()
        connection.max_wait = const.IMPORT_MAX_WAIT
        built = build_feeds(
            account.seller_id,
            messages,
            self.marketplace_ids.mapped("api_ref"),
            issue_locale=account._amazon_issue_locale(),
        )
        sent = Feed
        for feed in built:
            sent |= Feed._amazon_submit(account, connection, feed, kind="listings")
            summary["feeds"] += 1
            summary["sent"] += feed.message_count
        # Amazon may have processed them already (it takes minutes; the scheduled
        # check reads the reports otherwise). The feeds are sent: a failure to ask
        # leaves them to that check.
        try:
            sent._amazon_check(connection)
        except amazon_sp.AmazonError as error:
            _logger.info(
                "Listing feeds of account %s: no report yet (%s)", account.id, error
            )
        offers = sent._amazon_records()
        summary["accepted"] = len(
            offers.filtered(lambda o: o.listing_state == "listed")
        )
        summary["refused"] = len(
            offers.filtered(lambda o: o.listing_state == "refused")
        )
        summary["waiting"] = len(
            offers.filtered(lambda o: o.listing_state == "sending")
        )
        if summary["waiting"]:
            account._amazon_trigger_listing_results()

    # === ONE LISTING === #

    def _amazon_lang(self, marketplace):
        """The Odoo language of a marketplace's texts, where Odoo has it."""
        code = listing_attributes.marketplace_language(marketplace.api_ref)
        installed = [code for code, _name in self.env["res.lang"].get_installed()]
        if code in installed:
            return code
        same = [lang for lang in installed if lang[:2] == code[:2]]
        return (
            same[0] if same else (self.account_id._amazon_responsible().lang or "en_US")
        )

    def _amazon_listing(self, offer, definitions, checkers, values):
        """The attributes of an offer's listing in every marketplace, and what fails
        Amazon's schema (in words, prefixed with the marketplace when several).

        :rtype: tuple(dict, list[str])
        """
        attributes, problems = {}, []
        for marketplace, definition in definitions.items():
            own = self._amazon_marketplace_attributes(
                offer, marketplace, definition.schema, values
            )
            issues = listing_schema.validate(
                definition.schema, own, checker=checkers[marketplace]
            )
            prefix = f"{marketplace.name}: " if len(definitions) > 1 else ""
            problems += [prefix + issue.message for issue in issues]
            for name, entries in own.items():
                attributes.setdefault(name, []).extend(entries)
        return attributes, problems

    def _amazon_marketplace_attributes(self, offer, marketplace, schema, values):
        product = offer.product_id
        ref = marketplace.api_ref
        language = listing_attributes.marketplace_language(ref)
        attributes = {}
        if not self._amazon_offer_only():
            lang = self._amazon_lang(marketplace)
            for line in self.line_ids.filtered("has_source"):
                found = line._amazon_values(product, lang)
                prop = (schema.get("properties") or {}).get(line.attribute) or {}
                if (prop.get("maxUniqueItems") or prop.get("maxItems") or 1) > 1:
                    found = [
                        part.strip()
                        for value in found
                        for part in (
                            value.splitlines() if isinstance(value, str) else [value]
                        )
                        if not isinstance(part, str) or part.strip()
                    ]
                listing_attributes.merge_entries(
                    attributes,
                    line.attribute,
                    listing_attributes.attribute_entries(
                        schema,
                        line.attribute,
                        found,
                        ref,
                        language,
                        unit=line.unit or None,
                        part=line.part or None,
                    ),
                )
            if self.send_images and product.image_1920:
                base = self._amazon_public_base_url()
                if base:
                    url = (
                        f"{base}/amazon/image/{product.id}/"
                        f"{image_token(self.env, product)}.jpg"
                    )
                    attributes.update(listing_attributes.image_attributes([url], ref))
        price = values.get("price")
        if price is None and marketplace.currency_id == self.company_id.currency_id:
            price = product.lst_price
        handling = values.get("handling") or self.handling_time or None
        attributes.update(
            listing_attributes.offer_attributes(
                ref,
                condition=self.condition,
                price=marketplace.currency_id.round(price) if price else None,
                currency=marketplace.currency_id.name,
                quantity=values.get("quantity") or 0,
                handling_days=handling,
                channel_code="DEFAULT"
                if self.fulfillment == "fbm"
                else FBA_CHANNELS.get(self.account_id.region, "AMAZON_NA"),
                asin=offer.asin if self._amazon_offer_only() else None,
            )
        )
        return attributes

    @api.model
    def _amazon_publish_notification(self, summary):
        parts = [
            self.env._(
                "%(sent)s listings sent in %(feeds)s feeds: %(accepted)s accepted, "
                "%(refused)s refused by Amazon, %(waiting)s waiting for Amazon's "
                "report.",
                **{
                    k: summary.get(k, 0)
                    for k in ("sent", "feeds", "accepted", "refused", "waiting")
                },
            )
        ]
        if summary.get("invalid"):
            parts.append(
                self.env._(
                    "%(count)s not valid, not sent (see the offers).",
                    count=summary["invalid"],
                )
            )
        if summary.get("to_match"):
            parts.append(
                self.env._(
                    "%(count)s wait for you to choose the Amazon product.",
                    count=summary["to_match"],
                )
            )
        if summary.get("unchanged"):
            parts.append(
                self.env._(
                    "%(count)s unchanged since Amazon accepted them, not sent again.",
                    count=summary["unchanged"],
                )
            )
        problems = summary.get("refused") or summary.get("invalid")
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Published on Amazon"),
                "message": " ".join(parts),
                "type": "warning" if problems else "success",
                "sticky": bool(problems),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }
