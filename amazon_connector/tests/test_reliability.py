"""Reliability suite: faults, crashes, concurrency, bad input and security.

Run it alone with ``./run-tests amazon_connector/tests/test_reliability.py``; pytest
prints the figures of each part at the end (runs, faults injected, orders lost and
duplicated...).

"Odoo holds exactly Amazon's orders with Amazon's totals" means: one sales order per
Amazon order that is a paid sale (``becomes_sales_order``), none for the others, and
each with Amazon's total, which Odoo's own total matches (the European marketplaces
used here include taxes in prices, so Odoo's total is Amazon's to the cent).
"""

import contextlib
import copy
import json
import logging
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from contextlib import closing
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from odoo import fields
from odoo.exceptions import AccessError
from odoo.sql_db import close_db, db_connect
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import SQL, config

from amazon_sp import ratelimits
from amazon_sp.sandbox import DEFAULT_CLIENT_SECRET, DEFAULT_REFRESH_TOKEN
from amazon_sp.sandbox.faults import KINDS, Fault, FaultPlan
from amazon_sp.sandbox.generator import generate
from amazon_sp.sandbox.orderdata import becomes_sales_order

from . import figures
from .common import (
    EU_REFRESH_TOKEN,
    EU_SELLER_ID,
    AmazonImportCommon,
    JsonRpcMixin,
    make_order,
    time_travel,
)

WORKER = Path(__file__).with_name("reliability_worker.py")
TEMPLATE_DB = "AMAZON_CONNECTOR_TEMPLATE_DB"  # set by run-tests
PAGE_TOKEN_KINDS = {"repeat_page", "invalid_pagination_token"}


def amazon_orders(state, seller_id):
    """What Amazon holds: the paid sales to import, by order id, with their totals."""
    return {
        order["orderId"]: Decimal(order["proceeds"]["grandTotal"]["amount"])
        for order in state.seller_orders(seller_id)
        if becomes_sales_order(order)
    }


def compare(expected, imported):
    """Compare what Amazon holds with what Odoo holds.

    :param dict expected: Amazon's total by order id (:func:`amazon_orders`).
    :param list imported: ``(order id, Amazon's total recorded, Odoo's total)`` of each
        sales order of the account.
    :return: counts of orders lost, duplicated, imported but not a paid sale, and with
        a total that is not Amazon's.
    """
    counts = Counter(ref for ref, _amazon, _odoo in imported)
    wrong_totals = sum(
        1
        for ref, amazon, odoo in imported
        if ref in expected
        and (
            abs(Decimal(str(amazon)) - expected[ref]) >= Decimal("0.005")
            or abs(Decimal(str(odoo)) - expected[ref]) >= Decimal("0.005")
        )
    )
    return {
        "lost": len(set(expected) - set(counts)),
        "duplicated": sum(count - 1 for count in counts.values()),
        "unexpected": len(set(counts) - set(expected)),
        "wrong_totals": wrong_totals,
    }


class ReliabilityCommon(AmazonImportCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].set_param("amazon_connector.page_size", "10")
        cls.eu_account.first_import_date = fields.Datetime.now() - timedelta(days=5)

    def setUp(self):
        super().setUp()
        # A generous usage plan (announced in x-amzn-RateLimit-Limit, which the
        # client follows): the runs test faults, not Amazon's waiting times.
        for operation in ("orders2026.searchOrders", "orders2026.getOrder"):
            self.sandbox_state.set_rate_limit(EU_SELLER_ID, operation, 100.0, 100)

    def _generate(self, count, seed):
        end = datetime.now(timezone.utc) - timedelta(minutes=5)
        generate(
            self.sandbox_state,
            EU_SELLER_ID,
            count,
            seed,
            start=end - timedelta(days=3),
            end=end,
        )
        return amazon_orders(self.sandbox_state, EU_SELLER_ID)

    def _imported(self, account=None):
        account = account or self.eu_account
        orders = self.env["sale.order"].search([("amazon_account_id", "=", account.id)])
        return [
            (so.amazon_order_ref, so.amazon_order_total, so.amount_total)
            for so in orders
        ]

    @contextlib.contextmanager
    def _isolated(self):
        """Whatever happens inside is rolled back (one scenario of several)."""
        savepoint = self.env.cr.savepoint()
        try:
            yield
        finally:
            savepoint.close(rollback=True)
            self.env.invalidate_all()
            ratelimits.SHARED_LIMITER.reset()
            with self.sandbox_state.lock:
                self.sandbox_state.orders.clear()
                self.sandbox_state.verbatim_2026.clear()
            self.sandbox_state.faults.clear()


