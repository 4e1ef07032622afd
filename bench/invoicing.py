#!/usr/bin/env python3
"""Invoicing benchmark: python3 bench/invoicing.py [--orders 1000] [--update-readme]

It starts the local SP-API sandbox with N generated orders (half from a North American
seller, half from a European one, as ``bench/run.py`` makes them), creates a fresh
database with amazon_connector installed, imports them with invoicing set to manual,
then measures, each phase in a process of its own and in the same database:

- the connector's invoicing: the scheduled action "Amazon: post invoices"
  (``amazon.account._cron_post_invoices``) turned on for both accounts, invoicing and
  posting every shipped order in batches (each order in isolation, never twice):
  seconds, invoices/s, SQL queries per invoice, failed invoices, and the invoices of
  fully invoiced orders whose total is not the order's Amazon total to the cent;
- the baseline: the same invoices (same customers, fiscal positions, lines, taxes and
  exact amounts, lines linked to the order lines they invoice, as Odoo links an invoice
  to its sales order) read from the orders and created and posted directly with the
  ORM, ``account.move.create`` of a batch then ``action_post`` in the same context (no
  tracking), committing after each batch of the same size; like the connector's run it
  starts cold (a process of its own, Odoo's caches empty).

It prints a table with PASS/FAIL against the issue's target (invoicing ≥ 1.0 × the
batched ORM baseline); ``--update-readme`` writes it into README.md between the
``bench-invoicing`` markers.
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import phases  # noqa: E402
import run  # noqa: E402 - the import benchmark's helpers, shared
from run import (  # noqa: E402
    create_database,
    drop_database,
    machine,
    odoo_addons_path,
    seed_orders,
    start_sandbox,
)

TARGET_RATIO = 1.0  # invoicing throughput / batched ORM baseline
BATCH = 50  # the connector's batch (sale_order_invoicing.INVOICE_BATCH)


def main(argv=None):
    parser = phases.arguments(__file__, __doc__)
    parser.add_argument("--orders", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--days", type=float, default=30)
    return phases.main(parser, argv, bench, render, run_phase, update_readme)


def bench(args):
    count = args.orders
    addons_path = odoo_addons_path()
    db = f"amazon_bench_invoicing_{count}_{int(time.time())}"
    sandbox = start_sandbox()
    try:
        url = sandbox.url
        seed_orders(url, count, args.seed, args.days)
        create_database(db, addons_path)
        try:
            phase("setup", db, url, addons_path, days=args.days + 1)
            result = {"count": count, "import": phase("import", db, url, addons_path)}
            result["ours"] = phase("invoice", db, url, addons_path)
            result["orm"] = phase("baseline", db, url, addons_path)
        finally:
            if args.keep_db:
                print(f"Database kept: {db}")
            else:
                drop_database(db)
    finally:
        sandbox.stop()
    return result


def phase(name, db, url, addons_path, **options):
    """Run one measured phase in a process of its own; return what it reports."""
    extra = ["--days", str(options["days"])] if "days" in options else []
    return phases.run_phase_process(__file__, name, db, url, addons_path, extra)


# === PHASES (in a process of their own, with Odoo) === #


def run_phase(args):
    return phases.serve_phase(
        args,
        {
            "setup": phase_setup,
            "import": run.phase_import,
            "invoice": phase_invoice,
            "baseline": phase_baseline,
        },
    )


def phase_setup(env, args):
    report = run.phase_setup(env, args)
    # The import only imports: the measured phase invoices.
    env["amazon.account"].search([]).invoice_policy = "manual"
    env.cr.commit()
    return report


def _invoices(env):
    return env["account.move"].search(
        [("amazon_invoice_key", "!=", False), ("move_type", "=", "out_invoice")],
        order="id",
    )


def phase_invoice(env, args):
    Account = env["amazon.account"]
    accounts = Account.search([])
    accounts.invoice_policy = "on_shipment"
    env.cr.commit()
    queries_before = run._sql_count()
    started = time.monotonic()
    runs = 0
    while True:
        runs += 1
        before = env["account.move"].search_count([("amazon_invoice_key", "!=", False)])
        Account._cron_post_invoices()
        env.cr.commit()
        env.invalidate_all()
        after = env["account.move"].search_count([("amazon_invoice_key", "!=", False)])
        if after == before or runs >= 20:
            break
    seconds = time.monotonic() - started
    queries = run._sql_count() - queries_before
    invoices = _invoices(env)
    orders = invoices.amazon_sale_order_id
    wrong = 0
    for order in orders.filtered("amazon_fully_invoiced"):
        total = sum(
            order.invoice_ids.filtered(
                lambda m: m.move_type == "out_invoice" and m.state == "posted"
            ).mapped("amount_total")
        )
        expected = order.amazon_expected_total if order.amazon_has_total else None
        if expected is not None and order.currency_id.compare_amounts(total, expected):
            wrong += 1
    failed = env["sale.order"].search([("amazon_invoice_failed", "=", True)])
    return {
        "seconds": seconds,
        "runs": runs,
        "invoices": len(invoices),
        "posted": len(invoices.filtered(lambda m: m.state == "posted")),
        "orders": len(orders),
        "wrong_totals": wrong,
        "failed": len(failed),
        "failed_reasons": sorted(
            {(r or "")[:60] for r in failed.mapped("amazon_invoice_error")}
        )[:5],
        "queries": queries,
        "amount": round(sum(invoices.mapped("amount_total")), 2),
    }


def _baseline_values(env, plan):
    """The invoices' values, read from the sales orders as a direct ORM script reads
    them: the order's customer and fiscal position, its lines' products, quantities,
    prices, taxes and exact amounts, linked to the order lines they invoice (as Odoo
    links an invoice to its sales order), on the connector's invoice dates (the ship
    dates)."""
    from odoo import Command

    term = env.ref("account.account_payment_term_immediate")
    journal = env["account.journal"].search([("type", "=", "sale")], limit=1)
    values = []
    lines = env["sale.order.line"].browse(
        [i for _o, _d, pairs in plan for i, _q in pairs]
    )
    lines.fetch(["product_id", "name", "price_unit", "tax_ids", "extra_tax_data"])
    for order_id, invoice_date, pairs in plan:
        order = env["sale.order"].browse(order_id)
        values.append(
            {
                "move_type": "out_invoice",
                "partner_id": order.partner_invoice_id.id,
                "partner_shipping_id": order.partner_shipping_id.id,
                "fiscal_position_id": order.fiscal_position_id.id,
                "currency_id": order.currency_id.id,
                "company_id": order.company_id.id,
                "journal_id": journal.id,
                "invoice_date": invoice_date,
                "invoice_payment_term_id": term.id,
                "ref": f"baseline {order.amazon_order_ref}",
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": line.product_id.id,
                            "name": line.name,
                            "quantity": quantity,
                            "price_unit": line.price_unit,
                            "tax_ids": [Command.set(line.tax_ids.ids)],
                            "extra_tax_data": line.extra_tax_data,
                            "sale_line_ids": [Command.set(line.ids)],
                        }
                    )
                    for line_id, quantity in pairs
                    for line in [env["sale.order.line"].browse(line_id)]
                ],
            }
        )
    return values


def phase_baseline(env, args):
    """The same invoices, created and posted directly with the ORM in batches.

    Like the connector's run (a process of its own, nothing read yet), it starts
    cold: it reads the orders' data, then creates and posts."""
    plan = [
        (
            invoice.amazon_sale_order_id.id,
            invoice.invoice_date,
            [
                (line.sale_line_ids.id, line.quantity)
                for line in invoice.invoice_line_ids
            ],
        )
        for invoice in _invoices(env)
    ]
    env.cr.commit()
    env.invalidate_all()
    env.registry.clear_cache()
    Move = env["account.move"].with_context(
        default_move_type="out_invoice", tracking_disable=True
    )
    queries_before = run._sql_count()
    started = time.monotonic()
    amount = 0.0
    count = 0
    for start in range(0, len(plan), BATCH):
        values = _baseline_values(env, plan[start : start + BATCH])
        moves = Move.create(values)
        moves.action_post()
        amount += sum(moves.mapped("amount_total"))
        count += len(moves)
        env.cr.commit()
        env.invalidate_all()
    seconds = time.monotonic() - started
    return {
        "invoices": count,
        "seconds": seconds,
        "queries": run._sql_count() - queries_before,
        "amount": round(amount, 2),
    }


