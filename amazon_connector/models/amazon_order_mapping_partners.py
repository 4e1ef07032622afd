"""From an Amazon order's buyer and delivery address to Odoo contacts: one contact per
buyer, found again and never overwritten, delivery addresses reused when identical,
business buyers as companies, and one anonymous customer per account and marketplace
when Amazon gives no buyer data."""

from odoo import models

from .. import const
from ..utils import buyer_key, place_candidates, place_key, place_variants, same_address


class AmazonOrderImport(models.AbstractModel):
    _inherit = "amazon.order.import"

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
            if delivery and not same_address(customer, delivery["values"]):
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
            # Amazon's buyers' VAT numbers are Amazon's: base_vat (installed with
            # most EU charts, e.g. l10n_de) must not refuse the order for one it
            # cannot check (its key for API pushes from external platforms).
            created = Partner.with_context(no_vat_validation=True).create(
                list(missing.values())
            )
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
        key = buyer_key(company.id, *identity)
        buyer = {
            "key": key,
            "values": {**values, "amazon_buyer_key": key},
            "state_unknown": state_unknown,
        }
        if not address:
            return buyer, None
        delivery_key = buyer_key(
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
        key = buyer_key(company.id, "anonymous", account.id, order.marketplace_id)
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
        delivery_key = buyer_key(company.id, "anonymous-delivery", key, *place)
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
        state, state_unknown = self._amazon_find_state(country, address.state, lookups)
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

    def _amazon_find_state(self, country, name, lookups):
        """Find a state of a country by Amazon's code or name.

        Amazon writes states as the buyer typed them or in its own way: a code with or
        without the country ("BY", "DE-BY", "MX-JAL"), Odoo's code ("CMX") or another
        one ("CDMX"), the name in another language or without accents ("Ciudad de
        Mexico", "Tokyo", "Bavaria"), or with words around it ("Co. Dublin"). Every
        country Odoo knows states of is matched by code and name, without accents,
        case or punctuation; ``const.STATE_ALIASES`` adds Amazon's other spellings.

        :return: the state (or an empty record), and whether Amazon gave a state that
            Odoo does not know where it matters: in a country whose addresses need a
            state, or whose states a fiscal position of the company names.
        """
        State = self.env["res.country.state"]
        if not name or not country:
            return State, False
        index = self._amazon_state_index(country, lookups)
        state = next(
            (
                index[key]
                for key in place_candidates(name, country.code)
                if key in index
            ),
            State,
        )
        return state, not state and self._amazon_state_matters(country, lookups)

    def _amazon_state_index(self, country, lookups):
        """Every way the states of a country may be written -> the state, the most
        exact first (Amazon's known spellings, codes, names, then their variants)."""
        indexes = lookups.setdefault("state_indexes", {})
        if country.id not in indexes:
            index = {}
            states = country.state_ids
            by_code = {state.code: state for state in states}
            for alias, code in const.STATE_ALIASES.get(country.code, {}).items():
                if code in by_code:
                    index.setdefault(place_key(alias), by_code[code])
            prefix = f"{country.code}-"
            for state in states:
                index.setdefault(place_key(state.code), state)
                if state.code.startswith(prefix):
                    index.setdefault(place_key(state.code[len(prefix) :]), state)
            for state in states:
                index.setdefault(place_key(state.name), state)
            for state in states:
                for key in place_variants(state.name):
                    index.setdefault(key, state)
            index.pop("", None)
            indexes[country.id] = index
        return indexes[country.id]

    def _amazon_state_matters(self, country, lookups):
        """Whether an unknown state of this country needs a person: its addresses
        need a state, or a fiscal position of the company depends on its states."""
        matters = lookups.setdefault("state_matters", {})
        if country.id not in matters:
            matters[country.id] = bool(country.state_ids) and (
                country.state_required
                or bool(
                    self.env["account.fiscal.position"]
                    .with_company(lookups["company"])
                    .search_count(
                        [
                            ("company_id", "=", lookups["company"].id),
                            ("state_ids.country_id", "=", country.id),
                        ],
                        limit=1,
                    )
                )
            )
        return matters[country.id]
