#!/usr/bin/env python3
"""Product export benchmark: python3 bench/product_export.py [--products 1000]
[--update-readme]

It starts the local SP-API sandbox (Amazon's default rate limits), creates a fresh
database with amazon_connector installed and N products of one category (with a
material and a brand attribute, a weight and a sales description), and measures, each
phase in a process of its own:

- **Publish** of a "new product" profile (product type LUGGAGE, attributes from
  product fields, attribute values and a fixed value): seconds in all and in SP-API
  calls, the rest being Odoo's time (offers made, attributes written in the
  marketplace's language, each listing validated against the schema, the feed built,
  the report read); the feeds used; the SP-API calls (getFeed polls apart);
- **Publish** again with nothing changed: what is sent (nothing) and the calls;
- **Publish** of an "offer on an existing Amazon product" profile of N other products
  whose barcodes Amazon's catalog knows: the catalog searches (20 barcodes a call, at
  Amazon's 2 calls a second), the feeds and the calls.

It prints a table with PASS/FAIL against the issue's targets; ``--update-readme``
writes it into README.md between the ``bench-product-export`` markers.
"""

import math
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
# This repository's amazon_sp, whichever one is installed.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import phases  # noqa: E402
from offers import Sandbox, received  # noqa: E402 - the offers benchmark's helpers
from run import (  # noqa: E402 - the import benchmark's helpers, shared
    control,
    create_database,
    drop_database,
    machine,
    odoo_addons_path,
)

US = "ATVPDKIKX0DER"
TARGET_SECONDS = 120  # Odoo time to publish 1,000 products
TARGET_FEEDS = 1
TARGET_OTHER_CALLS = 6  # besides getFeed polls (and the batched catalog searches)
POLLS = ("feeds.getFeed",)
CATALOG = "catalogItems.searchCatalogItems"


def main(argv=None):
    parser = phases.arguments(__file__, __doc__)
    parser.add_argument("--products", type=int, default=1000)
    return phases.main(parser, argv, bench, render, run_phase, update_readme)


def _barcode(n):
    """A valid EAN-13 in the 20-29 range (for in-store use)."""
    digits = f"20{n:010d}"
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits))
    return digits + str((10 - total % 10) % 10)


def bench(args):
    count = args.products
    addons_path = odoo_addons_path()
    db = f"amazon_bench_export_{count}_{int(time.time())}"
    sandbox = Sandbox()
    try:
        url = sandbox.url
        control(
            url,
            "POST",
            "catalog",
            {
                "items": [
                    {
                        "asin": f"B0CAT{n:05d}",
                        "title": f"Catalog product {n}",
                        "identifiers": {"EAN": _barcode(n)},
                    }
                    for n in range(count)
                ]
            },
        )
        create_database(db, addons_path)
        try:
            phase("setup", db, url, addons_path, count=count)
            result = {"count": count}
            for name in ("publish", "publish-again", "publish-offers"):
                control(url, "DELETE", "requests")
                result[name] = phase(name, db, url, addons_path)
                result[name]["calls"] = received(url)
                result[name]["throttled"] = throttled(url)
            listings = control(url, "GET", "listings")["listings"]
            result["listed"] = len(listings)
        finally:
            if args.keep_db:
                print(f"Database kept: {db}")
            else:
                drop_database(db)
    finally:
        sandbox.stop()
    return result


def throttled(url):
    """Requests the sandbox answered 429 (tried again by the client), by operation."""
    counts = {}
    for request in control(url, "GET", "requests")["requests"]:
        if request.get("status") == 429 and request.get("operation"):
            counts[request["operation"]] = counts.get(request["operation"], 0) + 1
    return counts


def phase(name, db, url, addons_path, **options):
    """Run one measured phase in a process of its own; return what it reports."""
    extra = ["--products", str(options["count"])] if "count" in options else []
    return phases.run_phase_process(__file__, name, db, url, addons_path, extra)


# === PHASES (in a process of their own, with Odoo) === #


