"""FBA stock of an Amazon account: the locations that hold it in Odoo, and the pull
that sets their quantities to what Amazon's warehouses hold."""

import logging

from odoo import api, fields, models
from odoo.exceptions import UserError

import amazon_sp
from amazon_sp import inventory

from .. import const

_logger = logging.getLogger(__name__)


class AmazonAccount(models.Model):
    _inherit = "amazon.account"

    # === FIELDS === #

    fba_location_id = fields.Many2one(
        comodel_name="stock.location",
        string="FBA Location",
        help="Where this account's FBA stock is kept in Odoo (the company's 'Amazon "
        "FBA' location if empty): FBA orders leave from it and the FBA inventory pull "
        "sets its quantities.",
        domain="[('usage', '=', 'internal')]",
        check_company=True,
    )

    fba_location_per_country = fields.Boolean(
        string="One FBA Location per Country",
        help="Keep the FBA stock of each Amazon fulfilment network (a country; the "
        "pan-European network counts as one) in a location of its own inside the FBA "
        "location: FBA orders leave from their country's location, and the inventory "
        "pull sets each one's quantities.",
    )

    fba_inventory_sync = fields.Boolean(
        string="Pull FBA Inventory",
        help="Every hour, set the FBA location's quantities of the paired products to "
        "what Amazon holds.",
        default=True,
    )

    # === ACTION METHODS === #

    def action_pull_fba_inventory(self):
        """Set the FBA location's quantities to what Amazon holds, now."""
        self.ensure_one()
        self._amazon_check_manager()
        if not self._amazon_fba_paired_offers():
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "title": self.env._("Amazon FBA inventory"),
                    "message": self.env._(
                        "No product of %(account)s is paired with an Amazon SKU "
                        "yet, so there is no FBA quantity to set. Pair your products "
                        "with their SKUs in the account's Offers (an order pairs them "
                        "by itself when a product's Internal Reference is the SKU), "
                        "with Track Inventory ticked, then pull again.",
                        account=self.name,
                    ),
                    "type": "warning",
                    "sticky": True,
                },
            }
        try:
            count = self._amazon_as_importer()._amazon_pull_fba_inventory()
        except amazon_sp.AmazonError as error:
            raise UserError(self._amazon_error_message(error)) from None
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Amazon FBA inventory"),
                "message": self.env._(
                    "%(count)s products have their FBA quantities from Amazon.",
                    count=count,
                ),
                "type": "success",
            },
        }

    # === FBA INVENTORY === #

    @api.model
    def _cron_pull_fba_inventory(self):
        """Scheduled action: FBA quantities of every account that pulls them
        (accounts sharing FBA locations together), each with its share of the run
        (see `_amazon_run_accounts`)."""
        pulled = self.browse()

        def work(account, seconds):
            nonlocal pulled
            if account not in pulled:
                group = account._amazon_fba_sharing()
                pulled |= group
                account._amazon_pull_fba_inventory_locked(group)
            return True

        self._amazon_run_accounts(
            "fba_inventory", work, [("fba_inventory_sync", "=", True)]
        )

    def _amazon_pull_fba_inventory_locked(self, group):
        """Pull the FBA inventory of a group of accounts sharing locations, unless
        another worker is pulling one of them."""
        self._amazon_commit()
        states = self.env["amazon.sync.state"]._amazon_get(group, "fba_inventory")
        if not states or states.try_lock_for_update() != states:
            return
        states.last_run = fields.Datetime.now()
        # Amazon's refusals are logged, and told to the responsible users, by the pull.
        self._amazon_pull_fba_inventory(group, raise_error=False)

    def _amazon_fba_location(self, marketplace=None):
        """The location holding the account's FBA stock sold on a marketplace.

        :param amazon.marketplace marketplace: where the goods are sold; without it,
            or without one location per country, the account's FBA location.
        :rtype: stock.location
        """
        self.ensure_one()
        base = self.fba_location_id or self.company_id._amazon_fba_location()
        if not (self.fba_location_per_country and marketplace):
            return base
        network = _fba_network(marketplace)
        Location = self.env["stock.location"].sudo()
        location = Location.search(
            [("location_id", "=", base.id), ("amazon_fba_network", "=", network)],
            limit=1,
        )
        if not location:
            location = Location.create(
                {
                    "name": network,
                    "location_id": base.id,
                    "usage": "internal",
                    "company_id": base.company_id.id or self.company_id.id,
                    "amazon_fba_network": network,
                }
            )
        return location

    def _amazon_fba_networks(self):
        """One active marketplace per fulfilment network of the account.

        :rtype: dict[str, amazon.marketplace]
        """
        self.ensure_one()
        networks = {}
        for marketplace in self.active_marketplace_ids:
            networks.setdefault(_fba_network(marketplace), marketplace)
        return networks

    def _amazon_fba_locations(self):
        """Every location the account's FBA inventory pull sets."""
        self.ensure_one()
        locations = self._amazon_fba_location()
        for marketplace in self._amazon_fba_networks().values():
            locations |= self._amazon_fba_location(marketplace)
        return locations

    def _amazon_pull_fba_inventory(self, accounts=None, raise_error=True):
        """Set the FBA locations' quantities of the accounts' paired products.

        Amazon's stock is read once per fulfillment network (the pan-European network
        shares one stock across its marketplaces), and the units in Amazon's warehouses
        (sellable, reserved for orders, or unsellable; not those still inbound) become
        the location's quantity, through an inventory adjustment. The other accounts
        that keep their FBA stock in the same locations are read too, so that their
        units add up instead of replacing each other. A location is left as it was
        when Amazon could not be read for one of its accounts.

        :param amazon.account accounts: these accounts and those sharing their
            locations, when the caller already has them (default: found here).
        :param bool raise_error: raise Amazon's error for one of these accounts at the
            end (for a user who asked); a scheduled pull has logged and told it.
        :return: how many products were set.
        :raise amazon_sp.AmazonError: Amazon's error for one of these accounts, after
            the other locations were set.
        """
        accounts = accounts or self._amazon_fba_sharing()
        targets = {}  # location -> {product: quantity}
        failed = self.env["stock.location"]
        first_error = None
        for account in accounts:
            offers = account._amazon_fba_paired_offers()
            try:
                on_hand = {
                    network: account._amazon_fba_on_hand(marketplace)
                    for network, marketplace in account._amazon_fba_networks().items()
                }
            except amazon_sp.AmazonError as error:
                _logger.info(
                    "FBA inventory of account %s not pulled: %s", account.id, error
                )
                if error.account_wide:
                    # Credentials or access (e.g. no Amazon Fulfillment role): a
                    # person must act, and a log line alone reaches nobody.
                    account._amazon_notify_problem(account._amazon_error_message(error))
                failed |= account._amazon_fba_locations()
                if account in self and first_error is None:
                    first_error = error
                continue
            for network, marketplace in account._amazon_fba_networks().items():
                location = account._amazon_fba_location(marketplace)
                quantities = targets.setdefault(location, {})
                for offer in offers:
                    quantities[offer.product_id] = quantities.get(
                        offer.product_id, 0
                    ) + on_hand[network].get(offer.sku, 0)
            if account.fba_location_per_country:
                # The stock now lives in the countries' locations, not above them.
                quantities = targets.setdefault(account._amazon_fba_location(), {})
                for offer in offers:
                    quantities.setdefault(offer.product_id, 0)
        products = self.env["product.product"]
        for location, quantities in targets.items():
            if location in failed:
                continue
            self._amazon_set_quantities(location, quantities)
            products |= self.env["product.product"].union(*quantities)
        if first_error and raise_error:
            raise first_error
        return len(products)

    def _amazon_fba_paired_offers(self):
        """The account's offers whose product Odoo tracks in stock: the products the
        FBA inventory pull sets."""
        self.ensure_one()
        return (
            self.env["amazon.offer"]
            .search([("account_id", "=", self.id)])
            .filtered(lambda o: o.product_id.is_storable)
        )

    def _amazon_fba_sharing(self):
        """These accounts, and the accounts pulling FBA stock into the same
        locations."""
        candidates = self.search(
            [
                ("company_id", "in", self.company_id.ids),
                ("active", "=", True),
                ("fba_inventory_sync", "=", True),
            ]
        )
        accounts = self
        locations = self.env["stock.location"].union(
            *(account._amazon_fba_locations() for account in self)
        )
        for candidate in candidates - self:
            if candidate._amazon_fba_locations() & locations:
                accounts |= candidate
        return accounts

    def _amazon_fba_on_hand(self, marketplace):
        """Units in Amazon's warehouses per SKU, in a marketplace's network."""
        on_hand = {}
        for summary in self._amazon_call(
            lambda c: inventory.fba_inventory(c, marketplace.api_ref),
            user_error=False,
        ):
            on_hand[summary.sku] = on_hand.get(summary.sku, 0) + summary.on_hand
        return on_hand

    def _amazon_set_quantities(self, location, quantities):
        """Adjust a location's quantities of some products to the given ones."""
        Quant = self.env["stock.quant"].sudo()
        held = dict(
            Quant._read_group(
                [
                    ("location_id", "=", location.id),
                    ("product_id", "in", [p.id for p in quantities]),
                ],
                ["product_id"],
                ["quantity:sum"],
            )
        )
        quants = Quant
        for product, quantity in quantities.items():
            difference = quantity - held.get(product, 0)
            if not product.uom_id.compare(difference, 0):
                continue
            quant = Quant._gather(product, location, strict=True)[:1] or Quant.create(
                {"product_id": product.id, "location_id": location.id}
            )
            quant.inventory_quantity = quant.quantity + difference
            quants |= quant
        if quants:
            quants.with_context(
                inventory_name=self.env._(
                    "Amazon FBA inventory (%(location)s)",
                    location=location.display_name,
                )
            )._apply_inventory()


def _fba_network(marketplace):
    """The fulfilment network of a marketplace: its country, or EU for pan-European
    FBA."""
    return "EU" if marketplace.code in const.PAN_EU_FBA_COUNTRIES else marketplace.code