# === REPORT === #


_verdict = phases.verdict


def render(r):
    n = r["count"]
    imp, ours, orm = r["import"], r["ours"], r["orm"]
    ours_rate = ours["invoices"] / ours["seconds"] if ours["seconds"] else 0.0
    orm_rate = orm["invoices"] / orm["seconds"] if orm["seconds"] else 0.0
    ratio = ours_rate / orm_rate if orm_rate else 0.0
    per = max(ours["invoices"], 1)
    lines = [
        f"Machine: {machine()}",
        "",
        "| Orders | Figure | Value | Target | Result |",
        "| ---: | --- | ---: | --- | --- |",
    ]

    def add(figure, value, target="", result=""):
        lines.append(f"| {n:,} | {figure} | {value} | {target} | {result} |")

    add(
        "Sales orders imported (invoicing manual during the import)",
        f"{imp['orders']:,}",
    )
    add(
        "Invoices posted (orders), failed invoices",
        f"{ours['posted']:,} ({ours['orders']:,}), {ours['failed']:,}",
    )
    add(
        "Fully invoiced orders whose invoices are not Amazon's total to the cent",
        f"{ours['wrong_totals']:,}",
        "0",
        _verdict(ours["wrong_totals"] == 0),
    )
    add(
        "Connector (Amazon: post invoices): seconds, invoices/s (runs)",
        f"{ours['seconds']:.1f} s, {ours_rate:.1f}/s ({ours['runs']})",
    )
    add(
        f"Baseline, ORM create + post in batches of {BATCH}: seconds, invoices/s",
        f"{orm['seconds']:.1f} s, {orm_rate:.1f}/s",
        f"connector ≥ {TARGET_RATIO:.1f} × batched",
        f"{_verdict(ratio >= TARGET_RATIO)} ({ratio:.2f} ×)",
    )
    add(
        "SQL queries per invoice: connector / ORM batched",
        f"{ours['queries'] / per:.0f} / {orm['queries'] / max(orm['invoices'], 1):.0f}",
    )
    add(
        "Invoiced amount: connector / baseline (all currencies)",
        f"{ours['amount']:,.2f} / {orm['amount']:,.2f}",
        "equal",
        _verdict(abs(ours["amount"] - orm["amount"]) < 0.005),
    )
    return "\n".join(lines)


def update_readme(table):
    phases.update_readme(table, "bench-invoicing")


if __name__ == "__main__":
    sys.exit(main())
