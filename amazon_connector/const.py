"""Odoo-side constants of the Amazon connector (Amazon's facts live in amazon_sp)."""

REGION_SELECTION = [
    ("NA", "North America"),
    ("EU", "Europe"),
    ("FE", "Far East"),
]

ENVIRONMENT_SELECTION = [
    ("production", "Production"),
    ("amazon_sandbox", "Amazon Sandbox"),
    ("local", "Local sandbox"),
]

# Fields whose change means the account must be checked against Amazon again.
CONNECTION_FIELDS = (
    "seller_id",
    "lwa_client_id",
    "lwa_client_secret",
    "refresh_token",
    "region",
    "environment",
    "local_endpoint",
)

# Region of an Amazon seller account, guessed from the country of the Odoo company.
REGION_BY_COUNTRY = {
    "US": "NA", "CA": "NA", "MX": "NA", "BR": "NA",
    "JP": "FE", "AU": "FE", "SG": "FE",
}  # fmt: skip

# Default products the connector falls back on, by kind: xml id (without module).
DEFAULT_PRODUCTS = {
    "sale": "default_product_sale",
    "shipping": "default_product_shipping",
}
