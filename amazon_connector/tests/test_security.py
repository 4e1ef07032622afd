from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import config

from .. import const
from .common import AmazonCommon, JsonRpcMixin


@tagged("post_install", "-at_install")
class TestAmazonSecurity(AmazonCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.offer = cls.env["amazon.offer"].create(
            {
                "account_id": cls.account.id,
                "sku": "SKU-SEC",
                "product_id": cls.product.id,
            }
        )
        cls.salesperson = new_test_user(
            cls.env, login="amazon_salesperson", groups="sales_team.group_sale_salesman"
        )
        cls.amazon_manager = new_test_user(
            cls.env,
            login="amazon_manager",
            groups="sales_team.group_sale_salesman,amazon_connector.group_amazon_manager",
        )
        cls.other_company = cls.env["res.company"].create({"name": "Other Company"})
        cls.other_company_manager = new_test_user(
            cls.env,
            login="other_company_manager",
            groups="sales_team.group_sale_manager",
            company_id=cls.other_company.id,
            company_ids=[Command.set(cls.other_company.ids)],
        )

    def test_salesperson_reads_offers_and_marketplaces_but_changes_nothing(self):
        env = self.env(user=self.salesperson)
        self.assertTrue(
            self.salesperson.has_group("amazon_connector.group_amazon_user")
        )
        self.assertEqual(env["amazon.offer"].search([]), self.offer)
        self.assertTrue(env["amazon.marketplace"].search_count([]) >= 23)
        with self.assertRaises(AccessError):
            env["amazon.offer"].browse(self.offer.id).sku = "CHANGED"
        with self.assertRaises(AccessError):
            env["amazon.offer"].create(
                {
                    "account_id": self.account.id,
                    "sku": "NEW",
                    "product_id": self.product.id,
                }
            )
        with self.assertRaises(AccessError):
            env["amazon.marketplace"].browse(self.marketplace_us.id).name = "X"
        with self.assertRaises(AccessError):
            env["amazon.account"].browse(self.account.id).name = "X"

    def test_only_amazon_administrators_start_what_talks_to_amazon(self):
        failure = self.env["amazon.order.failure"].create(
            {
                "account_id": self.account.id,
                "amazon_order_ref": "111-0000000-0000001",
                "reason": "test",
            }
        )
        account = self.account.with_user(self.salesperson)
        self.assertEqual(account.name, self.account.name)  # readable...
        for method in (
            "action_sync_orders",
            "action_pull_fba_inventory",
            "action_update_available_marketplaces",
        ):
            with self.subTest(method=method), self.assertRaises(AccessError):
                getattr(account, method)()  # ...but not run
        with self.assertRaises(AccessError):
            failure.with_user(self.salesperson).action_retry_now()
        self.assertEqual(failure.attempts, 1)
        self.assertFalse(
            self.env["amazon.sync.log"].search([("account_id", "=", self.account.id)])
        )

    def test_credentials_are_for_system_administrators_only(self):
        for user in (self.salesperson, self.amazon_manager):
            account = self.account.with_user(user)
            self.assertEqual(account.name, "Sandbox NA")
            for field in ("lwa_client_id", "lwa_client_secret", "refresh_token"):
                with self.assertRaises(AccessError):
                    account.read([field])
            with self.assertRaises(AccessError):
                account.write({"refresh_token": "Atzr|stolen"})
        fields_info = (
            self.env["amazon.account"].with_user(self.amazon_manager).fields_get()
        )
        self.assertNotIn("refresh_token", fields_info)

    def test_amazon_manager_configures_offers_and_marketplaces(self):
        env = self.env(user=self.amazon_manager)
        offer = env["amazon.offer"].create(
            {
                "account_id": self.account.id,
                "sku": "MGR-1",
                "product_id": self.product.id,
            }
        )
        offer.product_id = self.service_product
        env["amazon.marketplace"].browse(
            self.marketplace_us.id
        ).domain = "www.amazon.com"
        offer.invalidate_recordset()
        self.marketplace_us.invalidate_recordset()
        self.assertEqual(offer.sudo().product_id, self.service_product)
        self.assertEqual(self.marketplace_us.domain, "www.amazon.com")

    def test_other_company_sees_no_account_nor_offer(self):
        env = self.env(user=self.other_company_manager)
        self.assertFalse(env["amazon.account"].search([]))
        self.assertFalse(env["amazon.offer"].search([]))
        with self.assertRaises(AccessError):
            env["amazon.account"].browse(self.account.id).read(["name"])
        with self.assertRaises(AccessError):
            env["amazon.offer"].browse(self.offer.id).read(["sku"])
        # Marketplaces are shared by all companies.
        self.assertTrue(env["amazon.marketplace"].search_count([]) >= 23)

    def test_every_view_loads(self):
        env = self.env(user=self.amazon_manager)
        views = self.env["ir.ui.view"].search(
            [("model", "in", ["amazon.account", "amazon.marketplace", "amazon.offer"])]
        )
        self.assertGreaterEqual(len(views), 9)
        for view in views:
            with self.subTest(view=view.name):
                result = env[view.model].get_views([(view.id, view.type)])
                self.assertIn(view.type, result["views"])
        settings = self.env["res.config.settings"].get_views([(False, "form")])
        arch = settings["views"]["form"]["arch"]
        self.assertIn('id="amazon_sync"', arch)
        self.assertIn("Amazon Accounts", arch)
        for xmlid in (
            "amazon_connector.action_amazon_account",
            "amazon_connector.action_amazon_marketplace",
            "amazon_connector.action_amazon_offer",
        ):
            action = self.env.ref(xmlid)
            for view_type in action.view_mode.split(","):
                env[action.res_model].get_views([(False, view_type), (False, "search")])

    def test_every_view_of_the_addon_loads_for_its_users(self):
        """Every view the addon defines or extends, wizards included, opens for the
        users who use it: an Amazon administrator (a salesperson too for orders and
        deliveries; a system administrator for the settings)."""
        views = self.env["ir.model.data"].search(
            [("module", "=", "amazon_connector"), ("model", "=", "ir.ui.view")]
        )
        views = self.env["ir.ui.view"].browse(views.mapped("res_id"))
        self.assertGreaterEqual(len(views), 25)
        for view in views:
            root = view.inherit_id or view
            while root.inherit_id:
                root = root.inherit_id
            users = [self.amazon_manager]
            if view.model in ("res.config.settings", "amazon.cancel.request.wizard"):
                # Settings are for administrators, deliveries for stock users.
                users = [self.env.ref("base.user_admin")]
            if view.model in ("sale.order", "stock.picking"):
                users.append(self.salesperson)
            for user in users:
                with self.subTest(view=view.name, user=user.login):
                    result = (
                        self.env(user=user)[view.model]
                        .with_context(
                            default_sale_order_ids=[], active_model="sale.order"
                        )
                        .get_views([(root.id, root.type)])
                    )
                    self.assertIn(root.type, result["views"])

    def test_managers_see_the_import_buttons_without_developer_mode(self):
        arch = self.env(user=self.amazon_manager)["amazon.account"].get_views(
            [(False, "form")]
        )["views"]["form"]["arch"]
        for button in (
            "action_sync_orders",
            "action_import_history",
            "action_recover_order",
            "action_update_available_marketplaces",
            "action_pull_fba_inventory",
        ):
            self.assertIn(f'name="{button}"', arch)
        # Not hidden behind developer mode in the view's source either.
        source = self.env.ref("amazon_connector.amazon_account_view_form").arch_db
        self.assertNotIn("group_no_one", source)

    def test_credentials_are_shown_as_passwords_and_dev_links_need_dev_mode(self):
        admin = self.env.ref("base.user_admin")
        arch = self.env(user=admin)["amazon.account"].get_views([(False, "form")])[
            "views"
        ]["form"]["arch"]
        for name in ("lwa_client_id", "lwa_client_secret", "refresh_token"):
            self.assertRegex(arch, rf'<field name="{name}"[^>]*password="True"')
        from lxml import etree

        settings = etree.fromstring(
            self.env.ref("amazon_connector.res_config_settings_view_form").arch_db
        )
        links = {
            button.get("string"): button.getparent().get("groups")
            for button in settings.iter("button")
        }
        self.assertEqual(
            links,
            {
                "Amazon Accounts": None,
                "Amazon Marketplaces": "base.group_no_one",
                "Default Products": "base.group_no_one",
            },
        )

    def test_an_amazon_manager_who_is_no_stock_user_can_import(self):
        from amazon_sp.sandbox import DEFAULT_SELLER_ID

        from .common import make_order

        self.env.ref("base.USD").active = True
        order = make_order(
            self.marketplace_us,
            [{"sku": "SKU-SEC", "price": 20, "tax": 2.05}],
            status="SHIPPED",
        )
        self.sandbox_state.put_orders(DEFAULT_SELLER_ID, [order])
        self.assertFalse(self.amazon_manager.has_group("stock.group_stock_user"))
        action = (
            self.account.with_user(self.amazon_manager)
            .with_context(amazon_setup_seen=True)
            .action_sync_orders()
        )
        self.assertIn("New orders imported: 1.", action["params"]["message"])
        so = self.env["sale.order"].search(
            [("amazon_order_ref", "=", order["orderId"])]
        )
        self.assertEqual(so.picking_ids.state, "done")  # shipped before its import
        self.assertEqual(so.order_line.product_id, self.product)  # the offer's product

    def test_fulfillment_views_load(self):
        env = self.env(user=self.amazon_manager)
        for model in ("amazon.cancellation", "amazon.order.cancel.wizard"):
            for view in self.env["ir.ui.view"].search([("model", "=", model)]):
                with self.subTest(view=view.name):
                    result = env[model].get_views([(view.id, view.type)])
                    self.assertIn(view.type, result["views"])
        carrier = self.env["delivery.carrier"].get_views([(False, "form")])
        self.assertIn('name="amazon_carrier_code"', carrier["views"]["form"]["arch"])
        stock_user = new_test_user(
            self.env, login="amazon_stock_user", groups="stock.group_stock_user"
        )
        picking = (
            self.env["stock.picking"].with_user(stock_user).get_views([(False, "form")])
        )
        arch = picking["views"]["form"]["arch"]
        self.assertIn("action_amazon_retry_confirmation", arch)

    def test_cancellations_sent_to_amazon_are_read_only_and_per_company(self):
        order = self.env["sale.order"].create({"partner_id": self.partner.id})
        cancellation = (
            self.env["amazon.cancellation"]
            .sudo()
            .create(
                {
                    "account_id": self.account.id,
                    "sale_order_id": order.id,
                    "amazon_order_ref": "111-0000000-0000001",
                    "amazon_item_ref": "1",
                    "reason": "NoInventory",
                }
            )
        )
        salesperson = self.env(user=self.salesperson)["amazon.cancellation"]
        self.assertEqual(salesperson.search([]), cancellation)
        with self.assertRaises(AccessError):
            salesperson.browse(cancellation.id).state = "done"
        other = self.env(user=self.other_company_manager)["amazon.cancellation"]
        self.assertFalse(other.search([]))
        with self.assertRaises(AccessError):
            other.browse(cancellation.id).read(["amazon_order_ref"])


@tagged("post_install", "-at_install")
class TestAmazonConnectionSecurity(JsonRpcMixin, HttpCase, AmazonCommon):
    """Where an account's credentials are sent is as protected as the credentials."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.amazon_manager = new_test_user(
            cls.env,
            login="amazon_connection_manager",
            password="amazon_connection_manager_pw",
            groups="sales_team.group_sale_manager,amazon_connector.group_amazon_manager",
        )

    def test_amazon_administrator_cannot_redirect_the_credentials(self):
        self.assertFalse(self.amazon_manager.has_group("base.group_system"))
        changes = (
            {"environment": "local"},
            {"local_endpoint": "http://127.0.0.1:8766"},
            {"environment": "production"},
        )
        account = self.account.with_user(self.amazon_manager)
        for values in changes:
            with self.subTest(channel="ORM", values=values):
                with self.assertRaises(AccessError):
                    account.write(values)
        uid = self._rpc(
            "common",
            "login",
            self.env.cr.dbname,
            "amazon_connection_manager",
            "amazon_connection_manager_pw",
        )
        self.assertTrue(uid)
        for values in changes:
            with self.subTest(channel="JSON-RPC", values=values):
                answer = self._rpc(
                    "object",
                    "execute_kw",
                    self.env.cr.dbname,
                    uid,
                    "amazon_connection_manager_pw",
                    "amazon.account",
                    "write",
                    [[self.account.id], values],
                    expect_error=True,
                )
                self.assertIn("error", answer)
                self.assertIn("AccessError", answer["error"]["data"]["name"])
        self.account.invalidate_recordset()
        self.assertEqual(
            (self.account.environment, self.account.local_endpoint),
            ("local", self.sandbox.url),
        )
        # Neither field is even shown to them.
        fields_info = self.env["amazon.account"].with_user(self.amazon_manager)
        self.assertFalse(
            {"environment", "local_endpoint"} & set(fields_info.fields_get())
        )

    def test_local_endpoint_is_this_machine_unless_the_server_allows_a_host(self):
        with self.assertRaisesRegex(UserError, "not on this machine"):
            self.account.local_endpoint = "http://collector.example.com:8765"
        Account = self.env["amazon.account"]
        for url in ("http://127.0.0.1:9", "http://[::1]:9", "http://localhost:9"):
            Account._amazon_check_local_endpoint(url)  # accepted
        with self.assertRaisesRegex(UserError, const.LOCAL_HOSTS_OPTION):
            Account._amazon_check_local_endpoint("http://sandbox.lan:8765")
        with patch.dict(config.options, {const.LOCAL_HOSTS_OPTION: "sandbox.lan"}):
            Account._amazon_check_local_endpoint("http://sandbox.lan:8765")

    def test_a_stored_foreign_endpoint_receives_nothing(self):
        # A value written before the rule (or behind the ORM's back) is refused where
        # the credentials would leave.
        self.env.cr.execute(
            "UPDATE amazon_account SET local_endpoint = %s WHERE id = %s",
            ["http://collector.example.com:8765", self.account.id],
        )
        self.account.invalidate_recordset()
        with self.assertRaisesRegex(UserError, "not on this machine"):
            self.account.action_update_available_marketplaces()
