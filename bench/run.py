#!/usr/bin/env python3
"""Import benchmark: python3 bench/run.py [--orders 1000,10000] [--seed 1]

For each order count N it starts the local SP-API sandbox with N generated orders (half
for a North American seller, half for a European one, mixed as the generator mixes
them), creates a fresh database with amazon_connector installed, and measures:

- the import, run through the scheduled action's method
  (``amazon.account._cron_import_orders``, called again while a run leaves work for the
  next one): seconds, orders/s, SQL queries per order, peak memory and memory growth of
  the process;
- the SP-API calls of that import per operation and per order, and the time the recorded
  call sequence needs at Amazon's default rate limits (token-bucket replay), for our
  path (Orders API 2026-01-01) and, on the same orders, for the v0 path (getOrders plus
  one getOrderItems call per order, as Odoo's own connector and the open-source
  connectors read orders);
- the baselines: the same sales orders created and confirmed directly with the ORM one
  at a time, and in batches of 100.

It prints a table with PASS/FAIL against the targets. The sandbox grants the sellers a
generous usage plan (announced in ``x-amzn-RateLimit-Limit``, which the client follows)
so that the import measures Odoo and the connector, not Amazon's waiting times: those
are the replay's figures.

Options: ``--orders`` (comma-separated counts), ``--seed``, ``--days`` (the orders'
purchase dates spread over that many days), ``--keep-db``, ``--update-readme`` (write
the table into README.md between the bench markers). Each measured phase runs in a
process of its own, so that memory figures are not mixed.
"""

import argparse
import json
import os
import platform
import re
import resource
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
NA_MARKETPLACES = ["ATVPDKIKX0DER", "A2EUQ1WTGCTBG2", "A1AM78C64UM0Y8"]  # US CA MX
EU_MARKETPLACES = [
    "A1PA6795UKMFR9",  # DE
    "A13V1IB3VIYZZH",  # FR
    "APJ6JRA9NG5V4",  # IT
    "A1RKKUPIHCS9HS",  # ES
    "A1F83G8C2ARO7P",  # UK
    "A1C3SOZRARQ6R3",  # PL
    "A2NODRKZP88ZB9",  # SE
]
EU_SELLER = "ABENCHEUSELLER1"
EU_REFRESH_TOKEN = "Atzr|bench-eu-refresh-token-not-a-real-one"
GENEROUS_PLAN = {"rate": 1000.0, "burst": 1000}
PLAN_OPERATIONS = (
    "orders2026.searchOrders",
    "orders2026.getOrder",
    "ordersV0.getOrders",
    "ordersV0.getOrder",
    "ordersV0.getOrderItems",
    "ordersV0.getOrderAddress",
    "ordersV0.getOrderBuyerInfo",
    "tokens.createRestrictedDataToken",
    "sellers.getMarketplaceParticipations",
)
BATCH = 100

# Targets (issue: "Evidence: an import benchmark").
TARGET_RATIO = 0.8  # import throughput / batched ORM baseline
TARGET_CALLS_PER_ORDER = 0.02  # SP-API calls per order on our path
TARGET_MEMORY_MB = 200  # memory growth over 10,000 orders
TARGET_SECONDS_10K = 15 * 60  # 10,000 orders on a 2-core machine