def run_phase(args):
    return phases.serve_phase(
        args,
        {
            "setup": phase_setup,
            "publish": lambda env, args: phase_publish(env, "Bench luggage"),
            "publish-again": lambda env, args: phase_publish(env, "Bench luggage"),
            "publish-offers": lambda env, args: phase_publish(env, "Bench offers"),
        },
    )


def phase_setup(env, args):
    from odoo import Command  # noqa: PLC0415

    from amazon_sp.sandbox import (  # noqa: PLC0415
        DEFAULT_CLIENT_ID,
        DEFAULT_CLIENT_SECRET,
        DEFAULT_REFRESH_TOKEN,
        DEFAULT_SELLER_ID,
    )

    env["ir.config_parameter"].set_param("web.base.url", "https://bench.example.com")
    env.company.country_id = env.ref("base.us")
    us = env.ref("amazon_connector.marketplace_us")
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
        }
    )
    account.active_marketplace_ids = us
    material = env["product.attribute"].create(
        {"name": "Material", "value_ids": [Command.create({"name": "nylon"})]}
    )
    brand = env["product.attribute"].create(
        {"name": "Brand", "value_ids": [Command.create({"name": "Voyago"})]}
    )
    luggage = env["product.category"].create({"name": "Bench luggage"})
    resale = env["product.category"].create({"name": "Bench resale"})

    def line(attribute):
        return Command.create(
            {
                "attribute_id": attribute.id,
                "value_ids": [Command.set(attribute.value_ids.ids)],
            }
        )

    templates = env["product.template"].create(
        [
            {
                "name": f"Bench suitcase {n}",
                "categ_id": luggage.id,
                "type": "consu",
                "is_storable": True,
                "list_price": 50 + n % 100,
                "weight": 1.5 + n % 5,
                "description_sale": f"Four wheels\nTSA lock\nModel {n}",
                "attribute_line_ids": [line(material), line(brand)],
            }
            for n in range(args.products)
        ]
    )
    for n, template in enumerate(templates):
        template.product_variant_id.default_code = f"LUG-{n:06d}"
    env["product.product"].create(
        [
            {
                "name": f"Resold product {n}",
                "default_code": f"RES-{n:06d}",
                "barcode": _barcode(n),
                "categ_id": resale.id,
                "type": "consu",
                "is_storable": True,
                "list_price": 20 + n % 50,
            }
            for n in range(args.products)
        ]
    )
    profile = env["amazon.listing.profile"].create(
        {
            "name": "Bench luggage",
            "account_id": account.id,
            "marketplace_ids": [Command.set(us.ids)],
            "mode": "new",
            "product_type": "LUGGAGE",
            "categ_ids": [Command.set(luggage.ids)],
        }
    )
    profile.action_load_attributes()
    lines = {line.attribute: line for line in profile.line_ids}
    description = env["ir.model.fields"]._get("product.product", "description_sale")
    lines["bullet_point"].write({"source": "field", "field_id": description.id})
    lines["brand"].write({"source": "attribute", "product_attribute_id": brand.id})
    env["amazon.listing.profile"].create(
        {
            "name": "Bench offers",
            "account_id": account.id,
            "marketplace_ids": [Command.set(us.ids)],
            "mode": "offer",
            "categ_ids": [Command.set(resale.ids)],
        }
    )
    env.cr.commit()
    return {"account": account.id, "ready": profile.is_ready}


def phase_publish(env, name):
    from amazon_sp import client  # noqa: PLC0415

    spent = {"seconds": 0.0}
    real_call = client.SellerConnection.call

    def timed_call(self, operation, func, *a, **kw):
        started = time.monotonic()
        try:
            return real_call(self, operation, func, *a, **kw)
        finally:
            spent["seconds"] += time.monotonic() - started

    client.SellerConnection.call = timed_call  # counts time, changes nothing
    profile = env["amazon.listing.profile"].search([("name", "=", name)])
    env.cr.commit()
    started = time.monotonic()
    summary = profile._amazon_publish()
    env.cr.commit()
    seconds = time.monotonic() - started
    offers = profile.offer_ids
    return {
        "seconds": seconds,
        "in_calls": spent["seconds"],
        **summary,
        "listed": len(offers.filtered(lambda o: o.listing_state == "listed")),
    }


# === REPORT === #


