#!/usr/bin/env python3
"""Offers benchmark: python3 bench/offers.py [--offers 10000] [--update-readme]

It starts the local SP-API sandbox (Amazon's default rate limits) with N generated FBM
listings on Amazon.com, creates a fresh database with amazon_connector installed and N
stored products whose internal references are the SKUs, each with stock, and measures,
each phase in a process of its own:

- the listings import of the N SKUs (**Import listings**' method, run again while
  Amazon's report is not done): seconds, SP-API calls, offers created and paired;
- the stock sending: a first run sends every quantity (never sent before); then the
  stock of every product changes, and the measured run sends the N changed offers:
  its seconds, the part of them spent in SP-API calls (the sandbox applies the feed
  while it answers getFeed, as Amazon would on its side), the rest being Odoo's time
  (computing, writing, building the feed, reading the report), the feeds used, and
  the SP-API calls per changed offer (getFeed polls left out);
- that Amazon then holds every new quantity.

It prints a table with PASS/FAIL against the issue's targets; ``--update-readme``
writes it into README.md between the ``bench-offers`` markers.
"""

import math
import re
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import phases  # noqa: E402
from run import (  # noqa: E402 - the import benchmark's helpers, shared
    PYTHON,
    REPO,
    control,
    create_database,
    drop_database,
    machine,
    odoo_addons_path,
)

US = "ATVPDKIKX0DER"
TARGET_SECONDS = 120  # Odoo time to compute and send 10,000 changed offers
TARGET_FEEDS_PER_10K = 1
TARGET_CALLS_PER_OFFER = 0.001
POLLS = ("feeds.getFeed",)  # left out of the calls per offer


def main(argv=None):
    parser = phases.arguments(__file__, __doc__)
    parser.add_argument("--offers", type=int, default=10000)
    return phases.main(parser, argv, bench, render, run_phase, update_readme)