@tagged("post_install", "-at_install")
class TestReliabilityFaults(ReliabilityCommon):
    RUNS_WITH_FAULTS = 4

    def test_every_fault_kind_loses_and_duplicates_nothing(self):
        rows = []
        for index, kind in enumerate(sorted(KINDS)):
            with self.subTest(kind=kind), self._isolated():
                rows.append(self._runs_with_fault(kind, seed=100 + index))
        figures.record("Faults: runs with faults, then a clean run", rows)
        for row in rows:
            with self.subTest(kind=row["fault"]):
                self.assertGreater(row["injected"], 0, "the fault was injected")
                self.assertEqual(
                    (row["lost"], row["duplicated"], row["unexpected"]), (0, 0, 0)
                )
                self.assertEqual(row["wrong_totals"], 0)
                self.assertEqual(row["failed_orders"], 0)

    def _runs_with_fault(self, kind, seed):
        state = self.sandbox_state
        expected = self._generate(60, seed)
        state.faults = FaultPlan(seed=seed)
        state.faults.add(
            Fault(
                kind,
                None,  # any SP-API call, at random points
                count=-1,
                # These two apply only to calls with a page token, which are fewer.
                probability=0.5 if kind in PAGE_TOKEN_KINDS else 0.3,
                # slow: real seconds (the client's timeout); latency: seconds of the
                # frozen clock, spending the runs' time budget.
                delay={"slow": 0.2, "latency": 20.0}.get(kind, 0.0),
            )
        )
        runs = 0
        with time_travel() as frozen:
            for _run in range(self.RUNS_WITH_FAULTS):
                self.eu_account._amazon_sync_orders("cron", 600)
                runs += 1
                frozen.tick(timedelta(minutes=15))
            injected = len(state.faults.injected)
            state.faults.clear()
            for _clean in range(3):  # the next runs, without faults
                log = self.eu_account._amazon_sync_orders("cron", 600)
                runs += 1
                frozen.tick(timedelta(minutes=15))
                failed = self.env["amazon.order.failure"].search_count(
                    [("account_id", "=", self.eu_account.id), ("state", "=", "failed")]
                )
                if log.status == "done" and not failed:
                    break
        return {
            "fault": kind,
            "runs": runs,
            "injected": injected,
            "orders": len(expected),
            **compare(expected, self._imported()),
            "failed_orders": failed,
        }


class ScratchDatabase:
    """A copy of the test database with the addon installed, for other processes."""

    def __init__(self, name):
        self.name = name

    @classmethod
    def new(cls, suffix):
        template = os.environ[TEMPLATE_DB]
        name = f"{template}_{suffix}_{os.getpid()}"
        cls._admin(
            SQL(
                "CREATE DATABASE %s TEMPLATE %s",
                SQL.identifier(name),
                SQL.identifier(template),
            )
        )
        source = config.filestore(template)
        if os.path.exists(source):
            shutil.copytree(source, config.filestore(name))
        return cls(name)

    @staticmethod
    def _admin(query):
        with closing(db_connect("postgres").cursor()) as cr:
            cr._cnx.autocommit = True  # CREATE/DROP DATABASE need no transaction
            cr.execute(query)

    def query(self, sql, params=None):
        with db_connect(self.name).cursor() as cr:
            cr.execute(sql, params)
            return cr.fetchall()

    def drop(self):
        close_db(self.name)
        self._admin(
            SQL(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                self.name,
            )
        )
        self._admin(SQL("DROP DATABASE IF EXISTS %s", SQL.identifier(self.name)))
        shutil.rmtree(config.filestore(self.name), ignore_errors=True)


