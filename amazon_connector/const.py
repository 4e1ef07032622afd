"""Odoo-side constants of the Amazon connector (Amazon's facts live in amazon_sp)."""

from amazon_sp.feeds import CANCEL_REASONS

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

# Option of the Odoo server's configuration file listing the hosts, besides this
# machine, that a local endpoint may name (comma-separated).
LOCAL_HOSTS_OPTION = "amazon_local_endpoint_hosts"

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

# Amazon's order statuses, as AmazonOrder records spell them.
ORDER_STATUS_SELECTION = [
    ("pending", "Pending"),
    ("unshipped", "Unshipped"),
    ("partially_shipped", "Partially Shipped"),
    ("shipped", "Shipped"),
    ("canceled", "Canceled"),
    ("unfulfillable", "Unfulfillable"),
]
# Statuses whose orders become confirmed sales orders.
CONFIRMED_STATUSES = ("unshipped", "partially_shipped", "shipped")

FULFILLMENT_SELECTION = [
    ("fbm", "Fulfilled by Merchant (FBM)"),
    ("fba", "Fulfilled by Amazon (FBA)"),
]

API_VERSION_SELECTION = [
    ("auto", "Automatic (2026-01-01, else v0)"),
    ("2026-01-01", "Orders API 2026-01-01"),
    ("v0", "Orders API v0"),
]

# Kinds of sales order lines an Amazon item gives.
LINE_KIND_SELECTION = [
    ("item", "Item"),
    ("shipping", "Shipping"),
    ("gift_wrap", "Gift Wrap"),
]

# Amazon order references: 3-7-7 digits.
ORDER_REF_PATTERN = r"^\d{3}-\d{7}-\d{7}$"

# How Amazon writes some states that Odoo names otherwise: by country, Amazon's
# spelling -> Odoo's state code. Accents, case, spaces and punctuation do not count
# (see utils.place_key), and Odoo's own codes and names (with their alternatives, e.g.
# "Alacant (Alicante)") always match: only other spellings are listed here.
STATE_ALIASES = {
    "MX": {
        "CDMX": "CMX", "DF": "CMX", "Distrito Federal": "CMX", "Mexico City": "CMX",
        "Mexico DF": "CMX", "Ciudad de Mexico CDMX": "CMX",
        "Estado de Mexico": "MEX", "Edo de Mexico": "MEX", "Edo Mex": "MEX",
        "Edomex": "MEX", "State of Mexico": "MEX",
        "AGS": "AGU", "BC": "BCN", "CAMP": "CAM", "CHIH": "CHH", "CHIS": "CHP",
        "COAH": "COA", "Coahuila de Zaragoza": "COA", "DGO": "DUR", "GTO": "GUA",
        "HGO": "HID", "MICH": "MIC", "Michoacan de Ocampo": "MIC", "NL": "NLE",
        "QRO": "QUE", "Queretaro de Arteaga": "QUE", "QROO": "ROO", "Q ROO": "ROO",
        "TAMPS": "TAM", "TLAX": "TLA", "Veracruz de Ignacio de la Llave": "VER",
    },
    "US": {"Washington DC": "DC", "Washington D.C.": "DC"},
    "CA": {"PQ": "QC", "NF": "NL", "Newfoundland": "NL", "PEI": "PE",
           "Yukon Territory": "YT"},
    "IN": {
        "Orissa": "OD", "Chhattisgarh": "CG", "Pondicherry": "PY", "Uttaranchal": "UK",
        "New Delhi": "DL", "NCT of Delhi": "DL", "Andaman and Nicobar Islands": "AN",
    },
    "DE": {
        "Bavaria": "DE-BY", "Hesse": "DE-HE", "Lower Saxony": "DE-NI",
        "North Rhine-Westphalia": "DE-NW", "Rhineland-Palatinate": "DE-RP",
        "Saxony": "DE-SN", "Saxony-Anhalt": "DE-ST", "Thuringia": "DE-TH",
        "Mecklenburg-Western Pomerania": "DE-MV",
    },
    "IT": {
        "Milan": "MI", "Rome": "RM", "Florence": "FI", "Naples": "NA", "Turin": "TO",
        "Venice": "VE", "Genoa": "GE", "Padua": "PD", "Mantua": "MN", "Syracuse": "SR",
    },
    "JP": {
        "Hokkaido": "JP-01", "Aomori": "JP-02", "Iwate": "JP-03", "Miyagi": "JP-04",
        "Akita": "JP-05", "Yamagata": "JP-06", "Fukushima": "JP-07",
        "Ibaraki": "JP-08", "Tochigi": "JP-09", "Gunma": "JP-10", "Saitama": "JP-11",
        "Chiba": "JP-12", "Tokyo": "JP-13", "Kanagawa": "JP-14", "Niigata": "JP-15",
        "Toyama": "JP-16", "Ishikawa": "JP-17", "Fukui": "JP-18",
        "Yamanashi": "JP-19", "Nagano": "JP-20", "Gifu": "JP-21", "Shizuoka": "JP-22",
        "Aichi": "JP-23", "Mie": "JP-24", "Shiga": "JP-25", "Kyoto": "JP-26",
        "Osaka": "JP-27", "Hyogo": "JP-28", "Nara": "JP-29", "Wakayama": "JP-30",
        "Tottori": "JP-31", "Shimane": "JP-32", "Okayama": "JP-33",
        "Hiroshima": "JP-34", "Yamaguchi": "JP-35", "Tokushima": "JP-36",
        "Kagawa": "JP-37", "Ehime": "JP-38", "Kochi": "JP-39", "Fukuoka": "JP-40",
        "Saga": "JP-41", "Nagasaki": "JP-42", "Kumamoto": "JP-43", "Oita": "JP-44",
        "Miyazaki": "JP-45", "Kagoshima": "JP-46", "Okinawa": "JP-47",
    },
}  # fmt: skip

