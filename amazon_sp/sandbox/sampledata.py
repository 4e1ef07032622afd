"""What the sandbox's order generator (:mod:`.generator`) draws from.

Tax rates and exchange rates, order-id prefixes, buyers' names, places and streets in
the languages of the marketplaces, product words, cancellation reasons and gift
messages, and each seller's catalog. Changing what generated orders look like in one
country usually means changing a table here.
"""

import random
import string
from decimal import Decimal

# Consumer VAT/GST rates (tax-included marketplaces) and, for the US and Canada, the
# sales tax rates of a few states and provinces (tax-exclusive marketplaces).
VAT = {
    "DE": "0.19",
    "FR": "0.20",
    "IT": "0.22",
    "ES": "0.21",
    "NL": "0.21",
    "BE": "0.21",
    "IE": "0.23",
    "GB": "0.20",
    "SE": "0.25",
    "PL": "0.23",
    "TR": "0.20",
    "AE": "0.05",
    "SA": "0.15",
    "EG": "0.14",
    "IN": "0.18",
    "ZA": "0.15",
    "JP": "0.10",
    "AU": "0.10",
    "SG": "0.09",
    "MX": "0.16",
    "BR": "0.17",
}
FX = {
    "USD": "1",
    "CAD": "1.36",
    "MXN": "17",
    "BRL": "5",
    "EUR": "0.92",
    "GBP": "0.79",
    "SEK": "10.5",
    "PLN": "4",
    "TRY": "32",
    "AED": "3.67",
    "SAR": "3.75",
    "EGP": "48",
    "INR": "83",
    "ZAR": "18.5",
    "JPY": "150",
    "AUD": "1.5",
    "SGD": "1.35",
}
ORDER_PREFIX = {
    "US": "111",
    "CA": "702",
    "MX": "701",
    "BR": "701",
    "GB": "202",
    "DE": "302",
    "FR": "402",
    "IT": "403",
    "ES": "404",
    "NL": "405",
    "BE": "406",
    "IE": "407",
    "SE": "261",
    "PL": "408",
    "TR": "409",
    "AE": "410",
    "SA": "411",
    "EG": "412",
    "IN": "413",
    "ZA": "414",
    "JP": "249",
    "AU": "250",
    "SG": "503",
}