class Sandbox:
    """The sandbox in a process of its own, with Amazon's default rate limits."""

    def __init__(self):
        self.process = subprocess.Popen(
            [PYTHON, "-m", "amazon_sp.sandbox", "--port", "0"],
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


def bench(args):
    count = args.offers
    addons_path = odoo_addons_path()
    db = f"amazon_bench_offers_{count}_{int(time.time())}"
    sandbox = Sandbox()
    try:
        url = sandbox.url
        control(
            url,
            "POST",
            "listings/generate",
            {"count": count, "marketplaces": [US], "fba_share": 0, "seed": 1},
        )
        create_database(db, addons_path)
        try:
            phase("setup", db, url, addons_path, count=count)
            control(url, "DELETE", "requests")
            result = {"count": count, "import": phase("import", db, url, addons_path)}
            result["import"]["calls"] = received(url)
            phase("send-first", db, url, addons_path)
            phase("change-stock", db, url, addons_path)
            control(url, "DELETE", "requests")
            result["send"] = phase("send", db, url, addons_path)
            result["send"]["calls"] = received(url)
            result["holds"] = amazon_holds(url, result["send"]["expected"])
        finally:
            if args.keep_db:
                print(f"Database kept: {db}")
            else:
                drop_database(db)
    finally:
        sandbox.stop()
    return result


def received(url):
    counts = {}
    for request in control(url, "GET", "requests")["requests"]:
        operation = request.get("operation")
        if operation:
            counts[operation] = counts.get(operation, 0) + 1
    return counts


def amazon_holds(url, expected):
    """How many SKUs Amazon holds the expected quantity of."""
    listings = control(url, "GET", "listings")["listings"]
    return sum(
        1 for sku, quantity in expected.items() if listings[sku]["quantity"] == quantity
    )


def phase(name, db, url, addons_path, **options):
    """Run one measured phase in a process of its own; return what it reports."""
    extra = ["--offers", str(options["count"])] if "count" in options else []
    return phases.run_phase_process(__file__, name, db, url, addons_path, extra)


# === PHASES (in a process of their own, with Odoo) === #


def run_phase(args):
    return phases.serve_phase(
        args,
        {
            "setup": phase_setup,
            "import": phase_import,
            "send-first": phase_send_first,
            "change-stock": phase_change_stock,
            "send": phase_send,
        },
    )


def phase_setup(env, args):
    from amazon_sp.sandbox import (
        DEFAULT_CLIENT_ID,
        DEFAULT_CLIENT_SECRET,
        DEFAULT_REFRESH_TOKEN,
        DEFAULT_SELLER_ID,
    )

    env.ref("base.USD").active = True
    env.company.country_id = env.ref("base.us")
    account = env["amazon.account"].create(
        {
            "name": "Bench NA",
            "seller_id": DEFAULT_SELLER_ID,
            "region": "NA",
            "lwa_client_id": DEFAULT_CLIENT_ID,
            "lwa_client_secret": DEFAULT_CLIENT_SECRET,
            "refresh_token": DEFAULT_REFRESH_TOKEN,
            "environment": "local",
            "local_endpoint": args.sandbox,
            "offer_send_stock": True,
        }
    )
    account.active_marketplace_ids = env.ref("amazon_connector.marketplace_us")
    products = env["product.product"].create(
        [
            {
                "name": f"Bench product {n}",
                "default_code": f"SKU-{n:06d}",
                "type": "consu",
                "is_storable": True,
            }
            for n in range(1, args.offers + 1)
        ]
    )
    location = env["stock.warehouse"].search([], limit=1).lot_stock_id
    env["stock.quant"].sudo().create(
        [
            {"product_id": p.id, "location_id": location.id, "quantity": 10 + i % 90}
            for i, p in enumerate(products)
        ]
    )
    env.cr.commit()
    return {"account": account.id, "products": len(products)}


def _account(env):
    return env["amazon.account"].search([("name", "=", "Bench NA")])


def phase_import(env, args):
    account = _account(env)
    env.cr.commit()
    started = time.monotonic()
    runs = 0
    while True:
        runs += 1
        finished = account._amazon_import_listings(600, force=runs == 1)
        env.cr.commit()
        if finished or runs >= 50:
            break
        time.sleep(1)
    seconds = time.monotonic() - started
    offers = env["amazon.offer"].search([("account_id", "=", account.id)])
    return {
        "seconds": seconds,
        "runs": runs,
        "offers": len(offers),
        "paired": len(offers.filtered("product_id")),
        "message": account.listings_message,
    }


def phase_send_first(env, args):
    account = _account(env)
    env.cr.commit()
    summary = account._amazon_send_offers(600, min_interval=0)
    env.cr.commit()
    return {k: v for k, v in summary.items() if k != "error"} | {
        "error": summary.get("error") or ""
    }


def phase_change_stock(env, args):
    account = _account(env)
    offers = env["amazon.offer"].search([("account_id", "=", account.id)])
    location = env["stock.warehouse"].search([], limit=1).lot_stock_id
    Quant = env["stock.quant"].sudo()
    for offer in offers:
        Quant._update_available_quantity(offer.product_id, location, 1 + offer.id % 7)
    env.cr.commit()
    return {"changed": len(offers)}


def phase_send(env, args):
    """The measured run: the stock of every offer changed."""
    from amazon_sp import client

    spent = {"seconds": 0.0}
    real_call = client.SellerConnection.call

    def timed_call(self, operation, func, *a, **kw):
        started = time.monotonic()
        try:
            return real_call(self, operation, func, *a, **kw)
        finally:
            spent["seconds"] += time.monotonic() - started

    client.SellerConnection.call = timed_call  # counts time, changes nothing
    account = _account(env)
    env.cr.commit()
    started = time.monotonic()
    summary = account._amazon_send_offers(600, min_interval=0)
    env.cr.commit()
    seconds = time.monotonic() - started
    offers = env["amazon.offer"].search([("account_id", "=", account.id)])
    return {
        "seconds": seconds,
        "in_calls": spent["seconds"],
        "feeds": summary["feeds"],
        "messages": summary["messages"],
        "error": summary.get("error") or "",
        "sent": len(offers.filtered(lambda o: o.sync_state == "sent")),
        "expected": {o.sku: o.odoo_quantity for o in offers},
    }


# === REPORT === #


_verdict = phases.verdict


def render(r):
    n = r["count"]
    imp, send = r["import"], r["send"]
    import_calls = sum(v for k, v in imp["calls"].items() if k != "lwa.token")
    send_calls = {k: v for k, v in send["calls"].items() if k != "lwa.token"}
    counted = sum(v for k, v in send_calls.items() if k not in POLLS)
    odoo_seconds = send["seconds"] - send["in_calls"]
    allowed_feeds = max(1, math.ceil(n * TARGET_FEEDS_PER_10K / 10000))
    lines = [
        f"Machine: {machine()}",
        "",
        "| Offers | Figure | Value | Target | Result |",
        "| ---: | --- | ---: | --- | --- |",
    ]

    def add(figure, value, target="", result=""):
        lines.append(f"| {n:,} | {figure} | {value} | {target} | {result} |")

    add(
        "Listings import: seconds (runs), offers created / paired",
        f"{imp['seconds']:.1f} s ({imp['runs']}), "
        f"{imp['offers']:,} / {imp['paired']:,}",
        f"{n:,} / {n:,}",
        _verdict(imp["offers"] == n and imp["paired"] == n),
    )
    add(
        "Listings import: SP-API calls",
        f"{import_calls}: "
        + ", ".join(
            f"{k} {v}" for k, v in sorted(imp["calls"].items()) if k != "lwa.token"
        ),
    )
    add(
        "Stock changed, sent: seconds in all (in SP-API calls)",
        f"{send['seconds']:.1f} s ({send['in_calls']:.1f} s)",
    )
    add(
        "Stock changed, sent: Odoo's time (compute, feed, report)",
        f"{odoo_seconds:.1f} s",
        f"< {TARGET_SECONDS} s",
        _verdict(odoo_seconds < TARGET_SECONDS),
    )
    add(
        "Feeds used (messages)",
        f"{send['feeds']} ({send['messages']:,})",
        f"{TARGET_FEEDS_PER_10K} per 10,000",
        _verdict(send["feeds"] <= allowed_feeds and send["messages"] == n),
    )
    add(
        "SP-API calls",
        ", ".join(f"{k} {v}" for k, v in sorted(send_calls.items())),
    )
    add(
        "SP-API calls per changed offer, getFeed polls left out",
        f"{counted / n:.4f}",
        f"≤ {TARGET_CALLS_PER_OFFER}",
        _verdict(counted / n <= TARGET_CALLS_PER_OFFER),
    )
    add(
        "Offers Amazon holds Odoo's new quantity of / shown Sent",
        f"{r['holds']:,} / {send['sent']:,}",
        f"{n:,} / {n:,}",
        _verdict(r["holds"] == n and send["sent"] == n),
    )
    return "\n".join(lines)


def update_readme(table):
    phases.update_readme(table, "bench-offers")


if __name__ == "__main__":
    sys.exit(main())