_verdict = phases.verdict


def render(r):
    n = r["count"]
    lines = [
        f"Machine: {machine()}",
        "",
        "| Products | Figure | Value | Target | Result |",
        "| ---: | --- | ---: | --- | --- |",
    ]

    def add(figure, value, target="", result=""):
        lines.append(f"| {n:,} | {figure} | {value} | {target} | {result} |")

    def calls(phase):
        return {k: v for k, v in r[phase]["calls"].items() if k != "lwa.token"}

    def other(phase, leave_out=()):
        return sum(v for k, v in calls(phase).items() if k not in POLLS + leave_out)

    first = r["publish"]
    odoo_seconds = first["seconds"] - first["in_calls"]
    add(
        "New products, Publish: seconds in all (in SP-API calls)",
        f"{first['seconds']:.1f} s ({first['in_calls']:.1f} s)",
    )
    add(
        "New products, Publish: Odoo's time (offers, attributes, validation, feed, "
        "report)",
        f"{odoo_seconds:.1f} s",
        f"< {TARGET_SECONDS} s",
        _verdict(odoo_seconds < TARGET_SECONDS),
    )
    add(
        "New products: feeds used (messages), accepted / listed on Amazon",
        f"{first['feeds']} ({first['sent']:,}), {first['accepted']:,} / "
        f"{r['listed'] - r['publish-offers']['accepted']:,}",
        f"{TARGET_FEEDS} ({n:,}), {n:,} / {n:,}",
        _verdict(
            first["feeds"] <= TARGET_FEEDS
            and first["sent"] == n
            and first["accepted"] == n
        ),
    )
    add(
        "New products: SP-API calls",
        ", ".join(f"{k} {v}" for k, v in sorted(calls("publish").items())),
    )
    add(
        "New products: SP-API calls besides getFeed polls",
        f"{other('publish')}",
        f"≤ {TARGET_OTHER_CALLS}, none per product",
        _verdict(other("publish") <= TARGET_OTHER_CALLS),
    )
    again = r["publish-again"]
    add(
        "Publish again, nothing changed: sent (unchanged), seconds, SP-API calls",
        f"{again['sent']} ({again['unchanged']:,}), {again['seconds']:.1f} s, "
        f"{other('publish-again')}",
        f"0 ({n:,})",
        _verdict(again["sent"] == 0 and again["unchanged"] == n),
    )
    offers = r["publish-offers"]
    retried = offers.get("throttled", {}).get(CATALOG, 0)
    searches = calls("publish-offers").get(CATALOG, 0) - retried
    add(
        "Offers on existing products, Publish: seconds in all (in SP-API calls, "
        "mostly waiting for Amazon's 2 searches a second)",
        f"{offers['seconds']:.1f} s ({offers['in_calls']:.1f} s)",
    )
    add(
        "Offers: Odoo's time",
        f"{offers['seconds'] - offers['in_calls']:.1f} s",
        f"< {TARGET_SECONDS} s",
        _verdict(offers["seconds"] - offers["in_calls"] < TARGET_SECONDS),
    )
    add(
        "Offers: catalog searches (barcodes a search), answered 429 and tried again",
        f"{searches} ({n / max(searches, 1):.0f}), {retried}",
        f"{math.ceil(n / 20)} (20)",
        _verdict(searches <= math.ceil(n / 20)),
    )
    add(
        "Offers: feeds used (messages), accepted",
        f"{offers['feeds']} ({offers['sent']:,}), {offers['accepted']:,}",
        f"{TARGET_FEEDS} ({n:,}), {n:,}",
        _verdict(offers["feeds"] <= TARGET_FEEDS and offers["accepted"] == n),
    )
    add(
        "Offers: SP-API calls besides getFeed polls and catalog searches",
        f"{other('publish-offers', (CATALOG,))}",
        f"≤ {TARGET_OTHER_CALLS}",
        _verdict(other("publish-offers", (CATALOG,)) <= TARGET_OTHER_CALLS),
    )
    return "\n".join(lines)


def update_readme(table):
    phases.update_readme(table, "bench-product-export")


if __name__ == "__main__":
    sys.exit(main())
