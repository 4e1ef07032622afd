"""Small pure helpers of the addon (no ORM)."""

import hashlib
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