# === ORCHESTRATION (plain Python: no Odoo in this process) === #


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="bench/run.py", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--orders", default="1000,10000")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--days", type=float, default=30)
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--update-readme", action="store_true")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--sandbox", help=argparse.SUPPRESS)
    parser.add_argument("--addons-path", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase:
        return run_phase(args)
    counts = [int(n) for n in args.orders.split(",") if n.strip()]
    rows = []
    for count in counts:
        rows.append(bench_one(count, args))
    table = render(rows)
    print("\n" + table)
    if args.update_readme:
        update_readme(table)
    return 0


def bench_one(count, args):
    print(f"\n=== {count} orders ===", flush=True)
    addons_path = odoo_addons_path()
    db = f"amazon_bench_{count}_{os.getpid()}"
    sandbox = start_sandbox()
    try:
        url = sandbox.url
        seed_orders(url, count, args.seed, args.days)
        create_database(db, addons_path)
        try:
            phase(
                "setup", db, url, addons_path, days=args.days + 1
            )  # accounts, currencies
            clear_requests(url)
            result = phase("import", db, url, addons_path)
            result["expected"] = expected_sales_orders(url)
            ours = received_operations(url)
            result["calls"] = count_calls(ours)
            result["replay"] = replay(ours)
            clear_requests(url)
            v0 = read_with_v0(url, args.days + 1)
            result["v0_calls"] = count_calls(v0)
            result["v0_replay"] = replay(v0)
            result["single"] = phase("baseline-single", db, url, addons_path)
            result["batch"] = phase("baseline-batch", db, url, addons_path)
        finally:
            if args.keep_db:
                print(f"Database kept: {db}")
            else:
                drop_database(db)
    finally:
        sandbox.stop()
    result["count"] = count
    return result


class SandboxProcess:
    def __init__(self):
        self.process = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "amazon_sp.sandbox",
                "--port",
                "0",
                "--relax-rate-limits",
            ],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        line = self.process.stdout.readline()
        match = re.search(r"listening on (http://\S+)", line)
        if not match:
            self.stop()
            sys.exit(f"the sandbox did not start: {line!r}")
        self.url = match.group(1)

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def start_sandbox():
    return SandboxProcess()


def control(url, method, path, payload=None):
    import requests

    response = requests.request(
        method, f"{url}/_sandbox/{path}", json=payload, timeout=600
    )
    response.raise_for_status()
    return response.json()