def _worker(database, action, *args, wait=True):
    command = [
        sys.executable,
        str(WORKER),
        "--db",
        database.name,
        "--addons-path",
        ",".join(config["addons_path"]),
        action,
        *args,
    ]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    if not wait:
        return process
    out, err = process.communicate(timeout=600)
    if process.returncode != 0:
        raise AssertionError(f"worker {action} failed: {err[-3000:]}")
    return _summary(out, err)


def _summary(out, err):
    """The JSON summary a worker prints last; its error output if it printed none."""
    lines = out.strip().splitlines()
    if not lines:
        raise AssertionError(f"the worker printed no summary: {err[-3000:]}")
    return json.loads(lines[-1])


class ProcessesCommon(ReliabilityCommon):
    """Other Odoo processes import into a copy of the test database; the sandbox runs
    in this one."""

    def setUp(self):
        super().setUp()
        if not os.environ.get(TEMPLATE_DB):
            # Not a skip: a suite that skips silently proves nothing.
            self.fail(
                f"{TEMPLATE_DB} is not set: run this suite with ./run-tests, which "
                "sets it to a copy of the test database that other processes can use"
            )

    def _scratch(self, suffix):
        database = ScratchDatabase.new(suffix)
        self.addCleanup(database.drop)
        _worker(
            database,
            "setup",
            "--sandbox",
            self.sandbox.url,
            "--seller-id",
            EU_SELLER_ID,
            "--refresh-token",
            EU_REFRESH_TOKEN,
        )
        return database

    def _holdings(self, database):
        return database.query(
            "SELECT amazon_order_ref, amazon_order_total, amount_total "
            "FROM sale_order WHERE amazon_account_id IS NOT NULL"
        )

    def _problems(self, database):
        """What a user would see as an error: failed orders, failed runs, activities
        about the account, errors in the workers' output."""
        (failed,) = database.query(
            "SELECT count(*) FROM amazon_order_failure WHERE state = 'failed'"
        )[0]
        (errors,) = database.query(
            "SELECT count(*) FROM amazon_sync_log WHERE status = 'error'"
        )[0]
        # Activities that say something went wrong; not those of the orders' checks
        # (taxes differ from Amazon's: the test company has no German VAT) or of the
        # setup check, which these runs have every reason to raise.
        (activities,) = database.query(
            "SELECT count(*) FROM mail_activity WHERE res_model = 'amazon.account' "
            "AND active AND (amazon_cause IS NULL OR amazon_cause = 'orders_failed')"
        )[0]
        return {"failed_orders": failed, "error_runs": errors, "activities": activities}


@tagged("post_install", "-at_install")
class TestReliabilityCrash(ProcessesCommon):
    def test_killed_mid_batch_the_import_resumes(self):
        rows = []
        rng = random.Random(7)
        for round_ in range(3):
            with self.subTest(round=round_), self._isolated():
                rows.append(self._crash_round(round_, rng))
        figures.record("Crash: the import killed mid-batch, then restarted", rows)
        for row in rows:
            self.assertEqual(
                (row["lost"], row["duplicated"], row["unexpected"]), (0, 0, 0)
            )
            self.assertEqual(row["wrong_totals"], 0)
            self.assertGreater(row["kills_mid_transaction"], 0)

    def _crash_round(self, round_, rng):
        expected = self._generate(80, seed=200 + round_)
        database = self._scratch(f"crash{round_}")
        kills = mid_transaction = 0
        for _kill in range(2):
            process = _worker(database, "import", wait=False)
            # Wait until a page or more is committed, then kill it at a random moment:
            # most likely while it imports the next page, uncommitted.
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and process.poll() is None:
                (count,) = database.query(
                    "SELECT count(*) FROM sale_order "
                    "WHERE amazon_account_id IS NOT NULL"
                )[0]
                if count >= 10 * (kills + 1):
                    break
                time.sleep(0.05)
            time.sleep(rng.uniform(0.05, 0.6))
            if process.poll() is not None:
                break  # it finished before the kill
            busy = database.query(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND "
                "state IN ('active', 'idle in transaction') AND pid <> "
                "pg_backend_pid() AND xact_start IS NOT NULL",
                (database.name,),
            )[0][0]
            process.send_signal(signal.SIGKILL)
            process.communicate()
            kills += 1
            mid_transaction += bool(busy)
        result = _worker(database, "import")  # restarted: it resumes
        return {
            "round": round_,
            "kills": kills,
            "kills_mid_transaction": mid_transaction,
            "runs_after_restart": result["runs"],
            "orders": len(expected),
            **compare(expected, self._holdings(database)),
            **self._problems(database),
        }


