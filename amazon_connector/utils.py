"""Small pure helpers of the addon (no ORM)."""

import hashlib
import re
import unicodedata
from datetime import timezone
from decimal import ROUND_HALF_UP, Decimal


def naive_utc(moment):
    """An aware datetime as Odoo stores it: naive UTC."""
    if not moment:
        return False
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def buyer_key(*parts):
    """A compact, stable key of a buyer's identity (its parts are not stored twice)."""
    text = "\x1f".join("" if p is None else str(p).strip().lower() for p in parts)
    return hashlib.sha256(text.encode()).hexdigest()


def service_level_spellings(level):
    """Internal references a service level may be written with: STANDARD, Standard..."""
    if not level:
        return set()
    words = level.split("_")
    return {level, level.lower(), level.title(), "".join(w.capitalize() for w in words)}


def even_chunks(amount, quantity, digits):
    """Split ``amount`` (a Decimal) over ``quantity`` units at ``digits`` decimals.

    :return: ``[(quantity, amount)]`` when the unit price is exact, else two chunks: all
        units but one at the rounded unit price, and one unit at the rest.
    """
    exponent = Decimal(1).scaleb(-digits)
    unit = (amount / quantity).quantize(exponent, rounding=ROUND_HALF_UP)
    if quantity == 1 or unit * quantity == amount:
        return [(quantity, amount)]
    return [(quantity - 1, unit * (quantity - 1)), (1, amount - unit * (quantity - 1))]


def same_address(partner, values):
    """Whether a partner's own address (and name) is this address."""
    for field in ("street", "street2", "city", "zip", "country_id", "state_id"):
        current = partner[field].id if field.endswith("_id") else partner[field]
        if (current or False) != (values.get(field) or False):
            return False
    return partner.name == values.get("name")


# Latin letters that have no accent to strip, but are written without it all the same
# (Turkish ı, Polish ł...).
_LETTERS = str.maketrans(
    {"ı": "i", "ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "æ": "ae",
     "Æ": "ae", "œ": "oe", "Œ": "oe", "&": " and "}
)  # fmt: skip


def place_key(text):
    """A state's or region's name or code as it compares: without accents, case,
    spaces or punctuation ("Ciudad de México" and "CIUDAD DE MEXICO" are the same;
    "D.F." is "df"; "&" is "and"; Japanese and other scripts are kept)."""
    decomposed = unicodedata.normalize("NFKD", (text or "").translate(_LETTERS))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[\W_]+", "", bare.casefold())


# Words around a state's name that do not tell states apart.
_NAME_SUFFIXES = re.compile(
    r"(\s+(län|province|state|prefecture|county|region)|-(ken|fu|to)|[都府県])$",
    re.IGNORECASE,
)
_NAME_PREFIXES = re.compile(r"^(county|co\.|province of|state of)\s+", re.IGNORECASE)


def place_variants(name):
    """The ways Odoo's name of a state may be written, as ``place_key`` keys: whole,
    each of its alternatives ("Alacant (Alicante)", "Araba/Álava"), and without the
    words that only say it is a state ("Stockholms län", "東京都")."""
    names = {name, re.sub(r"\(.*?\)", " ", name).strip()}
    names.update(re.findall(r"\((.*?)\)", name))
    for part in list(names):
        names.update(p.strip() for p in part.split("/"))
    for part in list(names):
        short = _NAME_SUFFIXES.sub("", part)
        if short != part:
            names.add(short)
            if part.endswith(" län"):
                names.add(short.removesuffix("s"))  # Stockholms län: Stockholm
    return {key for key in map(place_key, names) if key}


def place_candidates(text, country_code):
    """The keys to look an Amazon state up by, most exact first: as Amazon wrote it,
    without the country prefix of an ISO code ("MX-JAL"), and without the words that
    only say it is a state ("Co. Dublin", "Tokyo-to", "Quebec Province")."""
    text = (text or "").strip()
    candidates = [text]
    prefix = f"{country_code or ''}-".casefold()
    if country_code and text.casefold().startswith(prefix):
        candidates.append(text[len(prefix) :])
    bare = _NAME_SUFFIXES.sub("", _NAME_PREFIXES.sub("", text))
    candidates.append(bare)
    keys = []
    for key in map(place_key, candidates):
        if key and key not in keys:
            keys.append(key)
    return keys
