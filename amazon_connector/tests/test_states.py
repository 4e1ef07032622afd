"""States as Amazon writes them, matched to Odoo's for every country Odoo knows states
of: codes with or without the country, names without accents or case, Odoo's
alternative names, and Amazon's other spellings (CDMX, Tokyo, Co. Dublin...)."""

from collections import Counter

from odoo.tests import tagged

from amazon_sp.sandbox import DEFAULT_SELLER_ID
from amazon_sp.sandbox.sampledata import PLACES

from ..utils import place_key
from .common import AmazonImportCommon, make_order


@tagged("post_install", "-at_install")
class TestAmazonStates(AmazonImportCommon):
    def _find(self, country, text):
        importer = self.env["amazon.order.import"]
        lookups = {"company": self.env.company}
        return importer._amazon_find_state(country, text, lookups)

    def test_every_state_odoo_knows_is_found_by_its_code_and_its_name(self):
        countries = self.env["res.country"].search([("state_ids", "!=", False)])
        self.assertGreater(len(countries), 50)
        missed = []
        for country in countries:
            names = Counter(place_key(state.name) for state in country.state_ids)
            for state in country.state_ids:
                if names[place_key(state.name)] > 1:
                    # Odoo names two states alike (Zürich and Zurich, a canton in two
                    # languages; duplicates): either is the place.
                    continue
                bare_code = state.code.removeprefix(f"{country.code}-")
                for text in (
                    state.code,
                    bare_code.lower(),
                    state.name,
                    state.name.upper(),
                    f" {state.name.lower()} ",
                ):
                    found, _unknown = self._find(country, text)
                    if found != state:
                        missed.append((country.code, state.code, text, found.code))
        self.assertEqual(missed, [])

    def test_names_without_accents_and_odoos_alternative_names(self):
        cases = [
            ("mx", "CIUDAD DE MEXICO", "CMX"),
            ("mx", "Nuevo Leon", "NLE"),
            ("mx", "Michoacan", "MIC"),
            ("es", "Alicante", "A"),
            ("es", "Alacant", "A"),
            ("es", "Alava", "VI"),
            ("es", "La Coruña", "C"),
            ("es", "Islas Baleares", "PM"),
            ("se", "Stockholm", "SE-AB"),
            ("se", "Vastra Gotaland", "SE-O"),
            ("de", "Baden-Wuerttemberg", False),  # a transliteration is not guessed
            ("de", "Thueringen", False),
            ("de", "Thuringen", "DE-TH"),
            ("jp", "東京", "JP-13"),
            ("jp", "大阪", "JP-27"),
            ("ae", "Ras Al Khaimah", "RK"),
            ("ae", "umm al quwain", "UQ"),
            ("in", "Jammu & Kashmir", "JK"),
            ("br", "Sao Paulo", "SP"),
            ("ca", "Quebec", "QC"),
        ]
        for country_xmlid, text, code in cases:
            country = self.env.ref(f"base.{country_xmlid}")
            found, _unknown = self._find(country, text)
            self.assertEqual(found.code, code, f"{country.code}: {text}")

    def test_amazons_other_spellings(self):
        cases = [
            ("mx", ["CDMX", "D.F.", "Distrito Federal", "Mexico City", "cdmx"], "CMX"),
            ("mx", ["Estado de México", "Edo. Mex.", "EDOMEX"], "MEX"),
            ("mx", ["MX-JAL", "Jal", "JALISCO"], "JAL"),
            ("mx", ["N.L.", "Q. Roo"], None),
            ("jp", ["Tokyo", "Tōkyō", "Tokyo-to", "TOKYO"], "JP-13"),
            ("jp", ["Osaka-fu", "Ōsaka"], "JP-27"),
            ("jp", ["13"], "JP-13"),
            ("ie", ["Co. Dublin", "County Dublin", "Dublin"], "D"),
            ("de", ["Bavaria", "DE-BY", "by"], "DE-BY"),
            ("it", ["Milan", "Milano", "MI"], "MI"),
            ("in", ["Orissa", "Odisha", "OR"], None),
            ("ca", ["PQ", "Québec Province"], "QC"),
            ("us", ["Washington DC", "D.C.", "District of Columbia"], "DC"),
            ("us", ["Washington State", "wa"], "WA"),
        ]
        for country_xmlid, texts, code in cases:
            country = self.env.ref(f"base.{country_xmlid}")
            expected = {
                "N.L.": "NLE",
                "Q. Roo": "ROO",
                "Orissa": "OD",
                "Odisha": "OD",
                "OR": False,  # Odisha's code is OD; OR is nobody's
            }
            for text in texts:
                found, unknown = self._find(country, text)
                wanted = code if code is not None else expected[text]
                self.assertEqual(found.code, wanted, f"{country.code}: {text}")
                self.assertEqual(unknown, not found and country.state_required)

    def test_every_state_the_sandbox_writes_is_found(self):
        missed = []
        for code, places in PLACES.items():
            country = self.env["res.country"].search([("code", "=", code)])
            if not country.state_ids:
                continue
            for _city, state, _zip, _rate in places:
                if not state:
                    continue
                found, unknown = self._find(country, state)
                if not found and (unknown or code != "GB"):
                    missed.append((code, state))
        # Amazon.co.uk writes the nation ("England"), Odoo has counties: no state,
        # and no one is bothered, as British addresses need none.
        self.assertEqual(missed, [])
        england, unknown = self._find(self.env.ref("base.uk"), "England")
        self.assertEqual((england, unknown), (self.env["res.country.state"], False))

    def test_a_mexican_order_in_cdmx_has_its_state_and_no_activity(self):
        self.env.ref("base.MXN").active = True
        order = make_order(
            self.marketplace_mx,
            [{"sku": "LAMP-1", "price": 580, "tax": 80}],
            tax_included=True,
            address={
                "name": "José Hernández",
                "addressLine1": "Calle Mayor 12",
                "city": "Ciudad de México",
                "stateOrRegion": "CDMX",
                "postalCode": "06700",
                "countryCode": "MX",
            },
        )
        self._put(DEFAULT_SELLER_ID, order)
        self._sync(self.account)
        so = self._sale_order(order, self.account)
        self.assertEqual(
            so.partner_shipping_id.state_id, self.env.ref("base.state_mx_df")
        )
        self.assertFalse(so.amazon_state_unknown)
        self.assertFalse(
            self.account.activity_ids.filtered(
                lambda a: a.amazon_cause == "orders_unknown_state"
            )
        )