# Every incremental window starts this many minutes before the last one ended: Amazon
# sometimes makes an update visible after its time stamp. Orders read again are skipped.
WINDOW_OVERLAP_MINUTES = 10
# Seconds a "Sync orders" click may spend (the scheduled action has its own limit).
INTERACTIVE_TIME_BUDGET = 60
# Seconds one SP-API call of an import may wait for rate-limit tokens and backoff.
IMPORT_MAX_WAIT = 60
# Failed orders retried by id at the start of each run, at most.
FAILED_RETRIES_PER_RUN = 25
# Days of history an account looks back at its first import, by default.
FIRST_IMPORT_DAYS = 7
# Seconds a run may last when the scheduled action does not say (outside a cron).
CRON_TIME_BUDGET = 600

# Amazon's carrier codes for the carriers merchants use most (confirmShipment
# carrierCode); any other carrier is sent as "Other" with its name.
CARRIER_CODE_SELECTION = [
    ("Amazon Shipping", "Amazon Shipping"),
    ("Australia Post", "Australia Post"),
    ("Blue Dart", "Blue Dart"),
    ("BRT", "BRT"),
    ("Canada Post", "Canada Post"),
    ("Chronopost", "Chronopost"),
    ("Colissimo", "Colissimo"),
    ("Correos", "Correos"),
    ("Delhivery", "Delhivery"),
    ("Deutsche Post", "Deutsche Post"),
    ("DHL", "DHL"),
    ("DHL eCommerce", "DHL eCommerce"),
    ("DPD", "DPD"),
    ("FedEx", "FedEx"),
    ("GLS", "GLS"),
    ("Hermes", "Hermes"),
    ("Japan Post", "Japan Post"),
    ("La Poste", "La Poste"),
    ("OnTrac", "OnTrac"),
    ("Parcelforce", "Parcelforce"),
    ("PostNL", "PostNL"),
    ("Poste Italiane", "Poste Italiane"),
    ("Purolator", "Purolator"),
    ("Royal Mail", "Royal Mail"),
    ("SDA", "SDA"),
    ("SEUR", "SEUR"),
    ("TNT", "TNT"),
    ("UPS", "UPS"),
    ("USPS", "USPS"),
    ("Yamato Transport", "Yamato Transport"),
    ("Yodel", "Yodel"),
    ("Other", "Other (send the carrier's name)"),
]

CONFIRMATION_STATE_SELECTION = [
    ("to_send", "To Send"),
    ("sent", "Sent to Amazon"),
    ("error", "Refused by Amazon"),
    ("shipped_on_amazon", "Already Shipped on Amazon"),
]

# Amazon's reasons, as amazon_sp knows them.
CANCEL_REASON_SELECTION = list(CANCEL_REASONS.items())

