"""**Check with Amazon**: one product's listing sent to Amazon with
``putListingsItem`` ``mode=VALIDATION_PREVIEW``, so that Amazon says what it would
refuse; nothing is listed. Amazon's answer is shown, and kept on the offer."""

from odoo import models
from odoo.exceptions import UserError
from odoo.tools import plaintext2html

import amazon_sp
from amazon_sp import listings_publish


class AmazonListingProfile(models.Model):
    _inherit = "amazon.listing.profile"

    # === CHECK WITH AMAZON === #

    def _amazon_check_with_amazon(self, product):
        """Have Amazon check one product's listing (VALIDATION_PREVIEW) in the first
        marketplace, and show its answer; nothing is listed."""
        self.ensure_one()
        self._amazon_check_ready()
        account = self.account_id._amazon_as_importer()
        try:
            definitions = self._amazon_definitions()
            offer = self._amazon_offers(product)
            if self._amazon_offer_only():
                self._amazon_match_catalog(offer)
        except amazon_sp.AmazonError as error:
            raise UserError(account._amazon_error_message(error)) from None
        if self._amazon_offer_only() and not offer.asin:
            raise UserError(offer.listing_issues or self.env._("No Amazon product."))
        marketplace = self.marketplace_ids[:1]
        definition = definitions[marketplace]
        attributes = self._amazon_marketplace_attributes(
            offer,
            marketplace,
            definition.schema,
            account._amazon_offer_values(offer).get(offer.id) or {},
        )
        submission = account._amazon_call(
            lambda c: listings_publish.put_listing(
                c,
                account.seller_id,
                offer.sku,
                marketplace.api_ref,
                self._amazon_listing_product_type(),
                attributes,
                requirements=self._amazon_requirements(),
                mode=listings_publish.VALIDATION_PREVIEW,
                issue_locale=account._amazon_issue_locale(),
            )
        )
        if submission.accepted:
            message = self.env._(
                "Amazon finds nothing wrong with the listing of %(sku)s in "
                "%(marketplace)s.",
                sku=offer.sku,
                marketplace=marketplace.name,
            )
        else:
            message = self.env._(
                "Amazon would refuse the listing of %(sku)s in %(marketplace)s:\n"
                "%(issues)s",
                sku=offer.sku,
                marketplace=marketplace.name,
                issues="\n".join(_issue_text(issue) for issue in submission.issues)
                or submission.status,
            )
        offer.listing_check = message
        offer.message_post(body=plaintext2html(message))
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Checked with Amazon"),
                "message": message,
                "type": "success" if submission.accepted else "warning",
                "sticky": not submission.accepted,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }


def _issue_text(issue):
    names = ", ".join(issue.attribute_names)
    return f"{issue.text} ({names})" if names else issue.text
