#!/usr/bin/env python3
"""Settlements benchmark: python3 bench/settlements.py [--orders 3600] [--update-readme]

It starts the local SP-API sandbox with a seller on Amazon.de and N generated orders
(about 55 % of them shipped: 2,000 for the default N), creates a fresh database with
amazon_connector installed and measures, each phase in a process of its own:

- the import of the orders (the scheduled action "Amazon: import orders", run until
  nothing is left): seconds, SQL queries;
- the invoicing of what shipped ("Amazon: post invoices"), so that the settlement finds
  every invoice posted;
- then the sandbox closes a settlement of every shipped order (with 50 refunds, fees
  of many types, a reserve, a subscription, advertising and an order unknown to Odoo),
  and the settlement import books it: seconds, rows per second, SQL queries per order,
  statement lines reconciled and open, and that the statement adds up.

It prints a table with PASS/FAIL against the issue's target (the settlement is booked
faster than its orders were imported); ``--update-readme`` writes it into README.md
between the ``bench-settlements`` markers.
"""

import os
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
# This checkout's amazon_sp, whichever one is installed.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import phases  # noqa: E402
from run import (  # noqa: E402 - the import benchmark's helpers, shared
    SandboxProcess,
    control,
    create_database,
    drop_database,
    machine,
    odoo_addons_path,
)

DE = "A1PA6795UKMFR9"
SELLER = "ABENCHSETTLE1"
REFRESH_TOKEN = "Atzr|bench-settlement-refresh-token-not-a-real-one"
GENEROUS_PLAN = {"rate": 1000.0, "burst": 1000}
PLAN_OPERATIONS = (
    "orders2026.searchOrders",
    "orders2026.getOrder",
    "reports.getReports",
    "reports.getReportDocument",
    "finances.listFinancialEventGroups",
)
REFUNDS = 50


def main(argv=None):
    parser = phases.arguments(__file__, __doc__)
    parser.add_argument("--orders", type=int, default=3600)
    return phases.main(parser, argv, bench, render, run_phase, update_readme)


def bench(args):
    from amazon_sp.sandbox import DEFAULT_CLIENT_ID

    addons_path = odoo_addons_path()
    db = f"amazon_bench_settlements_{args.orders}_{os.getpid()}"
    sandbox = SandboxProcess()
    try:
        url = sandbox.url
        control(
            url,
            "POST",
            "sellers",
            {
                "seller_id": SELLER,
                "client_id": DEFAULT_CLIENT_ID,
                "refresh_token": REFRESH_TOKEN,
                "marketplaces": [DE],
            },
        )
        control(
            url,
            "POST",
            "orders/generate",
            {"seller_id": SELLER, "count": args.orders, "seed": 7, "days": 20},
        )
        for operation in PLAN_OPERATIONS:
            control(
                url,
                "POST",
                "rate-limits",
                {"seller_id": SELLER, "operation": operation, **GENEROUS_PLAN},
            )
        create_database(db, addons_path)
        try:
            phase("setup", db, url, addons_path)
            result = {"import": phase("import", db, url, addons_path)}
            result["invoicing"] = phase("invoicing", db, url, addons_path)
            orders = control(url, "GET", f"orders?seller_id={SELLER}")["orders"]
            shipped = [
                o["orderId"]
                for o in orders
                if o["fulfillment"]["fulfillmentStatus"] == "SHIPPED"
            ]
            settlement = control(
                url,
                "POST",
                "settlements",
                {
                    "seller_id": SELLER,
                    "marketplace_id": DE,
                    "refunds": [{"order_id": ref} for ref in shipped[:REFUNDS]],
                    "reserve": "500.00",
                    "previous_reserve": "350.00",
                    "foreign_orders": 1,
                },
            )
            result["settlement"] = phase("settlement", db, url, addons_path)
            result["settlement"]["rows"] = settlement["rows"]
            result["settlement"]["settled_orders"] = len(settlement["orders"])
        finally:
            if args.keep_db:
                print(f"Database kept: {db}")
            else:
                drop_database(db)
    finally:
        sandbox.stop()
    result["count"] = args.orders
    return result


def phase(name, db, url, addons_path):
    """Run one measured phase in a process of its own; return what it reports."""
    extra = []
    return phases.run_phase_process(__file__, name, db, url, addons_path, extra)


# === PHASES (in a process of their own, with Odoo) === #


def run_phase(args):
    return phases.serve_phase(
        args,
        {
            "setup": phase_setup,
            "import": phase_import,
            "invoicing": phase_invoicing,
            "settlement": phase_settlement,
        },
    )


def _sql_count():
    from odoo import sql_db

    return sql_db.sql_counter


def phase_setup(env, args):
    from amazon_sp.sandbox import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET

    env.ref("base.EUR").active = True
    account = env["amazon.account"].create(
        {
            "name": "Bench DE",
            "seller_id": SELLER,
            "region": "EU",
            "lwa_client_id": DEFAULT_CLIENT_ID,
            "lwa_client_secret": DEFAULT_CLIENT_SECRET,
            "refresh_token": REFRESH_TOKEN,
            "environment": "local",
            "local_endpoint": args.sandbox,
            "first_import_date": datetime.now() - timedelta(days=21),
        }
    )
    env.cr.commit()
    return {"account": account.id}


