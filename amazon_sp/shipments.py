"""Shipment confirmations: Orders API v0 ``confirmShipment`` (which the 2026-01-01
version does not replace).

:func:`confirm_shipment` tells Amazon that one package of an FBM order left: carrier,
shipping method, tracking number, ship date, and the order items with their
quantities (:class:`Package`). Sending the same package reference again updates the
package instead of adding one.
"""

import re
from dataclasses import dataclass

from sp_api.api.orders.orders_v0 import OrdersV0

from .errors import InvalidInput
from .orders import format_datetime


@dataclass(frozen=True)
class Package:
    """A package of an FBM order, as Amazon's confirmShipment describes it.

    :param str reference_id: positive number, unique within the order; the same
        reference sent again updates the package.
    :param str carrier_code: Amazon's carrier code, or ``Other`` with ``carrier_name``.
    :param tuple items: ``(order_item_id, quantity)`` pairs.
    """

    reference_id: str
    carrier_code: str
    tracking_number: str
    ship_date: object  # aware datetime
    items: tuple
    carrier_name: str = ""
    shipping_method: str = ""

    def detail(self):
        """The ``PackageDetail`` object of the request body.

        :raise InvalidInput: if the package breaks Amazon's rules (before sending).
        """
        if not re.fullmatch(r"[1-9]\d*", str(self.reference_id)):
            raise InvalidInput("A package reference must be a positive number.")
        if not self.carrier_code:
            raise InvalidInput("A package needs a carrier code.")
        if self.carrier_code == "Other" and not self.carrier_name:
            raise InvalidInput("A package of carrier 'Other' needs the carrier's name.")
        if not self.tracking_number:
            raise InvalidInput("A package needs a tracking number.")
        if not self.items or any(quantity <= 0 for _item, quantity in self.items):
            raise InvalidInput("A package needs items with positive quantities.")
        detail = {
            "packageReferenceId": str(self.reference_id),
            "carrierCode": self.carrier_code,
            "trackingNumber": self.tracking_number,
            "shipDate": format_datetime(self.ship_date),
            "orderItems": [
                {"orderItemId": item_id, "quantity": int(quantity)}
                for item_id, quantity in self.items
            ],
        }
        if self.carrier_name:
            detail["carrierName"] = self.carrier_name
        if self.shipping_method:
            detail["shippingMethod"] = self.shipping_method
        return detail


def confirm_shipment(connection, order_id, marketplace_id, package):
    """Tell Amazon that a package of an FBM order left.

    :param SellerConnection connection: the seller's connection.
    :param str order_id: the Amazon order id.
    :param str marketplace_id: the order's marketplace.
    :param Package package: what left.
    :raise AmazonError: when Amazon refuses it or cannot be reached.
    """
    detail = package.detail()
    with connection.client(OrdersV0, marketplace_id=marketplace_id) as client:
        connection.call(
            "ordersV0.confirmShipment",
            client.confirm_shipment,
            order_id,
            marketplaceId=marketplace_id,
            packageDetail=detail,
        )