@tagged("post_install", "-at_install")
class TestReliabilityConcurrency(ProcessesCommon):
    def test_two_processes_import_the_same_account(self):
        rows = []
        for round_ in range(2):
            with self.subTest(round=round_), self._isolated():
                expected = self._generate(80, seed=300 + round_)
                database = self._scratch(f"concurrent{round_}")
                first = _worker(database, "import", wait=False)
                second = _worker(database, "import", wait=False)
                outputs = [p.communicate(timeout=600) for p in (first, second)]
                codes = [first.returncode, second.returncode]
                tracebacks = sum("Traceback" in err for _out, err in outputs)
                results = [_summary(out, err) for out, err in outputs]
                rows.append(
                    {
                        "round": round_,
                        "exit_codes": codes,
                        "runs": [r["runs"] for r in results],
                        "runs_locked_out": [r["locked"] for r in results],
                        "statuses": [r["statuses"] for r in results],
                        "orders": len(expected),
                        **compare(expected, self._holdings(database)),
                        **self._problems(database),
                        "tracebacks": tracebacks,
                    }
                )
        figures.record("Concurrency: two processes import one account", rows)
        # The two did import at the same time: one found the other at work.
        self.assertGreater(sum(sum(row["runs_locked_out"]) for row in rows), 0)
        for row in rows:
            self.assertEqual(row["exit_codes"], [0, 0])
            self.assertEqual(
                (row["lost"], row["duplicated"], row["unexpected"]), (0, 0, 0)
            )
            self.assertEqual(row["wrong_totals"], 0)
            self.assertEqual(
                (row["failed_orders"], row["error_runs"], row["activities"]), (0, 0, 0)
            )
            self.assertEqual(row["tracebacks"], 0)


# === BAD INPUT === #

_MISSING = "<missing>"
# For each field, values that make an order unusable (required fields, amounts, codes).
BREAKABLE = {
    ("orderItems",): [_MISSING, None, "two", {}, [], True, 5],
    ("createdTime",): [_MISSING, None, "", "two", "2026-13-45T00:00:00Z", 12345, []],
    ("lastUpdatedTime",): [_MISSING, None, "", "yesterday", 12345, {}],
    ("salesChannel",): [_MISSING, None, "two", [], {}, 7],
    ("salesChannel", "marketplaceId"): [_MISSING, None, "", [], {}, True],
    ("fulfillment",): [_MISSING, None, "two", [], {}],
    ("fulfillment", "fulfillmentStatus"): [_MISSING, None, "SHIPPED_SOMEHOW", [], 3],
    ("proceeds", "grandTotal", "amount"): ["two", [], {}, True, "NaN", "1e400"],
    ("proceeds", "grandTotal", "currencyCode"): [_MISSING, None, "", "€", 978, []],
    ("orderItems", 0, "orderItemId"): [_MISSING, None, "", [], {}, True, 1.5],
    ("orderItems", 0, "quantityOrdered"): [_MISSING, None, "two", 1.5, [], True],
    ("orderItems", 0, "product"): [_MISSING, None, "two", [], 5],
    ("orderItems", 0, "proceeds", "breakdowns"): [_MISSING, None, [], "two", {}],
    ("orderItems", 0, "proceeds", "breakdowns", 0, "subtotal", "amount"): [
        _MISSING,
        None,
        "two",
        [],
        "NaN",
        -5,
    ],
}


def _apply(payload, change):
    """Apply a change to a 2026-01-01 order (in place)."""
    if change[0] == "currency":
        _replace_currency(payload, change[1])
        return
    _op, path, value = change
    target = payload
    for key in path[:-1]:
        target = target[key]
    if value == _MISSING:
        del target[path[-1]]
    else:
        target[path[-1]] = value