def phase_import(env, args):
    Account = env["amazon.account"]
    accounts = Account.search([])
    env.cr.commit()
    queries = _sql_count()
    started = time.monotonic()
    for _run in range(100):
        Account._cron_import_orders()
        env.cr.commit()
        accounts.invalidate_recordset()
        if not accounts.filtered(lambda a: a.orders_checkpoint or a.history_start):
            break
    seconds = time.monotonic() - started
    orders = env["sale.order"].search_count([("amazon_account_id", "!=", False)])
    return {
        "seconds": seconds,
        "orders": orders,
        "queries": _sql_count() - queries,
    }


def phase_invoicing(env, args):
    account = env["amazon.account"].search([])
    started = time.monotonic()
    for _run in range(50):
        if account._amazon_post_invoices(600):
            break
        env.cr.commit()
    env.cr.commit()
    invoices = env["account.move"].search_count(
        [("move_type", "=", "out_invoice"), ("state", "=", "posted")]
    )
    return {"seconds": time.monotonic() - started, "invoices": invoices}


def phase_settlement(env, args):
    account = env["amazon.account"].search([])
    env.cr.commit()
    queries = _sql_count()
    started = time.monotonic()
    created, finished = account._amazon_import_settlements(3600)
    env.cr.commit()
    seconds = time.monotonic() - started
    settlement = created[:1]
    lines = settlement.line_ids
    statement = settlement.statement_id
    payout = lines.filtered(lambda line: line.kind == "payout")
    others = statement.line_ids - payout.statement_line_id
    currency = settlement.currency_id
    return {
        "seconds": seconds,
        "finished": finished,
        "queries": _sql_count() - queries,
        "state": settlement.state,
        "lines": len(lines),
        "orders": len(lines.filtered(lambda line: line.kind == "order")),
        "refunds": len(lines.filtered(lambda line: line.kind == "refund")),
        "reconciled": settlement.reconciled_count,
        "open": settlement.open_count,
        "open_unknown": len(
            lines.filtered(lambda line: line.state == "open" and not line.sale_order_id)
        ),
        "open_refunds": len(
            lines.filtered(lambda line: line.state == "open" and line.kind == "refund")
        ),
        "paid": env["account.move"].search_count(
            [
                ("move_type", "=", "out_invoice"),
                ("payment_state", "in", ("paid", "in_payment")),
            ]
        ),
        "exact": currency.round(sum(others.mapped("amount"))) == settlement.amount_total
        and currency.is_zero(sum(statement.line_ids.mapped("amount"))),
        "total": settlement.amount_total,
    }


# === REPORT === #


def render(result):
    imported = result["import"]
    settled = result["settlement"]
    orders = max(settled["settled_orders"], 1)
    rows = settled["rows"]
    # What importing the settled orders took, at the import's pace.
    same_orders = imported["seconds"] * orders / max(imported["orders"], 1)
    faster = settled["seconds"] < same_orders
    per_order_import = imported["queries"] / max(imported["orders"], 1)
    lines = [
        f"Machine: {machine()}",
        "",
        "| Measure | Value |",
        "| --- | --- |",
        f"| Orders generated / imported | {result['count']} / {imported['orders']} |",
        f"| Orders import (seconds, SQL queries per order) | "
        f"{imported['seconds']:.1f} s, {per_order_import:.0f} |",
        f"| Invoicing what shipped | {result['invoicing']['seconds']:.1f} s, "
        f"{result['invoicing']['invoices']} invoices |",
        f"| Settlement: orders, refunds, rows | {settled['settled_orders']}, "
        f"{settled['refunds']}, {rows} |",
        f"| Settlement import (download, parse, book, reconcile) | "
        f"{settled['seconds']:.1f} s |",
        f"| The same orders' share of the orders import | {same_orders:.1f} s |",
        f"| Rows per second | {rows / max(settled['seconds'], 1e-9):.0f} |",
        f"| SQL queries per settled order | {settled['queries'] / orders:.1f} |",
        f"| Statement lines reconciled / open | {settled['reconciled']} / "
        f"{settled['open']} ({settled['open_unknown']} of an order unknown to Odoo, "
        f"{settled['open_refunds']} refunds without a credit note: see below) |",
        f"| Invoices paid by the settlement | {settled['paid']} |",
        f"| Statement adds up to the cent | {'yes' if settled['exact'] else 'NO'} |",
        f"| Target: booked faster than its orders were imported | "
        f"{'PASS' if faster else 'FAIL'} ({settled['seconds']:.0f} s vs "
        f"{same_orders:.0f} s) |",
    ]
    return "\n".join(lines)


def update_readme(table):
    phases.update_readme(table, "bench-settlements")


if __name__ == "__main__":
    sys.exit(main())
