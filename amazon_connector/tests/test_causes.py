"""One activity per account and cause, not one per order: listing how many records
have the cause and linking to them, updated while the cause lasts, done by itself once
none has it."""

from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from amazon_sp.sandbox import DEFAULT_SELLER_ID

from .common import EU_SELLER_ID, AmazonImportCommon, make_order


def _cause(account, cause):
    return account.activity_ids.filtered(lambda a: a.amazon_cause == cause)


@tagged("post_install", "-at_install")
class TestAmazonCauseActivities(AmazonImportCommon):
    def _differing(self, count=1, **values):
        """Orders of Amazon.ca (prices without tax) taxed 13 % by Amazon, where
        Odoo's product has 19 %: Odoo's total differs from Amazon's."""
        orders = [
            make_order(
                self.marketplace_ca,
                [{"sku": "LAMP-1", "price": 10.00, "tax": 1.30}],
                **values,
            )
            for _index in range(count)
        ]
        self.lamp.taxes_id = [Command.set(self.vat19.ids)]
        self._put(DEFAULT_SELLER_ID, *orders)
        return orders

    def test_orders_whose_totals_differ_give_one_activity_on_the_account(self):
        self.account.accountant_user_id = self.env.user
        orders = self._differing(3)
        self._sync(self.account)
        sale_orders = self.env["sale.order"].union(
            *(self._sale_order(order, self.account) for order in orders)
        )
        self.assertEqual(len(sale_orders), 3)
        self.assertTrue(all(sale_orders.mapped("amazon_total_difference")))
        # No activity on the orders themselves: one on the account, for the cause.
        self.assertFalse(sale_orders.activity_ids)
        activity = _cause(self.account, "orders_total_difference")
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.env.user)
        self.assertIn("3 Amazon orders", activity.summary)
        for sale_order in sale_orders:
            self.assertIn(f"/odoo/sale.order/{sale_order.id}", activity.note)
            self.assertIn(sale_order.amazon_order_ref, activity.note)
        self.assertIn("CAD", activity.note)  # amounts with their currency's code
        # "Open them" lists exactly these orders, in the Amazon Orders list.
        self.assertIn(
            f"/odoo/{activity.id}/action-amazon_connector.action_amazon_cause_records",
            activity.note,
        )
        action = self.env["mail.activity"]._amazon_action_open_cause(activity.id)
        self.assertEqual(self.env["sale.order"].search(action["domain"]), sale_orders)
        self.assertEqual(action["res_model"], "sale.order")

        # Another run, another such order: the same activity, updated.
        self._differing(1)
        self._sync(self.account)
        again = _cause(self.account, "orders_total_difference")
        self.assertEqual(again, activity)
        self.assertIn("4 Amazon orders", again.summary)
        self.assertEqual(len(again.amazon_cause_ids), 4)

        # Once the accountant accepts the difference (a wider tolerance), no order
        # has the cause: the activity is done by itself, and the chatter says so.
        self.account.total_tolerance = 5
        self._sync(self.account)
        self.assertFalse(_cause(self.account, "orders_total_difference"))
        self.assertFalse(activity.active)
        self.assertIn(
            "Nothing has this problem any more",
            self.account.message_ids[0].body,
        )
        with self.assertRaises(UserError):
            self.env["mail.activity"]._amazon_action_open_cause(activity.id)

    def test_a_cancelled_order_loses_its_check(self):
        (order,) = self._differing(1, status="UNSHIPPED")
        self._sync(self.account)
        activity = _cause(self.account, "orders_total_difference")
        self.assertEqual(len(activity.amazon_cause_ids), 1)
        self._change_on_amazon(order, DEFAULT_SELLER_ID, status="CANCELLED")
        self._sync(self.account)
        self.assertEqual(self._sale_order(order, self.account).state, "cancel")
        self.assertFalse(_cause(self.account, "orders_total_difference"))

    def test_an_order_cancelled_in_odoo_loses_its_check_at_once(self):
        orders = self._differing(2, status="UNSHIPPED")
        self._sync(self.account)
        first = self._sale_order(orders[0], self.account)
        first.with_context(
            amazon_cancel_reason="NoInventory", disable_cancel_warning=True
        ).action_cancel()
        activity = _cause(self.account, "orders_total_difference")
        self.assertEqual(
            activity.amazon_cause_ids, [self._sale_order(orders[1], self.account).id]
        )
        self.assertIn("1 Amazon orders", activity.summary)

    def test_a_user_who_marks_it_done_is_told_again_only_about_other_orders(self):
        self._differing(2)
        self._sync(self.account)
        activity = _cause(self.account, "orders_total_difference")
        activity.action_done()
        self._sync(self.account)
        self.assertFalse(_cause(self.account, "orders_total_difference"))
        self._differing(1)
        self._sync(self.account)
        new = _cause(self.account, "orders_total_difference")
        self.assertTrue(new)
        self.assertNotEqual(new, activity)
        self.assertIn("3 Amazon orders", new.summary)

    def test_orders_with_an_unknown_state_until_their_address_is_fixed(self):
        order = make_order(
            self.marketplace_us,
            [{"sku": "LAMP-1", "price": 30, "tax": 3.08}],
            address={
                "name": "Jane Doe",
                "addressLine1": "1 Main Street",
                "city": "Springfield",
                "stateOrRegion": "Atlantis",
                "postalCode": "99999",
                "countryCode": "US",
            },
        )
        self._put(DEFAULT_SELLER_ID, order)
        self.account.responsible_user_id = self.env.user
        self._sync(self.account)
        so = self._sale_order(order, self.account)
        self.assertFalse(so.partner_shipping_id.state_id)
        activity = _cause(self.account, "orders_unknown_state")
        self.assertEqual(activity.amazon_cause_ids, so.ids)
        self.assertIn("Springfield", activity.note)
        self.assertEqual(activity.user_id, self.env.user)
        so.partner_shipping_id.state_id = self.env.ref("base.state_us_17")
        self._sync(self.account)
        self.assertFalse(_cause(self.account, "orders_unknown_state"))

    def test_failed_orders_give_one_activity_listing_them_and_their_reasons(self):
        self.eu_account.responsible_user_id = self.env.user
        self.env.ref("base.GBP").active = False
        bad = [
            make_order(self.marketplace_uk, [{"sku": "MUG-1", "price": 9, "tax": 1.5}])
            for _index in range(2)
        ]
        self._put(EU_SELLER_ID, *bad)
        self._sync()
        activity = _cause(self.eu_account, "orders_failed")
        self.assertEqual(len(activity), 1)
        self.assertIn("2 Amazon orders could not be imported", activity.summary)
        for order in bad:
            self.assertIn(order["orderId"], activity.note)
        self.assertIn("GBP", activity.note)  # each with its reason
        self.assertEqual(activity.amazon_cause_model, "amazon.order.failure")
        self._sync()
        self.assertEqual(_cause(self.eu_account, "orders_failed"), activity)
        # Fixed and imported: the failures say what came of them, not the old reason,
        # and the activity is done.
        self.env.ref("base.GBP").active = True
        self._sync()
        failures = self.env["amazon.order.failure"].search(
            [("amazon_order_ref", "in", [o["orderId"] for o in bad])]
        )
        self.assertEqual(set(failures.mapped("state")), {"resolved"})
        for failure in failures:
            self.assertEqual(
                failure.reason, f"Imported as {failure.sale_order_id.name}."
            )
        self.assertFalse(_cause(self.eu_account, "orders_failed"))

    def test_dismissing_the_last_failed_order_ends_the_activity(self):
        self.env.ref("base.GBP").active = False
        order = make_order(self.marketplace_uk, [{"sku": "MUG-1", "price": 9}])
        self._put(EU_SELLER_ID, order)
        self._sync()
        self.assertTrue(_cause(self.eu_account, "orders_failed"))
        self.env["amazon.order.failure"].search(
            [("amazon_order_ref", "=", order["orderId"])]
        ).action_dismiss()
        self.assertFalse(_cause(self.eu_account, "orders_failed"))

    def test_another_capability_uses_the_same_mechanism(self):
        """What invoicing or offers sync would do: their own cause, records of their
        own model, a note with Amazon's words (escaped)."""
        offers = self.env["amazon.offer"].create(
            [
                {
                    "account_id": self.eu_account.id,
                    "sku": f"SKU-{n}",
                    "product_id": p.id,
                }
                for n, p in enumerate((self.mug, self.lamp))
            ]
        )
        note = "Amazon refused them: <b>invalid attribute</b>."
        first = self.eu_account._amazon_cause_activity(
            "offers_refused", offers, "2 offers refused by Amazon", note
        )
        self.assertEqual(first.res_model, "amazon.account")
        self.assertEqual(first.res_id, self.eu_account.id)
        self.assertIn("&lt;b&gt;invalid attribute&lt;/b&gt;", first.note)
        self.assertIn("SKU-0", first.note)
        # Called again with the same records: nothing changes, nothing is added.
        write_date = first.write_date
        same = self.eu_account._amazon_cause_activity(
            "offers_refused", offers, "2 offers refused by Amazon", note
        )
        self.assertEqual((same, same.write_date), (first, write_date))
        # Fewer records: updated; none: done.
        self.eu_account._amazon_cause_activity(
            "offers_refused", offers[:1], "1 offer refused by Amazon", note
        )
        self.assertEqual(first.amazon_cause_ids, offers[:1].ids)
        self.assertEqual(first.summary, "1 offer refused by Amazon")
        self.eu_account._amazon_cause_activity(
            "offers_refused", offers.browse(), "0 offers refused by Amazon", note
        )
        self.assertFalse(first.active)
        # Other causes of the account and other accounts are untouched.
        self.assertFalse(self.account.activity_ids)

    def test_a_cause_names_ten_records_and_counts_the_others(self):
        offers = self.env["amazon.offer"].create(
            [
                {
                    "account_id": self.eu_account.id,
                    "sku": f"MANY-{n:02d}",
                    "product_id": self.mug.id,
                }
                for n in range(12)
            ]
        )
        activity = self.eu_account._amazon_cause_activity(
            "offers_refused", offers, "12 offers", "Refused."
        )
        self.assertEqual(activity.note.count("<li>"), 10)
        self.assertIn("2 more", activity.note)
        self.assertIn("Open them (12)", activity.note)

    def test_the_activity_follows_the_responsible_user(self):
        self._differing(1)
        self._sync(self.account)
        activity = _cause(self.account, "orders_total_difference")
        self.assertEqual(activity.user_id, self.account._amazon_responsible())
        accountant = self.env["res.users"].create(
            {"name": "Accountant", "login": "amazon-accountant"}
        )
        self.account.accountant_user_id = accountant
        self._sync(self.account)
        self.assertEqual(activity.user_id, accountant)
        self.assertEqual(
            fields.Date.today(), activity.date_deadline
        )  # not pushed back at every run
        self.assertLess(activity.create_date, fields.Datetime.now() + timedelta(1))
