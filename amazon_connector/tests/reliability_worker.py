"""A separate Odoo process for the reliability tests (crash and concurrency).

``python reliability_worker.py --db DB --addons-path PATH setup --sandbox URL
--seller-id ID --refresh-token TOKEN --region EU`` creates an account of a sandbox
seller in the database; ``... import`` runs the order
import's scheduled action until the account has nothing left to read, and prints a JSON
summary; ``... invoice --start-at EPOCH --uid UID`` waits for that moment, then invoices
every Amazon order with something shipped, 20 orders a transaction, as the deliveries
validated by users and the scheduled action do. The tests kill it, or run two at once,
on a copy of the test database.

This is not a test module: the tests start it with ``subprocess``.
"""

import argparse
import json
import sys
import time
from datetime import datetime, timedelta


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("action", choices=("setup", "import", "invoice"))
    parser.add_argument("--sandbox")
    parser.add_argument("--seller-id")
    parser.add_argument("--refresh-token")
    parser.add_argument("--region", default="EU")
    parser.add_argument("--page-size", type=int, default=10)
    parser.add_argument("--invoice-policy")
    parser.add_argument("--start-at", type=float, default=0.0)
    parser.add_argument("--uid", type=int, default=None)
    args = parser.parse_args(argv)

    import odoo
    from odoo.tools import config

    config.parse_config(
        [
            f"--addons-path={args.addons_path}",
            f"--database={args.db}",
            "--log-level=warn",
        ]
    )
    odoo.modules.module.initialize_sys_path()
    from odoo.modules.registry import Registry

    registry = Registry(args.db)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        if args.action == "setup":
            result = setup(env, args)
        elif args.action == "invoice":
            user = args.uid or odoo.SUPERUSER_ID
            result = run_invoicing(env(user=user, su=True), args)
        else:
            result = run_import(env)
        # A worker process of its own, as Odoo's cron runner is: it commits, and
        # prints its summary for the test that started it.
        cr.commit()  # pylint: disable=invalid-commit
    print(json.dumps(result), flush=True)  # pylint: disable=print-used
    return 0


def setup(env, args):
    from amazon_sp.sandbox import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET

    for code in ("EUR", "GBP", "CAD", "MXN"):
        env.ref(f"base.{code}").active = True
    env["ir.config_parameter"].set_param(
        "amazon_connector.page_size", str(args.page_size)
    )
    account = env["amazon.account"].create(
        {
            "name": "Reliability",
            "seller_id": args.seller_id,
            "region": args.region,
            "lwa_client_id": DEFAULT_CLIENT_ID,
            "lwa_client_secret": DEFAULT_CLIENT_SECRET,
            "refresh_token": args.refresh_token,
            "environment": "local",
            "local_endpoint": args.sandbox,
            "first_import_date": datetime.now() - timedelta(days=5),
            **({"invoice_policy": args.invoice_policy} if args.invoice_policy else {}),
        }
    )
    return {"account": account.id}


def run_import(env):
    (account,) = env["amazon.account"].search([])
    started = time.monotonic()
    runs = locked = 0
    statuses = {}
    # As the scheduled action would run again and again, until nothing is left.
    while runs < 200:
        runs += 1
        log = account._amazon_sync_orders("cron", 600)  # what the action runs
        status = log.status  # a skipped run's log is not saved: read it first
        env.cr.commit()
        account.invalidate_recordset()
        statuses[status] = statuses.get(status, 0) + 1
        if status == "locked":
            locked += 1
            time.sleep(0.2)  # another process imports: the next run comes later
            continue
        if not account.orders_checkpoint:
            break
    return {
        "runs": runs,
        "locked": locked,
        "statuses": statuses,
        "checkpoint": account.orders_checkpoint,
        "seconds": time.monotonic() - started,
    }


def run_invoicing(env, args):
    orders = env["sale.order"].search([("amazon_account_id", "!=", False)], order="id")
    env.cr.commit()
    # Both processes start invoicing at the same moment, past Odoo's start-up.
    time.sleep(max(0.0, args.start_at - time.time()))
    started = time.monotonic()
    for start in range(0, len(orders), 20):
        orders[start : start + 20]._amazon_invoice_now()
        env.cr.commit()
        env.invalidate_all()
    return {"orders": len(orders), "seconds": time.monotonic() - started}


if __name__ == "__main__":
    sys.exit(main())