def seed_orders(url, count, seed, days):
    from amazon_sp.sandbox import (
        DEFAULT_CLIENT_ID,
        DEFAULT_SELLER_ID,
    )

    control(
        url,
        "POST",
        "sellers",
        {
            "seller_id": EU_SELLER,
            "client_id": DEFAULT_CLIENT_ID,
            "refresh_token": EU_REFRESH_TOKEN,
            "marketplaces": EU_MARKETPLACES,
        },
    )
    for seller_id, share in (
        (DEFAULT_SELLER_ID, count // 2),
        (EU_SELLER, count - count // 2),
    ):
        control(
            url,
            "POST",
            "orders/generate",
            {"seller_id": seller_id, "count": share, "seed": seed, "days": days},
        )
        for operation in PLAN_OPERATIONS:
            control(
                url,
                "POST",
                "rate-limits",
                {"seller_id": seller_id, "operation": operation, **GENEROUS_PLAN},
            )


def expected_sales_orders(url):
    from amazon_sp.sandbox import DEFAULT_SELLER_ID
    from amazon_sp.sandbox.orderdata import becomes_sales_order

    return sum(
        becomes_sales_order(order)
        for seller_id in (DEFAULT_SELLER_ID, EU_SELLER)
        for order in control(url, "GET", f"orders?seller_id={seller_id}")["orders"]
    )


def clear_requests(url):
    control(url, "DELETE", "requests")


def received_operations(url):
    received = control(url, "GET", "requests")["requests"]
    return [r["operation"] for r in received if r.get("operation")]


def count_calls(operations):
    counts = {}
    for operation in operations:
        counts[operation] = counts.get(operation, 0) + 1
    return counts


def replay(operations):
    from amazon_sp.ratelimits import replay_seconds

    return replay_seconds(operations)


def read_with_v0(url, days):
    """Read the same orders through Orders API v0, the way peers do; return the
    operations called, in order."""
    from amazon_sp import Credentials, SellerConnection
    from amazon_sp.reader import OrderReader
    from amazon_sp.sandbox import (
        DEFAULT_CLIENT_ID,
        DEFAULT_CLIENT_SECRET,
        DEFAULT_REFRESH_TOKEN,
        DEFAULT_SELLER_ID,
    )

    after = datetime.now(timezone.utc) - timedelta(days=days)
    for seller_id, token, region, marketplaces in (
        (DEFAULT_SELLER_ID, DEFAULT_REFRESH_TOKEN, "NA", NA_MARKETPLACES),
        (EU_SELLER, EU_REFRESH_TOKEN, "EU", EU_MARKETPLACES),
    ):
        connection = SellerConnection(
            Credentials(seller_id, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, token),
            region,
            "local",
            url,
        )
        with OrderReader(connection, api_version="v0") as reader:
            for _page in reader.pages(marketplaces, after=after):
                pass
    return received_operations(url)


def odoo_addons_path():
    code = (
        "from odoo.tools import config; config.parse_config([]); "
        "print(','.join(config['addons_path']))"
    )
    out = subprocess.run(
        [PYTHON, "-c", code], capture_output=True, text=True, check=True
    )
    paths = [p for p in out.stdout.strip().split(",") if p]
    return ",".join(dict.fromkeys([*paths, str(REPO)]))


def create_database(db, addons_path):
    print(f"Creating database {db} with amazon_connector...", flush=True)
    started = time.monotonic()
    subprocess.run(
        [
            PYTHON,
            "-m",
            "odoo",
            "server",
            f"--addons-path={addons_path}",
            f"--database={db}",
            "--init=amazon_connector",
            "--stop-after-init",
            "--log-level=warn",
            "--http-interface=127.0.0.1",
        ],
        cwd=REPO,
        check=True,
    )
    print(f"  ready in {time.monotonic() - started:.0f} s", flush=True)


def drop_database(db):
    code = (
        "from odoo.tools import config; import odoo.service.db as db; "
        f"config.parse_config([]); db.exp_drop({db!r})"
    )
    subprocess.run([PYTHON, "-c", code], cwd=REPO, check=False, capture_output=True)


def phase(name, db, url, addons_path, **options):
    """Run one measured phase in a process of its own; return what it reports."""
    print(f"  {name}...", flush=True)
    command = [
        PYTHON,
        str(Path(__file__).resolve()),
        "--phase",
        name,
        "--db",
        db,
        "--sandbox",
        url,
        "--addons-path",
        addons_path,
    ]
    if "days" in options:
        command += ["--days", str(options["days"])]
    result = subprocess.run(
        command, cwd=REPO, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        sys.stderr.write(result.stderr[-4000:])
        sys.exit(f"phase {name} failed")
    report = json.loads(result.stdout.strip().splitlines()[-1])
    print(f"    {json.dumps(report)[:300]}", flush=True)
    return report


# === PHASES (in a process of their own, with Odoo) === #


def run_phase(args):
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
        report = {
            "setup": phase_setup,
            "import": phase_import,
            "baseline-single": phase_baseline_single,
            "baseline-batch": phase_baseline_batch,
        }[args.phase](env, args)
    print(json.dumps(report))
    return 0


def phase_setup(env, args):
    from amazon_sp.sandbox import (
        DEFAULT_CLIENT_ID,
        DEFAULT_CLIENT_SECRET,
        DEFAULT_REFRESH_TOKEN,
        DEFAULT_SELLER_ID,
    )

    for code in ("EUR", "CAD", "MXN", "GBP", "PLN", "SEK"):
        env.ref(f"base.{code}").active = True
    start = datetime.now() - timedelta(days=args.days)
    accounts = env["amazon.account"]
    for name, seller_id, region, token in (
        ("Bench NA", DEFAULT_SELLER_ID, "NA", DEFAULT_REFRESH_TOKEN),
        ("Bench EU", EU_SELLER, "EU", EU_REFRESH_TOKEN),
    ):
        accounts |= env["amazon.account"].create(
            {
                "name": name,
                "seller_id": seller_id,
                "region": region,
                "lwa_client_id": DEFAULT_CLIENT_ID,
                "lwa_client_secret": DEFAULT_CLIENT_SECRET,
                "refresh_token": token,
                "environment": "local",
                "local_endpoint": args.sandbox,
                "first_import_date": start,
            }
        )
    env.cr.commit()
    return {"accounts": accounts.ids}


def _rss_mb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _sql_count():
    from odoo import sql_db

    return sql_db.sql_counter


def phase_import(env, args):
    Account = env["amazon.account"]
    accounts = Account.search([])
    env.cr.commit()
    rss_before = _rss_mb()
    queries_before = _sql_count()
    started = time.monotonic()
    runs = 0
    while True:
        runs += 1
        Account._cron_import_orders()
        env.cr.commit()
        accounts.invalidate_recordset()
        pending = accounts.filtered(lambda a: a.orders_checkpoint or a.history_start)
        if not pending or runs >= 100:
            break
    seconds = time.monotonic() - started
    queries = _sql_count() - queries_before
    rss_after = _rss_mb()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    logs = env["amazon.sync.log"].search([])
    sale_orders = env["sale.order"].search_count([("amazon_account_id", "!=", False)])
    failures = env["amazon.order.failure"].search_count([])
    return {
        "seconds": seconds,
        "runs": runs,
        "orders": sale_orders,
        "created": sum(logs.mapped("orders_created")),
        "skipped": sum(logs.mapped("orders_skipped")),
        "failed": failures,
        "statuses": sorted(set(logs.mapped("status"))),
        "queries": queries,
        "rss_before_mb": rss_before,
        "rss_after_mb": rss_after,
        "peak_mb": peak,
    }


def _order_values(env):
    """The imported sales orders, as values to create the same orders again."""
    from odoo import Command

    orders = env["sale.order"].search([("amazon_account_id", "!=", False)], order="id")
    values = []
    for order in orders:
        values.append(
            {
                "partner_id": order.partner_id.id,
                "partner_invoice_id": order.partner_invoice_id.id,
                "partner_shipping_id": order.partner_shipping_id.id,
                "pricelist_id": order.pricelist_id.id,
                "fiscal_position_id": order.fiscal_position_id.id,
                "company_id": order.company_id.id,
                "warehouse_id": order.warehouse_id.id,
                "team_id": order.team_id.id,
                "user_id": order.user_id.id,
                "date_order": order.date_order,
                "client_order_ref": f"baseline {order.client_order_ref or order.id}",
                "order_line": [
                    Command.create(
                        {
                            "product_id": line.product_id.id,
                            "name": line.name,
                            "product_uom_qty": line.product_uom_qty,
                            "price_unit": line.price_unit,
                            "tax_ids": [Command.set(line.tax_ids.ids)],
                            "discount": line.discount,
                        }
                    )
                    for line in order.order_line
                ],
            }
        )
    env.invalidate_all()
    return values


def _baseline(env, batch_size):
    values = _order_values(env)
    env.cr.commit()
    SaleOrder = env["sale.order"]
    queries_before = _sql_count()
    started = time.monotonic()
    for start in range(0, len(values), BATCH):
        chunk = values[start : start + BATCH]
        if batch_size == 1:
            for vals in chunk:
                SaleOrder.create(vals).action_confirm()
        else:
            SaleOrder.create(chunk).action_confirm()
        env.cr.commit()
        env.invalidate_all()
    seconds = time.monotonic() - started
    return {
        "orders": len(values),
        "seconds": seconds,
        "queries": _sql_count() - queries_before,
    }


def phase_baseline_single(env, args):
    return _baseline(env, 1)


def phase_baseline_batch(env, args):
    return _baseline(env, BATCH)


# === REPORT === #


def _verdict(ok):
    return "PASS" if ok else "FAIL"


def _duration(seconds):
    if seconds < 120:
        return f"{seconds:.0f} s"
    hours, rest = divmod(int(seconds), 3600)
    return (
        f"{hours} h {rest // 60:02d} min"
        if hours
        else f"{rest // 60} min {rest % 60:02d} s"
    )


def render(rows):
    lines = [
        f"Machine: {machine()}",
        "",
        "| Orders | Figure | Value | Target | Result |",
        "| ---: | --- | ---: | --- | --- |",
    ]
    for r in rows:
        n = r["count"]
        imp = r
        orders = imp["orders"] or 1  # sales orders: the Amazon orders to import
        rate = imp["orders"] / imp["seconds"]
        single_rate = r["single"]["orders"] / r["single"]["seconds"]
        batch_rate = r["batch"]["orders"] / r["batch"]["seconds"]
        # SP-API calls per Amazon order read (the LWA token calls are not SP-API).
        calls = sum(v for k, v in r["calls"].items() if k != "lwa.token")
        v0_calls = sum(v for k, v in r["v0_calls"].items() if k != "lwa.token")
        growth = imp["rss_after_mb"] - imp["rss_before_mb"]

        def add(figure, value, target="", result="", n=n):
            lines.append(f"| {n:,} | {figure} | {value} | {target} | {result} |")

        add(
            "Amazon orders read: sales orders (created / skipped / failed)",
            f"{n:,}: {imp['orders']:,} ({imp['created']:,} / {imp['skipped']:,} / "
            f"{imp['failed']})",
            f"{imp['expected']:,} (every paid sale), 0 failed",
            _verdict(imp["failed"] == 0 and imp["orders"] == imp["expected"]),
        )
        add(
            "Import: seconds, orders/s (scheduled runs)",
            f"{imp['seconds']:.1f} s, {rate:.1f}/s ({imp['runs']})",
            "10,000 in ≤ 15 min" if n >= 10000 else "",
            _verdict(imp["seconds"] * 10000 / n <= TARGET_SECONDS_10K)
            if n >= 10000
            else "",
        )
        add(
            "Baseline, ORM one at a time: seconds, orders/s",
            f"{r['single']['seconds']:.1f} s, {single_rate:.1f}/s",
            "",
            f"import = {rate / single_rate:.2f} ×",
        )
        add(
            "Baseline, ORM batches of 100: seconds, orders/s",
            f"{r['batch']['seconds']:.1f} s, {batch_rate:.1f}/s",
            f"import ≥ {TARGET_RATIO} × batched",
            f"{_verdict(rate >= TARGET_RATIO * batch_rate)} "
            f"({rate / batch_rate:.2f} ×)",
        )
        add(
            "SQL queries per order: import / ORM batched",
            f"{imp['queries'] / orders:.0f} / "
            f"{r['batch']['queries'] / max(r['batch']['orders'], 1):.0f}",
        )
        add(
            "Memory: peak RSS, growth during the import",
            f"{imp['peak_mb']:.0f} MB, {growth:+.0f} MB",
            f"growth ≤ {TARGET_MEMORY_MB} MB" if n >= 10000 else "",
            _verdict(growth <= TARGET_MEMORY_MB) if n >= 10000 else "",
        )
        add(
            "SP-API calls, our path (2026-01-01)",
            ", ".join(f"{k} {v}" for k, v in sorted(r["calls"].items())),
        )
        add(
            "SP-API calls per Amazon order, our path",
            f"{calls / n:.4f}",
            f"≤ {TARGET_CALLS_PER_ORDER}",
            _verdict(calls / n <= TARGET_CALLS_PER_ORDER),
        )
        add(
            "SP-API calls, v0 path (same orders)",
            ", ".join(f"{k} {v}" for k, v in sorted(r["v0_calls"].items())),
        )
        add("SP-API calls per Amazon order, v0 path", f"{v0_calls / n:.4f}")
        add(
            "At Amazon's default rate limits (replay): our path / v0",
            f"{_duration(r['replay'])} / {_duration(r['v0_replay'])}",
        )
    return "\n".join(lines)


def machine():
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as info:
            names = [
                line.split(":", 1)[1].strip()
                for line in info
                if line.startswith("model name")
            ]
        cpu = names[0] if names else cpu
    except OSError:
        pass
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError):
        memory = 0
    import odoo.release

    return (
        f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GiB, Python "
        f"{platform.python_version()}, Odoo {odoo.release.version}, PostgreSQL on "
        f"the same machine; {datetime.now(timezone.utc):%Y-%m-%d}"
    )


def update_readme(table):
    readme = REPO / "README.md"
    text = readme.read_text()
    start, end = "<!-- bench:start -->", "<!-- bench:end -->"
    if start not in text or end not in text:
        sys.exit("README.md has no bench markers")
    before, rest = text.split(start, 1)
    _old, after = rest.split(end, 1)
    readme.write_text(f"{before}{start}\n{table}\n{end}{after}")
    print("README.md updated.")


if __name__ == "__main__":
    sys.exit(main())