# Marketplaces that share one FBA stock (the pan-European network): their inventory is
# read once. Every other marketplace has a network of its own.
PAN_EU_FBA_COUNTRIES = ("DE", "FR", "IT", "ES", "NL", "BE", "PL", "SE", "IE")
# Pickings confirmed and cancellations sent per account and run, at most.
SEND_BATCH = 200

# === OFFERS: LISTINGS, STOCK AND PRICES === #

# A listing's status on Amazon, as the listings import reads it.
LISTING_STATUS_SELECTION = [
    ("active", "Active"),
    ("inactive", "Inactive"),
    ("incomplete", "Incomplete"),
]
# Where an offer's stock and price stand with Amazon.
OFFER_SYNC_STATE_SELECTION = [
    ("to_send", "To Send"),
    ("sent", "Sent to Amazon"),
    ("refused", "Refused by Amazon"),
]
# A listings feed, from Odoo's side.
LISTINGS_FEED_STATE_SELECTION = [
    ("draft", "Being Sent"),
    ("submitted", "Processing at Amazon"),
    ("done", "Done"),
    ("fatal", "Rejected by Amazon"),
    ("cancelled", "Not Sent"),
]
# Minutes between two stock and price feeds of an account, at least: Amazon takes
# 5 listings feeds per 5 minutes and region, and advises few, large feeds.
OFFER_FEED_INTERVAL = 5
# Minutes after a stock change (a delivery validated, a receipt done) before the
# stock and price sending runs: changes made together go in one feed.
OFFER_SYNC_DELAY = 1
# Offers written per batch (one commit each) by the listings import.
LISTINGS_BATCH = 1000
# Days between two scheduled listings imports of an account.
LISTINGS_IMPORT_DAYS = 7
# Minutes before the import looks again at a report Amazon is still making.
LISTINGS_REPORT_POLL_MINUTES = 2
# Minutes before a listings import that Amazon throttled or could not answer runs again.
LISTINGS_RETRY_MINUTES = 15
# Seconds a click on "Import listings" waits for Amazon's reports.
LISTINGS_INTERACTIVE_WAIT = 20
# Refused offers an activity lists by name, at most (the others are counted).
REFUSALS_LISTED = 30

# === PRODUCT EXPORT (listing profiles) === #

# Minutes a product type definition is used before Amazon is asked for its version
# again (its schema is downloaded again only for a new version).
PRODUCT_TYPE_REFRESH = 60
# Minutes after which a listings feed still "Being Sent" was interrupted.
LISTING_FEED_STALE = 30
LISTING_MODE_SELECTION = [
    ("offer", "Offer on an Existing Amazon Product"),
    ("new", "New Product"),
]
LISTING_CONDITION_SELECTION = [
    ("new_new", "New"),
    ("new_open_box", "New - Open Box"),
    ("refurbished_refurbished", "Refurbished"),
    ("used_like_new", "Used - Like New"),
    ("used_very_good", "Used - Very Good"),
    ("used_good", "Used - Good"),
    ("used_acceptable", "Used - Acceptable"),
]
LISTING_STATE_SELECTION = [
    ("to_match", "Choose the Amazon Product"),
    ("invalid", "Not Valid"),
    ("to_send", "To Publish"),
    ("sending", "Waiting for Amazon"),
    ("listed", "Listed"),
    ("refused", "Refused by Amazon"),
    ("removed", "Removed from Amazon"),
]
LISTING_SOURCE_SELECTION = [
    ("field", "Product Field"),
    ("attribute", "Product Attribute"),
    ("fixed", "Fixed Value"),
]
# Attributes Odoo writes itself (offer, images): never mapped by hand.
LISTING_AUTOMATIC_ATTRIBUTES = (
    "condition_type",
    "merchant_suggested_asin",
    "purchasable_offer",
    "fulfillment_availability",
    "main_product_image_locator",
) + tuple(f"other_product_image_locator_{n}" for n in range(1, 9))
# Where a required attribute's value is looked for first: a product field.
LISTING_DEFAULT_FIELDS = {
    "item_name": "name",
    "product_description": "description_sale",
    "item_package_weight": "weight",
    "item_weight": "weight",
    "model_number": "default_code",
    "part_number": "default_code",
}
# Product attributes whose names suggest an Amazon attribute (lower case).
LISTING_DEFAULT_ATTRIBUTES = {
    "color": ("color", "colour", "couleur", "farbe"),
    "size": ("size", "taille", "größe"),
    "material": ("material", "matière"),
}