def _replace_currency(data, code):
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "currencyCode":
                data[key] = code
            else:
                _replace_currency(value, code)
    elif isinstance(data, list):
        for value in data:
            _replace_currency(value, code)


@st.composite
def bad_orders(draw):
    """What makes an order unusable, named for the figures, and the change."""
    kind = draw(
        st.sampled_from(
            [
                "wrong_type_or_missing",
                "negative_quantity",
                "huge_quantity",
                "unknown_marketplace",
                "unknown_currency",
            ]
        )
    )
    if kind == "wrong_type_or_missing":
        path = draw(st.sampled_from(sorted(BREAKABLE, key=str)))
        return kind, ("set", path, draw(st.sampled_from(BREAKABLE[path])))
    quantity_path = ("orderItems", 0, "quantityOrdered")
    if kind == "negative_quantity":
        quantity = draw(st.integers(min_value=-(10**9), max_value=-1))
        return kind, ("set", quantity_path, quantity)
    if kind == "huge_quantity":
        quantity = draw(st.integers(min_value=100001, max_value=10**15))
        return kind, ("set", quantity_path, quantity)
    if kind == "unknown_marketplace":
        code = draw(st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=10))
        return kind, ("set", ("salesChannel", "marketplaceId"), "AZ" + code)
    return kind, ("currency", draw(st.sampled_from(["XYZ", "ZZZ", "QQQ"])))


@st.composite
def good_orders(draw):
    """An unusual but valid order: unicode everywhere, many items, big quantities."""
    kind = draw(st.sampled_from(["unicode", "many_items", "big_quantity"]))
    text = st.text(
        st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
        min_size=1,
        max_size=60,
    )
    if kind == "unicode":
        return kind, {"name": draw(text), "title": draw(text), "city": draw(text)}
    if kind == "many_items":
        return kind, {"items": draw(st.sampled_from([50, 500]))}
    return kind, {"quantity": draw(st.integers(min_value=1000, max_value=100000))}