PEOPLE = {
    "US": (
        ["Jane", "Michael", "Zoë", "Carlos", "Aaliyah", "Nguyễn"],
        ["Doe", "O'Brien", "García", "Smith-Jones", "Washington", "Văn An"],
    ),
    "CA": (["Émilie", "Liam", "Chloé", "Noah"], ["Tremblay", "Gagnon", "Côté", "Roy"]),
    "MX": (
        ["José", "María", "Lucía", "Ángel"],
        ["Hernández", "López", "Muñoz", "Peña"],
    ),
    "BR": (
        ["João", "Ana", "Luíza", "Gonçalo"],
        ["Silva", "Araújo", "Conceição", "Souza"],
    ),
    "DE": (
        ["Jörg", "Müller", "Änne", "Björn", "Özlem"],
        ["Müller", "Schäfer", "Weiß", "Groß", "Köhler"],
    ),
    "FR": (
        ["Zoë", "François", "Hélène", "Gaël"],
        ["Lefèvre", "Dubois", "Béranger", "Noël"],
    ),
    "IT": (
        ["Niccolò", "Giulia", "Andrea", "Chiara"],
        ["Rossi", "D'Angelo", "Russo", "Bianchi"],
    ),
    "ES": (
        ["José", "Begoña", "Íñigo", "Nuria"],
        ["Álvarez", "Núñez", "Ibáñez", "García"],
    ),
    "NL": (["Daan", "Sanne", "Joël"], ["de Vries", "van den Berg", "Bakker"]),
    "BE": (["Loïc", "Elise", "Maarten"], ["Peeters", "Janssens", "Dubois"]),
    "IE": (["Siobhán", "Seán", "Aoife"], ["Ó Briain", "Murphy", "Kelly"]),
    "GB": (
        ["Sarah", "Oliver", "Siân", "Amelia"],
        ["Thompson", "O'Neill", "Smith", "Patel"],
    ),
    "SE": (["Åsa", "Björn", "Linnéa"], ["Öberg", "Åström", "Lindqvist"]),
    "PL": (["Łukasz", "Zofia", "Małgorzata"], ["Żółć", "Wiśniewski", "Kowalczyk"]),
    "TR": (["Çağlar", "Ayşe", "Gökhan"], ["Yılmaz", "Şahin", "Öztürk"]),
    "AE": (["Fatima", "Omar"], ["Al Mansouri", "Haddad"]),
    "SA": (["Noura", "Khalid"], ["Al Harbi", "Al Qahtani"]),
    "EG": (["Mona", "Ahmed"], ["Hassan", "Mostafa"]),
    "IN": (["Priya", "Arjun", "Ananya"], ["Sharma", "Iyer", "Reddy"]),
    "ZA": (["Thandiwe", "Pieter"], ["Nkosi", "van der Merwe"]),
    "JP": (["太郎", "花子", "健"], ["山田", "佐藤", "鈴木"]),
    "AU": (["Olivia", "Jack"], ["Nguyen", "Williams"]),
    "SG": (["Wei Ling", "Arun"], ["Tan", "Lim"]),
}
PLACES = {
    "US": [
        ("Seattle", "WA", "98101", "0.1025"),
        ("Austin", "TX", "78701", "0.0825"),
        ("Portland", "OR", "97201", "0"),
        ("Brooklyn", "NY", "11201", "0.08875"),
        ("Miami", "FL", "33101", "0.07"),
    ],
    "CA": [
        ("Toronto", "ON", "M5V 2T6", "0.13"),
        ("Montréal", "QC", "H2X 1Y4", "0.14975"),
        ("Calgary", "AB", "T2P 1J9", "0.05"),
    ],
    "MX": [
        ("Ciudad de México", "CDMX", "06700", None),
        ("Guadalajara", "JAL", "44100", None),
    ],
    "BR": [
        ("São Paulo", "SP", "01310-100", None),
        ("Belo Horizonte", "MG", "30130-000", None),
    ],
    "DE": [
        ("München", "BY", "80331", None),
        ("Köln", "NW", "50667", None),
        ("Berlin", "BE", "10115", None),
    ],
    "FR": [("Paris", "", "75011", None), ("Aix-en-Provence", "", "13100", None)],
    "IT": [("Milano", "MI", "20121", None), ("Roma", "RM", "00184", None)],
    "ES": [("Málaga", "MA", "29015", None), ("A Coruña", "C", "15001", None)],
    "NL": [("Den Haag", "ZH", "2511 CV", None)],
    "BE": [("Liège", "", "4000", None)],
    "IE": [("Dún Laoghaire", "Dublin", "A96 K4D8", None)],
    "GB": [
        ("London", "England", "SW1A 1AA", None),
        ("Cardiff", "Wales", "CF10 1EP", None),
    ],
    "SE": [("Göteborg", "", "411 05", None)],
    "PL": [("Łódź", "", "90-001", None), ("Kraków", "", "31-001", None)],
    "TR": [("İstanbul", "", "34000", None)],
    "AE": [("Dubai", "Dubai", "00000", None)],
    "SA": [("Riyadh", "", "11564", None)],
    "EG": [("Cairo", "", "11511", None)],
    "IN": [("Bengaluru", "KA", "560001", None)],
    "ZA": [("Cape Town", "WC", "8001", None)],
    "JP": [
        ("渋谷区", "東京都", "150-0002", None),
        ("大阪市", "大阪府", "530-0001", None),
    ],
    "AU": [("Sydney", "NSW", "2000", None)],
    "SG": [("Singapore", "", "018956", None)],
}
STREETS = [
    "Hauptstraße",
    "Rue de l'Église",
    "Calle Mayor",
    "Main Street",
    "Åvägen",
    "ul. Świętokrzyska",
    "Via Roma",
    "Oak Avenue",
    "1-2-3 神南",
]
WORDS = [
    "Bamboo",
    "Steel",
    "Organic",
    "Travel",
    "Kids",
    "Deluxe",
    "Mini",
    "Solar",
    "Ceramic",
    "Wireless",
    "Merino",
    "Café",
]
THINGS = [
    "Cutting Board",
    "Water Bottle",
    "Tea Set",
    "Backpack",
    "Lamp",
    "Headphones",
    "Socks",
    "Notebook",
    "Garden Hose",
    "Puzzle",
    "Yoga Mat",
    "Espresso Cups",
]
CANCEL_REASONS = [
    "Found cheaper somewhere else.",
    "Ordered by mistake.",
    "Delivery too slow. Änderung gewünscht.",
]
GIFT_MESSAGES = [
    "Happy birthday! 🎉",
    "Alles Gute zum Geburtstag, Jörg!",
    "Joyeux Noël ❄",
    "お誕生日おめでとう",
    "For you — with love.",
]


def catalog(seller_id, size=60):
    """The seller's products ``(sku, asin, title, USD price)``, the same every time."""
    rng = random.Random(f"catalog-{seller_id}")
    products = []
    for number in range(1, size + 1):
        asin = "B0" + "".join(rng.choices(string.ascii_uppercase + string.digits, k=8))
        title = f"{rng.choice(WORDS)} {rng.choice(THINGS)} {number}"
        price = Decimal(rng.choice([799, 1299, 1999, 2499, 3499, 4999, 8999])) / 100
        products.append((f"SKU-{number:04d}", asin, title, price))
    return products
