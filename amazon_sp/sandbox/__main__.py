"""Command line: ``python -m amazon_sp.sandbox --port 8765 [options]``."""

import argparse
import logging
import sys
from datetime import timedelta

from ..marketplaces import MARKETPLACES
from . import state as defaults
from .generator import generate
from .server import Sandbox


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m amazon_sp.sandbox",
        description="A local Amazon SP-API server (LWA token endpoint and SP-API "
        "operations) on 127.0.0.1, for tests and demos without an Amazon account.",
    )
    parser.add_argument(
        "--port", type=int, default=8765, help="TCP port (0: any free port)"
    )
    parser.add_argument("--seller-id", default=defaults.DEFAULT_SELLER_ID)
    parser.add_argument("--client-id", default=defaults.DEFAULT_CLIENT_ID)
    parser.add_argument("--client-secret", default=defaults.DEFAULT_CLIENT_SECRET)
    parser.add_argument("--refresh-token", default=defaults.DEFAULT_REFRESH_TOKEN)
    parser.add_argument(
        "--marketplaces",
        default=",".join(defaults.DEFAULT_MARKETPLACES),
        help="comma-separated MarketplaceIds the seller participates in, all of one "
        "region (default: Amazon.com, Amazon.ca, Amazon.com.mx)",
    )
    parser.add_argument(
        "--token-lifetime",
        type=float,
        default=3600,
        help="seconds an access token lives",
    )
    parser.add_argument(
        "--relax-rate-limits",
        action="store_true",
        help="do not answer 429 when Amazon's default usage plans are exceeded",
    )
    parser.add_argument(
        "--orders", type=int, default=0, help="generate this many realistic orders"
    )
    parser.add_argument(
        "--seed", type=int, default=0, help="seed of the order generator"
    )
    parser.add_argument(
        "--days",
        type=float,
        default=30,
        help="the generated orders are created over this many past days",
    )
    parser.add_argument("--verbose", action="store_true", help="log every request")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(message)s",
    )
    marketplaces = [m.strip() for m in args.marketplaces.split(",") if m.strip()]
    unknown = [m for m in marketplaces if m not in MARKETPLACES]
    if unknown:
        sys.exit(f"unknown marketplace ids: {', '.join(unknown)}")
    try:
        state = defaults.default_state(
            seller_id=args.seller_id,
            client_id=args.client_id,
            client_secret=args.client_secret,
            refresh_token=args.refresh_token,
            marketplaces=marketplaces,
            token_lifetime=args.token_lifetime,
            enforce_rate_limits=not args.relax_rate_limits,
        )
    except ValueError as exc:
        sys.exit(str(exc))
    if args.orders:
        end = state.clock.now() - timedelta(minutes=5)
        generate(
            state,
            args.seller_id,
            args.orders,
            args.seed,
            start=end - timedelta(days=args.days),
            end=end,
        )
    sandbox = Sandbox(state, port=args.port)
    seller = state.sellers[args.seller_id]
    names = ", ".join(MARKETPLACES[m].name for m in marketplaces)
    print(
        f"Amazon SP-API sandbox listening on {sandbox.url}\n"
        f"  Odoo account: Environment 'Local sandbox', Local Endpoint: {sandbox.url}\n"
        f"  seller id:     {seller.seller_id} (region {seller.region}: {names})\n"
        f"  client id:     {args.client_id}\n"
        f"  client secret: {args.client_secret}\n"
        f"  refresh token: {args.refresh_token}\n"
        f"  rate limits:   "
        f"{'relaxed' if args.relax_rate_limits else 'Amazon defaults'}; "
        f"access tokens live {args.token_lifetime:g} s\n"
        f"  orders:        {args.orders} generated "
        f"(seed {args.seed}, over {args.days:g} days)\n"
        f"  control:       {sandbox.url}/_sandbox/state\n"
        "These are the sandbox's own fake credentials, not Amazon's. Ctrl+C stops it.",
        flush=True,
    )
    try:
        sandbox.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        sandbox.httpd.server_close()


if __name__ == "__main__":
    main()