@tagged("post_install", "-at_install")
class TestReliabilityBadInput(ReliabilityCommon):
    rows = []

    @classmethod
    def tearDownClass(cls):
        if cls.rows:
            totals = Counter()
            for row in cls.rows:
                totals.update({k: v for k, v in row.items() if k != "items_max"})
            figures.record(
                "Bad input: generated payloads (property-based)",
                [
                    {
                        "examples": len(cls.rows),
                        **dict(totals),
                        "items_max": max(row["items_max"] for row in cls.rows),
                    }
                ],
            )
        super().tearDownClass()

    def _order(self, index, items=1, quantity=1, **texts):
        specs = [
            {
                "sku": f"BAD-{index}-{i}",
                "quantity": quantity,
                "price": 10 * quantity,
                "tax": 1.6 * quantity,
                "title": texts.get("title", f"Item {i}"),
            }
            for i in range(items)
        ]
        buyer = {"buyerName": texts.get("name", "Jörg Müller")} if texts else None
        address = None
        if texts:
            address = {
                "name": texts.get("name", "Jörg Müller"),
                "addressLine1": texts.get("city", "Hauptstraße 1"),
                "city": texts.get("city", "Berlin"),
                "postalCode": "10115",
                "countryCode": "DE",
            }
        return make_order(
            self.marketplace_de,
            specs,
            buyer=buyer,
            address=address,
            order_id=f"302-{index:07d}-{random.randrange(10**7):07d}",
        )

    @settings(
        max_examples=20,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        bad=st.lists(bad_orders(), min_size=1, max_size=4),
        good=st.lists(good_orders(), min_size=0, max_size=2),
    )
    def test_bad_orders_are_recorded_and_good_ones_imported(self, bad, good):
        with self._isolated():
            self.rows.append(self._run_example(bad, good))

    def _run_example(self, bad, good):
        state = self.sandbox_state
        plain = [self._order(i) for i in range(2)]
        unusual = []
        for index, (kind, spec) in enumerate(good, start=10):
            if kind == "unicode":
                unusual.append(self._order(index, **spec))
            elif kind == "many_items":
                unusual.append(self._order(index, items=spec["items"]))
            else:
                unusual.append(self._order(index, quantity=spec["quantity"]))
        broken = [self._order(index) for index in range(20, 20 + len(bad))]
        state.put_orders(EU_SELLER_ID, plain + unusual + broken)
        for order, (_kind, change) in zip(broken, bad, strict=True):
            payload = copy.deepcopy(order)
            _apply(payload, change)
            state.serve_verbatim(EU_SELLER_ID, order["orderId"], payload)
        log = self.eu_account._amazon_sync_orders("cron", 600)
        self.assertIn(log.status, ("done", "partial"), log.message)
        sale_orders = self.env["sale.order"].search(
            [("amazon_account_id", "=", self.eu_account.id)]
        )
        imported = set(sale_orders.mapped("amazon_order_ref"))
        failures = self.env["amazon.order.failure"].search(
            [("account_id", "=", self.eu_account.id)]
        )
        recorded = {f.amazon_order_ref: f.reason for f in failures}
        for order in plain + unusual:
            self.assertIn(order["orderId"], imported)
            self.assertNotIn(order["orderId"], recorded)
        for order in unusual:
            so = sale_orders.filtered(
                lambda s, o=order: s.amazon_order_ref == o["orderId"]
            )
            self.assertEqual(
                so.currency_id.compare_amounts(
                    so.amount_total, float(order["proceeds"]["grandTotal"]["amount"])
                ),
                0,
            )
            self.assertEqual(
                len(
                    so.order_line.filtered(lambda line: line.amazon_line_kind == "item")
                ),
                len(order["orderItems"]),
            )
        for order in broken:
            self.assertNotIn(order["orderId"], imported)
            self.assertTrue(recorded.get(order["orderId"]), "recorded with a reason")
        kinds = Counter(kind for kind, _change in bad)
        return {
            **{f"bad_{kind}": kinds[kind] for kind in sorted(kinds)},
            "bad_orders": len(broken),
            "recorded_with_reason": sum(
                bool(recorded.get(o["orderId"])) for o in broken
            ),
            "good_orders": len(plain) + len(unusual),
            "good_imported": sum(o["orderId"] in imported for o in plain + unusual),
            "items_max": max(len(o["orderItems"]) for o in plain + unusual),
        }


# === SECURITY === #


@tagged("post_install", "-at_install")
class TestReliabilitySecurity(JsonRpcMixin, HttpCase, AmazonImportCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_company = cls.env["res.company"].create({"name": "Other Company"})
        cls.salesperson = new_test_user(
            cls.env,
            login="rel_salesperson",
            password="rel_salesperson_pw",
            groups="sales_team.group_sale_salesman_all_leads",
        )
        cls.other_user = new_test_user(
            cls.env,
            login="rel_other_company",
            password="rel_other_company_pw",
            groups="sales_team.group_sale_manager",
            company_id=cls.other_company.id,
            company_ids=[fields.Command.set(cls.other_company.ids)],
        )

    def _import_one(self):
        order = make_order(
            self.marketplace_de,
            [{"sku": "MUG-1", "price": 9, "tax": 1.44}],
            buyer={
                "buyerName": "Secret Buyer",
                "buyerEmail": "secret.buyer@marketplace.amazon.de",
            },
            address={
                "name": "Secret Buyer",
                "addressLine1": "Geheimweg 42",
                "city": "Berlin",
                "postalCode": "10115",
                "countryCode": "DE",
            },
        )
        self._put(EU_SELLER_ID, order)
        self._sync()
        return order, self._sale_order(order)

    def test_orm_and_rpc_keep_accounts_offers_and_orders_to_their_company(self):
        _order, so = self._import_one()
        offer = self.env["amazon.offer"].search(
            [("account_id", "=", self.eu_account.id)]
        )
        self.assertTrue(offer)
        rows = []
        # Through the ORM.
        for user, label in (
            (self.salesperson, "salesperson"),
            (self.other_user, "other company"),
        ):
            env = self.env(user=user)
            account = env["amazon.account"].browse(self.eu_account.id)
            leaks = 0
            for field in ("lwa_client_secret", "refresh_token", "lwa_client_id"):
                with contextlib.suppress(AccessError):
                    account.read([field])
                    leaks += 1
            if user == self.other_user:
                for model, record in (
                    ("amazon.account", self.eu_account),
                    ("amazon.offer", offer),
                    ("sale.order", so),
                ):
                    if env[model].search_count([("id", "=", record.id)]):
                        leaks += 1
                    with contextlib.suppress(AccessError):
                        env[model].browse(record.id).read(["display_name"])
                        leaks += 1
            rows.append({"channel": "ORM", "user": label, "leaks": leaks})
        # Over JSON-RPC, with a password, as an integration would.
        for login, password, label in (
            ("rel_salesperson", "rel_salesperson_pw", "salesperson"),
            ("rel_other_company", "rel_other_company_pw", "other company"),
        ):
            leaks = 0
            uid = self._rpc("common", "login", self.env.cr.dbname, login, password)
            self.assertTrue(uid)
            secret = self._rpc(
                "object",
                "execute_kw",
                self.env.cr.dbname,
                uid,
                password,
                "amazon.account",
                "read",
                [[self.eu_account.id]],
                {"fields": ["refresh_token", "lwa_client_secret"]},
                expect_error=True,
            )
            leaks += "error" not in secret
            if login == "rel_other_company":
                for model in ("amazon.account", "amazon.offer", "sale.order"):
                    found = self._rpc(
                        "object",
                        "execute_kw",
                        self.env.cr.dbname,
                        uid,
                        password,
                        model,
                        "search_read",
                        [[("company_id", "=", self.env.company.id)]],
                        {"fields": ["display_name"]},
                    )
                    leaks += len(found)
            rows.append({"channel": "JSON-RPC", "user": label, "leaks": leaks})
        figures.record("Security: credentials and other companies' records", rows)
        for row in rows:
            self.assertEqual(row["leaks"], 0, row)

    def test_debug_logs_hold_no_secret_and_no_buyer_data(self):
        records = []

        class Collect(logging.Handler):
            def emit(self, record):
                records.append(self.format(record))

        handler = Collect(level=logging.DEBUG)
        handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        root = logging.getLogger()
        # Odoo's --log-level=debug (odoo at DEBUG, its SQL log at INFO), and every
        # library on the way to Amazon at DEBUG.
        levels = {
            "": logging.DEBUG,
            "odoo": logging.DEBUG,
            "odoo.sql_db": logging.INFO,
            "amazon_sp": logging.DEBUG,
            "sp_api": logging.DEBUG,
            "urllib3": logging.DEBUG,
            "requests": logging.DEBUG,
            "httpx": logging.DEBUG,
            "httpcore": logging.DEBUG,
        }
        previous = {name: logging.getLogger(name).level for name in levels}
        root.addHandler(handler)
        try:
            for name, level in levels.items():
                logging.getLogger(name).setLevel(level)
            self.sandbox_state.expire_access_tokens()  # a token call during the import
            order, _so = self._import_one()
        finally:
            root.removeHandler(handler)
            for name, level in previous.items():
                logging.getLogger(name).setLevel(level)
        access_tokens = list(self.sandbox_state.tokens)
        self.assertTrue(access_tokens)
        secrets = {
            "refresh token": EU_REFRESH_TOKEN,
            "client secret": DEFAULT_CLIENT_SECRET,
            "other refresh token": DEFAULT_REFRESH_TOKEN,
            "buyer e-mail": order["buyer"]["buyerEmail"],
            "buyer name": "Secret Buyer",
            "street": "Geheimweg 42",
            **{f"access token {i}": t for i, t in enumerate(access_tokens)},
        }
        found = {
            label: sum(value in line for line in records)
            for label, value in secrets.items()
        }
        figures.record(
            "Security: DEBUG logs during an import",
            [{"log_lines": len(records), **found}],
        )
        # DEBUG logging was on, down to the HTTP calls to Amazon.
        self.assertTrue(
            any(line.startswith("httpcore") and " DEBUG " in line for line in records)
        )
        self.assertEqual({k: v for k, v in found.items() if v}, {})
